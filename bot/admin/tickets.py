"""Escalations in the console: the queue with filters, transcripts, notes, replies sent through
the bot, closing with a resolution, and export."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from bot.admin import audit
from bot.admin.accounts import ADMIN, OPERATOR
from bot.admin.console import console_of, require, route, staff_of
from bot.admin.relay import Delivery
from bot.admin.replies import all_replies
from bot.admin.security import any_of
from bot.db.base import utcnow
from bot.db.models import Ticket
from bot.dialogue.render import to_plain
from bot.escalation import tickets
from bot.escalation.cards import AUTHOR_NAMES, PRIORITY_NAMES, STATUS_NAMES
from bot.escalation.suggest import suggest
from bot.i18n import LANGUAGES

STATUS_FILTERS = ("open", "waiting", "in_progress", "closed", "all")
MAX_REPLY = 4000


@require(ADMIN, OPERATOR)
async def ticket_list(request: Request) -> Response:
    """Tickets by priority and waiting time, filtered by status, language, priority and age."""
    console = console_of(request)
    params = request.query_params
    status = any_of(params.get("status"), STATUS_FILTERS, "open")
    language = params.get("language") if params.get("language") in LANGUAGES else None
    priority = params.get("priority", "")
    older = params.get("older", "")
    query = select(Ticket).order_by(Ticket.priority.desc(), Ticket.opened_at).limit(500)
    if status == "open":
        query = query.where(Ticket.status.in_(tickets.OPEN))
    elif status != "all":
        query = query.where(Ticket.status == status)
    if language:
        query = query.where(Ticket.language == language)
    if priority in ("0", "1", "2"):
        query = query.where(Ticket.priority == int(priority))
    if older.isdigit() and int(older) <= 24 * 365:
        query = query.where(Ticket.opened_at < utcnow() - timedelta(hours=int(older)))
    async with console.db.session() as session:
        rows = (await session.scalars(query)).all()
    context = {
        "tickets": rows, "status": status, "filter_language": language, "priority": priority,
        "older": older, "all_languages": LANGUAGES, "statuses": STATUS_FILTERS,
        "status_names": STATUS_NAMES, "priority_names": PRIORITY_NAMES, "now": utcnow(),
    }  # fmt: skip
    return console.page(request, "tickets.html", context)


@require(ADMIN, OPERATOR)
async def ticket_page(request: Request) -> Response:
    """One ticket: its details and transcript, with forms to note, reply and close."""
    console = console_of(request)
    async with console.db.session() as session:
        ticket = await session.get(Ticket, request.path_params["ticket"])
        if ticket is None:
            return console.error(request, 404)
        tickets.mark_seen(ticket)  # the migrant's /status now says an operator has seen it
        entries = await tickets.transcript(session, ticket.id)
    found, saved = [], []
    if ticket.status != "closed":
        found = await suggest(console.knowledge, ticket.question, ticket.language, ticket.intent)
        async with console.db.session() as session:
            saved = [
                (r.title, text)
                for r in await all_replies(session)
                if (text := r.text(ticket.language))
            ]
    context = {
        "ticket": ticket, "entries": entries, "can_reply": console.relay is not None,
        "status_names": STATUS_NAMES, "priority_names": PRIORITY_NAMES,
        "done": request.query_params.get("done"), "now": utcnow(), "authors": AUTHOR_NAMES,
        "suggestions": [(s.title, to_plain(s.text)) for s in found] + saved,
    }  # fmt: skip
    return console.page(request, "ticket.html", context)


@require(ADMIN, OPERATOR)
async def ticket_action(request: Request) -> Response:
    """Add a note, reply to the migrant through the bot, or close the ticket."""
    console = console_of(request)
    staff = staff_of(request)
    ticket_id = request.path_params["ticket"]
    action = request.path_params["action"]
    form = await request.form()
    text = str(form.get("text", "")).strip()[:MAX_REPLY]
    done = action
    if action == "note" and text:
        async with console.db.session() as session:
            ticket = await session.get(Ticket, ticket_id)
            if ticket is None:
                return console.error(request, 404)
            await tickets.add_entry(session, ticket, "note", f"{staff.username}: {text}")
            await audit.record(session, staff.username, "ticket.note", "ticket", ticket_id)
    elif action in ("reply", "close") and console.relay is None:
        done = "no_bot"
    elif action == "reply" and text:
        delivery = await console.relay.reply(ticket_id, text, staff.username)  # type: ignore[union-attr]
        done = delivery.value if delivery is not Delivery.SENT else "sent"
        async with console.db.session() as session:
            await audit.record(
                session, staff.username, "ticket.reply", "ticket", ticket_id, None,
                {"delivery": delivery.value},
            )  # fmt: skip
    elif action == "close":
        closed = await console.relay.close(ticket_id, text, staff.username)  # type: ignore[union-attr]
        done = "closed" if closed else "already_closed"
        if closed:
            async with console.db.session() as session:
                await audit.record(
                    session, staff.username, "ticket.close", "ticket", ticket_id, None,
                    {"resolution": text},
                )  # fmt: skip
    else:
        done = "empty"
    return RedirectResponse(f"/tickets/{ticket_id}?done={done}", status_code=303)


@require(ADMIN, OPERATOR)
async def ticket_export(request: Request) -> Response:
    """Every ticket with its transcript, as JSON or CSV."""
    console = console_of(request)
    fmt = any_of(request.query_params.get("format"), ("json", "csv"), "json")
    async with console.db.session() as session:
        text = await tickets.export(session, fmt)
        await audit.record(session, staff_of(request).username, "ticket.export", "ticket", "*")
    media = "application/json" if fmt == "json" else "text/csv"
    return Response(
        text,
        media_type=f"{media}; charset=utf-8",
        headers={"content-disposition": f'attachment; filename="tickets.{fmt}"'},
    )


routes = [
    route("/tickets", ticket_list),
    route("/tickets/export", ticket_export),
    route("/tickets/{ticket:int}", ticket_page),
    route("/tickets/{ticket:int}/{action}", ticket_action, ("POST",)),
]
