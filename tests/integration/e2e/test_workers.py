"""Two bot workers in webhook mode behind a load balancer, sharing one PostgreSQL database: every
update is answered exactly once, duplicates included, and one migrant gets one topic (issue 8)."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Iterator
from pathlib import Path

import asyncpg
import pytest

from bot.i18n import Translator
from bot.nlu.server import free_loopback_port
from tests.botapi import BotAPIEmulator
from tests.db.conftest import _pg_dsn, fresh_database
from tests.integration.conftest import RasaEndpoint
from tests.integration.e2e.conftest import BotProcess, bot_environment, choose_language, plain
from tests.integration.e2e.proxy import RoundRobinProxy
from tests.integration.e2e.staffing import ALWAYS_OPEN, Staff

pytestmark = [pytest.mark.integration, pytest.mark.postgres]

QUESTIONS = {
    "tg": ["Патенти корӣ чӣ тавр мегиранд?", "Регистратсия чӣ гуна мешавад?", "ташаккур"],
    "ru": ["Как получить патент на работу?", "Как узнать про запрет на въезд?", "спасибо"],
    "en": ["How do I get a work patent?", "How do I send money home?", "thank you"],
}


#: The reminders' clock at the start (MRC_CLOCK_FILE), and when the first reminder is due.
CLOCK_START = "2026-11-30T09:00:00+00:00"
SEVEN_DAYS_BEFORE = "2026-12-13T07:00:30+00:00"  # 10:00 in Moscow, a week before 20 December


def sql(url: str, query: str) -> list[tuple[object, ...]]:
    async def run() -> list[tuple[object, ...]]:
        connection = await asyncpg.connect(_pg_dsn(url))
        try:
            return [tuple(r) for r in await connection.fetch(query)]
        finally:
            await connection.close()

    return asyncio.run(run())


@pytest.fixture(scope="module")
def workers(
    emu: BotAPIEmulator, rasa_server: RasaEndpoint, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[tuple[list[BotProcess], RoundRobinProxy, str, Staff]]:
    tmp = tmp_path_factory.mktemp("workers")
    (tmp / "clock").write_text(CLOCK_START, encoding="utf-8")  # the reminders' "now"
    database = fresh_database("postgresql", tmp)
    url = next(database)
    staff = Staff(emu)
    ports = [free_loopback_port(), free_loopback_port()]
    backends = [f"http://127.0.0.1:{port}" for port in ports]
    processes: list[BotProcess] = []
    with RoundRobinProxy(backends) as proxy:
        for i, port in enumerate(ports):
            env, _ = bot_environment(
                emu, rasa_server, Path(tmp / f"w{i}"),
                MRC_DATABASE_URL=url.replace("+asyncpg", ""),
                MRC_WEBHOOK_URL=f"http://127.0.0.1:{proxy.port}/telegram/webhook",
                MRC_WEBHOOK_SECRET="two-workers-secret", MRC_WEB_PORT=str(port),
                MRC_WORKERS="2", MRC_STAFF_CHAT_ID=str(staff.group.id),
                MRC_OFFICE_HOURS=ALWAYS_OPEN, MRC_ESCALATION_REMIND_MINUTES="600",
                MRC_CLOCK_FILE=str(tmp / "clock"), MRC_REMINDER_POLL="0.3",
            )  # fmt: skip
            process = BotProcess(env, tmp / "unused.db", staff.group.id)
            before = len(emu.calls)
            # One after the other: the first one migrates the database.
            process.start(
                emu, ready=lambda b=before: any(c.method == "setWebhook" for c in emu.calls[b:])
            )
            processes.append(process)
        try:
            yield processes, proxy, url, staff
        finally:
            for process in processes:
                assert process.stop() == 0, process.output()
            emu.reset_webhook()
            next(database, None)


def test_every_update_is_answered_exactly_once_by_one_of_two_workers(
    emu: BotAPIEmulator, workers: tuple[list[BotProcess], RoundRobinProxy, str, Staff]
) -> None:
    _, proxy, url, _ = workers
    users = []
    for language, questions in QUESTIONS.items():
        for n in range(2):
            user = emu.user(f"{language}{n}", language_code=language)
            choose_language(emu, user, language)
            users.append((user, questions))
    for user, questions in users:
        for question in questions:
            seen = len(emu.received(user.id))
            emu.send_text(user, question)
            [reply] = emu.wait_for(user.id, after=seen, timeout=60)
            assert plain(reply)
    # A redelivery of an update already answered reaches the other worker: dropped there.
    user, _ = users[0]
    repeated = emu.build_text_update(user, "How do I get a work patent?")
    seen = len(emu.received(user.id))
    assert emu.post_to_webhook(repeated, "two-workers-secret") == 200
    assert emu.post_to_webhook(repeated, "two-workers-secret") == 200
    emu.wait_for(user.id, after=seen, timeout=60)
    counts = {u.id: len(emu.received(u.id)) for u, _ in users}
    time.sleep(3)  # nothing else arrives: no reply was sent twice
    assert counts == {u.id: len(emu.received(u.id)) for u, _ in users}
    assert counts[user.id] == seen + 1
    assert min(proxy.forwarded.values()) > 5, f"both workers served: {proxy.forwarded}"
    assert sql(url, "SELECT count(*) FROM inbound_updates WHERE handled_at IS NULL") == [(0,)]


def test_concurrent_requests_for_a_person_open_one_ticket_and_one_topic(
    emu: BotAPIEmulator, workers: tuple[list[BotProcess], RoundRobinProxy, str, Staff]
) -> None:
    _, _, url, staff = workers
    user = emu.user("Hurried", language_code="ru")
    choose_language(emu, user, "ru")

    def live_topics() -> int:
        return sum(not t.deleted for t in emu.forum_topics(staff.group).values())

    topics_before = live_topics()
    seen = len(emu.received(user.id))
    emu.send_text(user, "/human")  # to one worker
    emu.send_text(user, "/human")  # to the other, while the first is opening the ticket
    emu.wait_for(user.id, 2, after=seen, timeout=60)
    time.sleep(2)
    # Both workers may create a topic (outside any lock); the row keeps one, and the worker
    # whose topic was not kept deletes its own.
    assert live_topics() == topics_before + 1
    rows = sql(url, f"SELECT count(*) FROM tickets t JOIN users u ON u.id = t.user_id "
                    f"WHERE u.external_id = '{user.id}'")  # fmt: skip
    assert rows == [(1,)]


def test_a_flood_spread_over_both_workers_gets_one_warning(
    emu: BotAPIEmulator, workers: tuple[list[BotProcess], RoundRobinProxy, str, Staff]
) -> None:
    t = Translator("en")
    user = emu.user("Flooder", language_code="en")
    choose_language(emu, user, "en")  # two updates: /start and the language button
    seen = len(emu.received(user.id))
    for n in range(10):  # ten more within the window: 8 allowed in all, 1 warning, 3 dropped
        emu.send_text(user, f"hello {n}")
    new = emu.wait_for(user.id, 7, after=seen, timeout=90)
    time.sleep(3)
    assert len(emu.received(user.id)) == seen + 7
    warning = t.gettext(
        "You are sending messages very fast. Please wait a few seconds, then send your "
        "question once."
    )
    assert [plain(m) for m in new].count(warning) == 1


def test_the_conversation_is_remembered_across_workers(
    emu: BotAPIEmulator, workers: tuple[list[BotProcess], RoundRobinProxy, str, Staff]
) -> None:
    _, _, url, _ = workers
    user = emu.user("Asking", language_code="en")
    choose_language(emu, user, "en")
    question = "How do I check whether I have an entry ban?"
    for text in (question, "/human"):  # one to each worker (round-robin)
        seen = len(emu.received(user.id))
        emu.send_text(user, text)
        emu.wait_for(user.id, after=seen, timeout=60)
    rows = sql(url, f"SELECT t.question FROM tickets t JOIN users u ON u.id = t.user_id "
                    f"WHERE u.external_id = '{user.id}'")  # fmt: skip
    assert rows == [(question,)], "the worker that took /human knew the question before it"


def test_each_reminder_is_sent_once_by_one_of_two_workers(
    emu: BotAPIEmulator, workers: tuple[list[BotProcess], RoundRobinProxy, str, Staff]
) -> None:
    """Issue 15: both workers poll the same reminders; each person gets one message."""
    processes, _, url, _ = workers
    t = Translator("en")
    people = []
    for n in range(6):
        user = emu.user(f"Reminded{n}", language_code="en")
        choose_language(emu, user, "en")
        seen = len(emu.received(user.id))
        emu.send_text(user, "/remind")
        emu.wait_for(user.id, after=seen)
        seen = len(emu.received(user.id))
        emu.press(user, t.gettext("💳 Patent paid until…"))
        emu.wait_for(user.id, after=seen)
        seen = len(emu.received(user.id))
        emu.send_text(user, "20.12.2026")
        [saved] = emu.wait_for(user.id, after=seen)
        assert "December 20, 2026" in plain(saved)
        people.append(user)
    before = {u.id: len(emu.received(u.id)) for u in people}
    clock = Path(processes[0].env["MRC_CLOCK_FILE"])
    clock.write_text(SEVEN_DAYS_BEFORE, encoding="utf-8")
    for user in people:
        [reminder] = emu.wait_for(user.id, after=before[user.id], timeout=60)
        assert "7 days left." in plain(reminder)
    time.sleep(3)  # both workers poll ten times more: nothing is sent again
    assert {u.id: len(emu.received(u.id)) for u in people} == {u: n + 1 for u, n in before.items()}
    assert sql(url, "SELECT count(*) FROM reminders_sent") == [(len(people),)]
    clock.write_text(CLOCK_START, encoding="utf-8")
