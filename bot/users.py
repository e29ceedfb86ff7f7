"""The users: found or created per channel, with the language they chose.

A row is created only when there is something to keep: when the person accepts the privacy
notice (``accept``), or when they are in danger and their message goes to an operator at once
(``get_or_create`` from the escalation). Looking someone up (``find``) never creates a row.
"""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from bot.db.base import utcnow
from bot.db.models import User


async def find(session: AsyncSession, channel: str, external_id: str) -> User | None:
    """The user of ``channel`` with id ``external_id``, if the bot keeps anything about them."""
    return await session.scalar(
        select(User).where(User.channel == channel, User.external_id == external_id)
    )


async def get_or_create(session: AsyncSession, channel: str, external_id: str) -> User:
    """The user of ``channel`` with id ``external_id``, created if new (safe when concurrent)."""
    user = await find(session, channel, external_id)
    if user is not None:
        user.last_seen_at = utcnow()
        return user
    try:
        async with session.begin_nested():
            user = User(channel=channel, external_id=external_id)
            session.add(user)
    except IntegrityError:  # another worker created it first
        user = await find(session, channel, external_id)
        assert user is not None
    return user


async def accept(
    session: AsyncSession, channel: str, external_id: str, language: str
) -> tuple[User, bool]:
    """The person chose ``language``, which accepts the privacy notice: ``(user, first)``,
    ``first`` being True when they had not accepted it before."""
    user = await get_or_create(session, channel, external_id)
    first = user.consent_at is None
    user.language = language
    if first:
        user.consent_at = utcnow()
    return user, first
