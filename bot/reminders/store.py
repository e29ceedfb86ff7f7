"""Reminders in the database: set, move, stop, and claim the ones due, so that each is sent
exactly once even by several workers (a conditional update: only the worker whose update
moves the row on sends it) and resumes after a restart (the next time is stored)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import delete, func, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from bot.db.models import Reminder, ReminderSent, User
from bot.reminders.schedule import DEFAULT_TIMEZONE, latest_passed, next_after

#: The kinds of date a person can be reminded of.
KINDS = ("patent", "registration", "stay")
#: A reminder whose date has passed is kept this long (so "I paid" under the last message
#: still works), then deleted with its date.
GRACE = dt.timedelta(days=7)
#: The dashboard's count of reminders sent (kind and time, no person) goes back this far.
SENT_KEPT = dt.timedelta(days=400)


@dataclass(frozen=True)
class Due:
    """A reminder to send now: the row as it was claimed and the step being sent."""

    reminder_id: int
    user: User
    kind: str
    due: dt.date
    region: str | None
    timezone: str
    step: int


async def set_date(
    session: AsyncSession,
    user_id: int,
    kind: str,
    due: dt.date,
    now: dt.datetime,
    region: str | None = None,
    timezone: str | None = None,
) -> Reminder:
    """Remind the user of ``due`` (one reminder per kind: a new date replaces the old one;
    the region and time zone are kept unless given)."""
    if kind not in KINDS:
        raise ValueError(f"unknown reminder kind: {kind!r}")
    row = await session.scalar(
        select(Reminder).where(Reminder.user_id == user_id, Reminder.kind == kind)
    )
    if row is None:
        row = Reminder(user_id=user_id, kind=kind, timezone=timezone or DEFAULT_TIMEZONE)
        session.add(row)
    elif timezone:
        row.timezone = timezone
    if region is not None:
        row.region = region
    row.due = due
    upcoming = next_after(due, now, row.timezone)
    row.next_step, row.next_at = upcoming if upcoming else (None, None)
    await session.flush()
    return row


async def set_timezone(session: AsyncSession, user_id: int, timezone: str, now: dt.datetime) -> int:
    """Send all the user's reminders in ``timezone`` from now on; return how many there are."""
    rows = (await session.scalars(select(Reminder).where(Reminder.user_id == user_id))).all()
    for row in rows:
        row.timezone = timezone
        upcoming = next_after(row.due, now, timezone)
        row.next_step, row.next_at = upcoming if upcoming else (None, None)
    await session.flush()
    return len(rows)


async def stop(session: AsyncSession, user_id: int, kind: str) -> bool:
    """Delete the reminder (and its date); False if there was none."""
    result = await session.execute(
        delete(Reminder).where(Reminder.user_id == user_id, Reminder.kind == kind)
    )
    return bool(result.rowcount)  # type: ignore[attr-defined]


async def of_user(session: AsyncSession, user_id: int) -> Sequence[Reminder]:
    """The user's reminders, in the order of KINDS."""
    rows = (await session.scalars(select(Reminder).where(Reminder.user_id == user_id))).all()
    return sorted(rows, key=lambda r: KINDS.index(r.kind))


async def claim(session: AsyncSession, now: dt.datetime, limit: int = 20) -> list[Due]:
    """Take up to ``limit`` reminders whose time has come, moving each on to its next step
    first: a row another worker moved in the meantime is left to it. (A worker that dies
    after claiming does not send that one: a reminder is never sent twice.)"""
    rows = (
        await session.execute(
            select(Reminder, User)
            .join(User, User.id == Reminder.user_id)
            .where(Reminder.next_at.is_not(None), Reminder.next_at <= now)
            .order_by(Reminder.next_at)
            .limit(limit)
            # PostgreSQL: rows another worker is claiming are skipped, so workers share the
            # work (SQLite has one writer at a time; the conditional update below suffices).
            .with_for_update(of=Reminder, skip_locked=True)
            .execution_options(populate_existing=True)  # as stored now, not as last seen
        )
    ).all()
    claimed = []
    for reminder, user in rows:
        if reminder.next_step is None:
            continue
        # Late (the bot was down): only the latest step whose time has come, not a burst.
        step = latest_passed(reminder.due, now, reminder.timezone, reminder.next_step)
        due = Due(
            reminder.id, user, reminder.kind, reminder.due, reminder.region, reminder.timezone,
            step,
        )  # fmt: skip
        upcoming = next_after(reminder.due, now, reminder.timezone, after=step)
        moved = await session.execute(
            update(Reminder)
            .where(
                Reminder.id == reminder.id,
                Reminder.next_step == reminder.next_step,
                Reminder.next_at == reminder.next_at,
            )
            .values(
                next_step=upcoming[0] if upcoming else None,
                next_at=upcoming[1] if upcoming else None,
            )
            .execution_options(synchronize_session=False)
        )
        session.expire(reminder)  # the update bypassed the object: read it again if used
        if moved.rowcount == 1:  # type: ignore[attr-defined]
            session.add(ReminderSent(kind=due.kind, sent_at=now))
            claimed.append(due)
    await session.flush()
    return claimed


async def next_time(session: AsyncSession) -> dt.datetime | None:
    """When the next reminder is due (None: none is waiting)."""
    return await session.scalar(select(func.min(Reminder.next_at)))


async def purge(session: AsyncSession, today: dt.date) -> int:
    """Delete reminders whose date is more than GRACE in the past, and the record of those
    sent more than SENT_KEPT ago; return how many rows went."""
    result = await session.execute(delete(Reminder).where(Reminder.due < today - GRACE))
    since = dt.datetime.combine(today - SENT_KEPT, dt.time(), tzinfo=dt.UTC)
    sent = await session.execute(delete(ReminderSent).where(ReminderSent.sent_at < since))
    return int(result.rowcount or 0) + int(sent.rowcount or 0)  # type: ignore[attr-defined]


async def active(session: AsyncSession) -> dict[str, int]:
    """Active reminders by kind (a date still to come, or within GRACE), for staff."""
    rows = await session.execute(
        select(Reminder.kind, func.count(Reminder.id)).group_by(Reminder.kind)
    )
    counts = dict.fromkeys(KINDS, 0)
    counts.update({kind: int(n) for kind, n in rows})
    return counts


async def sent_per_week(session: AsyncSession, since: dt.datetime) -> list[tuple[dt.date, int]]:
    """Reminders sent per week (weeks starting on Monday, UTC) since ``since``."""
    times = (
        await session.scalars(select(ReminderSent.sent_at).where(ReminderSent.sent_at >= since))
    ).all()
    weeks: dict[dt.date, int] = {}
    for at in times:
        monday = at.date() - dt.timedelta(days=at.weekday())
        weeks[monday] = weeks.get(monday, 0) + 1
    return sorted(weeks.items())
