"""Who may do what in the console: sessions, roles, CSRF tokens, login throttling, headers.

Every route is wrapped in ``require(...)``: without a session it redirects to the login page,
with the wrong role it answers 403, and a POST without the session's CSRF token is refused.
"""

from __future__ import annotations

import functools
import logging
import secrets
import time
from collections import deque
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any
from urllib.parse import quote

from starlette.datastructures import MutableHeaders
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from bot.db.models import StaffAccount

if TYPE_CHECKING:
    from bot.admin.app import Console

log = logging.getLogger(__name__)

View = Callable[[Request], Awaitable[Response]]
CSRF_FIELD = "csrf"

#: Served on every console response: no scripts at all, no framing, no outside resources.
SECURITY_HEADERS = {
    "content-security-policy": (
        "default-src 'none'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; "
        "form-action 'self'; frame-ancestors 'none'; base-uri 'none'"
    ),
    "x-content-type-options": "nosniff",
    "x-frame-options": "DENY",
    "referrer-policy": "same-origin",
    "cache-control": "no-store",
}


@dataclass(frozen=True)
class Staff:
    """The signed-in person, as the views see them."""

    id: int
    username: str
    role: str
    language: str

    @classmethod
    def of(cls, account: StaffAccount) -> Staff:
        return cls(account.id, account.username, account.role, account.language)


class LoginThrottle:
    """Refuses logins for a while after repeated failures, per username and per address.

    After ``limit`` failures within ``window`` seconds, further attempts wait until the oldest
    failure leaves the window. Kept in memory: each console process throttles on its own.
    """

    def __init__(self, limit: int = 5, window: float = 900.0) -> None:
        self.limit = limit
        self.window = window
        self._failures: dict[str, deque[float]] = {}

    def _recent(self, key: str, now: float) -> deque[float]:
        failures = self._failures.setdefault(key, deque())
        while failures and now - failures[0] > self.window:
            failures.popleft()
        return failures

    def retry_after(self, *keys: str) -> float:
        """Seconds until another attempt is allowed (0 when it is allowed now)."""
        now = time.monotonic()
        waits = [
            self.window - (now - failures[0])
            for key in keys
            if len(failures := self._recent(key, now)) >= self.limit
        ]
        return max(waits, default=0.0)

    def failed(self, *keys: str) -> None:
        now = time.monotonic()
        for key in keys:
            self._recent(key, now).append(now)

    def succeeded(self, username_key: str) -> None:
        self._failures.pop(username_key, None)


def csrf_token(request: Request) -> str:
    """The session's CSRF token (created on first use)."""
    token = request.session.get(CSRF_FIELD)
    if not isinstance(token, str):
        token = request.session[CSRF_FIELD] = secrets.token_urlsafe(32)
    return token


async def csrf_ok(request: Request) -> bool:
    """Whether a POST carries the session's CSRF token."""
    expected = request.session.get(CSRF_FIELD)
    form = await request.form()
    given = form.get(CSRF_FIELD)
    return (
        isinstance(expected, str)
        and isinstance(given, str)
        and secrets.compare_digest(expected.encode(), given.encode())
    )


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


class SecurityHeaders:
    """ASGI middleware adding ``SECURITY_HEADERS`` to every HTTP response."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = MutableHeaders(scope=message)
                for name, value in SECURITY_HEADERS.items():
                    headers.setdefault(name, value)
            await send(message)

        await self.app(scope, receive, with_headers)


def client_key(request: Request) -> str:
    return f"ip:{request.client.host if request.client else '?'}"


def any_of(value: Any, allowed: tuple[str, ...], default: str) -> str:
    """``value`` if it is one of ``allowed``, else ``default`` (for query parameters)."""
    return value if isinstance(value, str) and value in allowed else default
