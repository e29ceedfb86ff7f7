"""Signing in and out, and the console's language."""

from __future__ import annotations

import logging
import math

from sqlalchemy import text
from starlette.requests import Request
from starlette.responses import JSONResponse, RedirectResponse, Response

from bot.admin import accounts
from bot.admin.console import client_key, console_of, require, route
from bot.admin.security import csrf_ok
from bot.db.models import StaffAccount
from bot.i18n import LANGUAGES

log = logging.getLogger(__name__)


def _safe_next(target: str | None) -> str:
    """Only a path on this site (never ``//host`` or a full URL) is followed after login."""
    if not target or not target.startswith("/") or target.startswith("//") or "\\" in target:
        return "/"
    return target


async def login_page(request: Request) -> Response:
    """The login form."""
    console = console_of(request)
    if request.method == "GET":
        return console.page(
            request, "login.html", {"next": _safe_next(request.query_params.get("next"))}
        )
    form = await request.form()
    if not await csrf_ok(request):
        return console.error(request, 400)
    username = str(form.get("username", ""))[:64]
    password = str(form.get("password", ""))[:256]
    keys = (f"user:{username.strip().lower()}", client_key(request))
    wait = console.throttle.retry_after(*keys)
    if wait > 0:
        log.warning("console: login throttled for %s", keys[1])
        context = {"next": _safe_next(str(form.get("next", "/"))), "wait": math.ceil(wait / 60)}
        return console.page(request, "login.html", context, status_code=429)
    async with console.db.session() as session:
        account = await accounts.authenticate(session, username, password)
        staff_id = account.id if account else None
    if staff_id is None:
        console.throttle.failed(*keys)
        log.warning("console: failed login from %s", keys[1])
        context = {"next": _safe_next(str(form.get("next", "/"))), "failed": True}
        return console.page(request, "login.html", context, status_code=401)
    console.throttle.succeeded(keys[0])
    request.session.clear()  # a new session (and CSRF token) for the signed-in person
    request.session["staff"] = staff_id
    log.info("console: staff account %d signed in", staff_id)
    return RedirectResponse(_safe_next(str(form.get("next", "/"))), status_code=303)


async def logout(request: Request) -> Response:
    """Sign out (a POST with the CSRF token)."""
    if await csrf_ok(request):
        request.session.clear()
    return RedirectResponse("/login", status_code=303)


@require(accounts.ADMIN, accounts.EDITOR, accounts.OPERATOR)
async def set_language(request: Request) -> Response:
    """Change the console's language for the signed-in person."""
    form = await request.form()
    language = str(form.get("language", ""))
    if language in LANGUAGES:
        console = console_of(request)
        async with console.db.session() as session:
            account = await session.get(StaffAccount, request.state.staff.id)
            if account is not None:
                account.language = language
    return RedirectResponse(_safe_next(str(form.get("next", "/"))), status_code=303)


async def login_language(request: Request) -> Response:
    """Choose the login page's language before signing in."""
    language = request.query_params.get("language", "")
    if language in LANGUAGES:
        request.session["language"] = language
    return RedirectResponse("/login", status_code=303)


async def health(request: Request) -> Response:
    """For load balancers and monitoring: 200 when the database answers, 503 otherwise (no
    session needed, nothing private in it)."""
    console = console_of(request)
    try:
        async with console.db.session() as session:
            await session.execute(text("SELECT 1"))
    except Exception:  # any database failure is "not healthy"
        log.warning("health check: the database does not answer", exc_info=True)
        return JSONResponse({"database": "down"}, status_code=503)
    return JSONResponse({"database": "ok"})


routes = [
    route("/healthz", health),
    route("/login", login_page, ("GET", "POST")),
    route("/login/language", login_language),
    route("/logout", logout, ("POST",)),
    route("/language", set_language, ("POST",)),
]
