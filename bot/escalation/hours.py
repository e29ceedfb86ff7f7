"""Office hours in Dushanbe: when operators answer, and when they will next.

The spec is ``"Mon-Fri 09:00-18:00"`` (several ranges with ``;``, e.g.
``"Mon-Fri 09:00-18:00; Sat 10:00-14:00"``), holidays are ISO dates.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from bot.i18n import TIMEZONE_NAME

DAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")


class OfficeHoursError(ValueError):
    """The office-hours setting cannot be read."""


@dataclass(frozen=True)
class Window:
    """Open on ``days`` (0 = Monday) from ``start`` to ``end``."""

    days: frozenset[int]
    start: time
    end: time


def _time(text: str) -> time:
    hours, minutes = (int(x) for x in text.split(":"))
    if not (0 <= hours <= 24 and 0 <= minutes < 60):
        raise OfficeHoursError(f"not a time of day: {text}")
    return time(23, 59, 59) if hours == 24 else time(hours, minutes)


def parse_windows(spec: str) -> tuple[Window, ...]:
    """``"Mon-Fri 09:00-18:00; Sat 10:00-14:00"`` as windows."""
    windows = []
    for part in filter(str.strip, spec.lower().split(";")):
        match = re.match(
            r"^\s*([a-z]{3})(?:-([a-z]{3}))?\s+(\d{1,2}:\d{2})-(\d{1,2}:\d{2})\s*$", part
        )
        if match is None or match.group(1) not in DAYS or (match.group(2) or "mon") not in DAYS:
            raise OfficeHoursError(f"cannot read {part.strip()!r}; write e.g. Mon-Fri 09:00-18:00")
        first = DAYS.index(match.group(1))
        last = DAYS.index(match.group(2)) if match.group(2) else first
        days = (
            frozenset(range(first, last + 1))
            if first <= last
            else frozenset([*range(first, 7), *range(0, last + 1)])
        )
        start, end = _time(match.group(3)), _time(match.group(4))
        if end <= start:
            raise OfficeHoursError(f"the office closes before it opens in {part.strip()!r}")
        windows.append(Window(days, start, end))
    return tuple(windows)


class OfficeHours:
    """When operators answer, in the office's time zone."""

    def __init__(self, spec: str, holidays: tuple[date, ...] = (), zone: str = TIMEZONE_NAME):
        self.windows = parse_windows(spec)
        self.holidays = frozenset(holidays)
        self.zone = ZoneInfo(zone)

    def is_open(self, moment: datetime) -> bool:
        """Whether an operator answers at ``moment`` (any time zone)."""
        local = moment.astimezone(self.zone)
        if local.date() in self.holidays:
            return False
        return any(
            local.weekday() in w.days and w.start <= local.time() < w.end for w in self.windows
        )

    def next_opening(self, moment: datetime) -> datetime | None:
        """The next time the office opens after ``moment`` (local time), or None if never."""
        local = moment.astimezone(self.zone)
        for offset in range(0, 400):
            day = local.date() + timedelta(days=offset)
            if day in self.holidays:
                continue
            starts = sorted(w.start for w in self.windows if day.weekday() in w.days)
            for start in starts:
                candidate = datetime.combine(day, start, self.zone)
                if candidate > local:
                    return candidate
        return None

    def closes_at(self, moment: datetime) -> datetime | None:
        """When the office closes next, if it is open at ``moment`` (else None)."""
        if not self.is_open(moment):
            return None
        local = moment.astimezone(self.zone)
        ends = [
            datetime.combine(local.date(), w.end, self.zone)
            for w in self.windows
            if local.weekday() in w.days and w.start <= local.time() < w.end
        ]
        return max(ends)

    def after_open_minutes(self, start: datetime, minutes: float) -> datetime | None:
        """The moment by which the office has been open ``minutes`` minutes since ``start``
        (None if it never opens)."""
        moment, left = start, timedelta(minutes=minutes)
        for _ in range(2000):
            closes = self.closes_at(moment)
            if closes is None:
                opening = self.next_opening(moment)
                if opening is None:
                    return None
                moment = opening
                continue
            if moment + left <= closes:
                return moment + left
            left -= closes - moment
            moment = closes
        return None
