"""The user's language and consent, kept in the database (the Telegram user id, nothing more)."""

from __future__ import annotations

from telegram import Update

from bot import users
from bot.db.base import utcnow
from bot.i18n import LANGUAGES
from bot.telegram.context import Context


def telegram_language(update: Update, context: Context) -> str:
    """The language of the user's Telegram app if we support it, else the default."""
    tg_user = update.effective_user
    code = ((tg_user.language_code if tg_user else None) or "").split("-")[0].lower()
    return code if code in LANGUAGES else context.services.settings.default_language


async def chosen_language(update: Update, context: Context) -> str | None:
    """The language the user chose, if they did (and notes that they were seen)."""
    tg_user = update.effective_user
    if tg_user is None:
        return None
    async with context.services.db.session() as session:
        user = await users.get_or_create(session, "telegram", str(tg_user.id))
        return user.language


async def language_of(update: Update, context: Context) -> str:
    """The user's chosen language, else their Telegram language, else the default."""
    return await chosen_language(update, context) or telegram_language(update, context)


async def choose_language(update: Update, context: Context, language: str) -> bool:
    """Keep the user's language (choosing one accepts the notice); True on their first choice."""
    tg_user = update.effective_user
    if tg_user is None:
        return False
    async with context.services.db.session() as session:
        user = await users.get_or_create(session, "telegram", str(tg_user.id))
        first = user.consent_at is None
        user.language = language
        if first:
            user.consent_at = utcnow()
        return first
