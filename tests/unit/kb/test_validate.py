"""``mrc kb validate``: what it refuses, and that the shipped knowledge base passes."""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

import pytest

from bot.kb.files import (
    KB_DIR,
    Article,
    Fact,
    KBFormatError,
    Source,
    Translation,
    load_all,
    load_article,
    write_article,
)
from bot.kb.validate import validate
from bot.topics import TOPICS

BODIES = {
    "en": "Apply for the patent within 30 days of entering Russia. Keep every receipt and "
    "a copy of your passport. Check the current rules on [мвд.рф](https://мвд.рф) or ask "
    "the MRC: write operator here and a specialist will answer you soon.",
    "ru": "Подайте документы на патент в течение 30 дней после въезда в Россию. Храните все "
    "квитанции и копию паспорта. Уточните правила на [мвд.рф](https://мвд.рф) или "
    "напишите здесь «оператор», и вам ответит специалист центра.",
    "tg": "Барои патент дар давоми 30 рӯз пас аз ворид шудан ба Русия ҳуҷҷат супоред. Ҳамаи "
    "квитансияҳо ва нусхаи шиносномаро нигоҳ доред. Қоидаҳоро дар [мвд.рф](https://мвд.рф) "
    "санҷед ё дар ин ҷо «оператор» нависед, мутахассис ба шумо ҷавоб медиҳад.",
}


def article(topic: str = "work_patent", **changes: object) -> Article:
    a = Article(
        topic=topic,
        related=[],
        last_reviewed=dt.date(2026, 11, 23),
        review_due=dt.date(2027, 2, 23),
        sources=[Source("law", "Federal Law No. 115-FZ", url="http://pravo.gov.ru")],
        facts=[Fact("30", "Apply within 30 days of entry.", "law")],
        translations={
            lang: Translation(lang, "Work patent", body) for lang, body in BODIES.items()
        },
    )
    for name, value in changes.items():
        setattr(a, name, value)
    return a


def problems_of(a: Article) -> list[str]:
    return validate({a.topic: a}, required=(a.topic,))


def test_a_good_article_passes() -> None:
    assert problems_of(article()) == []


def test_a_number_without_a_fact_is_refused() -> None:
    a = article(facts=[])
    assert "work_patent: en: the number 30 is not listed in facts with a source" in problems_of(a)


def test_facts_need_known_sources_and_uncertainty_needs_review() -> None:
    a = article(facts=[Fact("30", "x", "nowhere", certain=False)])
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
    a = article()
    a.translations["en"] = Translation("en", "Work patent", body)
    assert any(expected in p for p in problems_of(a)), problems_of(a)


def test_missing_languages_drafts_and_wrong_language() -> None:
    a = article()
    del a.translations["tg"]
    a.translations["ru"] = Translation("ru", "Патент", BODIES["ru"], status="draft")
    a.translations["en"] = Translation("en", "Patent", BODIES["ru"])
    problems = problems_of(a)
    assert "work_patent: tg: missing" in problems
    assert "work_patent: ru: status is 'draft', not 'published'" in problems
    assert "work_patent: en: the text reads as 'ru'" in problems


def test_required_topics_and_related_topics() -> None:
    problems = validate({"work_patent": article(related=["nowhere"])}, required=("entry_ban",))
    assert "entry_ban: no article" in problems
    assert "work_patent: related topic 'nowhere' does not exist" in problems


def test_files_round_trip(tmp_path: Path) -> None:
    original = article(needs_staff_review=True, review_notes=["check the 30 days"])
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
