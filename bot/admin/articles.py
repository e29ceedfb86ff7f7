"""The knowledge-base editor: list and filter, three languages side by side, a Telegram preview,
drafts and publishing, review flags, revision history with diffs and restore."""

from __future__ import annotations

import io
from dataclasses import dataclass, field
from datetime import date, timedelta

import segno
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import selectinload
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from bot import notify
from bot.admin import audit
from bot.admin.accounts import ADMIN, EDITOR
from bot.admin.console import console_of, require, route, staff_of
from bot.admin.security import any_of
from bot.db.models import Article as ArticleRow
from bot.db.models import ArticleFact
from bot.dialogue.core import Choice, article_text, render_article, split_parts
from bot.dialogue.render import to_telegram_html
from bot.i18n import LANGUAGES, Translator
from bot.kb import curation, editing
from bot.kb.files import COUNTRIES, FACT_KINDS, SOURCE_KINDS, Contact
from bot.kb.markup import OVERVIEW, sections
from bot.kb.store import Answer, export_contacts, to_fact, to_source
from bot.topics import TOPIC_TITLES

#: An article whose review is due within this many days is highlighted.
DUE_SOON = timedelta(days=30)
STATUS_FILTERS = ("all", "draft", "needs_review", "due")


@dataclass(frozen=True)
class Row:
    topic: str
    title: str
    review_due: date | None
    due: bool
    needs_staff_review: bool
    versions: dict[str, editing.Version]


def _row(article: ArticleRow, language: str, today: date) -> Row:
    versions = editing.versions(article)
    shown = versions.get(language) or next(iter(versions.values()), None)
    return Row(
        article.topic,
        shown.current_title if shown else article.topic,
        article.review_due,
        article.review_due is not None and article.review_due <= today + DUE_SOON,
        article.needs_staff_review,
        versions,
    )


def _matches(row: Row, query: str, status: str, language: str | None) -> bool:
    versions = [v for lang, v in row.versions.items() if language in (None, lang)]
    if query and not any(
        query in f"{row.topic} {v.current_title} {v.current_body}".lower() for v in versions
    ):
        return False
    if status == "draft":
        return any(v.has_draft for v in versions)
    if status == "needs_review":
        return any(v.needs_review for v in versions) or row.needs_staff_review
    if status == "due":
        return row.due
    return True


@require(ADMIN, EDITOR)
async def article_list(request: Request) -> Response:
    """All articles, searchable and filtered by topic, language, status and review date."""
    console = console_of(request)
    params = request.query_params
    query = params.get("q", "").strip().lower()[:200]
    status = any_of(params.get("status"), STATUS_FILTERS, "all")
    language = params.get("language") if params.get("language") in LANGUAGES else None
    today = date.today()
    async with console.db.session() as session:
        articles = await session.scalars(
            select(ArticleRow)
            .options(selectinload(ArticleRow.translations))
            .order_by(ArticleRow.topic)
        )
        rows = [_row(a, console.language_of(request), today) for a in articles]
    shown = [r for r in rows if _matches(r, query, status, language)]
    context = {
        "rows": shown, "total": len(rows), "q": query, "status": status,
        "filter_language": language, "all_languages": LANGUAGES,
    }  # fmt: skip
    return console.page(request, "articles.html", context)


@dataclass(frozen=True)
class Preview:
    """One language's text as Telegram shows it: each part's HTML and its buttons."""

    language: str
    parts: list[tuple[str, tuple[Choice, ...]]]
    #: Each section as the answer to a specific question: key, country, HTML, buttons.
    sections: list[tuple[str, str | None, str, tuple[Choice, ...]]] = field(default_factory=list)


def preview(
    topic: str,
    article: ArticleRow,
    texts: dict[str, tuple[str, str]],
    part_chars: int,
    contacts: tuple[Contact, ...],
) -> list[Preview]:
    """What the bot would send for each language, part by part, exactly as rendered for
    Telegram (the same rendering the bot uses), facts and contacts filled in."""
    out = []
    facts = tuple(to_fact(f) for f in article.facts if not f.retired)
    sources = tuple(to_source(s) for s in article.sources if not s.retired)
    for language, (title, body) in texts.items():
        answer = Answer(
            topic, language, title, body, tuple(article.related), article.urgent,
            facts=facts, sources=sources, contacts=contacts,
            last_reviewed=article.last_reviewed, countries=tuple(article.countries),
        )  # fmt: skip
        t = Translator(language)
        parts = []
        for part in range(len(split_parts(article_text(answer, t), part_chars))):
            text, choices, _ = render_article(answer, t, part, part_chars, bell=True)
            parts.append((to_telegram_html(text), choices))
        shown = []
        for section in sections(body):
            if section.key == OVERVIEW:
                continue
            text, choices, _ = render_article(
                answer, t, 0, part_chars, bell=True, country=section.country,
                section=section.key,
            )  # fmt: skip
            shown.append((section.key, section.country, to_telegram_html(text), choices))
        out.append(Preview(language, parts, shown))
    return out


def _posted_texts(form: dict[str, str]) -> dict[str, tuple[str, str]]:
    return {
        language: (form.get(f"title_{language}", ""), form.get(f"body_{language}", ""))
        for language in LANGUAGES
        if f"title_{language}" in form or f"body_{language}" in form
    }


async def _editor(
    request: Request,
    session: AsyncSession,
    article: ArticleRow,
    texts: dict[str, tuple[str, str]] | None = None,
    problems: list[str] | None = None,
    notice: str | None = None,
    status_code: int = 200,
) -> Response:
    console = console_of(request)
    versions = editing.versions(article)
    subscribers = await notify.count(session, article.topic)
    last_run = await notify.last_run(session, article.topic)
    if texts is None:
        texts = {lang: (v.current_title, v.current_body) for lang, v in versions.items()}
    contacts = tuple((await export_contacts(session)).values())
    today = date.today()
    context = {
        "article": article,
        "facts": [(f, _fact_state(f, today)) for f in article.facts],
        "source_kinds": SOURCE_KINDS,
        "fact_kinds": FACT_KINDS,
        "countries": COUNTRIES,
        "link": start_link(console.bot_username, article.topic),
        "topic_title": Translator(console.language_of(request)).gettext(
            TOPIC_TITLES.get(article.topic, article.topic)
        ),
        "versions": versions,
        "texts": texts,
        "all_languages": LANGUAGES,
        "previews": preview(
            article.topic, article, texts, console.settings.article_part_chars, contacts
        ),
        "problems": problems or [],
        "notice": notice,
        "due": article.review_due is not None and article.review_due <= date.today() + DUE_SOON,
        "subscribers": subscribers,
        "last_run": last_run,
        "can_notify": console.notifier is not None,
    }
    return console.page(request, "article.html", context, status_code=status_code)


def _fact_state(fact: ArticleFact, today: date) -> str:
    """ "retired", "uncertain", "due" (past its check date or never checked) or "ok"."""
    if fact.retired:
        return "retired"
    if not fact.certain:
        return "uncertain"
    if fact.checked is None or fact.checked + curation.CHECK_EVERY <= today:
        return "due"
    return "ok"


def start_link(bot_username: str | None, topic: str) -> str | None:
    """``https://t.me/<bot>?start=<topic>``: opens the topic's answer in Telegram."""
    return f"https://t.me/{bot_username}?start={topic}" if bot_username else None


async def editor_page(
    request: Request, topic: str, problems: list[str] | None = None, status_code: int = 200
) -> Response:
    """The editor of ``topic`` (with ``problems`` when a change was refused)."""
    console = console_of(request)
    async with console.db.session() as session:
        article = await editing.load(session, topic)
        if article is None:
            return console.error(request, 404)
        notice = request.query_params.get("done")
        return await _editor(
            request, session, article, notice=notice, problems=problems, status_code=status_code
        )


@require(ADMIN, EDITOR)
async def article_page(request: Request) -> Response:
    """The editor: three languages side by side, with the Telegram preview."""
    return await editor_page(request, request.path_params["topic"])


@require(ADMIN, EDITOR)
async def qr_code(request: Request) -> Response:
    """The article's link as a QR code, for leaflets and posters (``.png`` or ``.svg``)."""
    console = console_of(request)
    topic, kind = request.path_params["topic"], request.path_params["kind"]
    link = start_link(console.bot_username, topic)
    if topic not in TOPIC_TITLES or kind not in ("png", "svg") or link is None:
        return console.error(request, 404)
    code = segno.make(link, error="m")
    out = io.BytesIO()
    code.save(out, kind=kind, scale=8 if kind == "png" else 4, border=2)
    media = "image/png" if kind == "png" else "image/svg+xml"
    headers = {"content-disposition": f'inline; filename="mrc-{topic}.{kind}"'}
    return Response(out.getvalue(), media_type=media, headers=headers)


@require(ADMIN, EDITOR)
async def article_save(request: Request) -> Response:
    """Preview, save as draft, or publish what the form holds."""
    console = console_of(request)
    staff = staff_of(request)
    form = {k: str(v) for k, v in (await request.form()).items()}
    action = any_of(form.get("action"), ("preview", "save", "publish"), "preview")
    topic = request.path_params["topic"]
    texts = _posted_texts(form)
    try:
        async with console.db.session() as session:
            article = await editing.load(session, topic)
            if article is None:
                return console.error(request, 404)
            if action == "preview":
                return await _editor(request, session, article, texts)
            changed = await editing.save_draft(session, article, texts, staff.username)
            for language, (before, after) in changed.items():
                await audit.record(
                    session, staff.username, "article.draft", "article",
                    f"{topic}/{language}", before, after,
                )  # fmt: skip
            if action == "publish":
                published = await editing.publish(session, article, staff.username)
                for language, (before, after) in published.items():
                    await audit.record(
                        session, staff.username, "article.publish", "article",
                        f"{topic}/{language}", before, after,
                    )  # fmt: skip
    except editing.EditError as exc:  # nothing was saved: show the problems with the text
        async with console.db.session() as session:
            article = await editing.load(session, topic)
            assert article is not None
            return await _editor(
                request, session, article, texts, problems=str(exc).splitlines(), status_code=422
            )
    done = "published" if action == "publish" else "saved"
    return RedirectResponse(f"/articles/{topic}?done={done}", status_code=303)


@require(ADMIN, EDITOR)
async def article_flag(request: Request) -> Response:
    """Confirm a language after another one changed, or discard its draft."""
    console = console_of(request)
    staff = staff_of(request)
    topic, language = request.path_params["topic"], request.path_params["language"]
    what = request.path_params["what"]
    async with console.db.session() as session:
        article = await editing.load(session, topic)
        if article is None or language not in LANGUAGES or what not in ("confirm", "discard"):
            return console.error(request, 404)
        if what == "confirm":
            done = await editing.confirm_review(session, article, language)
        else:
            done = await editing.discard_draft(session, article, language)
        if done:
            await audit.record(
                session, staff.username, f"article.{what}", "article", f"{topic}/{language}"
            )
    return RedirectResponse(f"/articles/{topic}", status_code=303)


@require(ADMIN, EDITOR)
async def history(request: Request) -> Response:
    """The article's revisions in every language, newest first."""
    console = console_of(request)
    async with console.db.session() as session:
        article = await editing.load(session, request.path_params["topic"])
        if article is None:
            return console.error(request, 404)
        revisions = await editing.revisions(session, article)
    return console.page(request, "history.html", {"article": article, "revisions": revisions})


@require(ADMIN, EDITOR)
async def revision_page(request: Request) -> Response:
    """One revision, as a diff against the one before it in the same language."""
    console = console_of(request)
    async with console.db.session() as session:
        article = await editing.load(session, request.path_params["topic"])
        rev = (
            await editing.revision(session, article, request.path_params["revision"])
            if article
            else None
        )
        if article is None or rev is None:
            return console.error(request, 404)
        before = await editing.previous_of(session, rev, article)
    old = f"{before.title}\n\n{before.body}" if before else ""
    lines = editing.diff_lines(old, f"{rev.title}\n\n{rev.body}")
    context = {"article": article, "rev": rev, "before": before, "lines": lines}
    return console.page(request, "revision.html", context)


@require(ADMIN, EDITOR)
async def restore(request: Request) -> Response:
    """Bring a revision back as a draft (publish it to make it live)."""
    console = console_of(request)
    staff = staff_of(request)
    topic = request.path_params["topic"]
    async with console.db.session() as session:
        article = await editing.load(session, topic)
        rev = (
            await editing.revision(session, article, request.path_params["revision"])
            if article
            else None
        )
        if article is None or rev is None:
            return console.error(request, 404)
        changed = await editing.save_draft(
            session, article, {rev.language: (rev.title, rev.body)}, staff.username
        )
        for language, (before, after) in changed.items():
            await audit.record(
                session, staff.username, "article.restore", "article", f"{topic}/{language}",
                before, {**after, "revision": rev.id},
            )  # fmt: skip
    return RedirectResponse(f"/articles/{topic}?done=restored", status_code=303)


@require(ADMIN, EDITOR)
async def notify_subscribers(request: Request) -> Response:
    """Tell the topic's subscribers about a significant update (sent in the background)."""
    console = console_of(request)
    staff = staff_of(request)
    topic = request.path_params["topic"]
    async with console.db.session() as session:
        article = await editing.load(session, topic)
        if article is None:
            return console.error(request, 404)
        running = await notify.last_run(session, topic)
        if running is not None and running.finished_at is None:
            return RedirectResponse(f"/articles/{topic}?done=notifying", status_code=303)
        run = await notify.start_run(session, topic, staff.username)
        await audit.record(session, staff.username, "article.notify", "article", topic, None,
                           {"run": run.id, "subscribers": run.total})  # fmt: skip
    if console.notifier is not None:
        console.notifier.wake()
    return RedirectResponse(f"/articles/{topic}?done=notifying", status_code=303)


routes = [
    route("/articles", article_list),
    route("/articles/{topic}", article_page),
    route("/articles/{topic}/save", article_save, ("POST",)),
    route("/articles/{topic}/notify", notify_subscribers, ("POST",)),
    route("/articles/{topic}/{language}/{what}", article_flag, ("POST",)),
    route("/articles/{topic}/history", history),
    route("/articles/{topic}/qr.{kind}", qr_code),
    route("/articles/{topic}/revisions/{revision:int}", revision_page),
    route("/articles/{topic}/revisions/{revision:int}/restore", restore, ("POST",)),
]
