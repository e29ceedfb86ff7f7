"""The Rasa server as a supervised child process: started, awaited, restarted, stopped.

The server runs in its own process group (so that Ctrl-C in a terminal reaches us, and we stop
it in order) and is asked by the kernel to stop if this process dies without cleaning up
(``PR_SET_PDEATHSIG``), so that no orphan is left behind.
"""

from __future__ import annotations

import asyncio
import contextlib
import ctypes
import logging
import os
import secrets
import signal
import socket
from collections.abc import AsyncIterator
from pathlib import Path
from typing import IO
from urllib.parse import urlsplit

from bot.nlu.client import NLUClient
from bot.nlu.training import NLUProject, rasa_environment

log = logging.getLogger(__name__)

_PR_SET_PDEATHSIG = 1


class RasaStartError(RuntimeError):
    """The Rasa server did not come up."""


def _die_with_parent() -> None:  # pragma: no cover - runs in the child between fork and exec
    with contextlib.suppress(OSError, AttributeError):
        ctypes.CDLL("libc.so.6", use_errno=True).prctl(_PR_SET_PDEATHSIG, signal.SIGTERM)


def port_is_free(host: str, port: int) -> bool:
    """Whether nothing listens on ``host:port``."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            sock.bind((host, port))
        except OSError:
            return False
    return True


class RasaServer:
    """One ``rasa run --enable-api`` process on loopback, serving one model."""

    def __init__(
        self,
        model: Path,
        url: str,
        token: str,
        *,
        project: NLUProject | None = None,
        log_path: Path | None = None,
        restart_delay: float = 2.0,
    ) -> None:
        parts = urlsplit(url)
        if parts.hostname not in {"127.0.0.1", "localhost", "::1"}:
            raise ValueError(f"the managed Rasa server listens on loopback only, not {url}")
        self.host = parts.hostname or "127.0.0.1"
        self.port = parts.port or 5005
        self.url = f"http://{self.host}:{self.port}"
        self.model = model
        self.token = token
        self.project = project or NLUProject()
        self.log_path = log_path
        self.restart_delay = restart_delay
        self.restarts = 0
        self._process: asyncio.subprocess.Process | None = None
        self._supervisor: asyncio.Task[None] | None = None
        self._stop_requested = asyncio.Event()

    @property
    def pid(self) -> int | None:
        """The server's process id while it runs."""
        return self._process.pid if self._process and self._process.returncode is None else None

    def command(self) -> list[str]:
        """The command line of the server."""
        return [
            str(self.project.rasa), "run",
            "--enable-api",
            "--model", str(self.model),
            "--interface", self.host,
            "--port", str(self.port),
            # One argument, so that a token starting with "-" is not read as an option.
            f"--auth-token={self.token}",
        ]  # fmt: skip

    async def _spawn(self) -> None:
        out: IO[bytes] | int = asyncio.subprocess.DEVNULL
        if self.log_path:
            self.log_path.parent.mkdir(parents=True, exist_ok=True)
            out = self.log_path.open("ab")
        try:
            self._process = await asyncio.create_subprocess_exec(
                *self.command(),
                # A writable place for anything Rasa writes (the checkout may be read-only).
                cwd=self.project.models_dir,
                env=rasa_environment(self.project.project_dir),
                stdin=asyncio.subprocess.DEVNULL,
                stdout=out,
                stderr=asyncio.subprocess.STDOUT,
                start_new_session=True,
                preexec_fn=_die_with_parent,
            )
        finally:
            if not isinstance(out, int):
                out.close()
        log.info("Rasa server started (pid %s) on %s", self._process.pid, self.url)

    async def start(self) -> None:
        """Start the server and its supervisor; does not wait until it is ready."""
        if not port_is_free(self.host, self.port):
            raise RasaStartError(
                f"port {self.port} on {self.host} is in use: stop what listens there, or set "
                "MRC_NLU_URL to another port (MRC_NLU_MANAGE=false to use a server you run)"
            )
        self._stop_requested.clear()
        await self._spawn()
        self._supervisor = asyncio.create_task(self._supervise(), name="rasa-supervisor")

    async def _supervise(self) -> None:
        while not self._stop_requested.is_set():
            assert self._process is not None
            code = await self._process.wait()
            if self._stop_requested.is_set():
                return
            self.restarts += 1
            delay = min(self.restart_delay * self.restarts, 30.0)
            log.warning("Rasa server exited with %s; restarting in %.0f s", code, delay)
            await asyncio.sleep(delay)
            if not self._stop_requested.is_set():
                await self._spawn()

    async def wait_ready(self, limit: float = 180.0) -> None:
        """Wait until ``/status`` answers with the model loaded; raise ``RasaStartError``."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + limit
        async with NLUClient(self.url, self.token, timeout=2.0) as client:
            while loop.time() < deadline:
                if await client.is_ready():
                    log.info("Rasa server ready on %s", self.url)
                    return
                if self.restarts > 3:
                    break
                await asyncio.sleep(0.5)
        hint = f"; see {self.log_path}" if self.log_path else ""
        raise RasaStartError(f"the Rasa server did not become ready in {limit:.0f} s{hint}")

    async def stop(self, grace: float = 15.0) -> None:
        """Stop the server (SIGTERM to its process group, SIGKILL after ``grace`` seconds)."""
        self._stop_requested.set()
        process = self._process
        if process is not None and process.returncode is None:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(process.pid, signal.SIGTERM)
            try:
                await asyncio.wait_for(process.wait(), grace)
            except TimeoutError:
                log.warning("Rasa server did not stop in %.0f s; killing it", grace)
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(process.pid, signal.SIGKILL)
                await process.wait()
            log.info("Rasa server stopped")
        if self._supervisor is not None:
            self._supervisor.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._supervisor
            self._supervisor = None


def free_loopback_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@contextlib.asynccontextmanager
async def serving(
    model: Path, project: NLUProject | None = None, limit: float = 300.0
) -> AsyncIterator[RasaServer]:
    """A ready Rasa server for ``model`` on a free loopback port with a fresh token, stopped
    on exit (for evaluation, tuning, ``mrc ask`` and the benchmarks)."""
    url = f"http://127.0.0.1:{free_loopback_port()}"
    server = RasaServer(model, url, secrets.token_urlsafe(24), project=project)
    await server.start()
    try:
        await server.wait_ready(limit)
        yield server
    finally:
        await server.stop()
