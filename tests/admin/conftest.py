"""The console in-process over a real, migrated database (SQLite, and PostgreSQL in CI).

Requests go through httpx's ASGI transport: the real app, middleware, cookies and forms. The
browser tests in ``tests/integration/e2e/test_console.py`` drive a real server and Chromium.
"""

from __future__ import annotations

import re
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from pathlib import Path

import httpx
import pytest

from bot.admin import accounts
from bot.admin.app import build_console
from bot.admin.console import Console
from bot.admin.relay import Delivery
from bot.db import Database
from bot.kb.store import import_articles, import_contacts
from bot.settings import load_settings
from tests.db.conftest import db, empty_database_url  # noqa: F401  (fixtures)
from tests.factories import make_article, make_contacts

PASSWORD = "correct horse battery"
_CSRF = re.compile(r'name="csrf" value="([^"]+)"')


@dataclass
class RecordingRelay:
    """Stands in for the Telegram bot (the browser test uses the real one)."""

    replies: list[tuple[int, str, str]] = field(default_factory=list)
    closed: list[int] = field(default_factory=list)

    async def reply(self, ticket_id: int, text: str, operator: str) -> Delivery:
        self.replies.append((ticket_id, text, operator))
        return Delivery.SENT

    async def close(self, ticket_id: int, resolution: str, operator: str) -> bool:
        self.closed.append(ticket_id)
        return True


@dataclass
class Env:
    db: Database
    console: Console
    relay: RecordingRelay
    client: httpx.AsyncClient

    async def csrf(self, path: str = "/login") -> str:
        page = await self.client.get(path)
        found = _CSRF.search(page.text)
        assert found, f"no CSRF token on {path}"
        return found.group(1)

    async def login(self, username: str, password: str = PASSWORD) -> httpx.Response:
        token = await self.csrf("/login")
        return await self.client.post(
            "/login", data={"csrf": token, "username": username, "password": password}
        )

    async def post(self, path: str, data: dict[str, str], page: str = "/") -> httpx.Response:
        """A form POST with the session's CSRF token (read from ``page``)."""
        return await self.client.post(path, data={"csrf": await self.csrf(page), **data})


@pytest.fixture
async def env(db: Database, tmp_path: Path) -> AsyncIterator[Env]:  # noqa: F811
    """A console with an admin, an editor and an operator, and one article."""
    settings = load_settings(data_dir=tmp_path / "var", staff_language="en")
    async with db.session() as session:
        for name, role in (("ada", "admin"), ("eddie", "editor"), ("olga", "operator")):
            await accounts.create(session, name, role, PASSWORD, "en")
        await import_contacts(session, make_contacts())
        await import_articles(session, {"work_patent": make_article()})
    relay = RecordingRelay()
    console = Console(settings, db, relay)
    app = build_console(console)
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://console") as client:
        yield Env(db, console, relay, client)
