"""Staff accounts (admins only), one's own password, and the audit log."""

from __future__ import annotations

from sqlalchemy import select
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from bot.admin import accounts, audit
from bot.admin.accounts import ADMIN, EDITOR, OPERATOR, ROLE_NAMES, ROLES
from bot.admin.console import console_of, require, route, staff_of
from bot.db.models import StaffAccount
from bot.i18n import LANGUAGES


@require(ADMIN)
async def staff_list(request: Request) -> Response:
    """Every account, with a form to add one."""
    console = console_of(request)
    async with console.db.session() as session:
        rows = (await session.scalars(select(StaffAccount).order_by(StaffAccount.username))).all()
    context = {"accounts": rows, "roles": ROLE_NAMES, "all_languages": LANGUAGES}
    return console.page(request, "staff.html", context)


@require(ADMIN)
async def staff_add(request: Request) -> Response:
    """Create an account; its one-time password is shown once."""
    console = console_of(request)
    actor = staff_of(request).username
    form = await request.form()
    username, role = str(form.get("username", "")), str(form.get("role", ""))
    language = str(form.get("language", "ru"))
    password = accounts.new_password()
    error = None
    async with console.db.session() as session:
        try:
            account = await accounts.create(
                session, username, role, password, language if language in LANGUAGES else "ru"
            )
        except accounts.AccountError as exc:
            error = str(exc)
        else:
            after = {"username": account.username, "role": role}
            await audit.record(session, actor, "staff.add", "staff", account.id, None, after)
        rows = (await session.scalars(select(StaffAccount).order_by(StaffAccount.username))).all()
    context = {
        "accounts": rows, "roles": ROLE_NAMES, "all_languages": LANGUAGES, "error": error,
        "created": None if error else (username.strip(), password),
    }  # fmt: skip
    return console.page(request, "staff.html", context, status_code=422 if error else 200)


@require(ADMIN)
async def staff_change(request: Request) -> Response:
    """Change an account's role, or switch it off and on (never one's own)."""
    console = console_of(request)
    actor = staff_of(request)
    form = await request.form()
    account_id = request.path_params["account"]
    async with console.db.session() as session:
        account = await session.get(StaffAccount, account_id)
        if account is None or account.id == actor.id:
            return console.error(request, 400)
        before = {"role": account.role, "active": account.active}
        role = str(form.get("role", account.role))
        if role in ROLES:
            account.role = role
        account.active = form.get("active") == "on"
        after = {"role": account.role, "active": account.active}
        if after != before:
            await audit.record(session, actor.username, "staff.change", "staff", account.id,
                               before, after)  # fmt: skip
    return RedirectResponse("/staff", status_code=303)


@require(ADMIN, EDITOR, OPERATOR)
async def password(request: Request) -> Response:
    """Change one's own password (the current one is asked for)."""
    console = console_of(request)
    staff = staff_of(request)
    if request.method == "GET":
        return console.page(request, "password.html")
    form = await request.form()
    current, new = str(form.get("current", ""))[:256], str(form.get("new", ""))[:256]
    async with console.db.session() as session:
        account = await accounts.authenticate(session, staff.username, current)
        if account is None:
            return console.page(request, "password.html", {"error": "wrong"}, status_code=422)
        if len(new) < accounts.MIN_PASSWORD_LENGTH:
            return console.page(request, "password.html", {"error": "short"}, status_code=422)
        account.password_hash = accounts.hash_password(new)
        await audit.record(session, staff.username, "staff.password", "staff", account.id)
    return console.page(request, "password.html", {"changed": True})


@require(ADMIN)
async def audit_log(request: Request) -> Response:
    """The newest changes first."""
    console = console_of(request)
    page = request.query_params.get("page", "0")
    offset = int(page) * 200 if page.isdigit() and int(page) < 10_000 else 0
    async with console.db.session() as session:
        entries = await audit.recent(session, 200, offset)
    return console.page(request, "audit.html", {"entries": entries})


routes = [
    route("/staff", staff_list),
    route("/staff/add", staff_add, ("POST",)),
    route("/staff/{account:int}", staff_change, ("POST",)),
    route("/password", password, ("GET", "POST")),
    route("/audit", audit_log),
]
