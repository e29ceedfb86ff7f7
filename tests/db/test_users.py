"""Users on a real database: one row per channel and id, even under concurrency."""

from __future__ import annotations

import asyncio

import pytest
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from bot import users
from bot.db import Database
from bot.db.models import User


async def test_get_or_create_returns_the_same_user(session: AsyncSession) -> None:
    first = await users.get_or_create(session, "telegram", "42")
    second = await users.get_or_create(session, "telegram", "42")
    other = await users.get_or_create(session, "cli", "42")
    assert first.id == second.id
    assert other.id != first.id
    assert first.language is None
    assert first.created_at.tzinfo is not None


async def test_language_must_be_supported(session: AsyncSession) -> None:
    session.add(User(channel="telegram", external_id="7", language="de"))
    with pytest.raises(IntegrityError):
        await session.flush()


async def test_concurrent_first_messages_create_one_user(database_url: str) -> None:
    db = Database(database_url)
    external_id = f"concurrent-{database_url[-8:]}"

    async def first_message() -> int:
        async with db.session() as session:
            return (await users.get_or_create(session, "telegram", external_id)).id

    try:
        ids = await asyncio.gather(*(first_message() for _ in range(8)))
        async with db.session() as session:
            count = await session.scalar(
                select(func.count()).select_from(User).where(User.external_id == external_id)
            )
            await session.execute(User.__table__.delete().where(User.external_id == external_id))
    finally:
        await db.dispose()
    assert len(set(ids)) == 1
    assert count == 1
