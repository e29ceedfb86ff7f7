"""Where a request stands on a real database (bot.escalation.promise): seen, answered, the
queue ahead of it, and late after its promise; the apology's candidates are each taken once."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy.ext.asyncio import AsyncSession

from bot import users
from bot.db.base import utcnow
from bot.escalation import tickets
from bot.escalation.hours import OfficeHours
from bot.escalation.promise import standing

ALWAYS = OfficeHours("Mon-Sun 00:00-24:00")


async def _open(session: AsyncSession, who: str, priority: int = tickets.NORMAL) -> tickets.Ticket:
    user = await users.get_or_create(session, "telegram", who)
    opened = await tickets.open_ticket(
        session, user.id, language="ru", question="q", reason="request", priority=priority,
        intent=None, confidence=None,
    )  # fmt: skip
    return opened.ticket


async def test_a_request_is_waiting_then_seen_then_answered(session: AsyncSession) -> None:
    now = utcnow()
    ticket = await _open(session, "p1")
    first = await standing(session, ticket, ALWAYS, 60, now)
    assert (first.state, first.late) == ("waiting", False)
    assert first.due is not None
    assert abs(first.due - (ticket.opened_at + timedelta(minutes=60))) < timedelta(seconds=1)
    await tickets.add_entry(session, ticket, "note", "looking")
    assert (await standing(session, ticket, ALWAYS, 60, now)).state == "seen"
    await tickets.add_entry(session, ticket, "operator", "hello")
    done = await standing(session, ticket, ALWAYS, 60, now)
    assert (done.state, done.ahead) == ("answered", 0)


async def test_the_queue_ahead_counts_older_and_more_urgent_unanswered_requests(
    session: AsyncSession,
) -> None:
    base = await standing(session, await _open(session, "q0"), ALWAYS, 60, utcnow())
    urgent = await _open(session, "q1", tickets.URGENT)
    mine = await _open(session, "q2")
    ahead = (await standing(session, mine, ALWAYS, 60, utcnow())).ahead
    assert ahead == base.ahead + 2  # the older normal one and the urgent one
    await tickets.add_entry(session, urgent, "operator", "answered")
    assert (await standing(session, mine, ALWAYS, 60, utcnow())).ahead == base.ahead + 1


async def test_past_its_promise_a_request_is_late_with_a_new_estimate(
    session: AsyncSession,
) -> None:
    ticket = await _open(session, "late")
    later = ticket.opened_at + timedelta(minutes=90)
    where = await standing(session, ticket, ALWAYS, 60, later)
    assert where.late
    assert where.due is not None
    assert abs(where.due - (later + timedelta(minutes=60))) < timedelta(seconds=1)
    candidates = await tickets.unanswered_unapologized(session)
    assert ticket in candidates
    ticket.apologized_at = later
    await session.flush()
    assert ticket not in await tickets.unanswered_unapologized(session)  # told once
