"""Staff accounts, passwords, the console's language, and the audit log."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

from sqlalchemy import select

from bot.admin import accounts
from bot.db.models import AuditEntry, StaffAccount
from bot.i18n import Translator
from tests.admin.conftest import Env


async def test_an_admin_adds_an_account_whose_one_time_password_works(env: Env) -> None:
    await env.login("ada")
    response = await env.post("/staff/add", {"username": "nodira", "role": "operator",
                                             "language": "tg"}, "/staff")  # fmt: skip
    found = re.search(r"Its one-time password is (\S+)\.", response.text)
    assert found, response.text
    await env.post("/logout", {}, "/")
    assert (await env.login("nodira", found.group(1))).status_code == 303
    page = (await env.client.get("/tickets")).text
    tickets = Translator("tg").pgettext("console", "Tickets")
    assert tickets != "Tickets"
    assert f">{tickets}</a>" in page, "the console speaks the account's language"
    assert (await env.client.get("/articles")).status_code == 403


async def test_taken_names_and_bad_roles_are_refused(env: Env) -> None:
    await env.login("ada")
    response = await env.post("/staff/add", {"username": "ADA", "role": "admin"}, "/staff")
    assert response.status_code == 422
    assert "is taken" in response.text
    response = await env.post("/staff/add", {"username": "x", "role": "root"}, "/staff")
    assert response.status_code == 422


async def test_changing_a_role_is_audited_and_takes_effect_at_once(env: Env) -> None:
    async with env.db.session() as session:
        eddie = await session.scalar(select(StaffAccount).where(StaffAccount.username == "eddie"))
        assert eddie is not None
    await env.login("ada")
    await env.post(f"/staff/{eddie.id}", {"role": "operator", "active": "on"}, "/staff")
    async with env.db.session() as session:
        entry = await session.scalar(select(AuditEntry).where(AuditEntry.action == "staff.change"))
    assert entry is not None
    assert (entry.actor, entry.before, entry.after) == (
        "ada", {"role": "editor", "active": True}, {"role": "operator", "active": True},
    )  # fmt: skip


async def test_changing_ones_password(env: Env) -> None:
    await env.login("olga")
    response = await env.post(
        "/password", {"current": "wrong", "new": "a new password"}, "/password"
    )
    assert response.status_code == 422
    response = await env.post(
        "/password", {"current": "correct horse battery", "new": "a new password"}, "/password"
    )
    assert "Your password has been changed." in response.text
    async with env.db.session() as session:
        assert await accounts.authenticate(session, "olga", "a new password") is not None


async def test_the_console_language_can_be_switched(env: Env) -> None:
    await env.login("olga")
    await env.post("/language", {"language": "ru", "next": "/tickets"}, "/")
    page = (await env.client.get("/tickets")).text
    assert '<html lang="ru">' in page
    assert "Заявки" in page


def test_mrc_staff_add_creates_the_first_admin(tmp_path: Path) -> None:
    env = {"MRC_DATABASE_URL": f"sqlite:///{tmp_path}/mrc.db", "MRC_DATA_DIR": str(tmp_path)}
    command = [sys.executable, "-m", "bot", "staff", "add", "boss", "--role", "admin"]
    result = subprocess.run(command, env=env, capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    assert "One-time password: " in result.stdout
    again = subprocess.run(command, env=env, capture_output=True, text=True, timeout=120)
    assert again.returncode == 1
    assert "is taken" in again.stderr


def test_mrc_nlu_phrases_writes_the_console_phrases_as_a_rasa_file(tmp_path: Path) -> None:
    import asyncio

    from bot.admin.unanswered import add_phrase
    from bot.db import Database, migrate
    from bot.settings import async_database_url

    url = f"sqlite:///{tmp_path}/mrc.db"
    migrate.upgrade(async_database_url(url))

    async def add() -> None:
        db = Database(async_database_url(url))
        async with db.session() as session:
            await add_phrase(session, "work_patent", "tg", "patent chi tavr giram", "eddie")
        await db.dispose()

    asyncio.run(add())
    out = tmp_path / "phrases.yml"
    env = {"MRC_DATABASE_URL": url, "MRC_DATA_DIR": str(tmp_path)}
    command = [sys.executable, "-m", "bot", "nlu", "phrases", "--out", str(out)]
    result = subprocess.run(command, env=env, capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    assert "Wrote 1 phrases" in result.stdout
    assert (
        "  - intent: work_patent\n    examples: |\n      - patent chi tavr giram" in out.read_text()
    )
