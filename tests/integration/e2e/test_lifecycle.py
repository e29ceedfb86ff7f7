"""The bot's life: long answers, restarts, webhook mode, and the NLU server dying under load."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import threading
import time
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

import pytest

from bot.nlu.server import free_loopback_port
from bot.telegram.send import visible_length
from tests.botapi import BotAPIEmulator, EmuUser, SentMessage
from tests.integration.conftest import RasaEndpoint, processes_matching, wait_until
from tests.integration.e2e.conftest import (
    MRC,
    BotProcess,
    bot_environment,
    choose_language,
    is_article,
    labels,
    plain,
)

pytestmark = pytest.mark.integration


@pytest.fixture
def own_bot(
    emu: BotAPIEmulator, rasa_server: RasaEndpoint, tmp_path: Path
) -> Iterator[tuple[BotProcess, dict[str, str]]]:
    """A bot of the test's own; killed afterwards if a failed test left it running (else it
    would go on polling the module's emulator and confuse the next tests)."""
    env, database = bot_environment(emu, rasa_server, tmp_path)
    bot = BotProcess(env, database)
    yield bot, env
    if bot.process is not None and bot.process.poll() is None:
        bot.stop(signal.SIGKILL)
        emu.reset_webhook()


def test_a_5000_character_answer_comes_in_messages_split_between_paragraphs(
    emu: BotAPIEmulator, own_bot: tuple[BotProcess, dict[str, str]]
) -> None:
    bot, env = own_bot
    env["MRC_ARTICLE_PART_CHARS"] = "100000"  # the whole article at once
    for command in (["db", "upgrade"], ["kb", "import"]):
        subprocess.run([MRC, *command], env=env, check=True, capture_output=True, timeout=120)
    paragraphs = [
        f"**Step {i}.** " + f"Sentence {i} of a long staff-written answer. " * 20 for i in range(6)
    ]
    body = "\n\n".join(paragraphs)
    assert len(body) > 5000
    bot.query(
        "UPDATE article_translations SET body = ?, updated_by = 'staff:e2e' WHERE language = 'en' "
        "AND article_id = (SELECT id FROM articles WHERE topic = 'remittances')",
        body,
    )
    bot.start(emu)
    user = emu.user("Long", language_code="en")
    emu.send_text(user, "How do I send money home safely?")
    first, second = emu.wait_for(user.id, 2)
    assert first.buttons == []
    assert "👍 Yes" in labels(second)
    assert all(visible_length(m.text) <= 4096 for m in (first, second))
    text = plain(first) + "\n\n" + plain(second)
    for i in range(6):
        assert f"Step {i}." in text
    assert text.index("Step 0.") < text.index("Step 5.")
    assert not plain(second).startswith("Sentence")  # cut between paragraphs, not inside one
    assert bot.stop() == 0


def test_nothing_a_user_said_is_lost_across_a_restart(
    emu: BotAPIEmulator, own_bot: tuple[BotProcess, dict[str, str]]
) -> None:
    bot, _ = own_bot
    bot.start(emu)
    user = emu.user("Restart", language_code="en")
    emu.send_text(user, "hello")
    assert bot.stop(signal.SIGTERM) == 0  # at once: the update may not even be fetched yet
    bot.start(emu)
    [greeting] = emu.wait_for(user.id, timeout=60)
    assert plain(greeting).startswith("Hello!")
    # "hello" is marked handled just after its answer is sent: let that finish (a kill in
    # between would, rightly, replay it), then crash after another update was fetched and
    # claimed, before it was handled:
    emu.wait_until(
        lambda: bot.query("SELECT count(*) FROM inbound_updates WHERE handled_at IS NULL") == [(0,)]
    )
    assert bot.stop(signal.SIGKILL) == -signal.SIGKILL
    orphan = emu.build_text_update(user, "thank you")
    bot.query(
        "INSERT INTO inbound_updates (update_id, payload, received_at) VALUES (?, ?, "
        "CURRENT_TIMESTAMP)",
        orphan["update_id"],
        json.dumps(orphan),
    )
    bot.start(emu)
    [thanks] = emu.wait_for(user.id, after=1, timeout=60)
    assert plain(thanks) == "You are welcome!"
    emu.send_text(user, "goodbye")
    emu.wait_for(user.id, after=2)
    time.sleep(1)
    assert len(emu.received(user.id)) == 3  # every message answered exactly once
    assert bot.query("SELECT count(*) FROM inbound_updates WHERE handled_at IS NULL") == [(0,)]
    assert bot.stop() == 0


def test_webhook_mode_checks_the_secret_on_every_request(
    emu: BotAPIEmulator, own_bot: tuple[BotProcess, dict[str, str]]
) -> None:
    bot, env = own_bot
    port = free_loopback_port()
    env.update(
        MRC_WEBHOOK_URL=f"http://127.0.0.1:{port}/telegram/webhook",
        MRC_WEB_PORT=str(port),
        MRC_WEBHOOK_SECRET="e2e-secret_token",
    )
    calls_before = len(emu.calls)
    bot.start(emu, ready=lambda: any(c.method == "setWebhook" for c in emu.calls[calls_before:]))
    try:
        user = emu.user("Hooked", language_code="ru")
        emu.send_text(user, "/start")
        [notice] = emu.wait_for(user.id, timeout=30)
        assert "✓ русский" in labels(notice)
        forged = emu.build_text_update(user, "/deletemydata")
        assert emu.post_to_webhook(forged, secret="wrong") == 403
        assert emu.post_to_webhook(forged, secret=None) == 403
        assert bot.log is not None
        bot.log.wait_for("refused a webhook request without the right secret token", 10)
        time.sleep(1)
        assert len(emu.received(user.id)) == 1  # the forged request did nothing
        [hooked] = [c for c in emu.calls[calls_before:] if c.method == "setWebhook"]
        assert hooked.params["secret_token"] == "e2e-secret_token"
        assert not any(c.method == "getUpdates" and c.at > hooked.at for c in emu.calls)
    finally:
        assert bot.stop() == 0
        emu.reset_webhook()


class Load:
    """Users asking again and again (each waits for the answer, then two seconds) in threads;
    every question must get exactly one reply."""

    def __init__(self, emu: BotAPIEmulator, users: int, question: str) -> None:
        self.emu, self.question = emu, question
        self.users = [emu.user(f"Load {i}", language_code="en") for i in range(users)]
        for user in self.users:
            choose_language(emu, user, "en")
        self.baseline = {u.id: len(emu.received(u.id)) for u in self.users}
        self.asked: Counter[int] = Counter()
        self.replies: list[SentMessage] = []
        self.errors: list[BaseException] = []
        self._stop = threading.Event()
        self._threads = [threading.Thread(target=self._ask, args=(u,)) for u in self.users]

    def _ask(self, user: EmuUser) -> None:
        try:
            while not self._stop.is_set():
                before = len(self.emu.received(user.id))
                self.emu.send_text(user, self.question)
                self.asked[user.id] += 1
                self.replies += self.emu.wait_for(user.id, after=before, timeout=60)
                self._stop.wait(2)
        except BaseException as exc:  # reported by stop()
            self.errors.append(exc)

    def start(self) -> None:
        for thread in self._threads:
            thread.start()

    def stop(self) -> None:
        self._stop.set()
        for thread in self._threads:
            thread.join(90)
        assert not self.errors, self.errors
        time.sleep(2)  # a reply sent twice would have arrived by now
        for user in self.users:
            got = len(self.emu.received(user.id)) - self.baseline[user.id]
            assert got == self.asked[user.id], (
                f"{user.first_name}: {got} replies to {self.asked[user.id]}"
            )


def test_the_bot_answers_from_search_while_rasa_is_down_under_load_and_recovers(
    emu: BotAPIEmulator, tmp_path: Path
) -> None:
    port = free_loopback_port()
    env, database = bot_environment(
        emu, None, tmp_path, MRC_NLU_URL=f"http://127.0.0.1:{port}", MRC_NLU_TIMEOUT="2"
    )
    bot = BotProcess(env, database)
    bot.start(emu)  # polling starts once the managed Rasa server is ready
    question = "How do I get a work patent in Russia?"
    try:
        load = Load(emu, 6, question)
        load.start()
        user = emu.user("Resilient", language_code="en")
        emu.send_text(user, question)
        [answer] = emu.wait_for(user.id, timeout=30)
        assert is_article(answer)
        [rasa] = processes_matching("rasa", "--port", str(port))
        os.kill(rasa, signal.SIGKILL)
        emu.send_text(user, question)
        [degraded] = emu.wait_for(user.id, after=1, timeout=30)
        assert plain(degraded).startswith("I cannot")
        assert "Work patent" in labels(degraded)  # search still finds the article

        def recovered() -> bool:
            time.sleep(3)  # within the flood limit
            count = len(emu.received(user.id))
            emu.send_text(user, question)
            reply = emu.wait_for(user.id, after=count, timeout=30)[0]
            return is_article(reply)

        wait_until(recovered, 240, "the bot to answer from the restarted model")
        time.sleep(3)  # the other users too
        load.stop()
        kinds = ["article" if is_article(r) else plain(r)[:8] for r in load.replies]
        assert "I cannot" in kinds, "the others were answered from search meanwhile"
        assert kinds[-1] == "article", "and from the model again"
    finally:
        assert bot.stop() == 0
    wait_until(lambda: not processes_matching("rasa", "--port", str(port)), 60, "Rasa to stop")
