"""Where a migrant's request stands, and when an answer can be expected (issue 16).

The promise is ``MRC_REPLY_PROMISE_MINUTES`` of office hours (holidays excluded) from when the
request was opened: that is all the data supports, so that is all /status says, with the
number of requests ahead in the queue. A request past its promise is late: the migrant is told
once, with a new estimate (the same promise counted from now).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.db.models import Ticket
from bot.escalation.hours import OfficeHours
from bot.escalation.tickets import OPEN


@dataclass(frozen=True)
class Standing:
    """A request as the migrant may know it."""

    number: int
    opened_at: datetime
    #: "waiting" (nobody has looked yet), "seen" (an operator looked), "answered".
    state: str
    answered_at: datetime | None
    #: When an answer is due under the promise (None: the office never opens).
    due: datetime | None
    #: Open requests nobody has answered that come before this one.
    ahead: int
    late: bool


def due_by(hours: OfficeHours, start: datetime, minutes: float) -> datetime | None:
    """When an answer is due for a request opened (or re-estimated) at ``start``."""
    return hours.after_open_minutes(start, minutes)


async def ahead_of(session: AsyncSession, ticket: Ticket) -> int:
    """Unanswered open requests before ``ticket`` (more urgent, or as urgent and older)."""
    return int(
        await session.scalar(
            select(func.count(Ticket.id)).where(
                Ticket.status.in_(OPEN),
                Ticket.first_reply_at.is_(None),
                Ticket.id != ticket.id,
                (Ticket.priority > ticket.priority)
                | ((Ticket.priority == ticket.priority) & (Ticket.opened_at < ticket.opened_at)),
            )
        )
        or 0
    )


async def standing(
    session: AsyncSession, ticket: Ticket, hours: OfficeHours, minutes: float, now: datetime
) -> Standing:
    """Where ``ticket`` stands at ``now``."""
    if ticket.first_reply_at is not None:
        state = "answered"
    elif ticket.seen_at is not None:
        state = "seen"
    else:
        state = "waiting"
    due = due_by(hours, ticket.opened_at, minutes)
    late = state != "answered" and due is not None and now > due
    if late:  # a new estimate, counted from now
        due = due_by(hours, now, minutes)
    ahead = await ahead_of(session, ticket) if state != "answered" else 0
    return Standing(ticket.id, ticket.opened_at, state, ticket.first_reply_at, due, ahead, late)
