"""Builds the python-telegram-bot application."""

from __future__ import annotations

from telegram.ext import (
    AIORateLimiter,
    ApplicationBuilder,
    CallbackQueryHandler,
    CommandHandler,
    ContextTypes,
    MessageHandler,
    filters,
)

from bot.telegram import handlers
from bot.telegram.context import BotData, Context, MRCApplication, Services


def build_application(services: Services) -> MRCApplication:
    """The Telegram application with its handlers, for ``services.settings.telegram_token``."""
    settings = services.settings
    assert settings.telegram_token is not None
    context_types = ContextTypes(context=Context, bot_data=BotData)
    application: MRCApplication = (
        ApplicationBuilder()
        .token(settings.telegram_token.get_secret_value())
        .base_url(settings.telegram_base_url)
        .context_types(context_types)
        .rate_limiter(AIORateLimiter(max_retries=3))
        .concurrent_updates(True)
        .build()
    )
    application.bot_data.services = services
    application.add_handler(CommandHandler("start", handlers.start))
    application.add_handler(MessageHandler(filters.TEXT & ~filters.COMMAND, handlers.text_message))
    application.add_handler(CallbackQueryHandler(handlers.button))
    application.add_error_handler(handlers.error_handler)
    return application
