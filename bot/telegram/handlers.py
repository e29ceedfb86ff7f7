"""The handlers: short, typed, one job each."""

from __future__ import annotations

import html
import logging
import traceback

from telegram import Update
from telegram.constants import ChatAction
from telegram.error import TelegramError

from bot import users
from bot.dialogue import Reply
from bot.i18n import LANGUAGES
from bot.telegram.context import Context

log = logging.getLogger(__name__)


async def _chosen_language(update: Update, context: Context) -> str | None:
    """The language the user chose, if they did."""
    tg_user = update.effective_user
    if tg_user is None:
        return None
    async with context.services.db.session() as session:
        user = await users.get_or_create(session, "telegram", str(tg_user.id))
        return user.language


def _fallback_language(update: Update, context: Context) -> str:
    """The user's Telegram language if we support it, else the default."""
    tg_user = update.effective_user
    code = ((tg_user.language_code if tg_user else None) or "").split("-")[0]
    return code if code in LANGUAGES else context.services.settings.default_language


async def _language_of(update: Update, context: Context) -> str:
    """The user's chosen language, else their Telegram language, else the default."""
    return await _chosen_language(update, context) or _fallback_language(update, context)


async def _reply(update: Update, context: Context, text: str) -> Reply:
    chosen = await _chosen_language(update, context)
    fallback = _fallback_language(update, context)
    return await context.services.dialogue.respond(text, chosen, fallback)


async def start(update: Update, context: Context) -> None:
    """Greet the user in their language."""
    if update.effective_message is None:
        return
    language = await _language_of(update, context)
    await update.effective_message.reply_text(context.services.dialogue.greeting(language).text)


async def text_message(update: Update, context: Context) -> None:
    """Answer a free-text message through the dialogue core."""
    message = update.effective_message
    if message is None or message.text is None:
        return
    await message.chat.send_action(ChatAction.TYPING)
    reply = await _reply(update, context, message.text)
    await message.reply_text(reply.text)


async def error_handler(update: object, context: Context) -> None:
    """Log the error, then tell staff (without the user's message text)."""
    log.error("error while handling an update", exc_info=context.error)
    staff_chat = context.services.settings.staff_chat_id
    if staff_chat is None or context.error is None:
        return
    trace = "".join(traceback.format_exception(context.error))[-3000:]
    try:
        await context.bot.send_message(
            staff_chat,
            f"⚠️ MRC Assistant error:\n<pre>{html.escape(trace)}</pre>",
            parse_mode="HTML",
        )
    except TelegramError:
        log.exception("could not report the error to the staff chat")
