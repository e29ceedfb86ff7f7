"""The console's ASGI app: routes, sessions, templates in the signed-in person's language."""

from __future__ import annotations

import logging
import secrets
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from babel.dates import format_date, format_datetime
from babel.numbers import format_decimal
from jinja2 import Environment, FileSystemLoader, select_autoescape
from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.middleware.sessions import SessionMiddleware
from starlette.requests import Request
from starlette.responses import HTMLResponse, Response
from starlette.routing import BaseRoute, Route

from bot.admin.relay import Notifier, Relay
from bot.admin.security import LoginThrottle, SecurityHeaders, Staff, csrf_token
from bot.db import Database
from bot.i18n import LANGUAGES, Translator
from bot.nlu.retrain import Retrainer
from bot.settings import Settings

log = logging.getLogger(__name__)

TEMPLATES = Path(__file__).parent / "templates"
ZONE = ZoneInfo("Asia/Dushanbe")
LANGUAGE_NAMES = {"tg": "Тоҷикӣ", "ru": "Русский", "en": "English"}


@dataclass
class Console:
    """What the console's views need, built once at start-up."""

    settings: Settings
    db: Database
    #: Sends operators' replies through the bot (``None`` without Telegram).
    relay: Relay | None = None
    #: Retrains and swaps the NLU model (``None`` when the Rasa server is managed elsewhere).
    retrainer: Retrainer | None = None
    #: Tells a topic's subscribers about an update (``None`` without Telegram: runs wait).
    notifier: Notifier | None = None
    throttle: LoginThrottle = field(default_factory=LoginThrottle)
    env: Environment = field(init=False)

    def __post_init__(self) -> None:
        self.env = Environment(
            loader=FileSystemLoader(TEMPLATES),
            autoescape=select_autoescape(default=True),
            trim_blocks=True,
            lstrip_blocks=True,
        )

    def language_of(self, request: Request) -> str:
        staff: Staff | None = getattr(request.state, "staff", None)
        if staff is not None:
            return staff.language
        chosen = request.session.get("language")
        if chosen in LANGUAGES:
            return str(chosen)
        return self.settings.staff_language

    def page(
        self,
        request: Request,
        template: str,
        context: dict[str, Any] | None = None,
        status_code: int = 200,
    ) -> HTMLResponse:
        """Render ``template`` in the person's language, with the CSRF token and helpers."""
        language = self.language_of(request)
        t = Translator(language)

        def when(moment: datetime | None) -> str:
            if moment is None:
                return "—"
            return format_datetime(moment, "short", tzinfo=ZONE, locale=language)

        def day(value: date | None) -> str:
            return "—" if value is None else format_date(value, "medium", locale=language)

        def number(value: float) -> str:
            return format_decimal(value, locale=language)

        html = self.env.get_template(template).render(
            _=t.gettext,
            ngettext=t.ngettext,
            when=when,
            day=day,
            number=number,
            language=language,
            languages=LANGUAGE_NAMES,
            staff=getattr(request.state, "staff", None),
            csrf=csrf_token(request),
            path=request.url.path,
            **(context or {}),
        )
        return HTMLResponse(html, status_code=status_code)

    def error(self, request: Request, code: int) -> HTMLResponse:
        """The error page: 400 (a form without a valid token or with bad values), 403, 404."""
        return self.page(request, "error.html", {"code": code}, status_code=code)


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
    from bot.admin import articles, dashboard, inbox, login, people, tickets

    routes: list[BaseRoute] = [
        *login.routes,
        *dashboard.routes,
        *articles.routes,
        *inbox.routes,
        *tickets.routes,
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


def route(path: str, endpoint: Any, methods: tuple[str, ...] = ("GET",)) -> Route:
    return Route(path, endpoint, methods=list(methods))
