"""Tickets in the database: opened once per conversation, one staff topic per migrant.

Concurrency: opening a ticket locks the migrant's row (``SELECT ... FOR UPDATE`` on
PostgreSQL; SQLite's write transactions are already serial), and a partial unique index allows
one open ticket per migrant, so two workers never open two tickets for one person. The staff
topic is created outside any transaction and kept compare-and-set (``set_thread``), so two
workers never keep two topics for one person either.

Nothing here talks to Telegram: a channel commits first, then sends (``close_ticket`` returns
what the channel needs to tell the migrant and the staff topic).
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import delete, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from bot.db import Database
from bot.db.base import utcnow
from bot.db.models import Message, Ticket, TicketEntry, User

#: Priorities, lowest first.
NORMAL, HIGH, URGENT = 0, 1, 2
OPEN = ("waiting", "in_progress")


@dataclass(frozen=True)
class Opened:
    """The ticket a request for a person led to; ``new`` is False when one was already open."""

    ticket: Ticket
    new: bool


async def lock_user(session: AsyncSession, user_id: int) -> User:
    """The user's row, locked until the transaction ends, and read afresh: what another worker
    committed while we waited for the lock (a new topic, say) must be seen."""
    user = await session.scalar(
        select(User)
        .where(User.id == user_id)
        .with_for_update()
        .execution_options(populate_existing=True)
    )
    assert user is not None
    return user


async def open_ticket(
    session: AsyncSession,
    user_id: int,
    *,
    language: str,
    question: str,
    reason: str,
    priority: int = NORMAL,
    intent: str | None = None,
    confidence: float | None = None,
) -> Opened:
    """Open a ticket for the user, or return the open one (raising its priority if needed)."""
    await lock_user(session, user_id)
    current = await open_ticket_of(session, user_id)
    if current is not None:
        if priority > current.priority:
            current.priority = priority
        if question:
            session.add(TicketEntry(ticket_id=current.id, author="migrant", text=question[:4096]))
        return Opened(current, False)
    ticket = Ticket(
        user_id=user_id,
        language=language,
        priority=priority,
        status="waiting",
        reason=reason,
        question=question[:4096],
        intent=intent,
        confidence=confidence,
    )
    session.add(ticket)
    await session.flush()
    if question:
        session.add(TicketEntry(ticket_id=ticket.id, author="migrant", text=question[:4096]))
    return Opened(ticket, True)


async def open_ticket_of(session: AsyncSession, user_id: int) -> Ticket | None:
    """The user's open ticket, if any."""
    return await session.scalar(
        select(Ticket).where(Ticket.user_id == user_id, Ticket.status.in_(OPEN))
    )


async def add_entry(session: AsyncSession, ticket: Ticket, author: str, text: str) -> None:
    """Add a line to the ticket's transcript (migrant, operator, note or bot); an operator's
    line or note means the ticket was seen."""
    session.add(TicketEntry(ticket_id=ticket.id, author=author, text=text[:4096]))
    if author in ("operator", "note"):
        mark_seen(ticket)
    if author == "operator" and ticket.first_reply_at is None:
        ticket.first_reply_at = utcnow()
        ticket.status = "in_progress"


def mark_seen(ticket: Ticket) -> None:
    """An operator looked at the ticket (the migrant's /status says so)."""
    if ticket.seen_at is None:
        ticket.seen_at = utcnow()


async def close(session: AsyncSession, ticket: Ticket, resolution: str) -> None:
    """Close the ticket with a resolution."""
    ticket.status = "closed"
    ticket.closed_at = utcnow()
    ticket.resolution = resolution[:200] or None


@dataclass(frozen=True)
class Closed:
    """A ticket just closed (committed), with what the channel needs to tell people."""

    ticket: Ticket
    #: The migrant's id on their channel, their language, and their staff topic.
    external_id: str
    language: str
    thread: int | None


async def close_ticket(db: Database, ticket_id: int, resolution: str) -> Closed | None:
    """Close the ticket and commit; ``None`` if it is not open. The one way tickets are closed
    by staff, from the staff group (``/close``) or the console."""
    async with db.session() as session:
        ticket = await session.get(Ticket, ticket_id, with_for_update=True)
        if ticket is None or ticket.status not in OPEN:
            return None
        user = await session.get(User, ticket.user_id)
        assert user is not None
        await close(session, ticket, resolution)
        return Closed(
            ticket, user.external_id, user.language or ticket.language, user.staff_thread_id
        )


async def set_thread(db: Database, user_id: int, seen: int | None, thread: int) -> int | None:
    """Keep ``thread`` as the user's staff topic if the row still has ``seen`` (what was read
    before the topic was created, outside any lock); else return the topic another worker kept
    meanwhile (the caller drops its own)."""
    async with db.session() as session:
        result = await session.execute(
            update(User)
            .where(User.id == user_id, User.staff_thread_id.is_not_distinct_from(seen))
            .values(staff_thread_id=thread)
        )
        if result.rowcount:  # type: ignore[attr-defined]
            return thread
        return await session.scalar(select(User.staff_thread_id).where(User.id == user_id))


async def queue(session: AsyncSession) -> Sequence[Ticket]:
    """Open tickets, most urgent first, then longest waiting."""
    rows = await session.scalars(
        select(Ticket)
        .where(Ticket.status.in_(OPEN))
        .order_by(Ticket.priority.desc(), Ticket.opened_at)
    )
    return rows.all()


async def due_for_reminder(session: AsyncSession, after: timedelta) -> Sequence[Ticket]:
    """Waiting tickets without an operator's reply, not reminded of for ``after``."""
    cutoff = utcnow() - after
    rows = await session.scalars(
        select(Ticket)
        .where(
            Ticket.status == "waiting",
            Ticket.first_reply_at.is_(None),
            Ticket.opened_at < cutoff,
            (Ticket.reminded_at.is_(None)) | (Ticket.reminded_at < cutoff),
        )
        # Several workers run this job: each ticket is raised by one of them.
        .with_for_update(skip_locked=True)
    )
    return rows.all()


async def unanswered_unapologized(session: AsyncSession) -> Sequence[Ticket]:
    """Open tickets without an operator's reply whose migrant has not had the apology for a
    late answer (locked: several workers run the job that sends it)."""
    rows = await session.scalars(
        select(Ticket)
        .where(
            Ticket.status.in_(OPEN),
            Ticket.first_reply_at.is_(None),
            Ticket.apologized_at.is_(None),
        )
        .with_for_update(skip_locked=True)
    )
    return rows.all()


async def recent_turns(session: AsyncSession, user_id: int, limit: int = 5) -> list[Message]:
    """The user's last messages with what the bot did, oldest first."""
    rows = await session.scalars(
        select(Message).where(Message.user_id == user_id).order_by(Message.id.desc()).limit(limit)
    )
    return list(reversed(rows.all()))


async def transcript(session: AsyncSession, ticket_id: int) -> list[TicketEntry]:
    rows = await session.scalars(
        select(TicketEntry).where(TicketEntry.ticket_id == ticket_id).order_by(TicketEntry.id)
    )
    return list(rows.all())


def _iso(moment: datetime | None) -> str | None:
    return moment.isoformat() if moment else None


def _cell(text: str | None) -> str | None:
    """A CSV cell that a spreadsheet will not run as a formula (migrants' text is untrusted)."""
    if text and text[0] in "=+-@\t\r":
        return "'" + text
    return text


async def export(session: AsyncSession, fmt: str = "json") -> str:
    """Every ticket with its transcript, as JSON or CSV (one row per transcript line)."""
    tickets = (await session.scalars(select(Ticket).order_by(Ticket.id))).all()
    records: list[dict[str, Any]] = []
    for ticket in tickets:
        records.append(
            {
                "ticket": ticket.id,
                "language": ticket.language,
                "priority": ticket.priority,
                "status": ticket.status,
                "reason": ticket.reason,
                "intent": ticket.intent,
                "confidence": ticket.confidence,
                "opened_at": _iso(ticket.opened_at),
                "first_reply_at": _iso(ticket.first_reply_at),
                "closed_at": _iso(ticket.closed_at),
                "resolution": ticket.resolution,
                "rating": ticket.rating,
                "transcript": [
                    {"at": _iso(e.created_at), "author": e.author, "text": e.text}
                    for e in await transcript(session, ticket.id)
                ],
            }
        )
    if fmt == "json":
        return json.dumps(records, ensure_ascii=False, indent=2)
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["ticket", "language", "priority", "status", "opened_at", "first_reply_at",
                     "closed_at", "rating", "at", "author", "text"])  # fmt: skip
    for r in records:
        for line in r["transcript"] or [{"at": None, "author": None, "text": None}]:
            writer.writerow([r["ticket"], r["language"], r["priority"], r["status"],
                             r["opened_at"], r["first_reply_at"], r["closed_at"], r["rating"],
                             line["at"], line["author"], _cell(line["text"])])  # fmt: skip
    return out.getvalue()


async def delete_personal_content(session: AsyncSession, user_id: int) -> None:
    """Remove what a migrant said in their tickets (for /deletemydata)."""
    ids = select(Ticket.id).where(Ticket.user_id == user_id).scalar_subquery()
    await session.execute(delete(TicketEntry).where(TicketEntry.ticket_id.in_(ids)))
    await session.execute(delete(Ticket).where(Ticket.user_id == user_id))


async def purge_closed(session: AsyncSession, retention_days: int) -> int:
    """Delete closed tickets older than the retention period."""
    cutoff = utcnow() - timedelta(days=retention_days)
    old = select(Ticket.id).where(Ticket.status == "closed", Ticket.closed_at < cutoff)
    ids = list((await session.scalars(old)).all())
    if ids:
        await session.execute(delete(TicketEntry).where(TicketEntry.ticket_id.in_(ids)))
        await session.execute(delete(Ticket).where(Ticket.id.in_(ids)))
    return len(ids)
