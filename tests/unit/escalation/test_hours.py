"""Office hours in Dushanbe: open or not, and when next, with holidays and bad settings."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from bot.escalation.hours import OfficeHours, OfficeHoursError

pytestmark = pytest.mark.unit

# 2026-11-23 is a Monday; Dushanbe is UTC+5.
MONDAY_0830_LOCAL = datetime(2026, 11, 23, 3, 30, tzinfo=UTC)


def test_open_and_next_opening_in_dushanbe_time() -> None:
    hours = OfficeHours("Mon-Fri 09:00-18:00; Sat 10:00-14:00")
    assert not hours.is_open(MONDAY_0830_LOCAL)
    opening = hours.next_opening(MONDAY_0830_LOCAL)
    assert opening is not None
    assert (opening.date(), opening.hour) == (date(2026, 11, 23), 9)
    assert hours.is_open(datetime(2026, 11, 23, 4, 0, tzinfo=UTC))  # 09:00 local
    friday_evening = datetime(2026, 11, 27, 14, 0, tzinfo=UTC)  # 19:00 local
    saturday = hours.next_opening(friday_evening)
    assert saturday is not None
    assert (saturday.date(), saturday.hour) == (date(2026, 11, 28), 10)


def test_holidays_are_skipped() -> None:
    hours = OfficeHours("Mon-Fri 09:00-18:00", holidays=(date(2026, 11, 23),))
    assert not hours.is_open(datetime(2026, 11, 23, 6, 0, tzinfo=UTC))
    opening = hours.next_opening(MONDAY_0830_LOCAL)
    assert opening is not None
    assert opening.date() == date(2026, 11, 24)


@pytest.mark.parametrize(
    "spec", ["Mon-Fri 9-18", "Xyz 09:00-18:00", "Mon 18:00-09:00", "Mon 25:00-26:00"]
)
def test_bad_settings_are_refused_with_the_reason(spec: str) -> None:
    with pytest.raises(OfficeHoursError):
        OfficeHours(spec)
