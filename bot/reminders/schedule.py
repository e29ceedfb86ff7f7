"""When a reminder is sent: 7, 3 and 1 days before the date and on the day, at a sensible
local hour in the person's time zone (Moscow time unless they chose another)."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from bot.i18n import N_

#: Days before the date that a reminder is sent: a week, three days, the day before, the day.
STEPS = (7, 3, 1, 0)
#: The local hour reminders are sent at: early enough to act the same day.
SEND_HOUR = 10
#: Most Tajik migrants work in Russia: Moscow time unless the person chooses another zone.
DEFAULT_TIMEZONE = "Europe/Moscow"
#: The zones a person can choose, as (IANA name, what the button shows): Moscow time covers
#: most of European Russia; the others are where many Tajik migrants work.
TIMEZONES = (
    # TRANSLATORS: a time zone button (a city and its offset from UTC)
    ("Europe/Moscow", N_("Moscow (UTC+3)")),
    # TRANSLATORS: a time zone button
    ("Europe/Samara", N_("Samara (UTC+4)")),
    # TRANSLATORS: a time zone button
    ("Asia/Yekaterinburg", N_("Yekaterinburg (UTC+5)")),
    # TRANSLATORS: a time zone button
    ("Asia/Novosibirsk", N_("Novosibirsk (UTC+7)")),
    # TRANSLATORS: a time zone button
    ("Asia/Krasnoyarsk", N_("Krasnoyarsk (UTC+7)")),
    # TRANSLATORS: a time zone button
    ("Asia/Irkutsk", N_("Irkutsk (UTC+8)")),
    # TRANSLATORS: a time zone button
    ("Asia/Almaty", N_("Almaty (UTC+5)")),
    # TRANSLATORS: a time zone button
    ("Asia/Dushanbe", N_("Dushanbe (UTC+5)")),
)


def zone(name: str) -> ZoneInfo:
    """The time zone ``name``, or Moscow's when it is not a known zone (a stale row)."""
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return ZoneInfo(DEFAULT_TIMEZONE)


def send_time(due: dt.date, step: int, timezone: str, hour: int = SEND_HOUR) -> dt.datetime:
    """When the reminder ``step`` days before ``due`` is sent (UTC)."""
    day = due - dt.timedelta(days=step)
    local = dt.datetime.combine(day, dt.time(hour), tzinfo=zone(timezone))
    return local.astimezone(dt.UTC)


def next_after(
    due: dt.date, now: dt.datetime, timezone: str, after: int | None = None
) -> tuple[int, dt.datetime] | None:
    """The first reminder still to come: ``(step, when)`` for the first step (after ``after``,
    if given) whose time is later than ``now``; None when none is left."""
    steps = STEPS if after is None else STEPS[STEPS.index(after) + 1 :]
    for step in steps:
        when = send_time(due, step, timezone)
        if when > now:
            return step, when
    return None


def latest_passed(due: dt.date, now: dt.datetime, timezone: str, step: int) -> int:
    """``step``, or the latest step after it whose time has also come by ``now``."""
    for later in reversed(STEPS[STEPS.index(step) :]):
        if send_time(due, later, timezone) <= now:
            return later
    return step


def local_today(now: dt.datetime, timezone: str) -> dt.date:
    """The date in the person's time zone at ``now``."""
    return now.astimezone(zone(timezone)).date()
