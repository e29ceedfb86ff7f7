"""The stay calculator: from a person's entry and exit dates, the days of a visa-free stay in
Russia used and left, and the last day of a legal stay (issue 15).

The rule's numbers are knowledge-base facts with sources (``migration_registration``), never
constants here: :func:`rule_from` reads them, and the answer names the facts it used. Each
day is checked under the rule in force on it: before ``since``, at most ``old_days`` in any
``old_window`` days; from ``since``, at most ``days`` in the calendar year. A continuous stay
is never longer than ``continuous`` days. The day of entry and the day of exit both count (the
cautious reading; see the fact ``reg_stay_counting``). A patent, study or an extension lifts the
limit: the dialogue says so instead of counting.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from bot.kb.files import Fact

#: The facts the rule is made of (key -> StayRule field).
FACT_KEYS = {
    "reg_stay_days": "days",
    "reg_stay_from": "since",
    "reg_stay_continuous_days": "continuous",
    "reg_stay_old_days": "old_days",
    "reg_stay_old_window": "old_window",
}
#: Facts that say when the limit does not apply (a patent...): named with the rule's sources
#: when present, not required.
EXEMPTION_KEYS = ("reg_stay_exempt", "reg_patent_extends")
#: How far ahead the last legal day is looked for (a stay is never longer than a year).
HORIZON = 366
ONE_DAY = dt.timedelta(days=1)


class RuleMissing(LookupError):
    """The knowledge base lacks a fact the rule needs (retired, or not published)."""


@dataclass(frozen=True)
class StayRule:
    """The limit on a visa-free stay, as the knowledge base states it."""

    days: int
    since: dt.date
    continuous: int
    old_days: int
    old_window: int
    #: The facts it was read from, to name them and their sources in the answer.
    facts: tuple[Fact, ...] = ()


@dataclass(frozen=True)
class Trip:
    """One stay in Russia: the day of entry and the day of exit (None: still there)."""

    entry: dt.date
    exit: dt.date | None = None


@dataclass(frozen=True)
class StayCount:
    """The count on ``today``."""

    today: dt.date
    #: Days in Russia counted against the limit in force today: this calendar year's days
    #: (the rule since ``since``), or the last ``old_window`` days' (the rule before).
    used: int
    #: Days still allowed (0 when used up).
    left: int
    #: Days over the limit today (0 when within it).
    over: int
    #: Still in Russia: the last day of a legal stay (None: not in Russia, or already over).
    last_day: dt.date | None
    #: Still in Russia: the days of the current stay so far, entry day included.
    current: int
    #: Whether today's count is under the calendar-year rule (False: the old window rule).
    calendar_year: bool
    #: Still in Russia and over a limit today (the year's or the continuous one).
    overstaying: bool = False
    #: The stay follows a patent paid until ``last_day`` (the limit does not apply).
    on_patent: bool = False


def rule_from(facts: Iterable[Fact]) -> StayRule:
    """The rule from the knowledge base's facts (raises RuleMissing if one is missing)."""
    facts = list(facts)
    by_key = {f.key: f for f in facts if f.key in FACT_KEYS and not f.retired}
    missing = sorted(set(FACT_KEYS) - set(by_key))
    if missing:
        raise RuleMissing(", ".join(missing))
    values: dict[str, object] = {}
    try:
        for key, name in FACT_KEYS.items():
            raw = by_key[key].value.strip()
            values[name] = dt.date.fromisoformat(raw) if name == "since" else int(raw)
    except ValueError as exc:
        raise RuleMissing(f"a stay fact is not a number or date: {exc}") from exc
    exemptions = [f for f in facts if f.key in EXEMPTION_KEYS and not f.retired]
    used = (*(by_key[k] for k in FACT_KEYS), *exemptions)
    return StayRule(facts=used, **values)  # type: ignore[arg-type]


def days_in(trips: Sequence[Trip], until: dt.date) -> set[dt.date]:
    """Every day spent in Russia up to ``until`` (an open stay lasts until then)."""
    days: set[dt.date] = set()
    for trip in trips:
        end = min(trip.exit or until, until)
        day = trip.entry
        while day <= end:
            days.add(day)
            day += ONE_DAY
    return days


def _counted(day: dt.date, present: set[dt.date], rule: StayRule) -> int:
    """Days counted against the limit in force on ``day``."""
    if day >= rule.since:
        start = dt.date(day.year, 1, 1)
        return sum(1 for d in present if start <= d <= day)
    start = day - dt.timedelta(days=rule.old_window - 1)
    return sum(1 for d in present if start <= d <= day)


def _allowed(day: dt.date, rule: StayRule) -> int:
    return rule.days if day >= rule.since else rule.old_days


def _run_length(day: dt.date, present: set[dt.date]) -> int:
    """Days in a row in Russia ending on ``day``."""
    n = 0
    while day - dt.timedelta(days=n) in present:
        n += 1
    return n


def _legal(day: dt.date, present: set[dt.date], rule: StayRule) -> bool:
    return (
        _counted(day, present, rule) <= _allowed(day, rule)
        and _run_length(day, present) <= rule.continuous
    )


def count(
    trips: Sequence[Trip], rule: StayRule, today: dt.date, patent_until: dt.date | None = None
) -> StayCount:
    """How much of the limit the trips use on ``today``, and the last legal day of a stay that
    goes on. With a patent paid until ``patent_until`` (today or later) the limit does not apply
    (the fact ``reg_stay_exempt``): the stay is legal while the patent is paid."""
    trips = [t for t in trips if t.entry <= today]
    present = days_in(trips, today)
    used = _counted(today, present, rule)
    allowed = _allowed(today, rule)
    inside = any(t.exit is None or t.exit >= today for t in trips)
    current = _run_length(today, present) if inside else 0
    last_day = None
    legal = _legal(today, present, rule)
    if inside and legal:
        # Stay on day after day while it stays legal (the year's count starts again on
        # 1 January, the old window slides; the continuous limit holds throughout).
        projected = set(present)
        day = today
        for _ in range(HORIZON):
            following = day + ONE_DAY
            projected.add(following)
            if not _legal(following, projected, rule):
                break
            day = following
        last_day = day
    on_patent = patent_until is not None and patent_until >= today and inside
    if on_patent:
        last_day, legal = patent_until, True
    return StayCount(
        today=today,
        used=used,
        left=max(allowed - used, 0),
        over=max(used - allowed, 0),
        last_day=last_day,
        current=current,
        calendar_year=today >= rule.since,
        overstaying=inside and not legal,
        on_patent=on_patent,
    )
