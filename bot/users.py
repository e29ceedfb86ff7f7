"""The users: found or created per channel, with the language they chose."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from bot.db.base import utcnow
from bot.db.models import User


async def get_or_create(session: AsyncSession, channel: str, external_id: str) -> User:
    """The user of ``channel`` with id ``external_id``, created if new (safe when concurrent)."""
    query = select(User).where(User.channel == channel, User.external_id == external_id)
    user = await session.scalar(query)
    if user is not None:
        user.last_seen_at = utcnow()
        return user
    try:
        async with session.begin_nested():
            user = User(channel=channel, external_id=external_id)
            session.add(user)
    except IntegrityError:  # another worker created it first
        user = await session.scalar(query)
        assert user is not None
    return user
