"""The handlers: short, typed, one job each."""

from __future__ import annotations

import html
import logging
import traceback

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Message, Update
from telegram.constants import ChatAction, ParseMode
from telegram.error import TelegramError

from bot import history, users
from bot.dialogue import Reply
from bot.dialogue.render import to_telegram_html
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


def _keyboard(reply: Reply) -> InlineKeyboardMarkup | None:
    """The reply's choices as buttons, one per row (big targets on small phones)."""
    if not reply.choices:
        return None
    return InlineKeyboardMarkup(
        [[InlineKeyboardButton(c.label, callback_data=c.payload)] for c in reply.choices]
    )


async def _send(message: Message, reply: Reply) -> None:
    await message.reply_text(
        to_telegram_html(reply.text),
        parse_mode=ParseMode.HTML,
        reply_markup=_keyboard(reply),
        disable_web_page_preview=True,
    )


async def start(update: Update, context: Context) -> None:
    """Greet the user in their language."""
    if update.effective_message is None:
        return
    language = await _language_of(update, context)
    await _send(update.effective_message, context.services.dialogue.greeting(language))


async def text_message(update: Update, context: Context) -> None:
    """Answer a free-text message through the dialogue core."""
    message = update.effective_message
    if message is None or message.text is None:
        return
    await message.chat.send_action(ChatAction.TYPING)
    chosen = await _chosen_language(update, context)
    fallback = _fallback_language(update, context)
    dialogue = context.services.dialogue
    reply = await dialogue.respond(message.text, chosen, fallback, context.conversation)
    await _send(message, reply)
    if update.effective_user is not None:
        async with context.services.db.session() as session:
            user = await users.get_or_create(session, "telegram", str(update.effective_user.id))
            await history.log_message(session, user, message.text, reply)


async def button(update: Update, context: Context) -> None:
    """A button press: the payload is checked by the dialogue, never trusted."""
    query = update.callback_query
    if query is None:
        return
    await query.answer()
    if not isinstance(query.message, Message):
        return
    language = await _language_of(update, context)
    conversation = context.conversation
    before = len(conversation.feedback)
    reply = await context.services.dialogue.press(str(query.data or ""), language, conversation)
    await _send(query.message, reply)
    if len(conversation.feedback) > before and update.effective_user is not None:
        topic, helpful = conversation.feedback[-1]
        async with context.services.db.session() as session:
            user = await users.get_or_create(session, "telegram", str(update.effective_user.id))
            await history.record_feedback(session, user, topic, language, helpful)


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
