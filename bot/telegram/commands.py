"""The commands: /start, /menu, /language, /help, /human (privacy ones are in privacy.py)."""

from __future__ import annotations

from telegram import BotCommand, Update
from telegram.ext import ExtBot

from bot.dialogue.core import menu_choice
from bot.dialogue.payloads import OpenTopic, TalkToPerson
from bot.i18n import LANGUAGES, N_, Translator
from bot.telegram import handoff
from bot.telegram.consent import language_choices, show_notice
from bot.telegram.context import Context
from bot.telegram.profile import consented, language_of
from bot.telegram.send import send_reply, send_text
from bot.topics import TOPICS

#: The command menu shown by Telegram, in each language.
COMMANDS: tuple[tuple[str, str], ...] = (
    # TRANSLATORS: a command in Telegram's command list
    ("start", N_("Start again: privacy notice and language")),
    # TRANSLATORS: the /menu command in Telegram's command list
    ("menu", N_("Topics")),
    # TRANSLATORS: a command in Telegram's command list
    ("contacts", N_("Emergency numbers and contacts")),
    # TRANSLATORS: a command in Telegram's command list
    ("language", N_("Change the language")),
    # TRANSLATORS: a command in Telegram's command list
    ("help", N_("How to use this bot")),
    # TRANSLATORS: a command in Telegram's command list
    ("human", N_("Talk to a person from the MRC")),
    # TRANSLATORS: a command in Telegram's command list
    ("status", N_("Where your request to an MRC operator stands")),
    # TRANSLATORS: a command in Telegram's command list
    ("remind", N_("Reminders of your patent, registration and stay dates")),
    # TRANSLATORS: a command in Telegram's command list
    ("cancel", N_("Stop waiting for a person or a date, and go back to the bot")),
    # TRANSLATORS: a command in Telegram's command list
    ("privacy", N_("What the bot keeps about you")),
    # TRANSLATORS: a command in Telegram's command list
    ("deletemydata", N_("Delete everything the bot keeps about you")),
)


async def register_commands(bot: ExtBot[None], default_language: str) -> None:
    """``setMyCommands`` for each language, and the default language for everyone else."""
    for language in (*LANGUAGES, None):
        t = Translator(language or default_language)
        commands = [BotCommand(name, t.gettext(text)) for name, text in COMMANDS]
        await bot.set_my_commands(commands, language_code=language)


async def start(update: Update, context: Context) -> None:
    """The privacy notice, then the language choice (preselected from Telegram's language). A
    link to a topic (``t.me/<bot>?start=<topic>``) opens it: at once for someone who accepted
    the notice, after the language choice for a newcomer. Anything else after /start is
    ignored (the normal welcome)."""
    chat = update.effective_chat
    if chat is None:
        return
    argument = (context.args or [""])[0]
    topic = argument if argument in TOPICS else None
    if topic is None or not consented(context):
        await show_notice(update, context, then=topic)
        return
    language = language_of(update, context)
    reply = await context.services.dialogue.press(OpenTopic(topic), language, context.conversation)
    await send_reply(context.bot, chat.id, reply)


async def contacts(update: Update, context: Context) -> None:
    """The verified contacts, emergency numbers first."""
    if update.effective_chat is None:
        return
    reply = await context.services.dialogue.contacts(language_of(update, context))
    await send_reply(context.bot, update.effective_chat.id, reply)


async def menu(update: Update, context: Context) -> None:
    """The topic menu."""
    if update.effective_chat is None:
        return
    reply = context.services.dialogue.menu(language_of(update, context))
    await send_reply(context.bot, update.effective_chat.id, reply)


async def language(update: Update, context: Context) -> None:
    """The language choice."""
    if update.effective_chat is None:
        return
    current = language_of(update, context)
    t = Translator(current)
    message = t.gettext("Choose your language:")
    await send_text(context.bot, update.effective_chat.id, message, language_choices(current))


async def help_command(update: Update, context: Context) -> None:
    """How to use the bot."""
    if update.effective_chat is None:
        return
    t = Translator(language_of(update, context))
    message = t.gettext(
        "Write your question in your own words, in Tajik, Russian or English; Latin letters "
        "are fine too. For example: “How do I get a work patent?”\n\n"
        "/menu: topics\n/contacts: emergency numbers and contacts\n/remind: reminders of "
        "your patent, registration and stay dates\n/language: change the language\n/human: "
        "talk to a person from the MRC\n/privacy: what the bot keeps about you\n"
        "/deletemydata: delete it\n\n"
        "If you are in danger, write what is happening: I will show you at once who to contact."
    )
    await send_text(context.bot, update.effective_chat.id, message, (menu_choice(t),))


async def human(update: Update, context: Context) -> None:
    """A request for a person."""
    if update.effective_chat is None:
        return
    language = language_of(update, context)
    conversation = context.conversation
    reply = await context.services.dialogue.press(TalkToPerson(), language, conversation)
    await handoff.request(update, context, reply, conversation.last_question or "")
