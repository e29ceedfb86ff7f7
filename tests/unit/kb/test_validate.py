"""``mrc kb validate``: what it refuses, and that the shipped knowledge base passes."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from bot.kb.files import (
    KB_DIR,
    Article,
    Fact,
    KBFormatError,
    Translation,
    load_all,
    load_article,
    write_article,
)
from bot.kb.validate import validate
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
    assert "work_patent: fact '30' is uncertain: set needs_staff_review" in problems


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
    articles, problems = load_all(KB_DIR)
    assert problems == []
    assert set(TOPICS) <= set(articles)
    assert validate(articles) == []
    # Export writes back exactly what import reads.
    for a in articles.values():
        write_article(a, tmp_path)
    again, _ = load_all(tmp_path)
    assert again == articles
    shutil.rmtree(tmp_path)
