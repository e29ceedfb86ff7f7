"""Pieces of /remind in Telegram that need no Telegram: the stay calculator's lines, and "I
paid" moving the date a month on."""

from __future__ import annotations

import datetime as dt

import pytest

from bot.telegram.reminders import MAX_STAYS, add_month, split_stays


@pytest.mark.parametrize(
    ("text", "stays"),
    [
        ("25.11.2026", [("25.11.2026", None)]),
        ("10.01.2026 – 28.02.2026\n25.11.2026",
         [("10.01.2026", "28.02.2026"), ("25.11.2026", None)]),
        ("10.01.2026 - 28.02.2026", [("10.01.2026", "28.02.2026")]),
        ("10.01-28.02", [("10.01", "28.02")]),
        ("10 января по 28 февраля", [("10 января", "28 февраля")]),
        ("10 yanvar to 28 fevral", [("10 yanvar", "28 fevral")]),
        ("• 1.06.2026..30.06.2026", [("1.06.2026", "30.06.2026")]),
        ("\n\n  \n5.11.2026\n", [("5.11.2026", None)]),
        ("5-12-2026", [("5-12-2026", None)]),  # one date written with hyphens, not a range
    ],
)  # fmt: skip
def test_each_line_is_a_stay(text: str, stays: list[tuple[str, str | None]]) -> None:
    assert split_stays(text) == stays


def test_only_so_many_lines_are_read() -> None:
    assert len(split_stays("1.01.2026\n" * 500)) == MAX_STAYS


@pytest.mark.parametrize(
    ("day", "month_later"),
    [
        (dt.date(2026, 12, 20), dt.date(2027, 1, 20)),
        (dt.date(2027, 1, 31), dt.date(2027, 2, 28)),
        (dt.date(2028, 1, 31), dt.date(2028, 2, 29)),
        (dt.date(2026, 3, 31), dt.date(2026, 4, 30)),
    ],
)
def test_i_paid_moves_the_date_a_month_on(day: dt.date, month_later: dt.date) -> None:
    assert add_month(day) == month_later
