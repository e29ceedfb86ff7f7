"""The real Rasa server, trained once per run (cached by hash) and started once per session."""

from __future__ import annotations

import os
import queue
import secrets
import signal
import subprocess
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import IO

import httpx
import pytest

from bot.nlu.server import RasaServer
from bot.nlu.server import free_loopback_port as free_port
from bot.nlu.training import NLUProject, rasa_environment, train


class Output:
    """Collects a stream in a thread so the test can wait for text without blocking."""

    def __init__(self, stream: IO[str]) -> None:
        self.text = ""
        self.ended = False
        self._lines: queue.Queue[str | None] = queue.Queue()
        threading.Thread(target=self._pump, args=(stream,), daemon=True).start()

    def _pump(self, stream: IO[str]) -> None:
        try:
            for chunk in iter(lambda: stream.read(1), ""):
                self._lines.put(chunk)
        except ValueError:  # closed by the test
            pass
        self._lines.put(None)

    def _take(self, chunk: str | None) -> None:
        if chunk is None:
            self.ended = True
        else:
            self.text += chunk

    def drain(self) -> str:
        """Everything read so far."""
        while True:
            try:
                self._take(self._lines.get_nowait())
            except queue.Empty:
                return self.text

    def wait_for(self, needle: str, seconds: float) -> str:
        """Wait for ``needle``; fail after ``seconds`` or as soon as the stream ends."""
        deadline = time.monotonic() + seconds
        while needle not in self.text:
            if self.ended:
                pytest.fail(f"{needle!r} never appeared: the stream ended; got:\n{self.text}")
            try:
                self._take(self._lines.get(timeout=max(0.0, deadline - time.monotonic())))
            except queue.Empty:
                pytest.fail(f"{needle!r} did not appear in {seconds:.0f} s; got:\n{self.text}")
        return self.text


@dataclass(frozen=True)
class RasaEndpoint:
    """A running Rasa server."""

    url: str
    token: str
    pid: int


def processes_matching(*needles: str) -> list[int]:
    """Pids of live processes whose command line contains every needle."""
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            cmdline = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
            state = (entry / "stat").read_text().split(") ", 1)[1][0]
        except OSError:
            continue
        if state != "Z" and all(n in cmdline for n in needles):
            found.append(int(entry.name))
    return found


def wait_until(predicate, seconds: float, what: str) -> None:  # type: ignore[no-untyped-def]
    """Poll ``predicate`` until it is true; fail the test after ``seconds``."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if predicate():
            return
        time.sleep(0.5)
    pytest.fail(f"timed out after {seconds:.0f} s waiting for {what}")


@pytest.fixture(scope="session")
def nlu_model() -> Path:
    """The model of the current training data (trained by ``make test`` before pytest runs)."""
    path, _ = train(NLUProject(), quiet=True)
    return path


def rasa_ready(url: str, token: str) -> bool:
    """Whether the Rasa server at ``url`` answers ``/status`` with a model loaded."""
    try:
        response = httpx.get(f"{url}/status", params={"token": token}, timeout=2)
    except httpx.HTTPError:
        return False
    return response.status_code == 200 and bool(response.json().get("model_file"))


@pytest.fixture(scope="session")
def rasa_server(
    nlu_model: Path, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[RasaEndpoint]:
    """A real ``rasa run --enable-api`` on loopback, with a token, for the whole session."""
    port, token = free_port(), secrets.token_urlsafe(16)
    server = RasaServer(nlu_model, f"http://127.0.0.1:{port}", token)
    log_path = tmp_path_factory.mktemp("rasa") / "rasa.log"
    with log_path.open("wb") as log:
        process = subprocess.Popen(
            server.command(),
            cwd=server.project.project_dir,
            env=rasa_environment(server.project.project_dir),
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    try:
        deadline = time.monotonic() + 240
        while not rasa_ready(server.url, token):
            if process.poll() is not None or time.monotonic() > deadline:
                pytest.fail(f"Rasa server did not start:\n{log_path.read_text()[-3000:]}")
            time.sleep(0.5)
        yield RasaEndpoint(server.url, token, process.pid)
    finally:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(30)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()
