"""When an answer can be expected (bot.escalation.promise, bot.escalation.hours): the promise
counts minutes of office hours, skipping nights, weekends and holidays; what /status and the
apology say, in each language."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest

from bot.escalation.cards import apology_text, status_text
from bot.escalation.hours import OfficeHours
from bot.escalation.promise import Standing, due_by
from bot.i18n import LANGUAGES, Translator

pytestmark = pytest.mark.unit

HOURS = OfficeHours("Mon-Fri 09:00-18:00", holidays=(date(2026, 11, 30),))


def local(day: int, hour: int, minute: int = 0) -> datetime:
    """A moment in Dushanbe (UTC+5) in November/December 2026 (23 November is a Monday)."""
    month, day = (11, day) if day <= 30 else (12, day - 30)
    return datetime(2026, month, day, hour - 5, minute, tzinfo=UTC)


@pytest.mark.parametrize(
    ("opened", "due"),
    [
        (local(24, 10), local(24, 12)),  # Tuesday morning: two hours later
        (local(24, 17), local(25, 10)),  # an hour on Tuesday, an hour on Wednesday
        (local(24, 20), local(25, 11)),  # Tuesday night: from Wednesday's opening
        (local(27, 17, 30), local(1 + 30, 10, 30)),  # Friday: Monday 30 Nov is a holiday
        (local(28, 12), local(1 + 30, 11)),  # Saturday: Tuesday 1 December
    ],
)
def test_the_promise_counts_office_minutes(opened: datetime, due: datetime) -> None:
    assert due_by(HOURS, opened, 120) == due


def test_an_office_that_never_opens_promises_nothing() -> None:
    closed = OfficeHours("Mon 09:00-10:00", holidays=tuple(
        date(2026, 11, 23) + timedelta(weeks=w) for w in range(60)))  # fmt: skip
    assert due_by(closed, local(24, 10), 120) is None


@pytest.mark.parametrize("language", LANGUAGES)
def test_status_says_where_the_request_stands(language: str) -> None:
    t = Translator(language)
    now = local(24, 20)  # the office is closed
    waiting = Standing(12, local(24, 17), "waiting", None, local(25, 10), 3, False)
    text = status_text(t, waiting, HOURS, now)
    assert "#12" in text
    assert t.gettext("⏳ An operator has not opened your request yet.") in text
    assert (
        t.ngettext("{n} request is ahead of yours.", "{n} requests are ahead of yours.", 3) in text
    )
    assert "10:00" in text  # the next opening and the answer expected then
    seen = status_text(
        t,
        Standing(12, local(24, 17), "seen", None, local(25, 10), 0, False),
        HOURS,
        local(25, 9, 30),
    )
    assert t.gettext("👀 An operator has seen your request and will answer here.") in seen
    late = status_text(
        t, Standing(12, local(24, 10), "seen", None, local(25, 12), 0, True), HOURS, local(25, 10)
    )
    assert "12:00" in late
    answered = status_text(
        t, Standing(12, local(24, 10), "answered", local(24, 11), None, 0, False), HOURS, now
    )
    assert "11:00" in answered
    assert apology_text(t, 12, local(25, 12), HOURS).count("#12") == 1
    assert "#12" in apology_text(t, 12, None, HOURS)
