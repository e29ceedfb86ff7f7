"""The console's security primitives: the signed-in person, CSRF tokens, login throttling, the
client's address behind trusted proxies, and strict headers. Knows nothing of the console itself
(``bot.admin.console.require`` puts them together for every route).
"""

from __future__ import annotations

import logging
import secrets
import time
from collections import deque
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from ipaddress import IPv4Network, IPv6Network, ip_address
from typing import Any

from starlette.datastructures import MutableHeaders
from starlette.requests import Request
from starlette.responses import Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from bot.db.models import StaffAccount

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


def client_address(request: Request, trusted: tuple[IPv4Network | IPv6Network, ...] = ()) -> str:
    """The address of the person at the other end. Behind a trusted proxy (``trusted``), the
    nearest address in ``X-Forwarded-For`` that is not itself a trusted proxy; from anyone
    else the header is ignored (it would let them pose as any address)."""

    def is_trusted(address: str) -> bool:
        try:
            ip = ip_address(address)
        except ValueError:
            return False
        return any(ip in network for network in trusted)

    peer = request.client.host if request.client else "?"
    if not is_trusted(peer):
        return peer
    forwarded = [
        a.strip() for h in request.headers.getlist("x-forwarded-for") for a in h.split(",")
    ]
    for address in reversed([a for a in forwarded if a]):
        if not is_trusted(address):
            try:
                return str(ip_address(address))
            except ValueError:  # a malformed header: the proxy is all we know
                return peer
    return peer


def any_of(value: Any, allowed: tuple[str, ...], default: str) -> str:
    """``value`` if it is one of ``allowed``, else ``default`` (for query parameters)."""
    return value if isinstance(value, str) and value in allowed else default
