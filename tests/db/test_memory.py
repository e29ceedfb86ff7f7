"""The conversation memory kept in the person's row, on SQLite and PostgreSQL: the one store,
whatever the number of workers; nothing kept before the privacy notice is accepted; forgotten a
day after the last message."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select, update

from bot import users
from bot.db import Database
from bot.db.base import utcnow
from bot.db.models import User
from bot.dialogue import Conversation
from bot.retention import MEMORY_KEPT, forget_old, purge
from bot.telegram import memory


async def test_a_consenting_persons_conversation_is_kept_and_read_back(db: Database) -> None:
    async with db.session() as session:
        await users.accept(session, "telegram", "101", "tg")
    person, conversation = await memory.load(db, 101)
    assert person is not None
    assert (person.language, person.consented) == ("tg", True)
    assert conversation == Conversation()
    remembered = Conversation(failed_in_row=1, last_question="патент", last_topic="work_patent")
    await memory.save(db, person, remembered)
    other_worker = Database(db.url)  # another process's pool reads the same memory
    try:
        assert await memory.load(other_worker, 101) == (person, remembered)
    finally:
        await other_worker.dispose()


async def test_nothing_is_kept_for_someone_who_has_not_accepted_the_notice(db: Database) -> None:
    assert await memory.load(db, 202) == (None, Conversation())
    await memory.save(db, None, Conversation(last_question="оператор"))
    async with db.session() as session:  # an emergency before the notice makes a row...
        await users.get_or_create(session, "telegram", "202")
    person, _ = await memory.load(db, 202)
    assert person is not None
    assert not person.consented
    await memory.save(db, person, Conversation(last_question="маро заданд"))
    async with db.session() as session:  # ...but no memory is written to it
        assert await session.scalar(select(User.conversation)) is None


async def test_memories_are_forgotten_a_day_after_the_last_message(db: Database) -> None:
    async with db.session() as session:
        old, _ = await users.accept(session, "telegram", "301", "ru")
        recent, _ = await users.accept(session, "telegram", "302", "ru")
    for user_id in (old.id, recent.id):
        await memory.save(db, memory.Person(user_id, "ru", True), Conversation(failed_in_row=2))
    long_ago = utcnow() - MEMORY_KEPT - timedelta(minutes=5)
    async with db.session() as session:
        await session.execute(update(User).where(User.id == old.id).values(last_seen_at=long_ago))
    assert await forget_old(db) == 1
    assert await purge(db, retention_days=30) == 0  # nothing more to forget
    async with db.session() as session:
        rows = dict((await session.execute(select(User.id, User.conversation))).all())
        seen = await session.scalar(select(User.last_seen_at).where(User.id == old.id))
    assert rows[old.id] is None
    assert rows[recent.id] is not None
    assert seen is not None
    assert abs((seen - long_ago).total_seconds()) < 1, "forgetting is not a sign of life"
