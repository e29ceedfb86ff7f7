"""Tickets on a real database: one open ticket and one staff topic per migrant, even when two
workers escalate the same migrant at the same moment; and no lock held while Telegram is
called (on SQLite a held write lock would stop every other writer)."""

from __future__ import annotations

import asyncio
import json
from dataclasses import dataclass, field
from types import SimpleNamespace
from typing import Any

from sqlalchemy import select

from bot import history, users
from bot.db import Database
from bot.db.models import User
from bot.escalation import tickets
from bot.telegram.handoff import staff_topic


@dataclass
class Forum:
    """Stands in for Telegram's forum calls: counts the topics made and deleted; a topic's
    creation can be held until the test lets it go."""

    created: list[int] = field(default_factory=list)
    deleted: list[int] = field(default_factory=list)
    hold: asyncio.Event | None = None
    holding: asyncio.Event = field(default_factory=asyncio.Event)

    async def create_forum_topic(self, chat_id: int, name: str) -> Any:
        self.holding.set()
        if self.hold is not None:
            await self.hold.wait()
        else:
            await asyncio.sleep(0.05)  # the other worker gets every chance to run meanwhile
        self.created.append(100 + len(self.created) + 1)
        return SimpleNamespace(message_thread_id=self.created[-1])

    async def delete_forum_topic(self, chat_id: int, thread: int) -> bool:
        self.deleted.append(thread)
        return True

    async def edit_forum_topic(self, chat_id: int, thread: int, name: str) -> bool:
        return True  # the topic is reused: renamed...

    async def reopen_forum_topic(self, chat_id: int, thread: int) -> bool:
        return True  # ...and reopened


def worker(forum: Forum, db: Database) -> Any:
    """What ``staff_topic`` reads of a handler's context, for one worker."""
    settings = SimpleNamespace(staff_chat_id=-100)
    return SimpleNamespace(bot=forum, services=SimpleNamespace(settings=settings, db=db))


async def escalate(
    forum: Forum, db: Database, user_id: int, question: str
) -> tuple[int, bool, int | None]:
    """A worker's escalation, as the hand-off does it: the ticket (committed), then the topic."""
    async with db.session() as session:
        opened = await tickets.open_ticket(
            session, user_id, language="tg", question=question, reason="request"
        )
        seen = (await session.get(User, user_id)).staff_thread_id  # type: ignore[union-attr]
    thread = await staff_topic(worker(forum, db), user_id, seen, f"#{opened.ticket.id}")
    return opened.ticket.id, opened.new, thread


async def test_two_workers_escalating_one_migrant_keep_one_ticket_and_one_topic(
    empty_database_url: str, db: Database
) -> None:
    async with db.session() as session:
        user_id = (await users.get_or_create(session, "telegram", "42")).id
    forum = Forum()
    workers = [Database(empty_database_url), Database(empty_database_url)]  # two processes' pools
    try:
        results = await asyncio.gather(
            escalate(forum, workers[0], user_id, "оператор лозим"),
            escalate(forum, workers[1], user_id, "соедините с оператором"),
        )
        again = await escalate(forum, workers[0], user_id, "боз як савол")
    finally:
        for database in workers:
            await database.dispose()
    assert {r[0] for r in results} == {results[0][0]}  # one ticket
    assert sorted(r[1] for r in results) == [False, True]  # opened once, joined once
    kept = {r[2] for r in results}
    assert len(kept) == 1  # both workers use the same topic...
    assert sorted(forum.deleted) == sorted(set(forum.created) - kept)  # ...and drop any other
    assert again[2] in kept  # later messages reuse it
    assert again[1] is False
    async with db.session() as session:
        assert await session.scalar(select(User.staff_thread_id)) in kept
        [ticket] = await tickets.queue(session)
        lines = await tickets.transcript(session, ticket.id)
        assert sorted(line.text for line in lines) == [
            "боз як савол", "оператор лозим", "соедините с оператором"
        ]  # fmt: skip


async def test_a_slow_bot_api_call_does_not_stop_other_writers(
    empty_database_url: str, db: Database
) -> None:
    """While Telegram takes its time creating a topic, ``staff_topic`` holds no transaction:
    other people's messages are still written (SQLite allows one writer at a time; a
    transaction open across the call would make every other write wait, then fail). The same
    through the real bot: tests/integration/e2e/test_escalation.py."""
    async with db.session() as session:
        user_id = (await users.get_or_create(session, "telegram", "7")).id
    forum = Forum(hold=asyncio.Event())
    other_worker = Database(empty_database_url)
    try:
        escalation = asyncio.create_task(escalate(forum, db, user_id, "кумак лозим"))
        await asyncio.wait_for(forum.holding.wait(), 30)  # Telegram is "creating" the topic
        async with other_worker.session() as session:  # someone else writes meanwhile
            other = await users.get_or_create(session, "telegram", "8")
            await history.record_feedback(session, other.id, "work_patent", "ru", helpful=True)
        assert not escalation.done()
        forum.hold.set()
        _, new, thread = await asyncio.wait_for(escalation, 30)
    finally:
        await other_worker.dispose()
    assert (new, thread) == (True, forum.created[0])


async def test_closing_commits_and_says_whom_to_tell(db: Database) -> None:
    async with db.session() as session:
        user = await users.accept(session, "telegram", "9", "ru")
        opened = await tickets.open_ticket(
            session, user[0].id, language="ru", question="патент", reason="request"
        )
        user[0].staff_thread_id = 555
    closed = await tickets.close_ticket(db, opened.ticket.id, "answered")
    assert closed is not None
    assert (closed.external_id, closed.language, closed.thread) == ("9", "ru", 555)
    assert closed.ticket.status == "closed"
    assert await tickets.close_ticket(db, opened.ticket.id, "again") is None  # closed once
    assert await tickets.close_ticket(db, 10_000, "nothing") is None


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
        await history.delete_user_data(session, user.id)
    async with db.session() as session:
        assert json.loads(await tickets.export(session, "json")) == []
