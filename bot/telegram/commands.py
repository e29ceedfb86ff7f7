"""The commands: /start, /menu, /language, /help, /human (privacy ones are in privacy.py)."""

from __future__ import annotations

from telegram import BotCommand, Update
from telegram.ext import ExtBot

from bot.dialogue import Choice
from bot.dialogue.core import language_name, menu_choice
from bot.i18n import LANGUAGES, N_, Translator
from bot.telegram import handoff
from bot.telegram.context import Context
from bot.telegram.profile import chosen_language, language_of, telegram_language
from bot.telegram.send import send_reply, send_text

#: The command menu shown by Telegram, in each language.
COMMANDS: tuple[tuple[str, str], ...] = (
    ("start", N_("Start again: privacy notice and language")),
    ("menu", N_("Topics")),
    ("language", N_("Change the language")),
    ("help", N_("How to use this bot")),
    ("human", N_("Talk to a person from the MRC")),
    ("cancel", N_("Stop waiting for a person and go back to the bot")),
    ("privacy", N_("What the bot keeps about you")),
    ("deletemydata", N_("Delete everything the bot keeps about you")),
)


async def register_commands(bot: ExtBot[None], default_language: str) -> None:
    """``setMyCommands`` for each language, and the default language for everyone else."""
    for language in (*LANGUAGES, None):
        t = Translator(language or default_language)
        commands = [BotCommand(name, t.gettext(text)) for name, text in COMMANDS]
        await bot.set_my_commands(commands, language_code=language)


def language_choices(preselected: str | None) -> tuple[Choice, ...]:
    """The three languages by their own names; the preselected one is ticked."""
    return tuple(
        Choice(("✓ " if code == preselected else "") + language_name(code), f"lang:{code}")
        for code in LANGUAGES
    )


async def start(update: Update, context: Context) -> None:
    """The privacy notice, then the language choice (preselected from Telegram's language)."""
    if update.effective_chat is None:
        return
    language = await chosen_language(update, context) or telegram_language(update, context)
    t = Translator(language)
    days = context.services.settings.message_retention_days
    notice = "\n\n".join(
        (
            t.gettext(
                "Hello! I am MRC Assistant, the bot of the Migrant Resource Centre in Dushanbe. "
                "I answer questions about work abroad, documents, and family matters."
            ),
            t.ngettext(
                "Privacy: I keep your messages for {n} day to answer you and to improve my "
                "answers, then delete them. I never ask for your name, phone or passport "
                "number. /privacy tells more; /deletemydata deletes everything.",
                "Privacy: I keep your messages for {n} days to answer you and to improve my "
                "answers, then delete them. I never ask for your name, phone or passport "
                "number. /privacy tells more; /deletemydata deletes everything.",
                days,
            ),
            t.gettext("By choosing your language you accept this. Choose your language:"),
        )
    )
    await send_text(context.bot, update.effective_chat.id, notice, language_choices(language))


async def menu(update: Update, context: Context) -> None:
    """The topic menu."""
    if update.effective_chat is None:
        return
    reply = context.services.dialogue.menu(await language_of(update, context))
    await send_reply(context.bot, update.effective_chat.id, reply)


async def language(update: Update, context: Context) -> None:
    """The language choice."""
    if update.effective_chat is None:
        return
    current = await language_of(update, context)
    t = Translator(current)
    message = t.gettext("Choose your language:")
    await send_text(context.bot, update.effective_chat.id, message, language_choices(current))


async def help_command(update: Update, context: Context) -> None:
    """How to use the bot."""
    if update.effective_chat is None:
        return
    t = Translator(await language_of(update, context))
    message = t.gettext(
        "Write your question in your own words, in Tajik, Russian or English; Latin letters "
        "are fine too. For example: “How do I get a work patent?”\n\n"
        "/menu: topics\n/language: change the language\n/human: talk to a person from the "
        "MRC\n/privacy: what the bot keeps about you\n/deletemydata: delete it\n\n"
        "If you are in danger, write what is happening: I will show you at once who to contact."
    )
    await send_text(context.bot, update.effective_chat.id, message, (menu_choice(t),))


async def human(update: Update, context: Context) -> None:
    """A request for a person."""
    if update.effective_chat is None:
        return
    language = await language_of(update, context)
    conversation = context.conversation
    reply = await context.services.dialogue.press("human", language, conversation)
    await handoff.escalate(update, context, reply, conversation.last_question or "", "request")
