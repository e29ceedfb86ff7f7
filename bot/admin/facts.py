"""An article's sources and facts, kept current by editors: add, edit and retire them, with the
same checks as the knowledge-base files; every change is audited."""

from __future__ import annotations

import datetime as dt

from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from bot.admin import audit
from bot.admin.accounts import ADMIN, EDITOR
from bot.admin.articles import editor_page
from bot.admin.console import console_of, require, route, staff_of
from bot.kb import curation, editing
from bot.kb.files import COUNTRIES, FACT_KINDS, SOURCE_KINDS, Fact, Source


def form_date(value: str, what: str) -> dt.date | None:
    """A date field of a form (empty: none)."""
    value = value.strip()
    if not value:
        return None
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise editing.EditError(f"{what}: not a date (YYYY-MM-DD): {value!r}") from None


def _text(form: dict[str, str], name: str, limit: int) -> str:
    return form.get(name, "").replace("\r\n", "\n").strip()[:limit]


def source_of(form: dict[str, str]) -> Source:
    kind = form.get("kind", "other")
    return Source(
        id=_text(form, "id", 64),
        title=_text(form, "title", 500),
        url=_text(form, "url", 1000) or None,
        document=_text(form, "document", 500) or None,
        kind=kind if kind in SOURCE_KINDS else "other",
        published=form_date(form.get("published", ""), "published"),
        accessed=form_date(form.get("accessed", ""), "accessed"),
    )


def fact_of(form: dict[str, str]) -> Fact:
    kind, country = form.get("kind", "text"), form.get("country", "")
    return Fact(
        value=_text(form, "value", 200),
        claim=_text(form, "claim", 2000),
        source=_text(form, "source", 64),
        certain=form.get("certain") == "on",
        key=_text(form, "key", 64) or None,
        kind=kind if kind in FACT_KINDS else "text",
        checked=form_date(form.get("checked", ""), "checked"),
        country=country if country in COUNTRIES else None,
    )


async def _change(request: Request, what: str) -> Response:
    """Apply one change to the article's sources or facts; the editor page with the problems
    when it is refused."""
    console = console_of(request)
    staff = staff_of(request)
    topic = request.path_params["topic"]
    form = {k: str(v) for k, v in (await request.form()).items()}
    try:
        async with console.db.session() as session:
            article = await editing.load(session, topic)
            if article is None:
                return console.error(request, 404)
            match what:
                case "source.save":
                    original = form.get("original") or None
                    before, after = await curation.save_source(
                        session, article, source_of(form), original
                    )
                case "source.retire":
                    before, after = await curation.retire_source(session, article, form["id"])
                case "fact.save":
                    position = int(form["position"]) if form.get("position") else None
                    before, after = await curation.save_fact(
                        session, article, fact_of(form), position
                    )
                case "fact.retire":
                    before, after = await curation.retire_fact(
                        session, article, int(form["position"])
                    )
                case "article.checked":
                    before, after = await curation.mark_checked(article)
                case _:
                    return console.error(request, 404)
            await audit.record(session, staff.username, what, "article", topic, before, after)
    except (editing.EditError, KeyError, ValueError) as exc:
        message = str(exc) if isinstance(exc, editing.EditError) else "a field is missing"
        return await editor_page(request, topic, problems=message.splitlines(), status_code=422)
    return RedirectResponse(f"/articles/{topic}?done=facts#facts", status_code=303)


@require(ADMIN, EDITOR)
async def save_source(request: Request) -> Response:
    """Add a source or change one."""
    return await _change(request, "source.save")


@require(ADMIN, EDITOR)
async def retire_source(request: Request) -> Response:
    """Retire a source."""
    return await _change(request, "source.retire")


@require(ADMIN, EDITOR)
async def save_fact(request: Request) -> Response:
    """Add a fact or change one."""
    return await _change(request, "fact.save")


@require(ADMIN, EDITOR)
async def retire_fact(request: Request) -> Response:
    """Retire a fact."""
    return await _change(request, "fact.retire")


@require(ADMIN, EDITOR)
async def mark_checked(request: Request) -> Response:
    """The editor checked the whole article today (migrants see the new date)."""
    return await _change(request, "article.checked")


routes = [
    route("/articles/{topic}/checked", mark_checked, ("POST",)),
    route("/articles/{topic}/sources", save_source, ("POST",)),
    route("/articles/{topic}/sources/retire", retire_source, ("POST",)),
    route("/articles/{topic}/facts", save_fact, ("POST",)),
    route("/articles/{topic}/facts/retire", retire_fact, ("POST",)),
]
