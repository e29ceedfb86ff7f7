"""The supervised Rasa server: comes up, is restarted when it dies, leaves nothing on stop."""

from __future__ import annotations

import os
import secrets
import signal
from pathlib import Path

import pytest

from bot.nlu.server import RasaServer, RasaStartError
from tests.integration.conftest import free_port, processes_matching


async def test_killed_server_is_restarted_and_stop_leaves_no_process(
    nlu_model: Path, tmp_path: Path
) -> None:
    port = free_port()
    server = RasaServer(
        nlu_model,
        f"http://127.0.0.1:{port}",
        # token_urlsafe may start with "-"; once in 64 starts, CI saw Rasa take it for an option.
        "-" + secrets.token_urlsafe(16),
        log_path=tmp_path / "rasa.log",
        restart_delay=0.5,
    )
    await server.start()
    try:
        await server.wait_ready(240)
        first = server.pid
        assert first is not None
        os.kill(first, signal.SIGKILL)
        await server.wait_ready(240)
        assert server.restarts == 1
        assert server.pid not in (None, first)
    finally:
        await server.stop()
    assert server.pid is None
    assert processes_matching("rasa", "--port", str(port)) == []


async def test_a_busy_port_is_reported(nlu_model: Path) -> None:
    import socket

    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        server = RasaServer(nlu_model, f"http://127.0.0.1:{port}", "t")
        with pytest.raises(RasaStartError, match=f"port {port} on 127.0.0.1 is in use"):
            await server.start()


def test_only_loopback_is_allowed(nlu_model: Path) -> None:
    with pytest.raises(ValueError, match="loopback only"):
        RasaServer(nlu_model, "http://0.0.0.0:5005", "t")
