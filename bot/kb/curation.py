"""Staff keep the knowledge base's sources, facts and contacts current from the console.

Each change is checked with the same rules as the files (``bot.kb.validate``): a change that
would add a problem (a site-root link, a certain fact resting on a news page, retiring a fact
the published text still shows, an unknown source...) is refused with the problems, and nothing
is saved. Nothing is deleted: sources, facts and contacts are retired, and stay in the history.
Every function returns the state before and after, for the audit log.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import asdict, dataclass, replace
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.db.models import Article as ArticleRow
from bot.db.models import ArticleFact
from bot.db.models import Contact as ContactRow
from bot.kb.editing import EditError, versions
from bot.kb.files import Article, Contact, Fact, Source, Translation
from bot.kb.store import (
    apply_contact,
    export_articles,
    export_contacts,
    fact_row,
    source_row,
    to_article,
    to_contact,
    to_fact,
    to_source,
)
from bot.kb.validate import article_problems, contact_problems

#: A fact or contact is due for checking this long after it was last checked.
CHECK_EVERY = dt.timedelta(days=180)

Change = tuple[dict[str, Any] | None, dict[str, Any] | None]


def _data(item: Source | Fact | Contact | None) -> dict[str, Any] | None:
    if item is None:
        return None
    return {k: v.isoformat() if isinstance(v, dt.date) else v for k, v in asdict(item).items()}


def _as_published(row: ArticleRow) -> Article:
    """The article as the bot would show it with its current texts (drafts included)."""
    article = to_article(row)
    for language, version in versions(row).items():
        article.translations[language] = Translation(
            language, version.current_title, version.current_body, "published"
        )
    return article


async def _problems(session: AsyncSession, row: ArticleRow) -> set[str]:
    article = _as_published(row)
    others = await export_articles(session)
    others[row.topic] = article
    contacts = await export_contacts(session)
    return set(article_problems(article, others, contacts=contacts))


async def _checked(session: AsyncSession, row: ArticleRow, before: set[str]) -> None:
    """Refuse the change if it added problems (the caller's transaction then rolls back)."""
    await session.flush()
    session.expire(row, ["sources", "facts"])
    await session.refresh(row, ["sources", "facts"])
    new = sorted((await _problems(session, row)) - before)
    if new:
        raise EditError("\n".join(new))


async def save_source(
    session: AsyncSession, row: ArticleRow, source: Source, original_id: str | None = None
) -> Change:
    """Add ``source`` to the article, or replace the one with id ``original_id``."""
    before_problems = await _problems(session, row)
    current = next((s for s in row.sources if s.key == (original_id or source.id)), None)
    if original_id is None and current is not None:
        raise EditError(f"source {source.id}: the id is taken")
    if original_id is not None and current is None:
        raise EditError(f"source {original_id}: not found")
    before = to_source(current) if current else None
    if current is not None:
        if source.id != current.key:
            for fact in row.facts:  # the facts keep pointing at it
                if fact.source_key == current.key:
                    fact.source_key = source.id
        position = current.position
        await session.delete(current)
        await session.flush()
    else:
        position = max((s.position for s in row.sources), default=-1) + 1
    row.sources.append(source_row(source, position))
    await _checked(session, row, before_problems)
    return _data(before), _data(source)


async def retire_source(session: AsyncSession, row: ArticleRow, source_id: str) -> Change:
    """Retire a source (refused while a live fact rests on it)."""
    current = next((s for s in row.sources if s.key == source_id), None)
    if current is None:
        raise EditError(f"source {source_id}: not found")
    return await save_source(session, row, replace(to_source(current), retired=True), source_id)


async def save_fact(
    session: AsyncSession, row: ArticleRow, fact: Fact, position: int | None = None
) -> Change:
    """Add ``fact``, or replace the fact at ``position`` (its place in the article's list)."""
    before_problems = await _problems(session, row)
    current = next((f for f in row.facts if f.position == position), None)
    if position is not None and current is None:
        raise EditError("fact: not found")
    before = to_fact(current) if current else None
    if fact.key and any(f.key == fact.key and f is not current for f in row.facts):
        raise EditError(f"fact {fact.key}: the key is taken")
    if current is not None:
        new_position = current.position
        await session.delete(current)
        await session.flush()
    else:
        new_position = max((f.position for f in row.facts), default=-1) + 1
    row.facts.append(fact_row(fact, new_position))
    if not fact.certain and not fact.retired:
        row.needs_staff_review = True
    await _checked(session, row, before_problems)
    return _data(before), _data(fact)


async def retire_fact(session: AsyncSession, row: ArticleRow, position: int) -> Change:
    """Retire a fact (refused while a text still shows it or needs its number)."""
    current = next((f for f in row.facts if f.position == position), None)
    if current is None:
        raise EditError("fact: not found")
    return await save_fact(session, row, replace(to_fact(current), retired=True), position)


async def save_contact(
    session: AsyncSession, contact: Contact, actor: str, *, new: bool = False
) -> Change:
    """Add or change a contact of the registry (retiring it too: ``retired=True``); refused
    with the problems if its details break the rules, or if a published text names a contact
    being retired."""
    row = await session.scalar(select(ContactRow).where(ContactRow.key == contact.key))
    if new and row is not None:
        raise EditError(f"contact {contact.key}: the key is taken")
    if not new and row is None:
        raise EditError(f"contact {contact.key}: not found")
    problems = contact_problems({contact.key: contact})
    if problems:
        raise EditError("\n".join(problems))
    before = to_contact(row) if row is not None else None
    if row is None:
        position = len(await export_contacts(session))
        row = ContactRow(key=contact.key, position=position, updated_by=actor)
        session.add(row)
    apply_contact(row, contact)
    row.updated_by = actor
    await session.flush()
    if contact.retired and (before is None or not before.retired):
        using = [
            a.topic
            for a in (await export_articles(session)).values()
            if any(f"{{{{contact:{contact.key}}}}}" in t.body for t in a.translations.values())
        ]
        if using:
            raise EditError(
                f"contact {contact.key}: still named in {', '.join(sorted(using))}; change "
                "those texts first"
            )
    return _data(before), _data(contact)


async def mark_checked(row: ArticleRow, today: dt.date | None = None) -> Change:
    """An editor checked the whole article today: ``last_reviewed`` moves to today (migrants
    see "Checked <today>") and ``review_due`` as far ahead as it was."""
    today = today or dt.date.today()
    before = {"last_reviewed": row.last_reviewed, "review_due": row.review_due}
    interval = (
        row.review_due - row.last_reviewed
        if row.review_due and row.last_reviewed and row.review_due > row.last_reviewed
        else CHECK_EVERY
    )
    row.last_reviewed, row.review_due = today, today + interval
    after = {"last_reviewed": row.last_reviewed, "review_due": row.review_due}
    dates = {k: v.isoformat() if v else None for k, v in before.items()}
    return dates, {k: v.isoformat() for k, v in after.items()}


@dataclass(frozen=True)
class Due:
    """Something past its check date, for the dashboard's "Needs checking" list."""

    kind: str  # "fact", "contact" or "article"
    name: str
    topic: str | None
    due: dt.date | None
    detail: str


async def needs_checking(session: AsyncSession, today: dt.date | None = None) -> list[Due]:
    """Facts, contacts and articles past their check date (or never checked, or unverified
    contacts), oldest first (never-checked ones first of all)."""
    today = today or dt.date.today()
    found: list[Due] = []
    facts = await session.execute(
        select(ArticleRow.topic, ArticleFact)
        .join(ArticleFact)
        .where(ArticleFact.retired.is_(False))
    )
    for topic, fact in facts:
        due = fact.checked + CHECK_EVERY if fact.checked else None
        if due is None or due <= today:
            found.append(Due("fact", fact.key or fact.value, topic, due, fact.claim))
    for contact in (await export_contacts(session)).values():
        if contact.retired:
            continue
        due = contact.review_due or (contact.checked + CHECK_EVERY if contact.checked else None)
        if not contact.verified or due is None or due <= today:
            found.append(Due("contact", contact.key, None, due, contact.name.get("en", "")))
    articles = await session.scalars(
        select(ArticleRow).where(ArticleRow.review_due.is_not(None), ArticleRow.review_due <= today)
    )
    for article in articles:
        found.append(Due("article", article.topic, article.topic, article.review_due, ""))
    return sorted(found, key=lambda d: (d.due is not None, d.due or dt.date.min, d.kind, d.name))
