"""``mrc kb validate|import|export``."""

from __future__ import annotations

import asyncio
import sys
from pathlib import Path

from bot.db import Database, migrate
from bot.kb.files import KB_DIR, load_contacts, write_article, write_contacts
from bot.kb.store import export_articles, export_contacts, import_articles, import_contacts
from bot.kb.validate import check
from bot.settings import Settings


def validate_command(kb_dir: Path = KB_DIR) -> int:
    """Print every problem of the files; 1 if there is any."""
    articles, problems = check(kb_dir)
    for problem in problems:
        print(problem)
    translations = sum(len(a.translations) for a in articles.values())
    review = sum(a.needs_staff_review for a in articles.values())
    print(f"{len(articles)} articles, {translations} translations, {review} marked for staff "
          f"review: {len(problems)} problem(s)")  # fmt: skip
    return 1 if problems else 0


async def _import(settings: Settings, force: bool, kb_dir: Path) -> int:
    articles, problems = check(kb_dir)
    if problems:
        for problem in problems:
            print(problem, file=sys.stderr)
        print("mrc kb import: the files are not valid; nothing imported", file=sys.stderr)
        return 1
    await asyncio.to_thread(migrate.upgrade, settings.database_url)
    db = Database(settings.database_url)
    try:
        async with db.session() as session:
            contacts = await import_contacts(session, load_contacts(kb_dir), force=force)
            report = await import_articles(session, articles, force=force)
    finally:
        await db.dispose()
    report.conflicts.update(contacts.conflicts)
    for name, diff in report.conflicts.items():
        print(f"{name}: changed in the database by staff; not overwritten (use --force):")
        print(diff)
    print(f"created {len(report.created)}, updated {len(report.updated)}, unchanged "
          f"{len(report.unchanged)}, kept staff edits {len(report.conflicts)}")  # fmt: skip
    return 3 if report.conflicts else 0


async def _export(settings: Settings, kb_dir: Path) -> int:
    db = Database(settings.database_url)
    try:
        async with db.session() as session:
            articles = await export_articles(session)
            contacts = await export_contacts(session)
    finally:
        await db.dispose()
    for article in articles.values():
        write_article(article, kb_dir)
    write_contacts(contacts, kb_dir)
    print(f"exported {len(articles)} articles and {len(contacts)} contacts to {kb_dir}")
    return 0


def import_command(settings: Settings, force: bool = False, kb_dir: Path = KB_DIR) -> int:
    """Validate the files and import them; 3 when staff edits were kept."""
    return asyncio.run(_import(settings, force, kb_dir))


def export_command(settings: Settings, kb_dir: Path = KB_DIR) -> int:
    """Write the database's articles back to files, for review in version control."""
    return asyncio.run(_export(settings, kb_dir))
