"""The person's language and consent, as loaded for the update being handled."""

from __future__ import annotations

from telegram import Update

from bot import users
from bot.i18n import LANGUAGES
from bot.telegram.context import Context
from bot.telegram.memory import CHANNEL, Person


def telegram_language(update: Update, context: Context) -> str:
    """The language of the user's Telegram app if we support it, else the default."""
    tg_user = update.effective_user
    code = ((tg_user.language_code if tg_user else None) or "").split("-")[0].lower()
    return code if code in LANGUAGES else context.services.settings.default_language


def chosen_language(context: Context) -> str | None:
    """The language the person chose, if they did."""
    return context.person.language if context.person else None


def language_of(update: Update, context: Context) -> str:
    """The person's chosen language, else their Telegram language, else the default."""
    return chosen_language(context) or telegram_language(update, context)


def consented(context: Context) -> bool:
    """Whether the person accepted the privacy notice (the bot may keep what they send)."""
    return context.person is not None and context.person.consented


async def choose_language(update: Update, context: Context, language: str) -> bool:
    """Keep the person's language (choosing one accepts the notice); True on their first
    choice."""
    tg_user = update.effective_user
    if tg_user is None:
        return False
    async with context.services.db.session() as session:
        user, first = await users.accept(session, CHANNEL, str(tg_user.id), language)
        context.person = Person(user.id, language, consented=True)
    return first
