"""Every route checks the session, the role and the CSRF token; hostile text stays inert;
wrong passwords are throttled; cookies and headers are strict."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator
from pathlib import Path

import httpx
import pytest
from sqlalchemy import select
from starlette.routing import Route

from bot.admin import accounts
from bot.admin.app import build_console
from bot.admin.console import Console
from bot.db import Database
from bot.db.models import ArticleTranslation, AuditEntry, Message, User
from bot.settings import load_settings
from tests.admin.conftest import PASSWORD, Env, RecordingRelay

A, E, OP = "ada", "eddie", "olga"
#: Who may use each route (method, path): the test fails when a route is added without an entry.
ACCESS: dict[tuple[str, str], set[str]] = {
    ("GET", "/"): {A, E, OP},
    ("GET", "/articles"): {A, E},
    ("GET", "/articles/{topic}"): {A, E},
    ("POST", "/articles/{topic}/save"): {A, E},
    ("POST", "/articles/{topic}/notify"): {A, E},
    ("POST", "/articles/{topic}/{language}/{what}"): {A, E},
    ("GET", "/articles/{topic}/history"): {A, E},
    ("GET", "/articles/{topic}/revisions/{revision:int}"): {A, E},
    ("POST", "/articles/{topic}/revisions/{revision:int}/restore"): {A, E},
    ("GET", "/articles/{topic}/qr.{kind}"): {A, E},
    ("POST", "/articles/{topic}/sources"): {A, E},
    ("POST", "/articles/{topic}/checked"): {A, E},
    ("POST", "/articles/{topic}/sources/retire"): {A, E},
    ("POST", "/articles/{topic}/facts"): {A, E},
    ("POST", "/articles/{topic}/facts/retire"): {A, E},
    ("GET", "/contacts"): {A, E},
    ("GET", "/contacts/{key}"): {A, E},
    ("POST", "/contacts/{key}"): {A, E},
    ("GET", "/inbox"): {A, E},
    ("POST", "/inbox/{message:int}"): {A, E},
    ("GET", "/training"): {A, E},
    ("POST", "/training/add"): {A, E},
    ("GET", "/training/export"): {A, E},
    ("POST", "/training/retrain"): {A, E},
    ("POST", "/training/rollback"): {A},
    ("GET", "/tickets"): {A, OP},
    ("GET", "/tickets/export"): {A, OP},
    ("GET", "/tickets/{ticket:int}"): {A, OP},
    ("POST", "/tickets/{ticket:int}/{action}"): {A, OP},
    ("GET", "/staff"): {A},
    ("POST", "/staff/add"): {A},
    ("POST", "/staff/{account:int}"): {A},
    ("GET", "/password"): {A, E, OP},
    ("POST", "/password"): {A, E, OP},
    ("POST", "/language"): {A, E, OP},
    ("GET", "/audit"): {A},
    ("GET", "/quality"): {A, E, OP},
    ("POST", "/quality/{message:int}"): {A, E, OP},
    ("GET", "/replies"): {A, E, OP},
    ("POST", "/replies/add"): {A, E, OP},
    ("POST", "/replies/{reply:int}"): {A, E, OP},
}
PUBLIC = {
    ("GET", "/healthz"),
    ("GET", "/login"),
    ("POST", "/login"),
    ("GET", "/login/language"),
    ("POST", "/logout"),
}
SAMPLE = {
    "{topic}": "work_patent", "{language}": "en", "{what}": "confirm",
    "{revision:int}": "1", "{ticket:int}": "1", "{message:int}": "1", "{account:int}": "1",
    "{reply:int}": "1",
    "{action}": "note", "{kind}": "svg", "{key}": "emergency_russia",
}  # fmt: skip


def _url(path: str) -> str:
    for name, value in SAMPLE.items():
        path = path.replace(name, value)
    return path


def test_every_route_has_an_access_rule(env: Env) -> None:
    app = build_console(env.console)
    routes = {
        (method, r.path)
        for r in app.routes
        if isinstance(r, Route)
        for method in (r.methods or set()) - {"HEAD"}
    }
    assert routes == set(ACCESS) | PUBLIC


@pytest.mark.parametrize(("method", "path"), sorted(ACCESS))
async def test_without_a_session_every_route_redirects_to_login(
    env: Env, method: str, path: str
) -> None:
    response = await env.client.request(method, _url(path), data={} if method == "POST" else None)
    assert response.status_code == 303
    assert response.headers["location"].startswith("/login?next=")


@pytest.mark.parametrize("who", [A, E, OP])
async def test_every_route_refuses_the_wrong_role(env: Env, who: str) -> None:
    assert (await env.login(who)).status_code == 303
    token = await env.csrf("/password")
    for (method, path), allowed in sorted(ACCESS.items()):
        if who in allowed:
            continue
        data = {"csrf": token} if method == "POST" else None
        response = await env.client.request(method, _url(path), data=data)
        assert response.status_code == 403, (who, method, path)
        assert "Not allowed" in response.text


async def test_a_form_without_a_valid_csrf_token_changes_nothing(env: Env) -> None:
    await env.login(E)
    form = {"action": "publish", "title_en": "Changed", "body_en": "Changed body"}
    for token in (None, "forged-token"):
        data = form if token is None else {**form, "csrf": token}
        response = await env.client.post("/articles/work_patent/save", data=data)
        assert response.status_code == 400
    async with env.db.session() as session:
        titles = (await session.scalars(select(ArticleTranslation.title))).all()
        assert "Changed" not in titles
        assert (await session.scalars(select(AuditEntry))).all() == []
    # Logging in needs the login page's token too.
    response = await env.client.post("/login", data={"username": A, "password": PASSWORD})
    assert response.status_code == 400


async def test_script_in_an_article_is_inert_in_the_console_and_refused_for_telegram(
    env: Env,
) -> None:
    await env.login(E)
    hostile = "<script>alert('x')</script> <img src=x onerror=alert(1)>"
    response = await env.post(
        "/articles/work_patent/save",
        {"action": "save", "title_en": hostile[:40], "body_en": f"{hostile}\n\nMore text."},
        "/articles/work_patent",
    )
    assert response.status_code == 303
    page = (await env.client.get("/articles/work_patent")).text
    assert "<script>alert" not in page
    assert "<img src=x" not in page
    assert "&lt;script&gt;" in page
    assert re.search(r'class="bubble"><b>&lt;script&gt;', page), "the preview escapes it"
    response = await env.post(
        "/articles/work_patent/save", {"action": "publish"}, "/articles/work_patent"
    )
    assert response.status_code == 422
    assert "contains HTML tags" in response.text
    async with env.db.session() as session:
        published = await session.scalar(
            select(ArticleTranslation.body).where(ArticleTranslation.language == "en")
        )
    assert published is not None
    assert "<script>" not in published


async def test_script_in_a_migrants_message_is_inert_in_the_inbox(env: Env) -> None:
    async with env.db.session() as session:
        user = User(channel="telegram", external_id="1", language="en")
        session.add(user)
        await session.flush()
        hostile = '<script>alert(1)</script><a href="javascript:x">call +7 999 123-45-67</a>'
        session.add(Message(user_id=user.id, text=hostile, language="en", action="fallback"))
    await env.login(E)
    page = (await env.client.get("/inbox")).text
    assert "<script>alert" not in page
    assert 'href="javascript' not in page
    assert "&lt;script&gt;" in page
    assert "999" not in page, "the phone number is masked"


async def test_repeated_wrong_passwords_are_throttled(env: Env) -> None:
    for _ in range(5):
        assert (await env.login(OP, "wrong password")).status_code == 401
    response = await env.login(OP, PASSWORD)  # even the right password waits now
    assert response.status_code == 429
    assert "Too many failed attempts" in response.text
    assert (await env.login(A)).status_code == 429, "the same address is throttled too"


async def test_login_never_redirects_to_another_site(env: Env) -> None:
    token = await env.csrf()
    for target in ("//evil.example/", "https://evil.example/", "/\\evil.example"):
        response = await env.client.post(
            "/login", data={"csrf": token, "username": A, "password": PASSWORD, "next": target}
        )
        assert response.headers["location"] == "/"
        token = await env.csrf()


async def test_cookies_and_headers_are_strict(env: Env) -> None:
    response = await env.login(A)
    cookie = response.headers["set-cookie"].lower()
    assert "httponly" in cookie
    assert "samesite=strict" in cookie
    page = await env.client.get("/")
    assert "script-src" not in page.headers["content-security-policy"]
    assert "default-src 'none'" in page.headers["content-security-policy"]
    assert page.headers["x-frame-options"] == "DENY"


async def test_a_switched_off_account_loses_its_session(env: Env) -> None:
    await env.login(OP)
    assert (await env.client.get("/tickets")).status_code == 200
    async with env.db.session() as session:
        from bot.db.models import StaffAccount

        account = await session.scalar(select(StaffAccount).where(StaffAccount.username == OP))
        assert account is not None
        account.active = False
    assert (await env.client.get("/tickets")).status_code == 303


async def test_the_health_check_needs_no_session_and_tells_nothing_private(env: Env) -> None:
    response = await env.client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"database": "ok"}
    await env.db.dispose()
    env.console.db = type(env.db)("sqlite+aiosqlite:////nonexistent/dir/x.db")
    assert (await env.client.get("/healthz")).status_code == 503


@pytest.fixture
async def behind_proxy(db: Database, tmp_path: Path) -> AsyncIterator[Env]:
    """The console as docs/deployment.md runs it: behind nginx on 127.0.0.1, which is trusted
    (MRC_WEB_TRUSTED_PROXIES) and sends X-Forwarded-For."""
    settings = load_settings(data_dir=tmp_path / "var", web_trusted_proxies="127.0.0.1, ::1")
    async with db.session() as session:
        for name, role in ((A, "admin"), (OP, "operator")):
            await accounts.create(session, name, role, PASSWORD, "en")
    transport = httpx.ASGITransport(
        app=build_console(Console(settings, db)), client=("127.0.0.1", 4242)
    )
    async with httpx.AsyncClient(transport=transport, base_url="http://console") as client:
        yield Env(db, Console(settings, db), RecordingRelay(), client)


async def _login_from(env: Env, address: str, username: str, password: str) -> int:
    token = await env.csrf()
    response = await env.client.post(
        "/login",
        data={"csrf": token, "username": username, "password": password},
        headers={"X-Forwarded-For": address},
    )
    return response.status_code


async def test_behind_a_trusted_proxy_each_address_is_throttled_on_its_own(
    behind_proxy: Env,
) -> None:
    for _ in range(5):
        assert await _login_from(behind_proxy, "203.0.113.5", "nobody", "wrong") == 401
    assert await _login_from(behind_proxy, "203.0.113.5", A, PASSWORD) == 429
    # Everyone else comes through the same proxy, from their own address: not locked out.
    assert await _login_from(behind_proxy, "198.51.100.7", A, PASSWORD) == 303
    # The proxy appends the address it saw: what a client wrote in the header before is not
    # believed (the nearest untrusted address counts).
    assert await _login_from(behind_proxy, "198.51.100.7, 203.0.113.5", A, PASSWORD) == 429


async def test_a_forwarded_address_from_an_untrusted_peer_is_ignored(env: Env) -> None:
    """Without MRC_WEB_TRUSTED_PROXIES, X-Forwarded-For cannot buy new attempts."""
    for number in range(5):
        assert await _login_from(env, f"192.0.2.{number}", "nobody", "wrong") == 401
    assert await _login_from(env, "192.0.2.200", A, PASSWORD) == 429
