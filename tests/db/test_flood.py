"""Flood control shared by several workers through the database."""

from __future__ import annotations

import asyncio

from sqlalchemy import update

from bot.db import Database
from bot.db.base import utcnow
from bot.db.models import FloodCounter
from bot.telegram.flood import SharedFloodGuard, Verdict


async def test_a_flood_spread_over_two_workers_is_seen_whole(db: Database) -> None:
    a, b = SharedFloodGuard(db, limit=4, window=10), SharedFloodGuard(db, limit=4, window=10)
    verdicts = await asyncio.gather(*(guard.admit(7) for guard in (a, b) * 4))
    assert sorted(v.value for v in verdicts) == sorted(["allow"] * 4 + ["warn"] + ["drop"] * 3), (
        "four allowed in all, one warning, the rest dropped"
    )
    assert await a.admit(8) is Verdict.ALLOW, "another user is not slowed"


async def test_the_window_ends_and_the_user_is_served_again(db: Database) -> None:
    guard = SharedFloodGuard(db, limit=1, window=10)
    assert await guard.admit(9) is Verdict.ALLOW
    assert await guard.admit(9) is Verdict.WARN
    assert await guard.admit(9) is Verdict.DROP
    async with db.session() as session:
        await session.execute(update(FloodCounter).values(window_start=utcnow().replace(year=2020)))
    assert await guard.admit(9) is Verdict.ALLOW
    assert await guard.admit(9) is Verdict.WARN, "warned again in a new window"
