"""Inbound updates: each one handled once, and none lost when the bot stops in the middle.

An update is *claimed* when it arrives (a row keyed by its ``update_id``; a second delivery of
the same update finds the row and is dropped) and marked *done* once handled, which also erases
its payload. Updates claimed but never done (the process was killed) are handled again at the
next start.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Awaitable, Callable
from datetime import timedelta
from typing import Any, TypeVar

from sqlalchemy import delete, select, update
from sqlalchemy.exc import DBAPIError, IntegrityError, InterfaceError, OperationalError

from bot.db import Database
from bot.db.base import utcnow
from bot.db.models import InboundUpdate

log = logging.getLogger(__name__)
T = TypeVar("T")

#: Ids of handled updates are kept this long to recognise late duplicates (Telegram keeps
#: undelivered updates for 24 hours).
KEEP_IDS = timedelta(days=2)


def _unavailable(exc: BaseException) -> bool:
    """Whether ``exc`` says the database is busy or out of reach (worth waiting out), as
    opposed to a refusal of what was asked (a duplicate key, a bad query)."""
    if isinstance(exc, OperationalError | InterfaceError):
        return True
    if isinstance(exc, DBAPIError):
        return exc.connection_invalidated
    # asyncpg's own errors when no connection can be opened at all (refused, reset).
    return isinstance(exc, OSError)


async def patiently(work: Callable[[], Awaitable[T]], patience: float) -> T:
    """``work()``, tried again while the database is locked or unreachable, with growing
    pauses, for up to ``patience`` seconds; then the error is raised."""
    deadline = time.monotonic() + patience
    pause = 0.25
    while True:
        try:
            return await work()
        except (DBAPIError, OSError) as exc:
            if not _unavailable(exc) or time.monotonic() + pause > deadline:
                raise
            cause = exc.orig if isinstance(exc, DBAPIError) else exc
            log.warning("database busy or unreachable (%s); trying again", type(cause).__name__)
            await asyncio.sleep(pause)
            pause = min(pause * 2, 4.0)


class Inbox:
    """The claim / done / replay protocol over the ``inbound_updates`` table. Claiming and
    marking done wait out a locked or briefly unreachable database (``patience`` seconds):
    an update is never dropped because the database was busy for a while."""

    def __init__(self, db: Database, patience: float = 60.0) -> None:
        self.db = db
        self.patience = patience
        #: Updates already claimed (by the webhook, or replayed at start-up).
        self.preclaimed: set[int] = set()

    async def claim(self, update_id: int, payload: dict[str, Any]) -> bool:
        """For the handlers: True for an update this process already recorded (the webhook,
        a replay), else record it now; False when it was already received (a duplicate)."""
        if update_id in self.preclaimed:
            self.preclaimed.discard(update_id)
            return True
        return await self.record(update_id, payload)

    async def record(self, update_id: int, payload: dict[str, Any]) -> bool:
        """Insert the update's row; False when it exists (received before, by any worker)."""

        async def insert() -> bool:
            try:
                async with self.db.session() as session:
                    session.add(InboundUpdate(update_id=update_id, payload=payload))
            except IntegrityError:
                return False
            return True

        return await patiently(insert, self.patience)

    async def done(self, update_id: int) -> None:
        """Mark the update handled and erase what it said."""

        async def mark() -> None:
            async with self.db.session() as session:
                await session.execute(
                    update(InboundUpdate)
                    .where(InboundUpdate.update_id == update_id)
                    .values(handled_at=utcnow(), payload=None)
                )

        await patiently(mark, self.patience)

    async def unfinished(self, older: float = 0.0) -> list[dict[str, Any]]:
        """Payloads of updates claimed at least ``older`` seconds ago but not handled (oldest
        first), now claimed for replay by this process: another worker replaying at the same
        time gets none of them (a claim moves ``received_at`` to now, past the cutoff).
        Compared with ``<=`` only: SQLite keeps times as text, in more than one format."""
        cutoff = utcnow() - timedelta(seconds=older)
        async with self.db.session() as session:
            ids = (
                await session.scalars(
                    select(InboundUpdate.update_id)
                    .where(
                        InboundUpdate.handled_at.is_(None),
                        InboundUpdate.payload.is_not(None),
                        InboundUpdate.received_at <= cutoff,
                    )
                    .order_by(InboundUpdate.update_id)
                )
            ).all()
        payloads = []
        for update_id in ids:
            async with self.db.session() as session:
                # Taken only if still unfinished and old: a claim sets received_at to now.
                taken = await session.execute(
                    update(InboundUpdate)
                    .where(
                        InboundUpdate.update_id == update_id,
                        InboundUpdate.handled_at.is_(None),
                        InboundUpdate.received_at <= cutoff,
                    )
                    .values(received_at=utcnow())
                    .returning(InboundUpdate.payload)
                )
                payload = taken.scalar_one_or_none()
            if payload:
                payloads.append(dict(payload))
        self.preclaimed.update(int(str(p["update_id"])) for p in payloads)
        return payloads

    async def purge(self, keep: timedelta = KEEP_IDS) -> int:
        """Forget handled updates older than ``keep``; return how many."""
        async with self.db.session() as session:
            result = await session.execute(
                delete(InboundUpdate).where(
                    InboundUpdate.received_at < utcnow() - keep,
                    InboundUpdate.handled_at.is_not(None),
                )
            )
        return int(result.rowcount or 0)  # type: ignore[attr-defined]
