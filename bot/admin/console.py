"""The console's core: what its views need (``Console``), page rendering, ``route``, and who
may reach a route (``require``).

Every route is wrapped in ``require(...)``: without a session it redirects to the login page,
with the wrong role it answers 403, and a POST without the session's CSRF token is refused.

The views (``bot.admin.articles``, ``inbox``, ...) import this module; ``bot.admin.app``
imports the views and builds the ASGI app. Nothing here imports a view.
"""

from __future__ import annotations

import functools
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any
from urllib.parse import quote

from babel.numbers import format_decimal, format_percent
from jinja2 import Environment, FileSystemLoader, select_autoescape
from starlette.requests import Request
from starlette.responses import HTMLResponse, RedirectResponse, Response
from starlette.routing import Route

from bot.admin.relay import Notifier, Relay
from bot.admin.security import LoginThrottle, Staff, client_address, csrf_ok, csrf_token
from bot.db import Database
from bot.db.models import StaffAccount
from bot.escalation.hours import OfficeHours
from bot.i18n import LANGUAGES, TIMEZONE, Translator
from bot.i18n import format_date as i18n_format_date
from bot.i18n import format_datetime as i18n_format_datetime
from bot.kb.service import KnowledgeBase
from bot.nlu.retrain import Retrainer
from bot.settings import Settings

log = logging.getLogger(__name__)

View = Callable[[Request], Awaitable[Response]]

TEMPLATES = Path(__file__).parent / "templates"
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
    #: The bot's Telegram username, for links to topics (``None`` without Telegram).
    bot_username: str | None = None
    throttle: LoginThrottle = field(default_factory=LoginThrottle)
    env: Environment = field(init=False)
    _knowledge: KnowledgeBase | None = field(default=None, init=False)

    def __post_init__(self) -> None:
        self.env = Environment(
            loader=FileSystemLoader(TEMPLATES),
            autoescape=select_autoescape(default=True),
            trim_blocks=True,
            lstrip_blocks=True,
        )

    @functools.cached_property
    def hours(self) -> OfficeHours:
        """The office hours operators answer in (what the promise to migrants counts); read
        from the settings once."""
        return OfficeHours(self.settings.office_hours, self.settings.holiday_dates)

    def share_knowledge(self, knowledge: KnowledgeBase) -> None:
        """Use the bot's knowledge base (and its section index) rather than a second one."""
        self._knowledge = knowledge

    @property
    def knowledge(self) -> KnowledgeBase:
        """The published articles and their section index (for suggested replies), built on
        first use."""
        if self._knowledge is None:
            self._knowledge = KnowledgeBase(self.db)
        return self._knowledge

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
            return i18n_format_datetime(moment.astimezone(TIMEZONE), language, "short")

        def day(value: date | None) -> str:
            return "—" if value is None else i18n_format_date(value, language, "medium")

        def number(value: float) -> str:
            return format_decimal(value, locale=language)

        def percent(value: float) -> str:
            return format_percent(value, locale=language)

        html = self.env.get_template(template).render(
            _=t.gettext,
            ngettext=t.ngettext,
            pgettext=t.pgettext,
            when=when,
            day=day,
            number=number,
            percent=percent,
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


def route(path: str, endpoint: Any, methods: tuple[str, ...] = ("GET",)) -> Route:
    """A console route (GET unless ``methods`` says otherwise)."""
    return Route(path, endpoint, methods=list(methods))


def console_of(request: Request) -> Console:
    console: Console = request.app.state.console
    return console


def staff_of(request: Request) -> Staff:
    """The signed-in person (inside a ``require``-wrapped view)."""
    staff: Staff = request.state.staff
    return staff


def require(*roles: str) -> Callable[[View], View]:
    """Only signed-in staff with one of ``roles`` reach the view; POSTs need the CSRF token."""

    def decorate(view: View) -> View:
        @functools.wraps(view)
        async def guarded(request: Request) -> Response:
            console = console_of(request)
            staff_id = request.session.get("staff")
            account = None
            if isinstance(staff_id, int):
                async with console.db.session() as session:
                    account = await session.get(StaffAccount, staff_id)
                    staff = Staff.of(account) if account is not None and account.active else None
            if account is None or staff is None:
                request.session.pop("staff", None)
                target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
                return RedirectResponse(f"/login?next={quote(target)}", status_code=303)
            request.state.staff = staff
            if staff.role not in roles:
                log.warning(
                    "console: %s (%s) was refused %s %s",
                    staff.username, staff.role, request.method, request.url.path,
                )  # fmt: skip
                return console.error(request, 403)
            if request.method == "POST" and not await csrf_ok(request):
                log.warning("console: a POST to %s without a valid CSRF token", request.url.path)
                return console.error(request, 400)
            return await view(request)

        return guarded

    return decorate


def client_key(request: Request) -> str:
    """The throttling key of the request's address (see ``client_address``)."""
    trusted = console_of(request).settings.trusted_proxies
    return f"ip:{client_address(request, trusted)}"
