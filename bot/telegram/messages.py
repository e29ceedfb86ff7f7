"""Messages from users: text to the dialogue core; anything else gets a helpful word."""

from __future__ import annotations

from telegram import Message, Update

from bot import history
from bot.dialogue.core import HandOff, human_choice, menu_choice
from bot.i18n import Translator
from bot.telegram import handoff, reminders
from bot.telegram.busy import typing_when_slow
from bot.telegram.context import Context
from bot.telegram.profile import chosen_language, language_of, telegram_language
from bot.telegram.send import send_reply, send_text


async def text_message(update: Update, context: Context) -> None:
    """Answer a free-text message through the dialogue core."""
    message = update.effective_message
    if message is None or message.text is None or update.effective_user is None:
        return
    if await handoff.relay_if_waiting(update, context):
        return  # a person is answering: the bot stays out of the way
    if await reminders.awaited(update, context):
        return  # the date the bot asked for (/remind)
    services, person = context.services, context.person
    fallback = telegram_language(update, context)
    async with typing_when_slow(context.bot, message.chat_id, services.settings.typing_delay):
        reply = await services.dialogue.respond(
            message.text, chosen_language(context), fallback, context.conversation
        )
        if person is not None and person.consented:  # kept before the reply is sent
            async with services.db.session() as session:
                await history.log_message(session, person.id, message.text, reply)
    if await reminders.not_a_date(update, context, reply):
        return  # neither the awaited date nor a question: the date is asked again
    match reply.handoff:
        case HandOff.REQUEST:  # the ticket's confirmation is the reply
            question = context.conversation.last_question or message.text
            await handoff.request(update, context, reply, question)
        case HandOff.EMERGENCY:  # the contacts first, then a person at once
            await send_reply(context.bot, message.chat_id, reply)
            await handoff.emergency(update, context, reply, message.text)
        case None:
            await send_reply(context.bot, message.chat_id, reply)


def _kind(message: Message) -> str:
    if message.voice or message.audio or message.video_note:
        return "voice"
    if message.photo or message.document or message.video:
        return "file"
    if message.location or message.venue:
        return "location"
    if message.contact:
        return "contact"
    return "other"


def about_media(kind: str, t: Translator) -> str:
    if kind == "voice":
        return t.gettext(
            "I cannot listen to voice messages yet. Please write your question in words."
        )
    if kind == "file":
        return t.gettext(
            "I cannot read photos or documents. Please do not send pictures of your passport or "
            "other documents here: write your question in words instead."
        )
    if kind == "location":
        return t.gettext(
            "I do not use locations. Please write the country or city your question is about."
        )
    if kind == "contact":
        return t.gettext(
            "Please do not send phone numbers or contacts here: I do not need them. Write your "
            "question in words."
        )
    return t.gettext("I understand only text. Please write your question in words.")


async def other_message(update: Update, context: Context) -> None:
    """Voice, photos, documents, stickers, locations, contacts: say what the bot can do."""
    message = update.effective_message
    if message is None or await handoff.relay_if_waiting(update, context):
        return
    t = Translator(language_of(update, context))
    choices = (menu_choice(t), human_choice(t))
    await send_text(context.bot, message.chat_id, about_media(_kind(message), t), choices)


async def edited_message(update: Update, context: Context) -> None:
    """An edited message: ask for the correction as a new message."""
    message = update.edited_message
    if message is None:
        return
    t = Translator(language_of(update, context))
    text = t.gettext(
        "I answer new messages only. Please send your corrected question as a new message."
    )
    await send_text(context.bot, message.chat_id, text)
