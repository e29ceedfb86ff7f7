"""Saved replies (issue 16): a small set of reusable answers staff keep in three languages, offered
with the knowledge base's suggestions on a ticket's page and in the staff group."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from bot.admin import audit
from bot.admin.accounts import ADMIN, EDITOR, OPERATOR
from bot.admin.console import console_of, require, route, staff_of
from bot.db.models import SavedReply
from bot.i18n import LANGUAGES

MAX_TITLE = 100
MAX_TEXT = 4000
#: At most this many saved replies (a small set: more would not be read).
MAX_REPLIES = 200


async def all_replies(session: AsyncSession) -> Sequence[SavedReply]:
    return (await session.scalars(select(SavedReply).order_by(SavedReply.title))).all()


def _fields(form: dict[str, str]) -> tuple[str, dict[str, str | None]]:
    title = form.get("title", "").strip()[:MAX_TITLE]
    texts = {f"text_{code}": form.get(f"text_{code}", "").strip()[:MAX_TEXT] or None
             for code in LANGUAGES}  # fmt: skip
    return title, texts


@require(ADMIN, EDITOR, OPERATOR)
async def replies(request: Request) -> Response:
    """The saved replies, each editable, and a form for a new one."""
    console = console_of(request)
    async with console.db.session() as session:
        rows = await all_replies(session)
    context = {"replies": rows, "done": request.query_params.get("done"), "codes": LANGUAGES}
    return console.page(request, "replies.html", context)


@require(ADMIN, EDITOR, OPERATOR)
async def add_reply(request: Request) -> Response:
    """A new saved reply: a title and its text in at least one language."""
    console = console_of(request)
    staff = staff_of(request)
    title, texts = _fields({k: str(v) for k, v in (await request.form()).items()})
    if not title or not any(texts.values()):
        return RedirectResponse("/replies?done=empty", status_code=303)
    async with console.db.session() as session:
        if len(await all_replies(session)) >= MAX_REPLIES:
            return RedirectResponse("/replies?done=full", status_code=303)
        row = SavedReply(title=title, updated_by=staff.username, **texts)
        session.add(row)
        await session.flush()
        await audit.record(session, staff.username, "reply.add", "saved_reply", row.id, None,
                           {"title": title})  # fmt: skip
    return RedirectResponse("/replies?done=added", status_code=303)


@require(ADMIN, EDITOR, OPERATOR)
async def change_reply(request: Request) -> Response:
    """Edit or delete a saved reply."""
    console = console_of(request)
    staff = staff_of(request)
    form = {k: str(v) for k, v in (await request.form()).items()}
    reply_id = request.path_params["reply"]
    async with console.db.session() as session:
        row = await session.get(SavedReply, reply_id)
        if row is None:
            return console.error(request, 404)
        before = {"title": row.title}
        if form.get("delete") == "1":
            await session.delete(row)
            await audit.record(session, staff.username, "reply.delete", "saved_reply", reply_id,
                               before, None)  # fmt: skip
            return RedirectResponse("/replies?done=deleted", status_code=303)
        title, texts = _fields(form)
        if not title or not any(texts.values()):
            return RedirectResponse("/replies?done=empty", status_code=303)
        row.title, row.updated_by = title, staff.username
        for name, value in texts.items():
            setattr(row, name, value)
        await audit.record(session, staff.username, "reply.edit", "saved_reply", reply_id,
                           before, {"title": title})  # fmt: skip
    return RedirectResponse("/replies?done=saved", status_code=303)


routes = [
    route("/replies", replies),
    route("/replies/add", add_reply, ("POST",)),
    route("/replies/{reply:int}", change_reply, ("POST",)),
]
