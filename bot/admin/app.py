"""The console's ASGI app: every view's routes, sessions, security headers, error pages."""

from __future__ import annotations

import logging
import secrets

from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.middleware.sessions import SessionMiddleware
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute

from bot.admin import (
    articles,
    contacts,
    dashboard,
    facts,
    inbox,
    login,
    people,
    quality,
    replies,
    tickets,
)
from bot.admin.console import Console
from bot.admin.security import SecurityHeaders
from bot.settings import Settings

log = logging.getLogger(__name__)


def _secret(settings: Settings) -> str:
    """The key that signs session cookies: ``MRC_WEB_SECRET``, else one kept in the data
    folder (created once, readable only by its owner)."""
    if settings.web_secret is not None:
        return settings.web_secret.get_secret_value()
    path = settings.data_dir / "web-secret"
    if path.exists():
        return path.read_text().strip()
    path.parent.mkdir(parents=True, exist_ok=True)
    key = secrets.token_urlsafe(32)
    path.touch(mode=0o600)
    path.write_text(key)
    return key


def build_console(console: Console, extra_routes: list[BaseRoute] | None = None) -> Starlette:
    """The console app (and, in webhook mode, Telegram's webhook route beside it)."""
    routes: list[BaseRoute] = [
        *login.routes,
        *dashboard.routes,
        *facts.routes,  # before the articles' /articles/{topic}/{language}/{what}
        *articles.routes,
        *contacts.routes,
        *inbox.routes,
        *tickets.routes,
        *quality.routes,
        *replies.routes,
        *people.routes,
        *(extra_routes or []),
    ]
    app = Starlette(
        routes=routes,
        middleware=[
            Middleware(SecurityHeaders),
            Middleware(
                SessionMiddleware,
                secret_key=_secret(console.settings),
                session_cookie="mrc_console",
                max_age=12 * 3600,
                same_site="strict",
                https_only=console.settings.web_https_only,
            ),
        ],
        exception_handlers={404: _not_found, 405: _not_found},
    )
    app.state.console = console
    return app


async def _not_found(request: Request, exc: Exception) -> Response:
    console: Console = request.app.state.console
    return console.error(request, 404)
