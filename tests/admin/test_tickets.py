"""Escalations in the console: list and filters, transcript, notes, replies, closing, export."""

from __future__ import annotations

from sqlalchemy import select

from bot.db.models import Ticket, TicketEntry, User
from bot.escalation import tickets
from tests.admin.conftest import Env


async def _ticket(env: Env, question: str = "мне нужна помощь", priority: int = 0) -> int:
    async with env.db.session() as session:
        user = User(channel="telegram", external_id=str(1000 + priority), language="tg")
        session.add(user)
        await session.flush()
        opened = await tickets.open_ticket(
            session, user.id, language="tg", question=question, reason="request",
            priority=priority, intent="request_human", confidence=0.9,
        )  # fmt: skip
        ticket = opened.ticket
        await tickets.add_entry(session, ticket, "migrant", question)
        return ticket.id


async def test_the_queue_filters_and_shows_the_transcript(env: Env) -> None:
    low = await _ticket(env, '=HYPERLINK("http://evil")')
    urgent = await _ticket(env, "<b>помогите</b>", priority=2)
    await env.login("olga")
    page = (await env.client.get("/tickets")).text
    assert page.index(f'href="/tickets/{urgent}"') < page.index(f'href="/tickets/{low}"'), (
        "most urgent first"
    )
    assert "&lt;b&gt;помогите&lt;/b&gt;" in page
    assert f'href="/tickets/{low}"' not in (await env.client.get("/tickets?priority=2")).text
    assert f'href="/tickets/{urgent}"' not in (await env.client.get("/tickets?status=closed")).text
    assert f'href="/tickets/{urgent}"' not in (await env.client.get("/tickets?language=ru")).text
    detail = (await env.client.get(f"/tickets/{urgent}")).text
    assert "&lt;b&gt;помогите&lt;/b&gt;" in detail


async def test_notes_replies_and_closing_go_through_the_relay(env: Env) -> None:
    number = await _ticket(env)
    await env.login("olga")
    page = f"/tickets/{number}"
    response = await env.post(f"{page}/note", {"text": "called the consulate"}, page)
    assert response.headers["location"] == f"{page}?done=note"
    response = await env.post(f"{page}/reply", {"text": "Салом! Мо кӯмак мекунем."}, page)
    assert response.headers["location"] == f"{page}?done=sent"
    assert env.relay.replies == [(number, "Салом! Мо кӯмак мекунем.", "olga")]
    await env.post(f"{page}/close", {"text": "answered"}, page)
    assert env.relay.closed == [number]
    async with env.db.session() as session:
        notes = (
            await session.scalars(select(TicketEntry.text).where(TicketEntry.author == "note"))
        ).all()
    assert notes == ["olga: called the consulate"]


async def test_without_the_bot_nothing_is_sent_and_the_page_says_so(env: Env) -> None:
    number = await _ticket(env)
    env.console.relay = None
    await env.login("olga")
    page = f"/tickets/{number}"
    response = await env.post(f"{page}/reply", {"text": "hello"}, page)
    assert response.headers["location"] == f"{page}?done=no_bot"
    shown = (await env.client.get(response.headers["location"])).text
    assert "The Telegram bot is not running" in shown
    async with env.db.session() as session:
        ticket = await session.get(Ticket, number)
        assert ticket is not None
        assert ticket.first_reply_at is None


async def test_the_csv_export_neutralises_formulas(env: Env) -> None:
    await _ticket(env, '=HYPERLINK("http://evil")')
    await env.login("ada")
    export = await env.client.get("/tickets/export?format=csv")
    assert export.headers["content-type"].startswith("text/csv")
    assert "'=HYPERLINK" in export.text
    assert "\n=HYPERLINK" not in export.text.replace('"', "")
