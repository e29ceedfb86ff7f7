"""The inbox on a real database: an update is claimed once, replayed until done, then erased."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select, text, update

from bot.db import Database
from bot.db.base import utcnow
from bot.db.models import InboundUpdate
from bot.telegram.inbox import Inbox


async def test_an_update_is_claimed_once(db: Database) -> None:
    inbox = Inbox(db)
    assert await inbox.claim(7, {"update_id": 7, "message": {"text": "салом"}})
    assert not await inbox.claim(7, {"update_id": 7})  # the duplicate
    assert await inbox.claim(8, {"update_id": 8})


async def test_unfinished_updates_are_replayed_and_done_erases_the_text(db: Database) -> None:
    inbox = Inbox(db)
    await inbox.claim(1, {"update_id": 1, "message": {"text": "first"}})
    await inbox.claim(2, {"update_id": 2, "message": {"text": "second"}})
    await inbox.done(1)
    after_restart = Inbox(db)
    payloads = await after_restart.unfinished()
    assert [p["update_id"] for p in payloads] == [2]
    assert await after_restart.claim(2, payloads[0])  # the replay passes the guard once
    assert not await after_restart.claim(2, payloads[0])
    await after_restart.done(2)
    async with db.session() as session:
        rows = (await session.scalars(select(InboundUpdate))).all()
        assert [(r.update_id, r.payload) for r in rows] == [(1, None), (2, None)]
        assert all(r.received_at.utcoffset() == timedelta(0) for r in rows)  # aware, in UTC
        erased = await session.scalar(
            text("SELECT count(*) FROM inbound_updates WHERE payload IS NULL")
        )
        assert erased == 2  # SQL NULL, not a JSON null that still takes a row's space
    assert await Inbox(db).unfinished() == []


async def test_old_handled_ids_are_purged(db: Database) -> None:
    inbox = Inbox(db)
    for update_id in (1, 2, 3):
        await inbox.claim(update_id, {"update_id": update_id})
    await inbox.done(1)
    await inbox.done(2)
    async with db.session() as session:
        await session.execute(
            update(InboundUpdate)
            .where(InboundUpdate.update_id.in_([1, 3]))
            .values(received_at=utcnow() - timedelta(days=3))
        )
    assert await inbox.purge() == 1  # 1 is old and handled; 2 is recent; 3 is not handled
    assert not await inbox.claim(2, {"update_id": 2})


async def test_two_workers_take_over_a_stopped_workers_updates_once(db: Database) -> None:
    import asyncio

    stopped = Inbox(db)
    for update_id in range(10, 20):
        await stopped.claim(update_id, {"update_id": update_id})
    assert await Inbox(db).unfinished(older=60) == [], "young claims may still be in hand"
    async with db.session() as session:
        await session.execute(
            update(InboundUpdate).values(received_at=utcnow() - timedelta(minutes=5))
        )
    a, b = Inbox(db), Inbox(db)
    taken_a, taken_b = await asyncio.gather(a.unfinished(older=60), b.unfinished(older=60))
    ids = sorted(p["update_id"] for p in taken_a + taken_b)
    assert ids == list(range(10, 20)), "every orphan handled, none by both workers"
    assert await Inbox(db).unfinished(older=60) == [], "a replay claims them afresh"


async def test_an_update_written_with_the_databases_own_clock_is_replayed(db: Database) -> None:
    """SQLite keeps times as text: CURRENT_TIMESTAMP has another format than the code's."""
    import json

    import pytest

    if db.engine.dialect.name != "sqlite":
        pytest.skip("a SQLite storage format question")
    async with db.session() as session:
        await session.execute(
            text(
                "INSERT INTO inbound_updates (update_id, payload, received_at) "
                "VALUES (31, :payload, CURRENT_TIMESTAMP)"
            ),
            {"payload": json.dumps({"update_id": 31})},
        )
    assert [p["update_id"] for p in await Inbox(db).unfinished()] == [31]
