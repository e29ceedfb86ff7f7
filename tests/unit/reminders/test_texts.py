"""What reminders and the stay calculator say (bot.reminders.texts), in each language: every
message renders (its placeholders are filled in every translation), amounts come only from
the knowledge base's facts for the year, with the year shown."""

from __future__ import annotations

import datetime as dt

import pytest

from bot.i18n import LANGUAGES, Translator, format_date
from bot.kb.files import Fact
from bot.reminders import texts
from bot.reminders.dates import Problem, Rejected
from bot.reminders.stay import Trip, count, rule_from

TODAY = dt.date(2026, 11, 30)
RULE = rule_from(
    Fact(v, "claim", "src", key=k)
    for k, v in (("reg_stay_days", "90"), ("reg_stay_from", "2025-01-01"),
                 ("reg_stay_continuous_days", "90"), ("reg_stay_old_days", "90"),
                 ("reg_stay_old_window", "180"))
)  # fmt: skip
PAY = Fact("10000", "claim", "src", key="patent_pay_moscow_2026", checked=TODAY)


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_message_renders(language: str) -> None:
    t = Translator(language)
    due = dt.date(2026, 12, 20)
    for kind in ("patent", "registration", "stay"):
        assert format_date(due, language) in texts.reminder_text(t, kind, due, TODAY)
        assert texts.reminder_text(t, kind, TODAY, TODAY)
        assert texts.reminder_text(t, kind, TODAY - dt.timedelta(days=2), TODAY)
        assert texts.set_message(t, kind, due, TODAY, "Europe/Moscow", "ambiguous")
        assert texts.kind_name(t, kind)
    for kind in ("patent", "registration"):
        assert "05.12.2026" in texts.ask_date(t, kind)
    assert "2026" in texts.ask_stays(t, 2026)
    for problem in Problem:
        assert texts.problem(t, Rejected(problem, due if problem is Problem.PAST else None))
    assert texts.list_message(t, [("patent", due)], "Asia/Almaty")
    assert texts.swapped_button(t, due)
    assert texts.paid_button(t, due)
    for trips, today in (([Trip(dt.date(2026, 10, 1))], TODAY),
                         ([Trip(dt.date(2026, 8, 1))], TODAY),
                         ([Trip(dt.date(2026, 2, 1), dt.date(2026, 3, 2))], TODAY),
                         ([Trip(dt.date(2024, 12, 1))], dt.date(2024, 12, 20))):  # fmt: skip
        assert texts.stay_text(t, count(trips, RULE, today), RULE)


def test_the_stay_answer_names_the_rule_and_the_last_day() -> None:
    t = Translator("en")
    text = texts.stay_text(t, count([Trip(dt.date(2026, 10, 1))], RULE, TODAY), RULE)
    assert "at most 90 days in a calendar year (since January 1, 2025)" in text
    assert "61 of 90 days" in text
    assert "your last legal day is December 29, 2026" in text
    assert "work patent" in text  # when the rule does not apply
    over = texts.stay_text(t, count([Trip(dt.date(2026, 8, 1))], RULE, TODAY), RULE)
    assert "over the limit" in over


def test_the_amount_is_the_knowledge_bases_for_this_year_only() -> None:
    t = Translator("ru")
    line = texts.amount_line(t, [PAY], "moscow", 2026)
    assert line is not None
    assert "10\xa0000" in line
    assert "2026" in line
    assert texts.amount_line(t, [PAY], "moscow", 2027) is None  # no number from code
    assert texts.amount_line(t, [PAY], "spb", 2026) is None
    assert texts.amount_line(t, [PAY], None, 2026) is None
    retired = Fact("10000", "c", "s", key="patent_pay_moscow_2026", retired=True)
    assert texts.amount_line(t, [retired], "moscow", 2026) is None


def test_the_rule_names_its_sources_and_says_what_is_unconfirmed() -> None:
    from bot.kb.files import KB_DIR, load_article
    from bot.reminders.stay import rule_from as read_rule

    article = load_article(KB_DIR / "migration_registration")
    rule = read_rule(article.facts)
    text = texts.rule_sources(Translator("en"), rule, article.sources)
    urls = {s.id: s.url for s in article.sources}
    for fact in rule.facts:
        assert urls[fact.source] in text  # every number's page
    assert "still being checked" in text  # some come from a lawyer's or a news page
    assert "\n• " in text


def test_a_patent_holder_is_told_the_stay_follows_the_patent() -> None:
    t = Translator("en")
    c = count([Trip(dt.date(2026, 8, 1))], RULE, TODAY, patent_until=dt.date(2026, 12, 20))
    text = texts.stay_text(t, c, RULE)
    assert "your patent is paid until December 20, 2026" in text
    assert "over the limit" not in text


def test_time_zones_are_named_in_the_readers_language() -> None:
    assert "Маскав (UTC+3)" in texts.list_message(Translator("tg"), [], "Europe/Moscow")
    assert "Москва (UTC+3)" in texts.list_message(Translator("ru"), [], "Europe/Moscow")
    assert "Almaty (UTC+5)" in texts.list_message(Translator("en"), [], "Asia/Almaty")
