"""Suggested replies for operators (bot.escalation.suggest) over the shipped knowledge base: a
small labelled set of past questions and the section that answered them, in tg, ru and en."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator

import pytest

from bot.db import Database, migrate
from bot.escalation.suggest import LIMIT, ranked, suggest
from bot.kb.files import load_all
from bot.kb.service import KnowledgeBase
from bot.kb.store import import_articles
from tests.db.conftest import fresh_database

#: (question, language, topic the NLU saw or None, topic, section that answers it)
LABELLED = [
    ("Сколько стоит патент в месяц в Москве?", "ru", "work_patent", "work_patent", "payment"),
    ("я опоздал с оплатой патента на два дня, что теперь", "ru", None, "work_patent", "paying"),
    ("работодатель не платит зарплату уже два месяца", "ru", "labour_rights", "labour_rights",
     "unpaid"),
    ("как проверить запрет на въезд", "ru", "entry_ban", "entry_ban", "check"),
    ("ребенок родился в Москве, где получить свидетельство о рождении", "ru", None,
     "child_born_abroad", "zags"),
    ("Пули патентро як рӯз дер супоридам, чӣ мешавад?", "tg", "work_patent", "work_patent",
     "paying"),
    ("Регистратсияро дар чанд рӯз кардан лозим?", "tg", "migration_registration",
     "migration_registration", "deadline"),
    ("барои бе регистратсия мондан чарима чанд аст", "tg", None, "migration_registration",
     "fines"),
    ("Суроғаи сафорати Тоҷикистон дар Маскав", "tg", "consulate_contacts", "consulate_contacts",
     "russia"),
    ("kor farmo maoshamro namedihad", "tg", "labour_rights", "labour_rights", "unpaid"),
    ("How much is the monthly patent payment in Moscow?", "en", "work_patent", "work_patent",
     "payment"),
    ("How many days can I stay in Russia without a patent?", "en", None,
     "migration_registration", "stay_limit"),
    ("How do I check whether I have an entry ban?", "en", "entry_ban", "entry_ban", "check"),
    ("my employer took my passport and will not give it back", "en", None, "emergency_help",
     "documents_taken"),
    ("what are the reasons for an entry ban", "en", "entry_ban", "entry_ban", "reasons"),
]  # fmt: skip


@pytest.fixture(scope="module")
def kb_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    gen = fresh_database("sqlite", tmp_path_factory.mktemp("suggest"))
    url = next(gen)
    migrate.upgrade(url)
    yield url
    next(gen, None)


@pytest.fixture
async def kb(kb_url: str) -> AsyncIterator[KnowledgeBase]:
    db = Database(kb_url)
    async with db.session() as session:
        if not await KnowledgeBase(db).article("work_patent", "en"):
            articles, problems = load_all()
            assert not problems
            await import_articles(session, articles)
    yield KnowledgeBase(db)
    await db.dispose()


async def test_the_section_that_answered_is_among_the_suggestions(kb: KnowledgeBase) -> None:
    index = await kb.sections()
    found = []
    for question, _, intent, topic, section in LABELLED:
        top = [(t, s) for t, s, _ in ranked(index, question, intent)[:LIMIT]]
        found.append((topic, section) in top)
    share = sum(found) / len(found)
    misses = [q for q, ok in zip(LABELLED, found, strict=True) if not ok]
    assert share >= 0.85, misses


async def test_suggestions_are_the_knowledge_bases_text_in_the_migrants_language(
    kb: KnowledgeBase,
) -> None:
    got = await suggest(kb, "Сколько стоит патент в месяц в Москве?", "tg", "work_patent")
    assert 1 <= len(got) <= LIMIT
    first = got[0]
    assert (first.topic, first.section) == ("work_patent", "payment")
    tajik = await kb.article("work_patent", "tg")
    assert tajik is not None
    assert first.title.startswith(tajik.title)
    assert "{{" not in first.title + first.text  # facts filled in
    assert len(first.text) <= 1500


async def test_nothing_is_suggested_for_nothing(kb: KnowledgeBase) -> None:
    assert await suggest(kb, "   ", "en") == []
    assert await suggest(kb, "qwzx vbnm", "en") == []
