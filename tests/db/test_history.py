"""Messages and feedback on a real database: kept, purged after retention, deleted on request."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot import history, users
from bot.db.base import utcnow
from bot.db.models import Feedback, Message, User
from bot.dialogue import Reply
from bot.dialogue.core import Action


async def count(session: AsyncSession, model: type) -> int:
    return int(await session.scalar(select(func.count()).select_from(model)) or 0)


async def test_messages_are_purged_after_the_retention_period(session: AsyncSession) -> None:
    user = await users.get_or_create(session, "telegram", "1")
    reply = Reply("...", "tg", "work_patent", 0.9, Action.ANSWER, article="work_patent")
    await history.log_message(session, user.id, "патент чи тавр", reply)
    await history.log_message(session, user.id, "кухна", reply)
    await session.flush()
    old = await session.scalar(select(Message).where(Message.text == "кухна"))
    assert old is not None
    old.created_at = utcnow() - timedelta(days=31)
    await session.flush()
    assert await history.purge_expired(session, retention_days=30) == 1
    kept = await session.scalar(select(Message))
    assert kept is not None
    assert (kept.text, kept.intent, kept.action, kept.article) == (
        "патент чи тавр", "work_patent", "answer", "work_patent",
    )  # fmt: skip


async def test_deleting_a_user_deletes_their_messages_and_feedback(session: AsyncSession) -> None:
    user = await users.get_or_create(session, "telegram", "2")
    other = await users.get_or_create(session, "telegram", "3")
    reply = Reply("...", "ru", action=Action.FALLBACK)
    await history.log_message(session, user.id, "текст", reply)
    await history.log_message(session, other.id, "другой", reply)
    await history.record_feedback(session, user.id, "work_patent", "ru", helpful=False)
    await session.flush()
    await history.delete_user_data(session, user.id)
    await session.flush()
    assert await count(session, Feedback) == 0
    assert await count(session, Message) == 1
    assert await session.scalar(select(User).where(User.external_id == "2")) is None
