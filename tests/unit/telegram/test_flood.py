"""Flood control: one user over the limit is warned once, then dropped; others are not slowed."""

from __future__ import annotations

import pytest

from bot.telegram.flood import FloodGuard, Verdict

pytestmark = pytest.mark.unit


class Clock:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


def test_a_flood_is_warned_once_then_dropped_and_other_users_pass() -> None:
    clock = Clock()
    guard = FloodGuard(limit=3, window=10, clock=clock)
    verdicts = [guard.check(1) for _ in range(6)]
    assert verdicts == [Verdict.ALLOW] * 3 + [Verdict.WARN, Verdict.DROP, Verdict.DROP]
    assert guard.check(2) is Verdict.ALLOW  # someone else is served
    clock.now = 10.5  # the window has passed
    assert guard.check(1) is Verdict.ALLOW
    assert [guard.check(1) for _ in range(3)] == [Verdict.ALLOW, Verdict.ALLOW, Verdict.WARN]


def test_idle_users_are_forgotten() -> None:
    clock = Clock()
    guard = FloodGuard(limit=1, window=1, clock=clock)
    for user in range(10_001):
        guard.check(user)
    clock.now = 5
    guard.check(0)
    guard.check(0)  # over the limit: triggers the sweep
    assert len(guard._seen) == 1
