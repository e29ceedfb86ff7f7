"""Choosing the section that answers a question (bot.kb.section_choice)."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot import PROJECT_DIR
from bot.kb.files import load_all
from bot.kb.section_choice import Phrase, SectionIndex, features, phrases_in, phrases_under

BODY = """A patent lets a foreign citizen work in Russia.

**Monthly payment** {#payment}
- The advance payment is paid every month; in Moscow it is {{fact:pay_moscow}} roubles.

**Paying late** {#paying}
- If you pay even one day late, the patent stops being valid.

**In Kazakhstan** {#kazakhstan country=kazakhstan}
- Kazakhstan has its own permit for work.
"""
RU_BODY = """Патент даёт право работать в России.

**Ежемесячный платёж** {#payment}
- Авансовый платёж вносится каждый месяц.

**Если опоздали с оплатой** {#paying}
- Если заплатить хотя бы на день позже, патент перестаёт действовать.

**В Казахстане** {#kazakhstan country=kazakhstan}
- В Казахстане своё разрешение на работу.
"""
PHRASES = [
    Phrase("work_patent", "payment", "патент дар Маскав моҳе чанд пул"),
    Phrase("work_patent", "payment", "how much is the patent per month"),
    Phrase("work_patent", "payment", "сколько стоит патент в месяц"),
    Phrase("work_patent", "paying", "I paid the patent two days late"),
    Phrase("work_patent", "paying", "patentro der supurdam chi meshavad"),
    Phrase("work_patent", "kazakhstan", "в Казахстане нужен патент?"),
]


@pytest.fixture(scope="module")
def index() -> SectionIndex:
    articles = [("work_patent", "Work patent", BODY), ("work_patent", "Патент", RU_BODY)]
    return SectionIndex(articles, PHRASES, names=[("work_patent", "Патенти корӣ")])


@pytest.mark.parametrize(
    ("question", "section"),
    [
        ("skolko platit za patent v mesyac", "payment"),
        ("патент моҳе чанд пул мешавад", "payment"),
        ("патент хар мох чанд пул", "payment"),  # without the special letters
        ("опоздал с оплатой патента на 2 дня, что будет", "paying"),
        ("i was late paying, is my patent still valid", "paying"),
    ],
)
def test_a_specific_question_gets_its_section(
    index: SectionIndex, question: str, section: str
) -> None:
    assert index.choose("work_patent", question).section == section


@pytest.mark.parametrize(
    "question", ["patent", "расскажи про патент", "tell me about the work patent",
                 "Патенти корӣ", "дар бораи патент маълумот диҳед", "патентро чӣ тавр гирам",
                 "how do I get a work patent", "патент, ҳамаи чизҳоро гӯед",
                 "патент дар бораш маълумот", "everything about the patent"],
)  # fmt: skip
def test_a_general_question_gets_the_overview(index: SectionIndex, question: str) -> None:
    assert index.general("work_patent", question)
    assert index.choose("work_patent", question).section is None


def test_a_country_section_is_a_candidate_only_for_that_country(index: SectionIndex) -> None:
    assert index.sections_for("work_patent", None) == ["overview", "payment", "paying"]
    assert "kazakhstan" in index.sections_for("work_patent", "kazakhstan")
    assert index.choose("work_patent", "нужен ли патент в Казахстане").section != "kazakhstan"
    chosen = index.choose("work_patent", "нужен ли патент в Казахстане", "kazakhstan")
    assert chosen.section == "kazakhstan"


def test_nothing_to_compare_is_the_overview(index: SectionIndex) -> None:
    assert index.choose("work_patent", "?!").section is None
    assert index.choose("no_such_topic", "how much per month").section is None
    assert index.keys("work_patent") == ["payment", "paying", "kazakhstan"]


def test_a_phrase_of_a_section_no_article_has_is_ignored() -> None:
    index = SectionIndex([("work_patent", "Work patent", BODY)],
                         [Phrase("work_patent", "gone", "how much is it per month")])  # fmt: skip
    assert "gone" not in index.keys("work_patent")


def test_features_meet_the_three_ways_of_typing_tajik() -> None:
    a, b, c = features("ҷарима"), features("чарима"), features("jarima")
    assert set(a) == set(b) == set(c)


def test_section_phrases_are_read_with_their_section(tmp_path: Path) -> None:
    path = tmp_path / "x.yml"
    path.write_text(
        'version: "3.1"\nnlu:\n- intent: work_patent\n  metadata:\n    section: payment\n'
        '  examples: |\n    - патент дар [Маскав]{"entity": "city", "value": "moscow"} чанд\n'
        "- intent: work_patent\n  examples: |\n    - no section here\n",
        encoding="utf-8",
    )
    assert phrases_in(path) == [Phrase("work_patent", "payment", "патент дар Маскав чанд")]
    assert phrases_under(tmp_path / "missing") == []


def test_every_shipped_section_phrase_names_a_section_of_its_article() -> None:
    articles, _ = load_all()
    keys = {
        (a.topic, key)
        for a in articles.values()
        for t in a.translations.values()
        for key in SectionIndex([(a.topic, t.title, t.body)]).keys(a.topic)
    }
    phrases = phrases_under(PROJECT_DIR / "nlu" / "sections")
    assert len(phrases) > 900
    unknown = {(p.topic, p.section) for p in phrases} - keys
    assert not unknown, sorted(unknown)


def test_a_request_naming_one_topic_is_that_topic() -> None:
    """ "расскажи про патент" names the patent, whatever the NLU made of it; a word two
    topics' names share goes to the topic it is most of the name of; other requests name none."""
    articles = (
        ("work_patent", "Патент", "Патент даёт право работать."),
        ("language_exam", "Экзамен по русскому языку для патента", "Экзамен сдают в центре."),
        ("migration_registration", "Migration registration", "Register within 15 days."),
    )  # a generator, read twice
    index = SectionIndex(a for a in articles)
    assert index.named_topic("расскажи про патент") == "work_patent"
    assert index.named_topic("rasskazhi pro patent") == "work_patent"
    assert index.named_topic("экзамен для патента") == "language_exam"
    assert index.named_topic("tell me about registration") == "migration_registration"
    assert index.named_topic("tell me about the weather") is None
    assert index.named_topic("tell me more") is None
    assert index.named_topic("патент и регистрация") is None  # two topics


def test_scoring_every_topic_at_once_gives_each_topics_own_scores() -> None:
    """``scores_all`` (through the postings) agrees with ``scores`` topic by topic, on the
    shipped knowledge base, for questions in each form of writing and each country."""
    from bot.kb.service import SECTION_ONLY_PHRASES, SECTION_PHRASES

    articles, _ = load_all()
    texts = [(topic, t.title, t.body) for topic, a in articles.items()
             for t in a.translations.values()]  # fmt: skip
    phrases = [p for folder in (SECTION_PHRASES, SECTION_ONLY_PHRASES)
               for p in phrases_under(folder)]  # fmt: skip
    shipped = SectionIndex(texts, phrases)
    questions = ["патент дар Маскав моҳе чанд пул", "shtraf za registraciyu skolko",
                 "how long can police keep me", "Алматыда консулгари кучост", "qwzx"]  # fmt: skip
    for question in questions:
        for country in (None, "kazakhstan"):
            together = shipped.scores_all(question, country)
            for topic in articles:
                own = shipped.scores(topic, question, country)
                mine = {k: v for t, k, v in together if t == topic}
                assert mine == pytest.approx(dict(own), abs=1e-9)
