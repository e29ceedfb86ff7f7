"""Editing articles in the console: drafts, publishing, review flags, revisions and restore.

A draft never changes what the bot says; publishing does, from the next message on. Publishing
a change in one language marks the other languages "needs review" until an editor confirms
them. Every change writes a revision, and publishing is refused while the article breaks the
knowledge base's rules (every number sourced, Telegram-safe Markdown, lengths, languages).
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import selectinload

from bot.db.models import Article as ArticleRow
from bot.db.models import ArticleRevision, ArticleTranslation
from bot.i18n import LANGUAGES
from bot.kb.files import Translation
from bot.kb.store import export_articles, export_contacts, to_article
from bot.kb.validate import MAX_BODY, MAX_TITLE, article_problems


class EditError(ValueError):
    """The edit cannot be saved as it is (the message says why)."""


@dataclass(frozen=True)
class Version:
    """What one language of an article says: published, and the draft if there is one."""

    language: str
    title: str
    body: str
    status: str
    draft_title: str | None
    draft_body: str | None
    needs_review: bool

    @property
    def has_draft(self) -> bool:
        return self.draft_title is not None or self.draft_body is not None

    @property
    def current_title(self) -> str:
        """The text being edited: the draft if there is one, else the published text."""
        return self.draft_title if self.draft_title is not None else self.title

    @property
    def current_body(self) -> str:
        return self.draft_body if self.draft_body is not None else self.body


async def load(session: AsyncSession, topic: str) -> ArticleRow | None:
    """The article with its translations, sources and facts."""
    return await session.scalar(
        select(ArticleRow)
        .where(ArticleRow.topic == topic)
        .options(
            selectinload(ArticleRow.translations),
            selectinload(ArticleRow.sources),
            selectinload(ArticleRow.facts),
        )
    )


def _version(t: ArticleTranslation) -> Version:
    return Version(
        t.language, t.title, t.body, t.status, t.draft_title, t.draft_body, t.needs_review
    )


def versions(row: ArticleRow) -> dict[str, Version]:
    return {t.language: _version(t) for t in row.translations}


def _translation(row: ArticleRow, language: str, actor: str) -> ArticleTranslation:
    for translation in row.translations:
        if translation.language == language:
            return translation
    translation = ArticleTranslation(
        language=language, title="", body="", status="draft", updated_by=actor
    )
    row.translations.append(translation)
    return translation


def _snapshot(t: ArticleTranslation) -> dict[str, Any]:
    return {
        "title": t.title, "body": t.body, "status": t.status, "draft_title": t.draft_title,
        "draft_body": t.draft_body, "needs_review": t.needs_review,
    }  # fmt: skip


async def save_draft(
    session: AsyncSession, row: ArticleRow, edits: dict[str, tuple[str, str]], actor: str
) -> dict[str, tuple[dict[str, Any], dict[str, Any]]]:
    """Keep ``edits`` (language -> title, body) as drafts; return the languages that changed,
    with their state before and after (for the audit log)."""
    changed: dict[str, tuple[dict[str, Any], dict[str, Any]]] = {}
    for language, (title, body) in edits.items():
        if language not in LANGUAGES:
            raise EditError(f"unknown language {language!r}")
        title, body = title.strip(), body.replace("\r\n", "\n").strip()
        if not title or len(title) > MAX_TITLE:
            raise EditError(f"{language}: the title must have 1 to {MAX_TITLE} characters")
        if not body or len(body) > MAX_BODY:
            raise EditError(f"{language}: the text must have 1 to {MAX_BODY} characters")
        translation = _translation(row, language, actor)
        current = _version(translation)
        if (title, body) == (current.current_title, current.current_body):
            continue
        before = _snapshot(translation)
        if (title, body) == (translation.title, translation.body):
            translation.draft_title = translation.draft_body = None  # back to the published text
        else:
            translation.draft_title, translation.draft_body = title, body
        translation.updated_by = actor
        await session.flush()
        translation.revisions.add(
            ArticleRevision(title=title, body=body, status="draft", created_by=actor)
        )
        changed[language] = (before, _snapshot(translation))
    await session.flush()
    return changed


async def problems_if_published(session: AsyncSession, row: ArticleRow) -> list[str]:
    """What the knowledge-base rules would say of the article with its drafts published."""
    article = to_article(row)
    for language, version in versions(row).items():
        article.translations[language] = Translation(
            language, version.current_title, version.current_body, "published"
        )
    others = await export_articles(session)
    others[row.topic] = article
    return article_problems(article, others, contacts=await export_contacts(session))


async def publish(
    session: AsyncSession, row: ArticleRow, actor: str
) -> dict[str, tuple[dict[str, Any], dict[str, Any]]]:
    """Publish every draft of the article; mark the languages that did not change "needs
    review". Raises ``EditError`` listing the problems when the rules are broken."""
    problems = await problems_if_published(session, row)
    if problems:
        raise EditError("\n".join(problems))
    changed = {}
    drafted = [t for t in row.translations if t.draft_title is not None or t.draft_body is not None]
    for translation in drafted:
        before = _snapshot(translation)
        if translation.draft_title is not None:
            translation.title = translation.draft_title
        if translation.draft_body is not None:
            translation.body = translation.draft_body
        translation.draft_title = translation.draft_body = None
        translation.status, translation.updated_by = "published", actor
        translation.needs_review = False
        translation.revisions.add(
            ArticleRevision(
                title=translation.title, body=translation.body, status="published",
                created_by=actor,
            )
        )  # fmt: skip
        changed[translation.language] = (before, _snapshot(translation))
    if drafted:
        for translation in row.translations:
            if translation.language not in changed and not translation.needs_review:
                before = _snapshot(translation)
                translation.needs_review = True
                changed[translation.language] = (before, _snapshot(translation))
    await session.flush()
    return changed


async def confirm_review(session: AsyncSession, row: ArticleRow, language: str) -> bool:
    """An editor confirms that ``language`` still matches the others; whether it was marked."""
    for translation in row.translations:
        if translation.language == language and translation.needs_review:
            translation.needs_review = False
            await session.flush()
            return True
    return False


async def discard_draft(session: AsyncSession, row: ArticleRow, language: str) -> bool:
    """Drop the draft of ``language``; whether there was one."""
    for translation in row.translations:
        if translation.language == language and (
            translation.draft_title is not None or translation.draft_body is not None
        ):
            translation.draft_title = translation.draft_body = None
            await session.flush()
            return True
    return False


@dataclass(frozen=True)
class Revision:
    id: int
    language: str
    title: str
    body: str
    status: str
    created_by: str
    created_at: Any


async def _revisions(
    session: AsyncSession, row: ArticleRow, *where: Any, limit: int = 100
) -> list[Revision]:
    """The article's revisions matching ``where``, newest first."""
    rows = await session.execute(
        select(ArticleRevision, ArticleTranslation.language)
        .join(ArticleTranslation)
        .where(ArticleTranslation.article_id == row.id, *where)
        .order_by(ArticleRevision.id.desc())
        .limit(limit)
    )
    return [
        Revision(r.id, language, r.title, r.body, r.status, r.created_by, r.created_at)
        for r, language in rows
    ]


async def revisions(session: AsyncSession, row: ArticleRow, limit: int = 100) -> list[Revision]:
    """The article's revisions, newest first, in every language."""
    return await _revisions(session, row, limit=limit)


async def revision(session: AsyncSession, row: ArticleRow, revision_id: int) -> Revision | None:
    """One revision of this article (``None`` if it belongs to another one)."""
    found = await _revisions(session, row, ArticleRevision.id == revision_id, limit=1)
    return found[0] if found else None


async def previous_of(session: AsyncSession, rev: Revision, row: ArticleRow) -> Revision | None:
    """The revision of the same language just before ``rev``."""
    found = await _revisions(
        session, row, ArticleTranslation.language == rev.language, ArticleRevision.id < rev.id,
        limit=1,
    )  # fmt: skip
    return found[0] if found else None


def diff_lines(before: str, after: str) -> list[tuple[str, str]]:
    """A line diff as ``(kind, text)`` with kind ``' '``, ``'-'`` or ``'+'`` (text unescaped)."""
    out = []
    for line in difflib.ndiff(before.splitlines(), after.splitlines()):
        if line.startswith("? "):
            continue
        out.append((line[0], line[2:]))
    return out


async def knowledge_version(session: AsyncSession) -> int:
    """Grows with every revision: the search index is rebuilt when it changes."""
    return int(await session.scalar(select(func.max(ArticleRevision.id))) or 0)
