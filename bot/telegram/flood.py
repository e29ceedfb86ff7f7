"""Inbound flood control: a user who writes too fast is asked, once, to slow down.

Counted per user; other users are never slowed by one user's flood. One worker counts in memory
(a sliding window); several workers count together in the database (``SharedFloodGuard``, a
fixed window), so a flood spread over workers by the load balancer is still seen whole.
"""

from __future__ import annotations

import time
from collections import deque
from collections.abc import Callable
from datetime import timedelta
from enum import Enum

from sqlalchemy import case, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from bot.db import Database
from bot.db.base import utcnow
from bot.db.models import FloodCounter


class Verdict(Enum):
    """What to do with one update from a user."""

    ALLOW = "allow"
    WARN = "warn"  # the first update over the limit: tell the user once
    DROP = "drop"


class FloodGuard:
    """At most ``limit`` updates per user in any ``window`` seconds."""

    def __init__(
        self, limit: int = 8, window: float = 10.0, clock: Callable[[], float] = time.monotonic
    ) -> None:
        self.limit = limit
        self.window = window
        self._clock = clock
        self._seen: dict[int, deque[float]] = {}
        self._warned: dict[int, float] = {}

    async def admit(self, user_id: int) -> Verdict:
        """``check`` for the handlers (the same call as ``SharedFloodGuard.admit``)."""
        return self.check(user_id)

    def check(self, user_id: int) -> Verdict:
        """Count an update from ``user_id`` and say whether to handle it."""
        now = self._clock()
        times = self._seen.setdefault(user_id, deque())
        while times and now - times[0] > self.window:
            times.popleft()
        if len(times) < self.limit:
            times.append(now)
            self._warned.pop(user_id, None)
            return Verdict.ALLOW
        if len(self._seen) > 10_000:
            self._forget_idle(now)
        if user_id in self._warned:
            return Verdict.DROP
        self._warned[user_id] = now
        return Verdict.WARN

    def _forget_idle(self, now: float) -> None:
        idle = [u for u, t in self._seen.items() if not t or now - t[-1] > self.window]
        for user_id in idle:
            del self._seen[user_id]
            self._warned.pop(user_id, None)


class SharedFloodGuard:
    """``FloodGuard`` for several workers: one counter row per user in ``flood_counters``,
    updated atomically (``INSERT … ON CONFLICT DO UPDATE … RETURNING``)."""

    def __init__(self, db: Database, limit: int = 8, window: float = 10.0) -> None:
        self.db = db
        self.limit = limit
        self.window = timedelta(seconds=window)

    async def admit(self, user_id: int) -> Verdict:
        """Count an update from ``user_id`` and say whether to handle it."""
        now = utcnow()
        insert = pg_insert if self.db.engine.dialect.name == "postgresql" else sqlite_insert
        table = FloodCounter.__table__
        expired = table.c.window_start < now - self.window
        async with self.db.session() as session:
            values = insert(FloodCounter).values(
                user_id=user_id, window_start=now, count=1, warned=False
            )
            statement = values.on_conflict_do_update(
                index_elements=[table.c.user_id],
                set_={
                    "count": case((expired, 1), else_=table.c.count + 1),
                    "window_start": case((expired, now), else_=table.c.window_start),
                    "warned": case((expired, False), else_=table.c.warned),
                },
            ).returning(table.c.count, table.c.warned)
            count, warned = (await session.execute(statement)).one()
            if count <= self.limit:
                return Verdict.ALLOW
            if warned:
                return Verdict.DROP
            await session.execute(
                update(FloodCounter).where(FloodCounter.user_id == user_id).values(warned=True)
            )
            return Verdict.WARN
