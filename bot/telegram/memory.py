"""The dialogue's memory of a conversation, shared through the database when several workers
take a person's messages in turn (``MRC_WORKERS>1``); one worker keeps it in memory only.

Loaded before an update is handled and saved after; kept a day at most.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from sqlalchemy import select, update

from bot.db import Database
from bot.db.base import utcnow
from bot.db.models import User
from bot.dialogue import Conversation

#: Older memories are forgotten (the conversation has moved on; nothing lingers).
KEEP = timedelta(days=1)
FEEDBACK_KEPT = 10


def to_json(conversation: Conversation) -> dict[str, Any]:
    return {
        "at": utcnow().isoformat(),
        "failed_in_row": conversation.failed_in_row,
        "last_question": conversation.last_question,
        "last_topic": conversation.last_topic,
        "feedback": [[t, h] for t, h in conversation.feedback[-FEEDBACK_KEPT:]],
    }


def from_json(data: dict[str, Any] | None) -> Conversation:
    """The remembered conversation (a fresh one if none, too old, or unreadable)."""
    from datetime import datetime

    try:
        if not data or datetime.fromisoformat(str(data["at"])) < utcnow() - KEEP:
            return Conversation()
        return Conversation(
            failed_in_row=int(data.get("failed_in_row", 0)),
            last_question=data.get("last_question"),
            last_topic=data.get("last_topic"),
            feedback=[(str(t), bool(h)) for t, h in data.get("feedback", [])],
        )
    except (KeyError, TypeError, ValueError):
        return Conversation()


async def load(db: Database, telegram_user_id: int) -> Conversation:
    async with db.session() as session:
        data = await session.scalar(
            select(User.conversation).where(
                User.channel == "telegram", User.external_id == str(telegram_user_id)
            )
        )
    return from_json(data)


async def save(db: Database, telegram_user_id: int, conversation: Conversation) -> None:
    """Keep the conversation (only for a user who exists: nothing is stored for someone who
    never got past the privacy notice)."""
    async with db.session() as session:
        await session.execute(
            update(User)
            .where(User.channel == "telegram", User.external_id == str(telegram_user_id))
            .values(conversation=to_json(conversation))
        )
