"""Reminders in the database (bot.reminders.store), on SQLite and PostgreSQL: each step is sent
once, by one worker, and resumes after a restart; dates go with the person's data."""

from __future__ import annotations

import asyncio
import datetime as dt

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot import history, users
from bot.db import Database
from bot.db.models import Reminder, ReminderSent
from bot.reminders import store

#: 12:00 UTC, 15:00 in Moscow.
NOW = dt.datetime(2026, 11, 30, 12, tzinfo=dt.UTC)
DUE = dt.date(2026, 12, 20)


def at(day: int, hour: int = 12) -> dt.datetime:
    return dt.datetime(2026, 12, day, hour, tzinfo=dt.UTC)


async def test_a_date_is_reminded_7_3_1_days_before_and_on_the_day(session: AsyncSession) -> None:
    user = await users.get_or_create(session, "telegram", "1001")
    row = await store.set_date(session, user.id, "patent", DUE, NOW, region="moscow")
    # 10:00 in Moscow is 07:00 UTC.
    assert (row.next_step, row.next_at) == (7, dt.datetime(2026, 12, 13, 7, tzinfo=dt.UTC))
    sent = []
    for day in range(1, 25):
        sent += [(day, d.step) for d in await store.claim(session, at(day))]
    assert sent == [(13, 7), (17, 3), (19, 1), (20, 0)]
    assert await store.claim(session, at(28)) == []
    row = (await store.of_user(session, user.id))[0]
    assert (row.next_step, row.next_at, row.region) == (None, None, "moscow")


async def test_a_date_set_late_starts_with_the_next_reminder(session: AsyncSession) -> None:
    user = await users.get_or_create(session, "telegram", "1002")
    row = await store.set_date(session, user.id, "registration", dt.date(2026, 12, 2), NOW)
    assert row.next_step == 1
    today = await store.set_date(session, user.id, "registration", dt.date(2026, 11, 30), NOW)
    assert today.next_step is None  # 10:00 Moscow time has passed: nothing left to send


async def test_i_paid_moves_the_date_and_restarts_the_reminders(session: AsyncSession) -> None:
    user = await users.get_or_create(session, "telegram", "1003")
    await store.set_date(session, user.id, "patent", DUE, NOW, region="moscow")
    # Two missed (the bot was down): only the latest is sent, not a burst.
    assert [d.step for d in await store.claim(session, at(19))] == [1]
    assert await store.claim(session, at(19, 13)) == []
    moved = await store.set_date(session, user.id, "patent", dt.date(2027, 1, 20), at(19))
    assert (moved.due, moved.next_step, moved.region) == (dt.date(2027, 1, 20), 7, "moscow")
    assert len(await store.of_user(session, user.id)) == 1  # one reminder per kind


async def test_each_person_has_their_time_zone(session: AsyncSession) -> None:
    user = await users.get_or_create(session, "telegram", "1004")
    await store.set_date(session, user.id, "stay", DUE, NOW)
    assert await store.set_timezone(session, user.id, "Asia/Novosibirsk", NOW) == 1
    row = (await store.of_user(session, user.id))[0]
    assert row.next_at == dt.datetime(2026, 12, 13, 3, tzinfo=dt.UTC)  # 10:00 at UTC+7


async def test_stop_deletes_the_date(session: AsyncSession) -> None:
    user = await users.get_or_create(session, "telegram", "1005")
    await store.set_date(session, user.id, "patent", DUE, NOW)
    assert await store.stop(session, user.id, "patent")
    assert not await store.stop(session, user.id, "patent")
    assert await store.of_user(session, user.id) == []


async def test_dates_are_kept_a_week_after_they_pass_then_deleted(session: AsyncSession) -> None:
    user = await users.get_or_create(session, "telegram", "1006")
    await store.set_date(session, user.id, "patent", DUE, NOW)
    assert await store.purge(session, DUE + store.GRACE) == 0
    assert await store.purge(session, DUE + store.GRACE + dt.timedelta(days=1)) == 1


async def test_the_record_of_sent_reminders_is_kept_for_the_dashboard_then_deleted(
    session: AsyncSession,
) -> None:
    today = dt.date(2027, 6, 1)
    old = dt.datetime.combine(today - store.SENT_KEPT, dt.time(), tzinfo=dt.UTC)
    session.add_all(
        [
            ReminderSent(kind="patent", sent_at=old - dt.timedelta(seconds=1)),
            ReminderSent(kind="stay", sent_at=old),
        ]
    )
    await session.flush()
    assert await store.purge(session, today) == 1
    left = (await session.scalars(select(ReminderSent.kind))).all()
    assert "stay" in left
    assert "patent" not in left


async def test_staff_see_counts_only(session: AsyncSession) -> None:
    before = await store.active(session)
    user = await users.get_or_create(session, "telegram", "1007")
    await store.set_date(session, user.id, "patent", DUE, NOW)
    await store.set_date(session, user.id, "stay", DUE, NOW)
    after = await store.active(session)
    assert {k: after[k] - before[k] for k in store.KINDS} == {
        "patent": 1, "registration": 0, "stay": 1,
    }  # fmt: skip
    await store.claim(session, at(13))
    weeks = dict(await store.sent_per_week(session, at(1)))
    assert weeks.get(dt.date(2026, 12, 7), 0) >= 2  # the week of Monday 7 December


async def test_the_dates_are_in_the_persons_data_and_deleted_with_it(session: AsyncSession) -> None:
    user = await users.get_or_create(session, "telegram", "1008")
    await store.set_date(session, user.id, "patent", DUE, NOW, region="moscow")
    data = await history.export_user_data(session, user.id)
    assert [(r["kind"], r["date"], r["region"]) for r in data["reminders"]] == [
        ("patent", "2026-12-20", "moscow")
    ]
    await history.delete_user_data(session, user.id)
    count = await session.scalar(select(func.count(Reminder.id)).where(Reminder.user_id == user.id))
    assert count == 0


async def test_two_workers_send_each_reminder_once(db: Database) -> None:
    async with db.session() as session:
        ids = [
            (await users.get_or_create(session, "telegram", str(2000 + i))).id for i in range(30)
        ]
        for user_id in ids:
            await store.set_date(session, user_id, "patent", DUE, NOW)

    async def worker() -> list[tuple[int, int]]:
        got = []
        for day in range(12, 22):
            for _ in range(6):  # several rounds a day, as a polling loop does
                async with db.session() as session:
                    got += [(d.reminder_id, d.step) for d in await store.claim(session, at(day), 7)]
                await asyncio.sleep(0)
        return got

    a, b = await asyncio.gather(worker(), worker())
    assert not set(a) & set(b), "no reminder was sent by both workers"
    assert len(a) + len(b) == 30 * 4, "every step of every reminder was sent"
    if db.url.startswith("postgresql"):  # rows being claimed are skipped, not waited for
        assert a, "both workers take part"
        assert b, "both workers take part"
    assert len(set(a + b)) == 30 * 4
    async with db.session() as session:
        assert await session.scalar(select(func.count(ReminderSent.id))) == 30 * 4


async def test_a_restart_resumes_where_sending_stopped(db: Database) -> None:
    async with db.session() as session:
        user = await users.get_or_create(session, "telegram", "3001")
        await store.set_date(session, user.id, "registration", DUE, NOW)
        assert [d.step for d in await store.claim(session, at(13))] == [7]
    await db.dispose()  # the process ends; a new one opens the same database
    fresh = Database(db.url)
    try:
        async with fresh.session() as session:
            assert await store.next_time(session) == dt.datetime(2026, 12, 17, 7, tzinfo=dt.UTC)
            assert await store.claim(session, at(13)) == []  # not again
            assert [d.step for d in await store.claim(session, at(17))] == [3]
    finally:
        await fresh.dispose()
