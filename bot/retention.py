"""What is kept only for a while, deleted when its time is up: messages and closed tickets after
the retention period (``MRC_MESSAGE_RETENTION_DAYS``), conversation memories after a day,
reminders' dates a week after they pass (``bot.reminders.store.GRACE``), the dashboard's record
of reminders sent after ``SENT_KEPT``.

Run at every start and every hour by the Telegram bot (each worker may run it: deleting twice
deletes nothing more).
"""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import update

from bot.db import Database
from bot.db.base import utcnow
from bot.db.models import User
from bot.escalation.tickets import purge_closed
from bot.history import purge_expired
from bot.reminders import store as reminders

#: The dialogue's memory of a conversation is forgotten after this long without a message.
MEMORY_KEPT = timedelta(days=1)


async def forget_old(db: Database, keep: timedelta = MEMORY_KEPT) -> int:
    """Drop memories of conversations idle for longer than ``keep``; return how many."""
    async with db.session() as session:
        result = await session.execute(
            update(User)
            .where(User.conversation.is_not(None), User.last_seen_at < utcnow() - keep)
            # Forgetting is not a sign of life: last_seen_at keeps its value.
            .values(conversation=None, last_seen_at=User.last_seen_at)
        )
    return int(result.rowcount or 0)  # type: ignore[attr-defined]


async def purge(db: Database, retention_days: int) -> int:
    """Delete everything past its time; return how many records went."""
    async with db.session() as session:
        deleted = await purge_expired(session, retention_days)
        deleted += await purge_closed(session, retention_days)
        deleted += await reminders.purge(session, utcnow().date())
    return deleted + await forget_old(db)
