"""When reminders are sent (bot.reminders.schedule): 7, 3, 1 days before and on the day, at
10:00 in the person's time zone."""

from __future__ import annotations

import datetime as dt

from bot.reminders.schedule import latest_passed, local_today, next_after, send_time, zone

DUE = dt.date(2026, 12, 20)


def utc(month: int, day: int, hour: int = 0, minute: int = 0) -> dt.datetime:
    return dt.datetime(2026, month, day, hour, minute, tzinfo=dt.UTC)


def test_ten_in_the_morning_in_the_persons_zone() -> None:
    assert send_time(DUE, 7, "Europe/Moscow") == utc(12, 13, 7)
    assert send_time(DUE, 0, "Asia/Dushanbe") == utc(12, 20, 5)
    assert send_time(DUE, 1, "Asia/Irkutsk") == utc(12, 19, 2)


def test_an_unknown_zone_is_moscow() -> None:
    assert str(zone("Mars/Olympus")) == "Europe/Moscow"
    assert send_time(DUE, 3, "nonsense") == send_time(DUE, 3, "Europe/Moscow")


def test_the_next_reminder_is_the_first_still_to_come() -> None:
    assert next_after(DUE, utc(11, 30, 12), "Europe/Moscow") == (7, utc(12, 13, 7))
    assert next_after(DUE, utc(12, 13, 7), "Europe/Moscow") == (3, utc(12, 17, 7))  # not again
    assert next_after(DUE, utc(12, 13, 7), "Europe/Moscow", after=7) == (3, utc(12, 17, 7))
    assert next_after(DUE, utc(12, 19, 8), "Europe/Moscow") == (0, utc(12, 20, 7))
    assert next_after(DUE, utc(12, 20, 7, 1), "Europe/Moscow") is None
    assert next_after(DUE, utc(11, 1), "Europe/Moscow", after=0) is None


def test_after_a_pause_only_the_latest_step_due() -> None:
    assert latest_passed(DUE, utc(12, 13, 8), "Europe/Moscow", 7) == 7
    assert latest_passed(DUE, utc(12, 19, 8), "Europe/Moscow", 7) == 1
    assert latest_passed(DUE, utc(12, 25), "Europe/Moscow", 3) == 0


def test_the_persons_today() -> None:
    late = utc(11, 30, 22)  # 01:00 on 1 December in Moscow
    assert local_today(late, "Europe/Moscow") == dt.date(2026, 12, 1)
    assert local_today(late, "Europe/London") == dt.date(2026, 11, 30)
