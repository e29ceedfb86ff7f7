"""The knowledge base in the database: import from files, export to files, read for answers.

The files under ``knowledge_base/`` are the curated copy under version control; the database is
the live copy staff edit. ``import_articles`` never silently overwrites a staff edit: a
translation last changed by someone other than ``import`` is only replaced with ``force``.
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass, field

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.db.models import Article as ArticleRow
from bot.db.models import ArticleFact, ArticleRevision, ArticleSource, ArticleTranslation
from bot.kb.files import Article, Fact, Source, Translation

IMPORTER = "import"
#: When the user's language is missing, these are tried in order.
FALLBACK_LANGUAGES = ("ru", "en", "tg")


@dataclass
class ImportReport:
    """What an import did, and what it refused to overwrite."""

    created: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    conflicts: dict[str, str] = field(default_factory=dict)  # "topic/lang" -> diff


def _diff(before: str, after: str, name: str) -> str:
    return "".join(
        difflib.unified_diff(
            before.splitlines(keepends=True), after.splitlines(keepends=True),
            f"{name} (database)", f"{name} (files)",
        )
    )  # fmt: skip


def _apply_meta(row: ArticleRow, article: Article) -> None:
    row.urgent = article.urgent
    row.countries = list(article.countries)
    row.related = list(article.related)
    row.last_reviewed = article.last_reviewed
    row.review_due = article.review_due
    row.needs_staff_review = article.needs_staff_review
    row.review_notes = list(article.review_notes)
    row.sources = [
        ArticleSource(position=i, key=s.id, title=s.title, url=s.url, document=s.document)
        for i, s in enumerate(article.sources)
    ]
    row.facts = [
        ArticleFact(
            position=i, value=f.value, claim=f.claim, source_key=f.source, certain=f.certain
        )
        for i, f in enumerate(article.facts)
    ]


def _same_meta(row: ArticleRow, article: Article) -> bool:
    return to_article(row, with_translations=False) == Article(
        **{**vars(article), "translations": {}}
    )


async def import_articles(
    session: AsyncSession, articles: dict[str, Article], *, force: bool = False
) -> ImportReport:
    """Bring the files into the database (idempotent)."""
    report = ImportReport()
    rows = {r.topic: r for r in (await session.scalars(select(ArticleRow))).all()}
    for topic, article in sorted(articles.items()):
        row = rows.get(topic)
        if row is None:
            row = ArticleRow(topic=topic)
            _apply_meta(row, article)
            session.add(row)
            report.created.append(topic)
            changed = True
        else:
            changed = not _same_meta(row, article)
            if changed:
                # Delete the old sources and facts first: their unique keys come back.
                row.sources, row.facts = [], []
                await session.flush()
                _apply_meta(row, article)
        existing = {t.language: t for t in row.translations}
        for language, translation in sorted(article.translations.items()):
            current = existing.get(language)
            name = f"{topic}/{language}"
            if current is None:
                current = ArticleTranslation(
                    language=language, updated_by=IMPORTER, title="", body=""
                )
                row.translations.append(current)
            elif (current.title, current.body, current.status) == (
                translation.title, translation.body, translation.status,
            ):  # fmt: skip
                continue
            elif current.updated_by != IMPORTER and not force:
                before = f"{current.title}\n\n{current.body}\n"
                after = f"{translation.title}\n\n{translation.body}\n"
                report.conflicts[name] = _diff(before, after, name)
                continue
            current.title, current.body = translation.title, translation.body
            current.status, current.updated_by = translation.status, IMPORTER
            current.revisions.add(
                ArticleRevision(title=current.title, body=current.body, status=current.status,
                                created_by=IMPORTER)
            )  # fmt: skip
            changed = True
        if topic not in report.created:
            (report.updated if changed else report.unchanged).append(topic)
    await session.flush()
    return report


def to_article(row: ArticleRow, *, with_translations: bool = True) -> Article:
    """The database row as a file article (for export and comparison)."""
    return Article(
        topic=row.topic,
        urgent=row.urgent,
        countries=list(row.countries),
        related=list(row.related),
        last_reviewed=row.last_reviewed,
        review_due=row.review_due,
        needs_staff_review=row.needs_staff_review,
        review_notes=list(row.review_notes),
        sources=[Source(s.key, s.title, s.url, s.document) for s in row.sources],
        facts=[Fact(f.value, f.claim, f.source_key, f.certain) for f in row.facts],
        translations={
            t.language: Translation(t.language, t.title, t.body, t.status) for t in row.translations
        }
        if with_translations
        else {},
    )


async def export_articles(session: AsyncSession) -> dict[str, Article]:
    """Every article in the database, as file articles."""
    rows = (await session.scalars(select(ArticleRow).order_by(ArticleRow.topic))).all()
    return {row.topic: to_article(row) for row in rows}


@dataclass(frozen=True)
class Answer:
    """A published article in the best available language."""

    topic: str
    language: str
    title: str
    body: str
    related: tuple[str, ...]
    urgent: bool
    #: Set when the user's language was missing and another one is shown.
    fell_back_from: str | None = None


async def published(session: AsyncSession, topic: str, language: str) -> Answer | None:
    """The published translation of ``topic`` in ``language``, else in ru, en, tg (one query)."""
    rows = (
        await session.execute(
            select(
                ArticleTranslation.language, ArticleTranslation.title, ArticleTranslation.body,
                ArticleRow.related, ArticleRow.urgent,
            )
            .join(ArticleRow)
            .where(ArticleRow.topic == topic, ArticleTranslation.status == "published")
        )
    ).all()  # fmt: skip
    by_language = {row.language: row for row in rows}
    for candidate in (language, *FALLBACK_LANGUAGES):
        row = by_language.get(candidate)
        if row is not None:
            return Answer(
                topic, candidate, row.title, row.body, tuple(row.related), row.urgent,
                None if candidate == language else language,
            )  # fmt: skip
    return None
