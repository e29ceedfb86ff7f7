"""What the bot keeps of conversations: messages for a retention period, and feedback.

Store the minimum: no names or phone numbers, only the channel's user id (in ``users``). A user
can delete everything of theirs; messages older than the retention period are purged.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import delete, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.db.base import utcnow
from bot.db.models import Feedback, Message, Reminder, Subscription, User
from bot.dialogue import Reply


async def log_message(session: AsyncSession, user_id: int, text: str, reply: Reply) -> None:
    """Keep a user's message and what the bot did with it."""
    session.add(
        Message(
            user_id=user_id, text=text[:4096], language=reply.language, intent=reply.intent,
            confidence=reply.confidence, action=reply.action, article=reply.article,
            section=reply.section,
        )
    )  # fmt: skip


async def record_feedback(
    session: AsyncSession,
    user_id: int,
    topic: str,
    language: str,
    helpful: bool,
    section: str | None = None,
) -> None:
    """Keep a 👍 or 👎 on an answer (and the section it showed)."""
    session.add(
        Feedback(user_id=user_id, topic=topic, section=section, language=language, helpful=helpful)
    )


async def purge_expired(session: AsyncSession, retention_days: int) -> int:
    """Delete messages older than the retention period; return how many."""
    cutoff = utcnow() - timedelta(days=retention_days)
    result = await session.execute(delete(Message).where(Message.created_at < cutoff))
    return int(result.rowcount or 0)  # type: ignore[attr-defined]


async def delete_user_data(session: AsyncSession, user_id: int) -> None:
    """Delete a user with their messages, feedback, reminders and tickets (the staff group
    keeps the copies Telegram holds there; operators are asked to delete the topic)."""
    from bot.escalation.tickets import delete_personal_content

    await delete_personal_content(session, user_id)
    await session.execute(delete(Message).where(Message.user_id == user_id))
    await session.execute(delete(Feedback).where(Feedback.user_id == user_id))
    await session.execute(delete(Subscription).where(Subscription.user_id == user_id))
    await session.execute(delete(Reminder).where(Reminder.user_id == user_id))
    await session.execute(delete(User).where(User.id == user_id))


async def summary(session: AsyncSession, user_id: int) -> tuple[int, datetime | None]:
    """How many of the user's messages are kept, and when the oldest was sent."""
    row = (
        await session.execute(
            select(func.count(Message.id), func.min(Message.created_at)).where(
                Message.user_id == user_id
            )
        )
    ).one()
    return int(row[0]), row[1]


async def export_user_data(session: AsyncSession, user_id: int) -> dict[str, Any]:
    """Everything kept about a user, for them to see (``/privacy`` → "Send me my data")."""
    user = await session.get(User, user_id)
    if user is None:
        return {}
    messages = await session.scalars(
        select(Message).where(Message.user_id == user_id).order_by(Message.created_at)
    )
    feedback = await session.scalars(
        select(Feedback).where(Feedback.user_id == user_id).order_by(Feedback.created_at)
    )
    followed = await session.scalars(
        select(Subscription.topic).where(Subscription.user_id == user_id).order_by(Subscription.id)
    )
    reminders = await session.scalars(
        select(Reminder).where(Reminder.user_id == user_id).order_by(Reminder.id)
    )
    return {
        "user": {
            "channel": user.channel,
            "id": user.external_id,
            "language": user.language,
            "consent_at": user.consent_at.isoformat() if user.consent_at else None,
            "created_at": user.created_at.isoformat(),
        },
        "messages": [
            {
                "sent_at": m.created_at.isoformat(),
                "text": m.text,
                "language": m.language,
                "bot_action": m.action,
                "article": m.article,
                "section": m.section,
            }
            for m in messages
        ],
        "feedback": [
            {
                "at": f.created_at.isoformat(),
                "topic": f.topic,
                "section": f.section,
                "helpful": f.helpful,
            }
            for f in feedback
        ],
        "following": list(followed),
        "reminders": [
            {
                "kind": r.kind,
                "date": r.due.isoformat(),
                "region": r.region,
                "timezone": r.timezone,
                "next_reminder_at": r.next_at.isoformat() if r.next_at else None,
            }
            for r in reminders
        ],
        "conversation_memory": user.conversation,
    }
