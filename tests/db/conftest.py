"""Real databases: SQLite always, PostgreSQL when MRC_TEST_POSTGRES_URL is set.

Each run creates a fresh database and migrates it with Alembic (so the migrations are tested);
each test runs in a transaction that is rolled back (SAVEPOINTs for the code's own commits).
"""

from __future__ import annotations

import asyncio
import os
import uuid
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import asyncpg
import pytest
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.pool import NullPool

from bot.db import Database, migrate
from bot.db.session import create_engine
from bot.settings import async_database_url

POSTGRES_URL = os.environ.get("MRC_TEST_POSTGRES_URL")
BACKENDS = ["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)]


def _pg_dsn(url: str, database: str | None = None) -> str:
    parsed = make_url(url).set(drivername="postgresql")
    if database:
        parsed = parsed.set(database=database)
    return parsed.render_as_string(hide_password=False)


async def _pg_admin(url: str, sql: str) -> None:
    connection = await asyncpg.connect(_pg_dsn(url))
    try:
        await connection.execute(sql)
    finally:
        await connection.close()


def fresh_database(backend: str, tmp_dir: Path, server: str | None = POSTGRES_URL) -> Iterator[str]:
    """Create an empty database for ``backend`` (PostgreSQL on ``server``), yield its async
    URL, then drop it."""
    if backend == "sqlite":
        yield async_database_url(f"sqlite:///{tmp_dir / 'test.db'}")
        return
    if not server:
        pytest.skip("MRC_TEST_POSTGRES_URL is not set (.ci/run sets it)")
    name = f"mrc_test_{uuid.uuid4().hex[:12]}"
    asyncio.run(_pg_admin(server, f'CREATE DATABASE "{name}"'))
    try:
        yield async_database_url(_pg_dsn(server, name))
    finally:
        asyncio.run(_drop(server, name))


async def _drop(url: str, name: str) -> None:
    """Drop a test database. FORCE ends our own leftover connections; it is refused while an
    autovacuum worker (the server's own) is on the fresh database, so wait for that to end."""
    for attempt in range(40):
        try:
            await _pg_admin(url, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
            return
        except (asyncpg.InsufficientPrivilegeError, asyncpg.ObjectInUseError):
            if attempt == 39:
                raise
            await asyncio.sleep(0.25)


@pytest.fixture(scope="session", params=BACKENDS)
def database_url(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[str]:
    """A database migrated to the newest revision, shared by the tests of one backend."""
    gen = fresh_database(request.param, tmp_path_factory.mktemp(request.param))
    url = next(gen)
    migrate.upgrade(url)
    yield url
    next(gen, None)


@pytest.fixture(params=BACKENDS)
def empty_database_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """An empty database of its own, for tests of the migrations themselves."""
    yield from fresh_database(request.param, tmp_path)


@pytest.fixture
async def session(database_url: str) -> AsyncIterator[AsyncSession]:
    """A session whose work is rolled back at the end of the test."""
    engine = create_engine(database_url, poolclass=NullPool)
    async with engine.connect() as connection:
        transaction = await connection.begin()
        db_session = AsyncSession(
            bind=connection, join_transaction_mode="create_savepoint", expire_on_commit=False
        )
        try:
            yield db_session
        finally:
            await db_session.close()
            await transaction.rollback()
    await engine.dispose()


@pytest.fixture
async def db(empty_database_url: str) -> AsyncIterator[Database]:
    """A migrated database of its own, used through the product's ``Database`` (its own
    sessions and commits), for code that opens transactions itself."""
    await asyncio.to_thread(migrate.upgrade, empty_database_url)
    database = Database(empty_database_url)
    yield database
    await database.dispose()
