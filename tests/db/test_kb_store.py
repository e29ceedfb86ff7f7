"""The knowledge base in a real database: import, staff edits kept, export, language fallback."""

from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.db.models import ArticleRevision, ArticleTranslation
from bot.kb.files import Translation
from bot.kb.store import export_articles, import_articles, published
from tests.factories import make_article


async def revisions(session: AsyncSession) -> int:
    return int(await session.scalar(select(func.count()).select_from(ArticleRevision)) or 0)


async def test_import_is_idempotent_and_export_round_trips(session: AsyncSession) -> None:
    files = {"work_patent": make_article()}
    first = await import_articles(session, files)
    assert first.created == ["work_patent"]
    assert await revisions(session) == 3
    second = await import_articles(session, files)
    assert (second.created, second.updated, second.unchanged) == ([], [], ["work_patent"])
    assert await revisions(session) == 3
    assert await export_articles(session) == files


async def test_changed_files_update_and_keep_history(session: AsyncSession) -> None:
    await import_articles(session, {"work_patent": make_article()})
    changed = make_article(related=["entry_ban"])
    changed.translations["en"] = Translation(
        "en", "Work patent (new)", changed.translations["en"].body
    )
    report = await import_articles(session, {"work_patent": changed})
    assert report.updated == ["work_patent"]
    assert await revisions(session) == 4
    exported = (await export_articles(session))["work_patent"]
    assert exported.related == ["entry_ban"]
    assert exported.translations["en"].title == "Work patent (new)"


async def test_a_staff_edit_is_never_silently_overwritten(session: AsyncSession) -> None:
    await import_articles(session, {"work_patent": make_article()})
    edited = await session.scalar(
        select(ArticleTranslation).where(ArticleTranslation.language == "ru")
    )
    assert edited is not None
    edited.body, edited.updated_by = edited.body + " Правка сотрудника.", "staff:alice"
    await session.flush()
    files = make_article()
    files.translations["ru"] = Translation(
        "ru", "Патент", files.translations["ru"].body + " Новое."
    )
    report = await import_articles(session, {"work_patent": files})
    assert list(report.conflicts) == ["work_patent/ru"]
    assert "+Патент" in report.conflicts["work_patent/ru"]
    assert "Правка сотрудника" in report.conflicts["work_patent/ru"]
    assert edited.body.endswith("Правка сотрудника.")
    forced = await import_articles(session, {"work_patent": files}, force=True)
    assert forced.conflicts == {}
    assert edited.body.endswith("Новое.")
    assert edited.updated_by == "import"


async def test_a_missing_translation_falls_back_to_russian_then_english(
    session: AsyncSession,
) -> None:
    article = make_article()
    article.translations["tg"] = Translation(
        "tg", "Патент", article.translations["tg"].body, "draft"
    )
    await import_articles(session, {"work_patent": article})
    answer = await published(session, "work_patent", "tg")
    assert answer is not None
    assert (answer.language, answer.fell_back_from) == ("ru", "tg")
    english = await published(session, "work_patent", "en")
    assert english is not None
    assert (english.language, english.fell_back_from) == ("en", None)
    assert await published(session, "no_such_topic", "en") is None
