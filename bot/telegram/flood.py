"""Inbound flood control: a user who writes too fast is asked, once, to slow down.

Counted per user in a sliding window; other users are never slowed by one user's flood.
"""

from __future__ import annotations

import time
from collections import deque
from collections.abc import Callable
from enum import Enum


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
