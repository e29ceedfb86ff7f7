"""What the bot knows of a person while it handles one of their updates: whether they accepted
the privacy notice, their language, and the dialogue's memory of the conversation.

One store, whatever the number of workers: the person's row in the database. It is read when an
update arrives (:func:`load`) and the conversation is written back after it (:func:`save`),
only when it changed and only for someone who accepted the notice: before that, nothing about a
person is kept (see ``bot.telegram.consent``). The memory is kept a day (``KEEP``) and then
dropped, by :func:`load` and by the hourly housekeeping (``bot.retention``).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import select, update

from bot.db import Database
from bot.db.base import utcnow
from bot.db.models import User
from bot.dialogue import Conversation
from bot.dialogue.payloads import REMINDER_KINDS
from bot.retention import MEMORY_KEPT
from bot.topics import COUNTRY_NAMES

#: Older memories are forgotten (the conversation has moved on; nothing lingers).
KEEP = MEMORY_KEPT
CHANNEL = "telegram"


@dataclass(frozen=True, slots=True)
class Person:
    """A person's row as the handlers of one update see it."""

    id: int
    #: The language they chose (set when they accept the notice), if any.
    language: str | None
    #: Whether they accepted the privacy notice (chose a language).
    consented: bool


def to_json(conversation: Conversation) -> dict[str, Any]:
    return {
        "at": utcnow().isoformat(),
        "failed_in_row": conversation.failed_in_row,
        "last_question": conversation.last_question,
        "last_topic": conversation.last_topic,
        "last_section": conversation.last_section,
        "country": conversation.country,
        "awaiting": conversation.awaiting,
    }


def _text(value: object, limit: int) -> str | None:
    """A remembered string, if it is one of a sensible length (the row may be old or edited)."""
    return value if isinstance(value, str) and 0 < len(value) <= limit else None


def from_json(data: dict[str, Any] | None, now: datetime | None = None) -> Conversation:
    """The remembered conversation (a fresh one if none, too old, or unreadable)."""
    try:
        if not data or datetime.fromisoformat(str(data["at"])) < (now or utcnow()) - KEEP:
            return Conversation()
        return Conversation(
            failed_in_row=int(data.get("failed_in_row", 0)),
            last_question=data.get("last_question"),
            last_topic=data.get("last_topic"),
            last_section=_text(data.get("last_section"), 32),
            country=data.get("country") if data.get("country") in COUNTRY_NAMES else None,
            awaiting=data.get("awaiting") if data.get("awaiting") in REMINDER_KINDS else None,
        )
    except (KeyError, TypeError, ValueError):
        return Conversation()


async def load(db: Database, telegram_user_id: int) -> tuple[Person | None, Conversation]:
    """The person (``None`` if the bot keeps nothing about them) and their conversation."""
    async with db.session() as session:
        row = (
            await session.execute(
                select(User.id, User.language, User.consent_at, User.conversation).where(
                    User.channel == CHANNEL, User.external_id == str(telegram_user_id)
                )
            )
        ).one_or_none()
    if row is None:
        return None, Conversation()
    person = Person(row.id, row.language, row.consent_at is not None)
    return person, from_json(row.conversation) if person.consented else Conversation()


async def save(db: Database, person: Person | None, conversation: Conversation) -> None:
    """Keep the conversation, for someone who accepted the notice (else nothing is kept)."""
    if person is None or not person.consented:
        return
    async with db.session() as session:
        await session.execute(
            update(User)
            .where(User.id == person.id, User.consent_at.is_not(None))
            .values(conversation=to_json(conversation))
        )
