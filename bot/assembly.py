"""The product's parts, built from the settings the same way for every entry point: ``mrc run``
and ``mrc chat`` (``bot.runner``), ``mrc ask`` (``bot.ask``) and the other ``mrc`` commands.
"""

from __future__ import annotations

import asyncio
import logging
import secrets
from pathlib import Path

from bot.db import Database, migrate
from bot.dialogue import Dialogue
from bot.i18n import CatalogsMissing, check_catalogs
from bot.kb.files import load_contacts
from bot.kb.service import KnowledgeBase
from bot.kb.store import import_articles, import_contacts
from bot.kb.validate import check
from bot.nlu import NLUClient
from bot.nlu.training import NLUProject
from bot.retention import purge
from bot.settings import Settings

log = logging.getLogger(__name__)


class StartupError(RuntimeError):
    """The product could not start; the message is one line for the operator."""


def check_translations() -> None:
    """The compiled catalogs are there (``make`` builds them); warn if one is older than its
    source. Raises ``StartupError``: without them every migrant would read English."""
    try:
        for warning in check_catalogs():
            log.warning("%s", warning)
    except CatalogsMissing as exc:
        raise StartupError(str(exc)) from None


def nlu_project(settings: Settings) -> NLUProject:
    """The Rasa project with the configured models directory."""
    return NLUProject(models_dir=settings.models_dir)


def token_file(settings: Settings) -> Path:
    """Where a managed Rasa server's token is kept for ``mrc ask`` (mode 0600)."""
    return settings.data_dir / "nlu.token"


def nlu_token(settings: Settings) -> str:
    """The Rasa server's token for a server of our own: from the settings, else a fresh one
    for this run (kept in ``token_file`` for ``mrc ask``)."""
    if settings.nlu_token is not None:
        return settings.nlu_token.get_secret_value()
    token = secrets.token_urlsafe(24)
    path = token_file(settings)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.touch(mode=0o600, exist_ok=True)
    path.write_text(token)
    return token


def configured_token(settings: Settings) -> str | None:
    """The token of a running server: from the settings, else the one ``mrc run`` kept."""
    if settings.nlu_token is not None:
        return settings.nlu_token.get_secret_value()
    path = token_file(settings)
    return path.read_text().strip() if path.exists() else None


async def prepare_database(settings: Settings, db: Database) -> None:
    """Migrate, bring the knowledge-base files into the database (staff edits are kept), and
    delete what is kept only for a while."""
    await asyncio.to_thread(migrate.upgrade, settings.database_url)
    articles, problems = check()
    for problem in problems:
        log.warning("knowledge base: %s", problem)
    broken = {problem.split(":", 1)[0] for problem in problems}
    valid = {topic: a for topic, a in articles.items() if topic not in broken}
    async with db.session() as session:
        if "contacts" not in broken:
            contacts = await import_contacts(session, load_contacts())
            for name in contacts.conflicts:
                log.warning("knowledge base: %s was edited by staff; not imported", name)
        report = await import_articles(session, valid)
    purged = await purge(db, settings.message_retention_days)
    if purged:
        log.info("deleted %d records past their retention period", purged)
    for name in report.conflicts:
        log.warning(
            "knowledge base: %s was edited by staff; the file version was not imported", name
        )


def build_dialogue(
    settings: Settings, nlu: NLUClient, db: Database, bell: bool = False
) -> Dialogue:
    """The dialogue policy over the live knowledge base. ``bell``: the channel can tell people
    when an article changes (🔔 under answers)."""
    return Dialogue(nlu, KnowledgeBase(db), settings.article_part_chars, bell=bell)
