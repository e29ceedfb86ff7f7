"""Builds the python-telegram-bot application: handlers in three groups.

Group -1 admits an update (once only, not too fast), group 0 handles it, group 1 marks it done.
"""

from __future__ import annotations

import logging

from telegram import Update
from telegram.ext import (
    ApplicationBuilder,
    CallbackQueryHandler,
    CommandHandler,
    ContextTypes,
    MessageHandler,
    TypeHandler,
    filters,
)

from bot.retention import purge
from bot.telegram import (
    buttons,
    commands,
    errors,
    guard,
    handoff,
    messages,
    privacy,
    reminders,
    staff,
)
from bot.telegram.bot import build_bot
from bot.telegram.context import BotData, Context, MRCApplication, Services
from bot.telegram.ordering import PerChatUpdateProcessor
from bot.telegram.ratelimit import ChatRateLimiter

log = logging.getLogger(__name__)

PRIVATE = filters.ChatType.PRIVATE
NEW = filters.UpdateType.MESSAGE


def build_application(services: Services) -> MRCApplication:
    """The Telegram application with its handlers, for ``services.settings.telegram_token``."""
    settings = services.settings
    assert settings.telegram_token is not None
    context_types = ContextTypes(context=Context, bot_data=BotData)
    application: MRCApplication = (
        ApplicationBuilder()
        .bot(
            build_bot(
                settings.telegram_token.get_secret_value(),
                settings.telegram_base_url,
                # Telegram's 30 messages a second are for the bot, shared by its workers.
                ChatRateLimiter(overall_per_second=settings.telegram_rate / settings.workers),
                settings.telegram_timeout,
            )
        )
        .context_types(context_types)
        .concurrent_updates(PerChatUpdateProcessor(256))
        .build()
    )
    application.bot_data.services = services
    application.add_handler(TypeHandler(Update, guard.admit), group=-1)
    for name, callback in (
        ("start", commands.start),
        ("menu", commands.menu),
        ("contacts", commands.contacts),
        ("language", commands.language),
        ("help", commands.help_command),
        ("human", commands.human),
        ("remind", reminders.remind),
        ("status", handoff.status),
        ("privacy", privacy.privacy),
        ("deletemydata", privacy.delete_my_data),
        ("cancel", handoff.cancel),
    ):
        application.add_handler(CommandHandler(name, callback, filters=PRIVATE & NEW))
    application.add_handler(
        CommandHandler(["close", "note", "queue"], staff.refuse, filters=PRIVATE & NEW)
    )
    if settings.staff_chat_id is not None:
        staff_chat = filters.Chat(settings.staff_chat_id)
        application.add_handler(MessageHandler(staff_chat & NEW, staff.staff_message))
    application.add_handler(MessageHandler(PRIVATE & NEW & filters.COMMAND, commands.help_command))
    application.add_handler(
        MessageHandler(PRIVATE & NEW & filters.TEXT & ~filters.COMMAND, messages.text_message)
    )
    application.add_handler(
        MessageHandler(PRIVATE & filters.UpdateType.EDITED_MESSAGE, messages.edited_message)
    )
    application.add_handler(MessageHandler(PRIVATE & NEW & ~filters.TEXT, messages.other_message))
    application.add_handler(CallbackQueryHandler(buttons.button))  # decodes, then dispatches
    application.add_handler(TypeHandler(Update, guard.finish), group=1)
    application.add_error_handler(errors.error_handler)
    assert application.job_queue is not None
    every = min(60.0, settings.escalation_remind_minutes * 30, settings.reply_promise_minutes * 30)
    application.job_queue.run_repeating(staff.remind_waiting, interval=every, first=every)
    application.job_queue.run_repeating(housekeeping, interval=HOUSEKEEPING, first=HOUSEKEEPING)
    if settings.workers > 1:  # take over what a stopped worker left unfinished
        application.job_queue.run_repeating(replay_orphans, interval=ORPHAN_AGE / 2, first=5)
    return application


#: How often what is kept only for a while is deleted (seconds).
HOUSEKEEPING = 3600.0


async def housekeeping(context: Context) -> None:
    """Job: delete what the privacy notice says is kept only for a while: messages and closed
    tickets past the retention period, conversation memories past a day."""
    services = context.services
    deleted = await purge(services.db, services.settings.message_retention_days)
    if deleted:
        log.info("housekeeping: deleted %d expired records", deleted)


#: With several workers, an update claimed but not finished this long ago (seconds) belongs to
#: a worker that stopped: another one handles it.
ORPHAN_AGE = 60.0


async def replay_orphans(context: Context) -> None:
    """Job: handle the updates a stopped worker claimed and did not finish."""
    application: MRCApplication = context.application  # type: ignore[assignment]
    await replay_unfinished(application, context.services)


async def replay_unfinished(application: MRCApplication, services: Services) -> int:
    """Queue the updates a previous run received but did not finish; return how many. With
    several workers only those older than ``ORPHAN_AGE`` (the others may be in hand)."""
    older = 0.0 if services.settings.workers == 1 else ORPHAN_AGE
    payloads = await services.inbox.unfinished(older)
    for payload in payloads:
        update = Update.de_json(payload, application.bot)
        await application.update_queue.put(update)
    if payloads:
        log.info("handling %d updates left unfinished by the previous run", len(payloads))
    return len(payloads)
