"""Button presses: the payload is decoded (never trusted) and goes to the one handler of its
kind; the dialogue's own buttons go to the dialogue core."""

from __future__ import annotations

import contextlib
from dataclasses import replace

from telegram import InlineKeyboardMarkup, Message, Update
from telegram.error import BadRequest

from bot import history
from bot.dialogue.core import HandOff
from bot.dialogue.payloads import (
    ChooseLanguage,
    DeleteData,
    ExportData,
    OpenCategory,
    OpenMenu,
    OpenTopic,
    Payload,
    Rate,
    Remind,
    RemindOn,
    RemindRegion,
    RemindStop,
    RemindZone,
    SendSaved,
    SendSuggestion,
    ShowStatus,
    Subscribe,
    Unsubscribe,
    Vote,
    decode,
)
from bot.telegram import handoff, privacy, reminders, staff, subscriptions
from bot.telegram.context import Context
from bot.telegram.profile import choose_language, consented, language_of
from bot.telegram.send import edit_reply, send_reply


async def _drop_feedback_buttons(message: Message) -> None:
    """After a vote, the 👍/👎 buttons go (one vote per answer); the others stay."""
    markup = message.reply_markup
    if markup is None:
        return
    rows = [
        [b for b in row if not isinstance(decode(b.callback_data), Vote)]
        for row in markup.inline_keyboard
    ]
    with contextlib.suppress(BadRequest):  # too old to edit: the vote still counts once
        await message.edit_reply_markup(InlineKeyboardMarkup([r for r in rows if r]))


async def button(update: Update, context: Context) -> None:
    """Every button press, by the kind of its payload."""
    query = update.callback_query
    if query is None:
        return
    await query.answer()
    if update.effective_user is None or not isinstance(query.message, Message):
        return
    payload = decode(query.data)
    match payload:
        case Subscribe() | Unsubscribe():
            await subscriptions.toggle(update, context, payload)
        case Rate():
            await handoff.rate(update, context, payload)
        case DeleteData() | ExportData():
            await privacy.privacy_button(update, context, payload)
        case Remind() | RemindOn() | RemindStop() | RemindRegion() | RemindZone():
            await reminders.pressed(update, context, payload)
        case ShowStatus():
            await handoff.status(update, context)
        case SendSuggestion() | SendSaved():
            await staff.send_suggestion(update, context, payload)
        case _:
            await _dialogue_button(update, context, query.message, payload)


async def _dialogue_button(
    update: Update, context: Context, message: Message, payload: Payload | None
) -> None:
    """Menu navigation, topics, "Show more", feedback, language and a person."""
    chat_id = message.chat_id
    language = language_of(update, context)
    conversation = context.conversation
    dialogue = context.services.dialogue
    if payload is None:  # forged, stale or from an older version: the dialogue says so
        reply = dialogue.expired(language)
        await send_reply(context.bot, chat_id, reply)
        return
    reply = await dialogue.press(payload, language, conversation)
    if isinstance(payload, ChooseLanguage):
        first = await choose_language(update, context, reply.language)
        if payload.topic is not None:  # came by a link to a topic: the topic now
            await send_reply(context.bot, chat_id, replace(reply, choices=()))
            opened = await dialogue.press(OpenTopic(payload.topic), reply.language, conversation)
            await send_reply(context.bot, chat_id, opened)
        elif first:  # after the notice: the confirmation, then straight to the topics
            await send_reply(context.bot, chat_id, replace(reply, choices=()))
            await send_reply(context.bot, chat_id, dialogue.menu(reply.language))
        else:
            await send_reply(context.bot, chat_id, reply)
        return
    if reply.handoff is HandOff.REQUEST:  # "Talk to a person"
        await handoff.request(update, context, reply, conversation.last_question or "")
        return
    in_place = isinstance(payload, OpenMenu | OpenCategory) and payload.in_place
    if in_place and await edit_reply(message, reply):
        return
    if reply.vote is not None:  # kept before the thanks is sent
        if consented(context) and context.person is not None:
            async with context.services.db.session() as session:
                vote = reply.vote
                await history.record_feedback(
                    session, context.person.id, vote.topic, language, vote.helpful, vote.section
                )
        await _drop_feedback_buttons(message)
    await send_reply(context.bot, chat_id, reply)
