"""The first and last handlers of every update: once only, not too fast, the person loaded,
what the dialogue remembers kept, and the update marked done."""

from __future__ import annotations

import logging

from telegram import Update
from telegram.ext import ApplicationHandlerStop

from bot.i18n import Translator
from bot.telegram import memory
from bot.telegram.context import Context
from bot.telegram.flood import Verdict
from bot.telegram.profile import language_of
from bot.telegram.send import send_text

log = logging.getLogger(__name__)


async def admit(update: Update, context: Context) -> None:
    """Drop a duplicate update; slow down a user who floods (one polite warning); load the
    person and their conversation for the handlers."""
    services = context.services
    if not await services.inbox.claim(update.update_id, update.to_dict()):
        log.info("dropped update %d: already received", update.update_id)
        raise ApplicationHandlerStop
    user, chat = update.effective_user, update.effective_chat
    if user is None or chat is None:
        return
    verdict = await services.flood.admit(user.id)
    if verdict is not Verdict.DROP and chat.type == "private":
        context.remember(*await memory.load(services.db, user.id))
    if verdict is Verdict.ALLOW:
        return
    log.info("flood control: update %d of a user dropped (%s)", update.update_id, verdict.value)
    if verdict is Verdict.WARN:
        t = Translator(language_of(update, context))
        message = t.gettext(
            "You are sending messages very fast. Please wait a few seconds, then send your "
            "question once."
        )
        await send_text(context.bot, chat.id, message)
    if update.callback_query is not None:
        await update.callback_query.answer()
    await services.inbox.done(update.update_id)
    raise ApplicationHandlerStop


async def finish(update: Update, context: Context) -> None:
    """Keep what the dialogue remembers (if it changed and the person accepted the notice),
    then mark the update handled (its payload is erased)."""
    services = context.services
    if context.changed:
        await memory.save(services.db, context.person, context.conversation)
    await services.inbox.done(update.update_id)
