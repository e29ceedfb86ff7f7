"""The knowledge base in the database: import from files, export to files, read for answers.

The files under ``knowledge_base/`` are the curated copy under version control; the database is
the live copy staff edit. ``import_articles`` never silently overwrites a staff edit: a
translation last changed by someone other than ``import`` is only replaced with ``force``.
"""

from __future__ import annotations

import datetime as dt
import difflib
from dataclasses import dataclass, field

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.db.models import Article as ArticleRow
from bot.db.models import ArticleFact, ArticleRevision, ArticleSource, ArticleTranslation
from bot.db.models import Contact as ContactRow
from bot.kb.files import Article, Contact, Fact, Phone, Source, Translation
from bot.kb.markup import references

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
    row.sources = [source_row(s, i) for i, s in enumerate(article.sources)]
    row.facts = [fact_row(f, i) for i, f in enumerate(article.facts)]


def source_row(s: Source, position: int) -> ArticleSource:
    return ArticleSource(
        position=position, key=s.id, title=s.title, url=s.url, document=s.document,
        kind=s.kind, published=s.published, accessed=s.accessed, retired=s.retired,
    )  # fmt: skip


def fact_row(f: Fact, position: int) -> ArticleFact:
    return ArticleFact(
        position=position, value=f.value, claim=f.claim, source_key=f.source,
        certain=f.certain, key=f.key, kind=f.kind, checked=f.checked, country=f.country,
        retired=f.retired,
    )  # fmt: skip


def to_source(s: ArticleSource) -> Source:
    return Source(s.key, s.title, s.url, s.document, s.kind, s.published, s.accessed, s.retired)


def to_fact(f: ArticleFact) -> Fact:
    return Fact(
        f.value, f.claim, f.source_key, f.certain, f.key, f.kind, f.checked, f.country, f.retired
    )


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
        sources=[to_source(s) for s in row.sources],
        facts=[to_fact(f) for f in row.facts],
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
    """A published article in the best available language, with what its text shows."""

    topic: str
    language: str
    title: str
    body: str
    related: tuple[str, ...]
    urgent: bool
    #: Set when the user's language was missing and another one is shown.
    fell_back_from: str | None = None
    #: The article's live facts, sources, and the registry's contacts its text names.
    facts: tuple[Fact, ...] = ()
    sources: tuple[Source, ...] = ()
    contacts: tuple[Contact, ...] = ()
    #: When the article was last checked as a whole.
    last_reviewed: dt.date | None = None
    #: The countries the article is about (``any`` or e.g. ``russia``).
    countries: tuple[str, ...] = ()


async def published(session: AsyncSession, topic: str, language: str) -> Answer | None:
    """The published translation of ``topic`` in ``language``, else in ru, en, tg, with its
    live facts and sources and the contacts it names."""
    rows = (
        await session.execute(
            select(
                ArticleTranslation.language, ArticleTranslation.title, ArticleTranslation.body,
                ArticleRow.id, ArticleRow.related, ArticleRow.urgent, ArticleRow.last_reviewed,
                ArticleRow.countries,
            )
            .join(ArticleRow)
            .where(ArticleRow.topic == topic, ArticleTranslation.status == "published")
        )
    ).all()  # fmt: skip
    by_language = {row.language: row for row in rows}
    for candidate in (language, *FALLBACK_LANGUAGES):
        row = by_language.get(candidate)
        if row is None:
            continue
        facts = await session.scalars(
            select(ArticleFact)
            .where(ArticleFact.article_id == row.id, ArticleFact.retired.is_(False))
            .order_by(ArticleFact.position)
        )
        sources = await session.scalars(
            select(ArticleSource)
            .where(ArticleSource.article_id == row.id, ArticleSource.retired.is_(False))
            .order_by(ArticleSource.position)
        )
        named = {key for kind, key in references(row.body) if kind == "contact"}
        contacts = await contacts_named(session, named)
        return Answer(
            topic, candidate, row.title, row.body, tuple(row.related), row.urgent,
            None if candidate == language else language,
            facts=tuple(to_fact(f) for f in facts), sources=tuple(to_source(s) for s in sources),
            contacts=contacts, last_reviewed=row.last_reviewed, countries=tuple(row.countries),
        )  # fmt: skip
    return None


# --- contacts -------------------------------------------------------------------------------


def to_contact(row: ContactRow) -> Contact:
    return Contact(
        key=row.key, name=dict(row.name), group=row.group, country=row.country,
        phones=tuple(Phone.of(p, row.key) for p in row.phones), address=dict(row.address),
        hours=dict(row.hours),
        email=row.email, website=row.website, telegram=row.telegram,
        source_title=row.source_title, source_url=row.source_url, source_kind=row.source_kind,
        checked=row.checked, review_due=row.review_due, verified=row.verified,
        retired=row.retired, notes=tuple(row.notes),
    )  # fmt: skip


def apply_contact(row: ContactRow, contact: Contact) -> None:
    """Copy ``contact``'s details onto ``row`` (its key stays)."""
    row.name, row.address = dict(contact.name), dict(contact.address)
    row.hours = dict(contact.hours)
    row.phones = [p.as_data() for p in contact.phones]
    row.notes = list(contact.notes)
    row.group, row.country = contact.group, contact.country
    row.email, row.website, row.telegram = contact.email, contact.website, contact.telegram
    row.source_title, row.source_url = contact.source_title, contact.source_url
    row.source_kind, row.checked, row.review_due = (
        contact.source_kind, contact.checked, contact.review_due,
    )  # fmt: skip
    row.verified, row.retired = contact.verified, contact.retired


async def contacts_named(session: AsyncSession, keys: set[str]) -> tuple[Contact, ...]:
    """The contacts of ``keys`` that exist (in key order)."""
    if not keys:
        return ()
    rows = await session.scalars(
        select(ContactRow).where(ContactRow.key.in_(keys)).order_by(ContactRow.key)
    )
    return tuple(to_contact(r) for r in rows)


async def export_contacts(session: AsyncSession) -> dict[str, Contact]:
    """The whole registry, in its order."""
    rows = await session.scalars(select(ContactRow).order_by(ContactRow.position, ContactRow.key))
    return {r.key: to_contact(r) for r in rows}


async def import_contacts(
    session: AsyncSession, contacts: dict[str, Contact], *, force: bool = False
) -> ImportReport:
    """Bring the registry file into the database; a contact staff changed is only replaced
    with ``force`` (like articles)."""
    report = ImportReport()
    rows = {r.key: r for r in (await session.scalars(select(ContactRow))).all()}
    for position, (key, contact) in enumerate(contacts.items()):
        row = rows.get(key)
        if row is None:
            row = ContactRow(key=key, position=position, updated_by=IMPORTER)
            apply_contact(row, contact)
            session.add(row)
            report.created.append(key)
        elif to_contact(row) == contact:
            report.unchanged.append(key)
        elif row.updated_by != IMPORTER and not force:
            report.conflicts[f"contact {key}"] = _diff(
                repr(to_contact(row)), repr(contact), f"contact {key}"
            )
        else:
            apply_contact(row, contact)
            row.position, row.updated_by = position, IMPORTER
            report.updated.append(key)
    await session.flush()
    return report
