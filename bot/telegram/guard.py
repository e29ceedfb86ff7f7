"""The first and last handlers of every update: once only, not too fast, and marked done."""

from __future__ import annotations

import logging

from telegram import Update
from telegram.ext import ApplicationHandlerStop

from bot.dialogue import Conversation
from bot.i18n import Translator
from bot.telegram import memory
from bot.telegram.context import Context
from bot.telegram.flood import Verdict
from bot.telegram.profile import language_of
from bot.telegram.send import send_text

log = logging.getLogger(__name__)


async def admit(update: Update, context: Context) -> None:
    """Drop a duplicate update; slow down a user who floods (one polite warning)."""
    services = context.services
    if not await services.inbox.claim(update.update_id, update.to_dict()):
        log.info("dropped update %d: already received", update.update_id)
        raise ApplicationHandlerStop
    user = update.effective_user
    if user is None or update.effective_chat is None:
        return
    verdict = await services.flood.admit(user.id)
    if verdict is Verdict.ALLOW and services.settings.workers > 1 and context.user_data is not None:
        # Another worker may have had this person's previous message.
        context.user_data["conversation"] = await memory.load(services.db, user.id)
    if verdict is Verdict.ALLOW:
        return
    log.info("flood control: update %d of a user dropped (%s)", update.update_id, verdict.value)
    if verdict is Verdict.WARN:
        t = Translator(await language_of(update, context))
        message = t.gettext(
            "You are sending messages very fast. Please wait a few seconds, then send your "
            "question once."
        )
        await send_text(context.bot, update.effective_chat.id, message)
    if update.callback_query is not None:
        await update.callback_query.answer()
    await services.inbox.done(update.update_id)
    raise ApplicationHandlerStop


async def finish(update: Update, context: Context) -> None:
    """Share what the dialogue remembers (several workers), mark the update handled (its
    payload is erased)."""
    services = context.services
    user = update.effective_user
    if services.settings.workers > 1 and user is not None and context.user_data:
        conversation = context.user_data.get("conversation")
        if isinstance(conversation, Conversation):
            await memory.save(services.db, user.id, conversation)
    await services.inbox.done(update.update_id)
