"""``mrc run`` as a user starts it: the local demo, a bad Telegram URL, signals, no orphans."""

from __future__ import annotations

import os
import re
import secrets
import signal
import subprocess
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import httpx
import pytest

from bot import PROJECT_DIR
from tests.integration.conftest import Output, free_port, processes_matching, wait_until

MRC = str(PROJECT_DIR / ".venv" / "bin" / "mrc")


@pytest.fixture
def env(tmp_path: Path, nlu_model: Path) -> Iterator[dict[str, str]]:
    """The environment of an ``mrc`` process with its own port, database and data folder."""
    port = free_port()
    environment = {k: v for k, v in os.environ.items() if not k.startswith("MRC_")}
    environment.update(
        MRC_NLU_URL=f"http://127.0.0.1:{port}",
        MRC_DATA_DIR=str(tmp_path / "var"),
        MRC_DATABASE_URL=f"sqlite:///{tmp_path / 'mrc.db'}",
        MRC_DEFAULT_LANGUAGE="en",
        MRC_WEB_PORT="0",
        # Generous for a loaded CI machine; a server that cannot start at all fails sooner
        # (after its fourth restart), and a demo that exits is reported at once.
        MRC_NLU_STARTUP_TIMEOUT="540",
    )
    yield environment
    # A killed `mrc` takes its server with it (PDEATHSIG) within a few seconds; wait for that,
    # then never leave a server behind, even when the test failed.
    deadline = time.monotonic() + 30
    while (pids := processes_matching("rasa", "--port", str(port))) and time.monotonic() < deadline:
        time.sleep(0.5)
    for pid in pids:
        os.kill(pid, signal.SIGKILL)
    assert not pids, "a Rasa server was left running"


def rasa_of(environment: dict[str, str]) -> list[int]:
    return processes_matching("rasa", "--port", environment["MRC_NLU_URL"].rsplit(":", 1)[1])


Started = tuple[subprocess.Popen[str], Output, Output]


@pytest.fixture
def start(env: dict[str, str]) -> Iterator[Callable[[], Started]]:
    """Starts ``mrc run`` with ``env``; whatever happens, the process is gone afterwards."""
    processes: list[subprocess.Popen[str]] = []

    def _start() -> Started:
        process = subprocess.Popen(
            [MRC, "run"],
            env=env,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        processes.append(process)
        assert process.stdout is not None
        assert process.stderr is not None
        return process, Output(process.stdout), Output(process.stderr)

    yield _start
    for process in processes:
        if process.poll() is None:
            process.kill()
        process.wait(30)
        for stream in (process.stdin, process.stdout, process.stderr):
            if stream is not None:
                stream.close()


def wait_for_demo(env: dict[str, str], out: Output, err: Output) -> None:
    """Wait for the demo's prompt; on failure show the bot's log and the Rasa server's."""
    try:
        out.wait_for("local demo. Type your question", 600)
    except pytest.fail.Exception:
        rasa_log = Path(env["MRC_DATA_DIR"], "log", "rasa.log")
        tail = rasa_log.read_text(errors="replace")[-4000:] if rasa_log.exists() else "(none)"
        pytest.fail(
            f"the demo did not start.\nstdout:\n{out.drain()}\nstderr:\n{err.drain()[-4000:]}"
            f"\nrasa.log:\n{tail}"
        )


def test_without_a_token_the_demo_answers_and_ends_with_its_input(
    env: dict[str, str], start: Callable[[], Started]
) -> None:
    process, out, err = start()
    assert process.stdin is not None
    out.wait_for("MRC_TELEGRAM_TOKEN is not set", 10)
    wait_for_demo(env, out, err)
    assert len(rasa_of(env)) == 1
    # The staff console runs beside the demo, with a first admin account.
    found = re.search(r"user 'admin', one-time password (\S+)\n.*Staff console: (http://\S+/)",
                      out.text, re.S)  # fmt: skip
    assert found, out.text
    login = httpx.get(found.group(2) + "login", timeout=10)
    assert login.status_code == 200
    assert 'name="password"' in login.text
    process.stdin.write("how do I pay for my work patent\n")
    process.stdin.flush()
    out.wait_for("Work patent in Russia", 60)
    out.wait_for("] Show more", 10)  # a long article comes in parts
    process.stdin.write("/lang ru\nздравствуйте\n")
    process.stdin.flush()
    out.wait_for("Здравствуйте! Я MRC Assistant", 60)
    process.stdin.close()
    assert process.wait(60) == 0
    assert rasa_of(env) == []
    assert Path(env["MRC_DATA_DIR"], "log", "mrc.log").exists()


@pytest.mark.parametrize("sig", [signal.SIGTERM, signal.SIGINT])
def test_a_signal_stops_the_demo_and_its_rasa_server(
    env: dict[str, str], start: Callable[[], Started], sig: signal.Signals
) -> None:
    # A token may start with "-": Rasa must not take it for an option (CI once saw that).
    env["MRC_NLU_TOKEN"] = "-" + secrets.token_urlsafe(16)
    process, out, err = start()
    wait_for_demo(env, out, err)
    assert len(rasa_of(env)) == 1
    process.send_signal(sig)
    assert process.wait(60) == 0
    assert rasa_of(env) == []


def test_a_killed_bot_takes_its_rasa_server_with_it(
    env: dict[str, str], start: Callable[[], Started]
) -> None:
    process, out, err = start()
    wait_for_demo(env, out, err)
    process.kill()
    process.wait(10)
    wait_until(lambda: rasa_of(env) == [], 60, "the orphaned Rasa server to stop")


def test_unreachable_telegram_fails_in_one_line_and_stops_rasa(env: dict[str, str]) -> None:
    env.update(
        MRC_TELEGRAM_TOKEN="123456:TEST",
        MRC_TELEGRAM_BASE_URL=f"http://127.0.0.1:{free_port()}/bot",
    )
    result = subprocess.run([MRC, "run"], env=env, capture_output=True, text=True, timeout=300)
    assert result.returncode == 1
    errors = [line for line in result.stderr.splitlines() if line.startswith("mrc: error:")]
    assert len(errors) == 1, result.stderr
    assert errors[0].startswith(
        "mrc: error: cannot reach the Telegram Bot API at http://127.0.0.1:"
    )
    assert "Traceback" not in result.stderr
    assert "123456:TEST" not in result.stderr + result.stdout
    assert rasa_of(env) == []


def test_configuration_errors_are_one_line_each(env: dict[str, str]) -> None:
    env.update(MRC_STAFF_CHAT_ID="staff", MRC_DATABASE_URL="mysql://x/y")
    result = subprocess.run([MRC, "run"], env=env, capture_output=True, text=True, timeout=60)
    assert result.returncode == 2
    assert result.stderr.splitlines() == [
        "mrc: configuration error: MRC_DATABASE_URL: unsupported database 'mysql'; use "
        "sqlite:///path or postgresql://user:password@host/dbname (got 'mysql://x/y')",
        "mrc: configuration error: MRC_STAFF_CHAT_ID: must be an integer (got 'staff')",
    ]
