"""Parts of the system out of reach or slow, each test with a bot of its own (issue 8):
PostgreSQL unreachable for a while, and an NLU server that answers slowly."""

from __future__ import annotations

import time
from pathlib import Path

import pytest
from sqlalchemy.engine import make_url

from tests.botapi import BotAPIEmulator
from tests.db.conftest import fresh_database
from tests.integration.conftest import RasaEndpoint
from tests.integration.e2e.conftest import BotProcess, bot_environment, choose_language, is_article
from tests.integration.e2e.proxy import RoundRobinProxy
from tests.integration.e2e.tcpproxy import CuttableProxy

pytestmark = pytest.mark.integration


def test_a_slow_answer_shows_typing_first_and_a_fast_one_needs_no_call(
    emu: BotAPIEmulator, rasa_server: RasaEndpoint, tmp_path: Path
) -> None:
    with RoundRobinProxy([rasa_server.url]) as nlu:
        env, database = bot_environment(
            emu, rasa_server, tmp_path, MRC_NLU_URL=nlu.url, MRC_TYPING_DELAY="0.5"
        )
        bot = BotProcess(env, database)
        bot.start(emu)
        try:
            user = emu.user("Waiting", language_code="en")
            choose_language(emu, user, "en")
            seen = len(emu.received(user.id))
            nlu.delay = 1.5  # the NLU server slows down (under its 3 s timeout)
            emu.send_text(user, "How do I get a work patent in Russia?")
            [answer] = emu.wait_for(user.id, after=seen, timeout=60)
            assert is_article(answer, "en"), "the model's answer, only later"
            assert emu.chat_actions(user.id) == ["typing"]
            calls = [c for c in emu.calls if str(c.params.get("chat_id")) == str(user.id)]
            methods = [c.method for c in calls if c.method in ("sendChatAction", "sendMessage")]
            assert methods[-2:] == ["sendChatAction", "sendMessage"], "typing came first"

            nlu.delay = 0.0
            emu.send_text(user, "How do I check an entry ban?")
            emu.wait_for(user.id, after=seen + 1, timeout=60)
            assert emu.chat_actions(user.id) == ["typing"], "no indicator for a fast answer"
        finally:
            assert bot.stop() == 0, bot.output()


@pytest.mark.postgres
def test_postgresql_unreachable_for_a_while_delays_the_answer_and_loses_nothing(
    emu: BotAPIEmulator, rasa_server: RasaEndpoint, tmp_path: Path
) -> None:
    database = fresh_database("postgresql", tmp_path)
    direct = make_url(next(database).replace("+asyncpg", ""))
    assert direct.host
    assert direct.port
    try:
        with CuttableProxy((direct.host, direct.port)) as line:
            url = direct.set(host="127.0.0.1", port=line.port)
            env, _ = bot_environment(
                emu, rasa_server, tmp_path, MRC_DATABASE_URL=url.render_as_string(False)
            )
            bot = BotProcess(env, tmp_path / "unused.db")
            bot.start(emu)
            try:
                user = emu.user("Offline", language_code="en")
                choose_language(emu, user, "en")
                seen = len(emu.received(user.id))
                line.cut()  # the database server is gone
                try:
                    emu.send_text(user, "How do I get a work patent in Russia?")
                    time.sleep(8)
                    assert len(emu.received(user.id)) == seen, "no answer without the database"
                finally:
                    line.restore()
                [answer] = emu.wait_for(user.id, after=seen, timeout=90)
                assert is_article(answer, "en")
                time.sleep(2)
                assert len(emu.received(user.id)) == seen + 1, "answered once"
            finally:
                assert bot.stop() == 0, bot.output()
    finally:
        next(database, None)
