"""The emulator over real HTTP with python-telegram-bot's own Bot: valid objects both ways."""

from __future__ import annotations

import asyncio
import sys
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, HTTPServer

import pytest
from telegram import Bot, BotCommand, InlineKeyboardButton, InlineKeyboardMarkup, InputFile
from telegram.error import BadRequest, RetryAfter

from tests.botapi import BotAPIEmulator

pytestmark = pytest.mark.unit


@pytest.fixture
def emu() -> Iterator[BotAPIEmulator]:
    with BotAPIEmulator() as emulator:
        yield emulator


def bot(emu: BotAPIEmulator) -> Bot:
    return Bot(emu.token, base_url=emu.base_url)


async def test_the_bot_api_round_trip(emu: BotAPIEmulator) -> None:
    user = emu.user("Alice", language_code="ru")
    staff = emu.group("Staff", forum=True, admins=[user])
    async with bot(emu) as b:
        assert b.username == "mrc_test_bot"
        markup = InlineKeyboardMarkup([[InlineKeyboardButton("👍 Yes", callback_data="fb:x:up")]])
        sent = await b.send_message(user.id, "<b>Hi</b>", parse_mode="HTML", reply_markup=markup)
        assert sent.text == "Hi"
        edited = await b.edit_message_text(
            "<i>Bye</i>", user.id, sent.message_id, parse_mode="HTML"
        )
        assert not isinstance(edited, bool)
        assert edited.text == "Bye"
        assert await b.set_my_commands([BotCommand("menu", "Мавзӯҳо")], language_code="tg")
        topic = await b.create_forum_topic(staff.id, "#1 · tg · waiting")
        copied = await b.copy_message(
            staff.id, user.id, sent.message_id, message_thread_id=topic.message_thread_id
        )
        assert copied.message_id > 0
        document = await b.send_document(
            user.id, InputFile(b'{"a": 1}', filename="data.json"), caption="data"
        )
        assert document.document is not None
        member = await b.get_chat_member(staff.id, user.id)
        assert member.status == "administrator"
        chat = await b.get_chat(staff.id)
        assert chat.is_forum
        with pytest.raises(BadRequest, match=r"(?i)message thread not found"):
            await b.send_message(staff.id, "x", message_thread_id=999)
    assert emu.received(user.id)[0].text == "<i>Bye</i>"
    assert emu.received(user.id)[1].document == b'{"a": 1}'
    assert emu.commands(language_code="tg") == [{"command": "menu", "description": "Мавзӯҳо"}]
    assert emu.forum_topics(staff)[topic.message_thread_id].name == "#1 · tg · waiting"
    assert [c.method for c in emu.violations] == []


async def test_invalid_calls_are_recorded_as_violations(emu: BotAPIEmulator) -> None:
    user = emu.user("Bob")
    async with bot(emu) as b:
        with pytest.raises(BadRequest, match=r"(?i)unsupported start tag"):
            await b.send_message(user.id, "<script>", parse_mode="HTML")
    assert [c.method for c in emu.violations] == ["sendMessage"]
    with pytest.raises(AssertionError, match=r"(?i)unsupported start tag"):
        emu.assert_no_violations()


async def test_long_polling_offsets_and_button_presses(emu: BotAPIEmulator) -> None:
    user = emu.user("Carol", language_code="en")
    async with bot(emu) as b:
        waiting = asyncio.create_task(b.get_updates(timeout=5))
        await asyncio.sleep(0.2)
        assert not waiting.done()  # long polling holds the request
        emu.send_text(user, "/start")
        [update] = await asyncio.wait_for(waiting, 3)
        assert update.message is not None
        assert update.message.text == "/start"
        assert update.message.entities[0].type == "bot_command"
        assert len(await b.get_updates(timeout=0)) == 1  # not confirmed yet
        markup = InlineKeyboardMarkup([[InlineKeyboardButton("Menu", callback_data="menu")]])
        await b.send_message(user.id, "Choose", reply_markup=markup)
        emu.press(user, "Menu")
        updates = await b.get_updates(offset=update.update_id + 1, timeout=1)
        [press] = updates
        assert press.callback_query is not None
        assert press.callback_query.data == "menu"
        assert press.callback_query.message is not None
        await b.get_updates(offset=press.update_id + 1, timeout=0)
    assert emu.pending_updates() == 0
    with pytest.raises(LookupError, match="buttons seen"):
        emu.press(user, "Nope")


async def test_injected_429_raises_retry_after(emu: BotAPIEmulator) -> None:
    user = emu.user("Dan")
    emu.fail_next("sendMessage", status=429, retry_after=3)
    async with bot(emu) as b:
        with pytest.raises(RetryAfter):
            await b.send_message(user.id, "x")
        await b.send_message(user.id, "y")
    assert [m.text for m in emu.received(user.id)] == ["y"]
    assert emu.violations == []


def test_webhook_delivery_carries_the_secret(emu: BotAPIEmulator) -> None:
    seen: list[tuple[str | None, bytes]] = []

    class Receiver(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            body = self.rfile.read(int(self.headers["Content-Length"]))
            seen.append((self.headers.get("X-Telegram-Bot-Api-Secret-Token"), body))
            self.send_response(200 if len(seen) > 1 else 500)  # the first one is retried
            self.send_header("Content-Length", "0")
            self.end_headers()

        def log_message(self, *args: object) -> None:
            return

    server = HTTPServer(("127.0.0.1", 0), Receiver)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        url = f"http://127.0.0.1:{server.server_address[1]}/hook"
        emu.handle(
            f"/bot{emu.token}/setWebhook",
            "application/x-www-form-urlencoded",
            f"url={url}&secret_token=s3cret".encode(),
        )
        emu.send_text(emu.user("Eve"), "hi")
        emu.wait_until(lambda: emu.pending_updates() == 0, 10)
    finally:
        server.shutdown()
        server.server_close()
    assert len(seen) == 2
    assert {s for s, _ in seen} == {"s3cret"}
    assert b'"text": "hi"' in seen[1][1]


def test_updates_injected_at_once_from_many_threads_are_queued_in_id_order(
    emu: BotAPIEmulator,
) -> None:
    """Out of order, an update below the offset the bot has confirmed would be lost (the
    benchmark's 100 users once lost a message that way)."""
    users = [emu.user(f"u{i}") for i in range(20)]
    start = threading.Barrier(len(users))

    def write(user: object) -> None:
        start.wait()
        for n in range(50):
            emu.send_text(user, f"message {n}")  # type: ignore[arg-type]

    threads = [threading.Thread(target=write, args=(u,)) for u in users]
    interval = sys.getswitchinterval()
    sys.setswitchinterval(1e-6)  # threads switch as often as they can
    try:
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
    finally:
        sys.setswitchinterval(interval)
    ids = [u["update_id"] for u in emu.updates]
    assert len(ids) == 1000
    assert ids == sorted(ids)
