"""Subscriptions to topics (🔔) and notification runs, whatever the channel.

A run remembers, per subscriber, that it was handled (``last_run_id``), so sending resumes
where it stopped after a restart, and nobody gets the same notice twice, even from two workers.
"""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import delete, func, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from bot.db.base import utcnow
from bot.db.models import NotificationRun, Subscription, User


async def subscribe(session: AsyncSession, user_id: int, topic: str) -> bool:
    """Subscribe the user to ``topic``; False if they already were."""
    found = await session.scalar(
        select(Subscription.id).where(Subscription.user_id == user_id, Subscription.topic == topic)
    )
    if found is not None:
        return False
    # Runs started before the subscription are not for this subscriber.
    latest = await session.scalar(select(func.max(NotificationRun.id))) or 0
    session.add(Subscription(user_id=user_id, topic=topic, last_run_id=latest))
    await session.flush()
    return True


async def unsubscribe(session: AsyncSession, user_id: int, topic: str) -> bool:
    """Remove the subscription; False if there was none."""
    result = await session.execute(
        delete(Subscription).where(Subscription.user_id == user_id, Subscription.topic == topic)
    )
    return bool(result.rowcount)  # type: ignore[attr-defined]


async def topics_of(session: AsyncSession, user_id: int) -> list[str]:
    rows = await session.scalars(select(Subscription.topic).where(Subscription.user_id == user_id))
    return sorted(rows.all())


async def count(session: AsyncSession, topic: str) -> int:
    """How many people follow ``topic``."""
    return int(
        await session.scalar(select(func.count(Subscription.id)).where(Subscription.topic == topic))
        or 0
    )


async def start_run(session: AsyncSession, topic: str, actor: str) -> NotificationRun:
    """A new run for the topic's current subscribers (sent by the channel's notifier)."""
    run = NotificationRun(topic=topic, created_by=actor, total=await count(session, topic))
    session.add(run)
    await session.flush()
    return run


async def last_run(session: AsyncSession, topic: str) -> NotificationRun | None:
    return await session.scalar(
        select(NotificationRun)
        .where(NotificationRun.topic == topic)
        .order_by(NotificationRun.id.desc())
        .limit(1)
    )


async def unfinished(session: AsyncSession) -> Sequence[NotificationRun]:
    rows = await session.scalars(
        select(NotificationRun)
        .where(NotificationRun.finished_at.is_(None))
        .order_by(NotificationRun.id)
    )
    return rows.all()


async def claim(
    session: AsyncSession, run: NotificationRun, limit: int = 20
) -> list[tuple[int, User]]:
    """Take up to ``limit`` subscribers of the run not yet handled in it: ``(subscription id,
    user)``. They are marked handled at once (several workers may send the same run; nobody
    gets a notice twice; one a worker dies holding is not sent)."""
    ids = list(
        (
            await session.scalars(
                select(Subscription.id)
                .where(Subscription.topic == run.topic, Subscription.last_run_id < run.id)
                .order_by(Subscription.id)
                .limit(limit)
                .with_for_update(skip_locked=True)
            )
        ).all()
    )
    if not ids:
        return []
    await session.execute(
        update(Subscription).where(Subscription.id.in_(ids)).values(last_run_id=run.id)
    )
    rows = await session.execute(
        select(Subscription.id, User)
        .join(User, User.id == Subscription.user_id)
        .where(Subscription.id.in_(ids))
        .order_by(Subscription.id)
    )
    return [(subscription_id, user) for subscription_id, user in rows]


async def counted(session: AsyncSession, run_id: int, delivered: bool) -> None:
    """Count one notice of the run as sent, or as failed for good."""
    column = NotificationRun.sent if delivered else NotificationRun.failed
    await session.execute(
        update(NotificationRun).where(NotificationRun.id == run_id).values({column: column + 1})
    )


async def finish(session: AsyncSession, run_id: int) -> None:
    await session.execute(
        update(NotificationRun).where(NotificationRun.id == run_id).values(finished_at=utcnow())
    )
