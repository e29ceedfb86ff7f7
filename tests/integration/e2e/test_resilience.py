"""Parts failing under the bot: a database locked for a while (issue 8). PostgreSQL out of reach
and a slow NLU server are in test_outages.py; the Rasa server killed and Telegram's 429/5xx
answers in test_lifecycle.py and test_conversations.py."""

from __future__ import annotations

import sqlite3
import time

import pytest

from tests.botapi import BotAPIEmulator
from tests.integration.e2e.conftest import BotProcess, choose_language, is_article

pytestmark = pytest.mark.integration


def test_a_locked_database_delays_the_answer_and_loses_nothing(
    emu: BotAPIEmulator, bot: BotProcess
) -> None:
    user = emu.user("Patient", language_code="en")
    choose_language(emu, user, "en")
    seen = len(emu.received(user.id))
    lock = sqlite3.connect(bot.database, timeout=30, isolation_level=None)
    lock.execute("BEGIN EXCLUSIVE")  # no one else writes until it ends
    try:
        emu.send_text(user, "How do I get a work patent in Russia?")
        time.sleep(8)  # longer than the database's busy timeout (5 s)
        assert len(emu.received(user.id)) == seen, "no answer while nothing can be written"
    finally:
        lock.execute("ROLLBACK")
        lock.close()
    [answer] = emu.wait_for(user.id, after=seen, timeout=60)
    assert is_article(answer, "en")
    time.sleep(2)
    assert len(emu.received(user.id)) == seen + 1, "answered once"
    rows = bot.query("SELECT count(*) FROM inbound_updates WHERE handled_at IS NULL")
    assert rows == [(0,)]
