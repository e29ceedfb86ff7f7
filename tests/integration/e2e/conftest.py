"""End to end: ``mrc run`` as its own process, talking real HTTP to the Bot API emulator.

Every call the bot makes is checked against the official Bot API spec by the emulator; a test
fails if any call it caused was invalid.
"""

from __future__ import annotations

import html
import os
import re
import signal
import sqlite3
import subprocess
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from bot import PROJECT_DIR
from bot.dialogue.core import language_name
from bot.i18n import Translator
from tests.botapi import BotAPIEmulator, EmuUser, SentMessage
from tests.integration.conftest import Output, RasaEndpoint, wait_until

MRC = str(PROJECT_DIR / ".venv" / "bin" / "mrc")
_TAG = re.compile(r"<[^>]+>")


def plain(message: SentMessage) -> str:
    """What the user reads: the text without tags, entities unescaped."""
    return html.unescape(_TAG.sub("", message.text or message.caption or ""))


def labels(message: SentMessage) -> list[str]:
    """The message's button labels, row by row flattened."""
    return [label for row in message.buttons for label in row]


def is_article(message: SentMessage, language: str = "en") -> bool:
    """Whether ``message`` shows an article (its last part asks for feedback, the others
    offer "Show more")."""
    t = Translator(language)
    return t.gettext("Was this helpful?") in plain(message) or t.pgettext(
        "button", "Show more"
    ) in labels(message)


def choose_language(emu: BotAPIEmulator, user: EmuUser, language: str) -> None:
    """/start, then the preselected language: the notice, the confirmation and the menu."""
    emu.send_text(user, "/start")
    emu.wait_for(user.id)
    emu.press(user, "✓ " + language_name(language))
    emu.wait_for(user.id, 2, after=1)


#: Every bot started, in order (for the logs of failed tests).
STARTED: list[BotProcess] = []


@dataclass
class BotProcess:
    """``mrc run`` against the emulator."""

    env: dict[str, str]
    database: Path
    staff_chat_id: int | None = None
    process: subprocess.Popen[str] | None = None
    log: Output | None = None
    history: list[str] = field(default_factory=list)

    def start(self, emu: BotAPIEmulator, ready: Callable[[], bool] | None = None) -> None:
        """Start the bot and wait until it polls (or has set its webhook)."""
        calls_before = len(emu.calls)
        self.process = subprocess.Popen(
            [MRC, "run"],
            env=self.env,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        )
        assert self.process.stdout is not None
        self.log = Output(self.process.stdout)
        STARTED.append(self)
        wait_until(
            ready
            or (
                lambda: (
                    any(c.method == "getUpdates" for c in emu.calls[calls_before:])
                    or self.process is None
                    or self.process.poll() is not None
                )
            ),
            300,
            "the bot to start",
        )
        assert self.process.poll() is None, self.output()

    def console_url(self) -> str:
        """The staff console's address, as ``mrc run`` printed it."""
        assert self.log is not None
        found = re.search(r"Staff console: (http://\S+/)", self.log.drain())
        assert found, f"the bot did not print the console's address:\n{self.output()[-3000:]}"
        return found.group(1)

    def add_staff(self, username: str, role: str, password: str) -> None:
        """``mrc staff add`` on the bot's database."""
        result = subprocess.run(
            [MRC, "staff", "add", username, "--role", role, "--language", "en",
             "--password-stdin"],
            env=self.env, input=password + "\n", capture_output=True, text=True, timeout=120,
        )  # fmt: skip
        assert result.returncode == 0, result.stderr

    def output(self) -> str:
        return "\n".join([*self.history, self.log.drain() if self.log else ""])

    def stop(self, sig: signal.Signals = signal.SIGTERM, timeout: float = 60) -> int:
        """Stop the bot with ``sig``; return its exit code."""
        assert self.process is not None
        if self.process.poll() is None:
            self.process.send_signal(sig)
        code = self.process.wait(timeout)
        if self.log is not None:
            self.log.drain()
            self.history.append(self.log.text)
        if self.process.stdout is not None:
            self.process.stdout.close()
        return code

    def query(self, sql: str, *params: object) -> list[tuple[object, ...]]:
        """Read the bot's SQLite database."""
        with sqlite3.connect(self.database) as connection:
            return connection.execute(sql, params).fetchall()


def bot_environment(
    emu: BotAPIEmulator, rasa: RasaEndpoint | None, tmp: Path, **overrides: str
) -> tuple[dict[str, str], Path]:
    """The environment of an ``mrc run`` talking to ``emu`` (and to ``rasa`` when given)."""
    database = tmp / "mrc.db"
    env = {k: v for k, v in os.environ.items() if not k.startswith("MRC_")}
    env.update(
        MRC_TELEGRAM_TOKEN=emu.token,
        MRC_TELEGRAM_BASE_URL=emu.base_url,
        MRC_DATABASE_URL=f"sqlite:///{database}",
        MRC_DATA_DIR=str(tmp / "var"),
        MRC_DEFAULT_LANGUAGE="tg",
        MRC_LOG_LEVEL="INFO",
        MRC_WEB_PORT="0",  # the staff console on a free port (printed at start)
        # A short wait for Telegram's answers, so that a late answer can be tested quickly.
        MRC_TELEGRAM_TIMEOUT="3",
    )
    if rasa is not None:
        env.update(MRC_NLU_MANAGE="false", MRC_NLU_URL=rasa.url, MRC_NLU_TOKEN=rasa.token)
    env.update(overrides)
    return env, database


@pytest.fixture(scope="module")
def emu() -> Iterator[BotAPIEmulator]:
    """The Bot API emulator of one test module."""
    with BotAPIEmulator() as emulator:
        yield emulator
        emulator.assert_no_violations()  # also what the bots did while starting and stopping


@pytest.fixture(autouse=True)
def _every_call_valid(request: pytest.FixtureRequest) -> Iterator[None]:
    """Fail the test during which the bot made a call Telegram would have refused."""
    if "emu" not in request.fixturenames:
        yield
        return
    emulator: BotAPIEmulator = request.getfixturevalue("emu")
    before = len(emulator.violations)
    yield
    new = emulator.violations[before:]
    assert not new, "invalid Bot API calls:\n" + "\n".join(f"{c.method} {c.problems}" for c in new)


@pytest.fixture(scope="module")
def bot(
    emu: BotAPIEmulator, rasa_server: RasaEndpoint, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[BotProcess]:
    """One ``mrc run`` shared by a module's tests (each test talks as its own users)."""
    staff = emu.group("MRC staff", forum=True)
    env, database = bot_environment(
        emu, rasa_server, tmp_path_factory.mktemp("bot"), MRC_STAFF_CHAT_ID=str(staff.id)
    )
    process = BotProcess(env, database, staff.id)
    process.start(emu)
    yield process
    assert process.stop() == 0, process.output()


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]) -> Iterator[None]:
    """Keep each phase's report on the test, for ``_bot_output_on_failure``."""
    outcome = yield
    report = outcome.get_result()  # type: ignore[attr-defined]
    setattr(item, f"rep_{report.when}", report)


@pytest.fixture(autouse=True)
def _bot_output_on_failure(request: pytest.FixtureRequest) -> Iterator[None]:
    """Print the logs of the bots that ran during a failed test (they tell why)."""
    before = len(STARTED)
    yield
    report = getattr(request.node, "rep_call", None)
    if report is not None and report.failed:
        shared = [p for p in STARTED[:before] if p.process and p.process.poll() is None]
        for process in shared + STARTED[before:]:
            print(f"--- bot log ---\n{process.output()[-8000:]}")
