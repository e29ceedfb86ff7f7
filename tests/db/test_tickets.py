"""Tickets on a real database: one open ticket and one staff topic per migrant, even when two
workers escalate the same migrant at the same moment (PostgreSQL row locks, SQLite's lock)."""

from __future__ import annotations

import asyncio
import json
from dataclasses import dataclass, field
from types import SimpleNamespace
from typing import Any

from bot import history, users
from bot.db import Database
from bot.escalation import tickets
from bot.telegram.handoff import ensure_topic


@dataclass
class SlowForum:
    """Stands in for Telegram's createForumTopic: slow, and counts the topics it made."""

    created: list[str] = field(default_factory=list)

    async def create_forum_topic(self, chat_id: int, name: str) -> Any:
        await asyncio.sleep(0.2)  # the other worker gets every chance to run meanwhile
        self.created.append(name)
        return SimpleNamespace(message_thread_id=100 + len(self.created))

    async def edit_forum_topic(self, chat_id: int, thread: int, name: str) -> bool:
        return True  # the topic is reused: renamed...

    async def reopen_forum_topic(self, chat_id: int, thread: int) -> bool:
        return True  # ...and reopened


async def test_two_workers_escalating_one_migrant_open_one_ticket_and_one_topic(
    empty_database_url: str, db: Database
) -> None:
    async with db.session() as session:
        user_id = (await users.get_or_create(session, "telegram", "42")).id
    forum = SlowForum()
    context = SimpleNamespace(
        bot=forum, services=SimpleNamespace(settings=SimpleNamespace(staff_chat_id=-100))
    )
    workers = [Database(empty_database_url), Database(empty_database_url)]  # two processes' pools

    async def escalate(database: Database, question: str) -> tuple[int, bool, int | None]:
        async with database.session() as session:
            opened = await tickets.open_ticket(
                session, user_id, language="tg", question=question, reason="request"
            )
            user = await session.get(users.User, user_id)
            assert user is not None
            thread = await ensure_topic(context, user, f"#{opened.ticket.id}")  # type: ignore[arg-type]
            return opened.ticket.id, opened.new, thread

    try:
        results = await asyncio.gather(
            escalate(workers[0], "оператор лозим"), escalate(workers[1], "соедините с оператором")
        )
    finally:
        for worker in workers:
            await worker.dispose()
    assert len(forum.created) == 1
    assert {r[0] for r in results} == {results[0][0]}  # one ticket
    assert sorted(r[1] for r in results) == [False, True]  # opened once, joined once
    assert {r[2] for r in results} == {101}  # one topic
    async with db.session() as session:
        [ticket] = await tickets.queue(session)
        lines = await tickets.transcript(session, ticket.id)
        assert sorted(line.text for line in lines) == ["оператор лозим", "соедините с оператором"]


async def test_export_retention_and_deletion(db: Database) -> None:
    async with db.session() as session:
        user = await users.get_or_create(session, "telegram", "7")
        opened = await tickets.open_ticket(
            session, user.id, language="ru", question="патент", reason="request"
        )
        await tickets.add_entry(session, opened.ticket, "operator", "Здравствуйте")
        await tickets.close(session, opened.ticket, "answered")
        opened.ticket.rating = 4
    async with db.session() as session:
        exported = json.loads(await tickets.export(session, "json"))
        csv_text = await tickets.export(session, "csv")
    assert exported[0]["rating"] == 4
    assert [e["author"] for e in exported[0]["transcript"]] == ["migrant", "operator"]
    assert exported[0]["first_reply_at"] is not None
    assert csv_text.splitlines()[0].startswith("ticket,language,priority")
    assert "Здравствуйте" in csv_text
    async with db.session() as session:
        assert await tickets.purge_closed(session, retention_days=30) == 0  # not old yet
        user = await users.get_or_create(session, "telegram", "7")
        await history.delete_user_data(session, user)
    async with db.session() as session:
        assert json.loads(await tickets.export(session, "json")) == []
