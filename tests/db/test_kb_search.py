"""Search over the shipped published articles, as the dialogue uses it when the NLU is unsure."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from bot.db import Database, migrate
from bot.kb.files import load_all
from bot.kb.service import KnowledgeBase
from bot.kb.store import import_articles
from tests.db.conftest import BACKENDS, fresh_database


@pytest.fixture(scope="module", params=BACKENDS)
def kb_database_url(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[str]:
    """A database of this module's own: the articles it imports are committed."""
    gen = fresh_database(request.param, tmp_path_factory.mktemp("kb"))
    url = next(gen)
    migrate.upgrade(url)
    yield url
    next(gen, None)


@pytest.fixture
async def kb(kb_database_url: str) -> KnowledgeBase:
    db = Database(kb_database_url)
    articles, problems = load_all()
    assert not problems
    async with db.session() as session:
        await import_articles(session, articles)
    yield KnowledgeBase(db)  # type: ignore[misc]
    await db.dispose()


@pytest.mark.parametrize(
    ("query", "topic"),
    [
        ("патент", "work_patent"),
        ("patent", "work_patent"),
        ("регистрация миграционный учёт", "migration_registration"),
        ("registratsiya", "migration_registration"),
        ("консулгарӣ", "consulate_contacts"),
        ("konsulstvo", "consulate_contacts"),
        ("алимент", "family_matters"),
        ("диаспора", "diaspora_engagement"),
        ("запрет на въезд", "entry_ban"),
        ("pul firistodan", "remittances"),
    ],
)
async def test_search_finds_the_topic_in_any_script(
    kb: KnowledgeBase, query: str, topic: str
) -> None:
    assert topic in await kb.search(query)


@pytest.mark.parametrize("query", ["", "a", "😀", "the and of"])
async def test_search_finds_nothing_for_empty_or_common_words(
    kb: KnowledgeBase, query: str
) -> None:
    assert await kb.search(query) == []


async def test_published_articles_are_fresh_and_index_can_be_invalidated(kb: KnowledgeBase) -> None:
    answer = await kb.article("emergency_help", "tg")
    assert answer is not None
    assert answer.urgent
    assert "112" in answer.body
    kb.invalidate()
    assert await kb.search("patent")
