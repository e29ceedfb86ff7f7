"""``mrc kb validate``: what it refuses, and that the shipped knowledge base passes."""

from __future__ import annotations

import datetime as dt
import shutil
from dataclasses import replace
from pathlib import Path

import pytest

from bot.kb.files import (
    KB_DIR,
    Article,
    Contact,
    Fact,
    KBFormatError,
    Phone,
    Source,
    Translation,
    load_all,
    load_article,
    load_contacts,
    write_article,
    write_contacts,
)
from bot.kb.validate import check, contact_problems, validate
from bot.topics import TOPICS
from tests.factories import BODIES, make_article


def problems_of(a: Article) -> list[str]:
    return validate({a.topic: a}, required=(a.topic,))


def test_a_good_article_passes() -> None:
    assert problems_of(make_article()) == []


def test_a_number_without_a_fact_is_refused() -> None:
    a = make_article(facts=[])
    assert "work_patent: en: the number 30 is not listed in facts with a source" in problems_of(a)


def test_facts_need_known_sources_and_uncertainty_needs_review() -> None:
    a = make_article(facts=[Fact("30", "x", "nowhere", certain=False)])
    problems = problems_of(a)
    assert "work_patent: fact '30': unknown source 'nowhere'" in problems
    assert "work_patent: fact '30': uncertain: set needs_staff_review" in problems


def test_a_source_is_a_page_with_a_date() -> None:
    root = Source("mvd", "МВД", url="https://мвд.рф", kind="official")
    problems = problems_of(make_article(sources=[*make_article().sources, root]))
    assert "work_patent: source mvd: link the page itself, not the site: https://мвд.рф" in problems
    assert any(
        p.startswith("work_patent: source mvd: needs the date the page states") for p in problems
    )
    future = Source("law", "x", url="https://a.ru/b", kind="law", published=dt.date(2099, 1, 1))
    assert "work_patent: source law: published 2099-01-01 is in the future" in problems_of(
        make_article(sources=[future])
    )
    unknown = Source("law", "x", url="https://a.ru/b", kind="blog", accessed=dt.date(2026, 1, 1))
    assert any("kind must be one of" in p for p in problems_of(make_article(sources=[unknown])))


def test_a_certain_fact_needs_a_law_or_an_official_page() -> None:
    news = Source("law", "Some news", url="https://news.example/a", kind="news",
                  accessed=dt.date(2026, 11, 30))  # fmt: skip
    problems = problems_of(make_article(sources=[news]))
    assert any(
        p.startswith("work_patent: fact patent_apply_days: certain, but its source is a news page")
        for p in problems
    ), problems
    fact = replace(make_article().facts[0], certain=False)
    assert problems_of(make_article(sources=[news], facts=[fact], needs_staff_review=True)) == []


def test_the_text_may_show_only_the_articles_facts_and_the_registrys_contacts() -> None:
    a = make_article()
    body = BODIES["en"].replace("30 days", "{{fact:patent_apply_days}} days")
    a.translations["en"] = Translation(
        "en", "Work patent", body + "\n\n{{contact:nowhere}}\n{{fact:nope}}"
    )
    problems = problems_of(a)
    assert "work_patent: en: {{contact:nowhere}} is not in the contacts registry" in problems
    assert "work_patent: en: {{fact:nope}} is not one of the article's facts" in problems
    assert not any("{{fact:patent_apply_days}}" in p for p in problems)
    contact = Contact("nowhere", {"tg": "a", "ru": "b", "en": "c"})
    assert not any(
        "contact" in p
        for p in validate({a.topic: a}, required=(a.topic,), contacts={"nowhere": contact})
    )
    retired_fact = replace(a.facts[0], retired=True)
    assert any(
        "not one of the article's facts" in p for p in problems_of(replace_facts(a, [retired_fact]))
    )


def replace_facts(a: Article, facts: list[Fact]) -> Article:
    a.facts = facts
    return a


def test_misspelt_markup_and_different_sections_are_refused() -> None:
    a = make_article()
    a.translations["en"] = Translation(
        "en",
        "Work patent",
        BODIES["en"] + "\n\n**Money** {#payment}\n- {{fact: patent_apply_days}}",
    )
    problems = problems_of(a)
    assert "work_patent: en: markup not understood: {{fact: patent_apply_days}}" in problems
    assert any(p.startswith("work_patent: the languages have different sections") for p in problems)


def test_a_link_address_may_hold_digits() -> None:
    a = make_article()
    a.translations["en"] = Translation(
        "en",
        "Work patent",
        BODIES["en"] + " See [the service](https://services.example/info?sid=2000).",
    )
    assert problems_of(a) == []


def test_fact_keys_are_unique_in_the_knowledge_base() -> None:
    other = make_article("entry_ban")
    problems = validate({"work_patent": make_article(), "entry_ban": other},
                        required=("work_patent", "entry_ban"))  # fmt: skip
    assert "work_patent: fact patent_apply_days: the key is used by another fact" in problems


def test_contacts_need_names_and_verified_details_need_an_official_source() -> None:
    bad = Contact(
        "x", {"en": "X"}, phones=(Phone("112"),), verified=True, source_url="https://a.example"
    )
    problems = contact_problems({"x": bad})
    assert "x: needs a name in tg, ru and en" in problems
    assert "x: the source must be a page itself: https://a.example" in problems
    assert any(p.startswith("x: verified details need their source page") for p in problems)


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        ("# Heading\n" + BODIES["en"], "'#' headings are not shown"),
        ("| a | b |\n" + BODIES["en"], "tables are not shown"),
        ("**bold\n" + BODIES["en"], "unbalanced **"),
        ("<b>x</b>\n" + BODIES["en"], "contains HTML tags"),
        ("[site](ftp://x)\n" + BODIES["en"], "malformed link"),
        ("too short", "body has 9 characters"),
    ],
)
def test_markdown_telegram_cannot_show_is_refused(body: str, expected: str) -> None:
    a = make_article()
    a.translations["en"] = Translation("en", "Work patent", body)
    assert any(expected in p for p in problems_of(a)), problems_of(a)


def test_missing_languages_drafts_and_wrong_language() -> None:
    a = make_article()
    del a.translations["tg"]
    a.translations["ru"] = Translation("ru", "Патент", BODIES["ru"], status="draft")
    a.translations["en"] = Translation("en", "Patent", BODIES["ru"])
    problems = problems_of(a)
    assert "work_patent: tg: missing" in problems
    assert "work_patent: ru: status is 'draft', not 'published'" in problems
    assert "work_patent: en: the text reads as 'ru'" in problems


def test_required_topics_and_related_topics() -> None:
    problems = validate({"work_patent": make_article(related=["nowhere"])}, required=("entry_ban",))
    assert "entry_ban: no article" in problems
    assert "work_patent: related topic 'nowhere' does not exist" in problems


def test_files_round_trip(tmp_path: Path) -> None:
    original = make_article(needs_staff_review=True, review_notes=["check the 30 days"])
    write_article(original, tmp_path)
    loaded = load_article(tmp_path / "work_patent")
    assert loaded == original


def test_malformed_files_are_reported_not_raised(tmp_path: Path) -> None:
    (tmp_path / "broken").mkdir()
    (tmp_path / "broken" / "meta.yml").write_text("topic: [unclosed\n")
    (tmp_path / "nofront").mkdir()
    (tmp_path / "nofront" / "meta.yml").write_text("topic: nofront\n")
    (tmp_path / "nofront" / "en.md").write_text("no front matter")
    articles, problems = load_all(tmp_path)
    assert articles == {}
    assert len(problems) == 2
    with pytest.raises(KBFormatError, match="front matter"):
        load_article(tmp_path / "nofront")


def test_the_shipped_knowledge_base_is_valid(tmp_path: Path) -> None:
    articles, problems = check(KB_DIR)
    assert problems == []
    assert set(TOPICS) <= set(articles)
    # Export writes back exactly what import reads.
    for a in articles.values():
        write_article(a, tmp_path)
    again, _ = load_all(tmp_path)
    assert again == articles
    shutil.rmtree(tmp_path)


def test_the_contacts_registry_round_trips(tmp_path: Path) -> None:
    contacts = load_contacts(KB_DIR)
    assert contacts["emergency_russia"].shown()
    assert not contacts["mrc_dushanbe"].shown()
    write_contacts(contacts, tmp_path)
    assert load_contacts(tmp_path) == contacts
