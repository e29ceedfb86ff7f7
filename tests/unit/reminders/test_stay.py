"""The stay calculator (bot.reminders.stay): days used and left, and the last legal day, under
the rule in force on each day; the rule's numbers come from the knowledge base's facts."""

from __future__ import annotations

import datetime as dt

import pytest

from bot.kb.files import KB_DIR, Fact, load_article
from bot.reminders.stay import RuleMissing, Trip, count, rule_from

D = dt.date


def fact(key: str, value: str) -> Fact:
    return Fact(value, f"claim of {key}", "src", key=key)


FACTS = [
    fact("reg_stay_days", "90"),
    fact("reg_stay_from", "2025-01-01"),
    fact("reg_stay_continuous_days", "90"),
    fact("reg_stay_old_days", "90"),
    fact("reg_stay_old_window", "180"),
]
RULE = rule_from(FACTS)


def test_the_rule_is_read_from_the_knowledge_bases_facts() -> None:
    rule = rule_from(load_article(KB_DIR / "migration_registration").facts)
    assert (rule.days, rule.since, rule.continuous, rule.old_days, rule.old_window) == (
        90, D(2025, 1, 1), 90, 90, 180,
    )  # fmt: skip
    assert all(f.source for f in rule.facts)  # every number has its source


def test_a_missing_or_retired_fact_is_an_error_not_a_guess() -> None:
    with pytest.raises(RuleMissing, match="reg_stay_old_window"):
        rule_from(FACTS[:-1])
    retired = [*FACTS[:-1], Fact("180", "c", "s", key="reg_stay_old_window", retired=True)]
    with pytest.raises(RuleMissing):
        rule_from(retired)
    with pytest.raises(RuleMissing, match="not a number"):
        rule_from([*FACTS[:-1], fact("reg_stay_old_window", "about 180")])


def test_one_stay_this_year() -> None:
    c = count([Trip(D(2026, 10, 1))], RULE, D(2026, 11, 30))
    assert (c.used, c.left, c.over, c.current) == (61, 29, 0, 61)  # 31 + 30, both ends counted
    assert c.last_day == D(2026, 12, 29)
    assert c.calendar_year
    assert not c.overstaying


def test_several_entries_add_up() -> None:
    trips = [
        Trip(D(2026, 1, 10), D(2026, 2, 28)),  # 50 days
        Trip(D(2026, 6, 1), D(2026, 6, 30)),  # 30 days
        Trip(D(2026, 11, 25)),  # 6 days by 30 November
    ]
    c = count(trips, RULE, D(2026, 11, 30))
    assert (c.used, c.left, c.current) == (86, 4, 6)
    assert c.last_day == D(2026, 12, 4)  # the 90th day of the year


def test_the_year_count_starts_again_on_1_january_but_not_the_continuous_limit() -> None:
    # 80 days used in 2026; in again on 28 December: 84 by 31 December, then a new year.
    trips = [Trip(D(2026, 3, 1), D(2026, 5, 19)), Trip(D(2026, 12, 28))]
    c = count(trips, RULE, D(2026, 12, 28))
    assert c.used == 81
    assert c.last_day == D(2027, 3, 27)  # 90 days in a row from 28 December
    # Had they come on 20 December, the 90th day of 2026 would come first.
    c = count([Trip(D(2026, 3, 1), D(2026, 5, 19)), Trip(D(2026, 12, 20))], RULE, D(2026, 12, 22))
    assert (c.used, c.last_day) == (83, D(2026, 12, 29))


def test_before_2025_the_old_rule_counts_any_180_days() -> None:
    trips = [Trip(D(2024, 8, 1), D(2024, 9, 30)), Trip(D(2024, 12, 1))]  # 61 + 20 days
    c = count(trips, RULE, D(2024, 12, 20))
    assert (c.used, c.left, c.calendar_year) == (81, 9, False)
    assert c.last_day == D(2024, 12, 29)  # 90 in the 180 days ending then


def test_the_rule_changes_at_the_year_boundary() -> None:
    # In since 1 December 2024, nothing before: the old rule to 31 December, then the year's
    # count starts on 1 January 2025, and 90 days in a row end on 28 February 2025.
    trips = [Trip(D(2024, 12, 1))]
    assert count(trips, RULE, D(2024, 12, 25)).last_day == D(2025, 2, 28)
    c = count(trips, RULE, D(2025, 1, 10))
    assert (c.used, c.current, c.calendar_year) == (10, 41, True)
    # The old window would have counted December's days too; the new year does not.
    assert c.left == 80


def test_over_the_limit() -> None:
    c = count([Trip(D(2026, 8, 1))], RULE, D(2026, 11, 30))  # 122 days in a row
    assert (c.used, c.over, c.left, c.last_day) == (122, 32, 0, None)
    assert c.overstaying


def test_over_the_continuous_limit_only() -> None:
    # In since 20 November 2025: on 1 March 2026 only 60 days of 2026, but 102 in a row.
    c = count([Trip(D(2025, 11, 20))], RULE, D(2026, 3, 1))
    assert (c.used, c.over, c.current) == (60, 0, 102)
    assert c.overstaying
    assert c.last_day is None


def test_after_leaving_nothing_is_running() -> None:
    c = count([Trip(D(2026, 2, 1), D(2026, 3, 2))], RULE, D(2026, 11, 30))
    assert (c.used, c.left, c.current, c.last_day, c.overstaying) == (30, 60, 0, None, False)


def test_last_years_days_do_not_count_this_year() -> None:
    c = count([Trip(D(2025, 9, 1), D(2025, 11, 29))], RULE, D(2026, 1, 5))  # 90 days of 2025
    assert (c.used, c.left) == (0, 90)


def test_a_date_after_today_is_left_out() -> None:
    c = count([Trip(D(2026, 12, 10))], RULE, D(2026, 11, 30))
    assert (c.used, c.last_day) == (0, None)


def test_with_a_patent_the_stay_follows_the_patent() -> None:
    trips = [Trip(D(2026, 8, 1))]  # 122 days in a row: over the limit without a patent
    c = count(trips, RULE, D(2026, 11, 30), patent_until=D(2026, 12, 20))
    assert (c.on_patent, c.overstaying, c.last_day) == (True, False, D(2026, 12, 20))
    assert c.used == 122  # still counted, for the person to see
    lapsed = count(trips, RULE, D(2026, 11, 30), patent_until=D(2026, 11, 29))
    assert (lapsed.on_patent, lapsed.overstaying) == (False, True)  # a lapsed patent: no cover
    left = count([Trip(D(2026, 2, 1), D(2026, 3, 2))], RULE, D(2026, 11, 30), D(2026, 12, 20))
    assert (left.on_patent, left.last_day) == (False, None)  # not in Russia now


def test_the_exemptions_are_named_with_the_rule_when_the_knowledge_base_has_them() -> None:
    rule = rule_from(load_article(KB_DIR / "migration_registration").facts)
    keys = {f.key for f in rule.facts}
    assert {"reg_stay_exempt", "reg_patent_extends"} <= keys
    assert rule_from(FACTS).facts == tuple(FACTS)  # not required
