"""Runs an ASGI app with uvicorn inside the product's event loop (signals stay ours)."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Generator
from typing import Any

import uvicorn

log = logging.getLogger(__name__)


class _Server(uvicorn.Server):
    """uvicorn without its own signal handling: ``mrc run`` handles SIGINT and SIGTERM."""

    @contextlib.contextmanager
    def capture_signals(self) -> Generator[None, None, None]:
        yield

    def install_signal_handlers(self) -> None:  # older uvicorn
        return None


class WebServer:
    """Start with ``await start()``, stop with ``await stop()``; ``port`` is the bound port."""

    def __init__(self, app: Any, host: str, port: int) -> None:
        config = uvicorn.Config(
            app, host=host, port=port, lifespan="off", log_level="warning", access_log=False
        )
        self._server = _Server(config)
        self._task: asyncio.Task[None] | None = None
        self.host = host
        self.port = port

    async def start(self) -> None:
        """Serve in the background; return once listening (raise if it could not)."""
        self._task = asyncio.create_task(self._server.serve())
        while not self._server.started:
            if self._task.done():
                self._task.result()
                raise OSError(f"the web server could not listen on {self.host}:{self.port}")
            await asyncio.sleep(0.02)
        sockets = [s for server in self._server.servers for s in server.sockets]
        if sockets:
            self.port = int(sockets[0].getsockname()[1])

    async def stop(self) -> None:
        """Finish the requests in flight, then stop."""
        if self._task is None:
            return
        self._server.should_exit = True
        await self._task
