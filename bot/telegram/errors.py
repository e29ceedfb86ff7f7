"""The error handler: log with context, answer the user, then tell staff."""

from __future__ import annotations

import html
import logging
import traceback

from telegram import Update
from telegram.error import TelegramError

from bot.i18n import Translator
from bot.telegram.context import Context
from bot.telegram.profile import telegram_language
from bot.telegram.send import send_text

log = logging.getLogger(__name__)


def _describe(update: object) -> str:
    """Which update failed, without anything the user wrote."""
    if not isinstance(update, Update):
        return "no update"
    kind = next(
        (k for k in ("message", "edited_message", "callback_query") if getattr(update, k)),
        "other",
    )
    chat = update.effective_chat.type if update.effective_chat else "-"
    return f"update {update.update_id} ({kind}, {chat} chat)"


async def error_handler(update: object, context: Context) -> None:
    """Log the error, tell the user something went wrong, then tell staff."""
    where = _describe(update)
    log.error("error while handling %s", where, exc_info=context.error)
    if (
        isinstance(update, Update)
        and update.effective_chat
        and update.effective_user
        and update.effective_chat.type == "private"
    ):
        t = Translator(telegram_language(update, context))
        message = t.gettext("Sorry, something went wrong on my side. Please try again in a minute.")
        try:
            await send_text(context.bot, update.effective_chat.id, message)
        except TelegramError:
            log.warning("could not tell the user about the error in %s", where)
    staff_chat = context.services.settings.staff_chat_id
    if staff_chat is None or context.error is None:
        return
    trace = "".join(traceback.format_exception(context.error))[-3000:]
    staff = Translator(context.services.settings.staff_language)
    header = staff.gettext("⚠️ MRC Assistant: an error while handling {update}", update=where)
    try:
        await context.bot.send_message(
            staff_chat,
            f"{html.escape(header)}\n<pre>{html.escape(trace)}</pre>",
            parse_mode="HTML",
        )
    except TelegramError:
        log.exception("could not report the error to the staff chat")
