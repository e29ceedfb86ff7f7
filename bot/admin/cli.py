"""``mrc staff add`` and ``mrc nlu phrases``: console accounts and phrases from the command line."""

from __future__ import annotations

import asyncio
import getpass
import sys
from pathlib import Path

from bot import PROJECT_DIR
from bot.admin import accounts, audit
from bot.admin.unanswered import phrases, to_rasa_yaml
from bot.db import Database, migrate
from bot.settings import Settings

PHRASES_FILE = PROJECT_DIR / "nlu" / "console_phrases.yml"


def add_staff(
    settings: Settings, username: str, role: str, language: str, ask_password: bool
) -> int:
    """Create an account; print its one-time password unless one was typed in."""
    if ask_password:
        password = getpass.getpass("Password: ") if sys.stdin.isatty() else sys.stdin.readline()
        password = password.rstrip("\n")
    else:
        password = accounts.new_password()

    async def run() -> None:
        db = Database(settings.database_url)
        try:
            async with db.session() as session:
                account = await accounts.create(session, username, role, password, language)
                after = {"username": account.username, "role": role}
                await audit.record(session, "mrc staff add", "staff.add", "staff", account.id,
                                   None, after)  # fmt: skip
        finally:
            await db.dispose()

    migrate.upgrade(settings.database_url)
    try:
        asyncio.run(run())
    except accounts.AccountError as exc:
        print(f"mrc staff add: {exc}", file=sys.stderr)
        return 1
    print(f"Created the {role} account {username!r}.")
    if not ask_password:
        print(f"One-time password: {password}")
        print("Hand it over in person; change it after signing in (click your name).")
    return 0


def export_phrases(settings: Settings, target: Path = PHRASES_FILE) -> int:
    """Write the console's training phrases into ``nlu/`` (then ``make model`` retrains)."""

    async def run() -> str:
        db = Database(settings.database_url)
        try:
            async with db.session() as session:
                return to_rasa_yaml(await phrases(session))
        finally:
            await db.dispose()

    text = asyncio.run(run())
    target.write_text(text, encoding="utf-8")
    count = sum(1 for line in text.splitlines() if line.startswith("      - "))
    print(f"Wrote {count} phrases to {target}")
    return 0
