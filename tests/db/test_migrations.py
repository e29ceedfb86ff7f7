"""The Alembic migrations: they build the schema of the models, and go down and up again."""

from __future__ import annotations

import asyncio

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import inspect
from sqlalchemy.engine import Connection
from sqlalchemy.pool import NullPool

from bot.db import Base, migrate
from bot.db import models as _models  # noqa: F401  (registers the models)
from bot.db.session import create_engine


async def _run(url: str, fn):  # type: ignore[no-untyped-def]
    engine = create_engine(url, poolclass=NullPool)
    try:
        async with engine.connect() as connection:
            return await connection.run_sync(fn)
    finally:
        await engine.dispose()


def _diff(connection: Connection) -> list[object]:
    context = MigrationContext.configure(connection, opts={"compare_type": True})
    return list(compare_metadata(context, Base.metadata))


def _tables(connection: Connection) -> set[str]:
    return set(inspect(connection).get_table_names())


def test_migrations_create_exactly_the_models_schema(empty_database_url: str) -> None:
    migrate.upgrade(empty_database_url)
    assert asyncio.run(_run(empty_database_url, _diff)) == []


def test_migrations_go_down_and_up_again(empty_database_url: str) -> None:
    migrate.upgrade(empty_database_url)
    assert "users" in asyncio.run(_run(empty_database_url, _tables))
    migrate.downgrade(empty_database_url, "base")
    assert asyncio.run(_run(empty_database_url, _tables)) <= {"alembic_version"}
    migrate.upgrade(empty_database_url)
    migrate.upgrade(empty_database_url)  # idempotent
    assert "users" in asyncio.run(_run(empty_database_url, _tables))
