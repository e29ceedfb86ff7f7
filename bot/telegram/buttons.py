"""Button presses: the payload is checked by the dialogue core, never trusted."""

from __future__ import annotations

import contextlib
from dataclasses import replace

from telegram import InlineKeyboardMarkup, Message, Update
from telegram.error import BadRequest

from bot import history, users
from bot.telegram import handoff
from bot.telegram.context import Context
from bot.telegram.profile import choose_language, language_of
from bot.telegram.send import edit_reply, send_reply


async def _drop_feedback_buttons(message: Message) -> None:
    """After a vote, the 👍/👎 buttons go (one vote per answer); the others stay."""
    markup = message.reply_markup
    if markup is None:
        return
    rows = [
        [b for b in row if not str(b.callback_data or "").startswith("fb:")]
        for row in markup.inline_keyboard
    ]
    with contextlib.suppress(BadRequest):  # too old to edit: the vote still counts once
        await message.edit_reply_markup(InlineKeyboardMarkup([r for r in rows if r]))


def _is_menu(message: Message) -> bool:
    """Whether ``message`` is a menu (categories, or one category's topics with Back): such a
    message is replaced in place while the user navigates, an answer never is."""
    markup = message.reply_markup
    rows = markup.inline_keyboard if markup else ()
    payloads = [str(b.callback_data or "") for row in rows for b in row]
    navigation = all(p.startswith(("cat:", "topic:")) or p in {"menu", "human"} for p in payloads)
    if not payloads or not navigation:
        return False
    return any(p.startswith("cat:") for p in payloads) or payloads[-1] == "menu"


async def button(update: Update, context: Context) -> None:
    """Menu navigation, topics, "Show more", feedback, language and a person."""
    query, tg_user = update.callback_query, update.effective_user
    if query is None or tg_user is None or not isinstance(query.message, Message):
        if query is not None:
            await query.answer()
        return
    await query.answer()
    chat_id = query.message.chat_id
    language = await language_of(update, context)
    conversation = context.conversation
    before = len(conversation.feedback)
    dialogue = context.services.dialogue
    reply = await dialogue.press(str(query.data or ""), language, conversation)
    if reply.action == "language":
        first = await choose_language(update, context, reply.language)
        if first:  # after the notice: the confirmation, then straight to the topics
            await send_reply(context.bot, chat_id, replace(reply, choices=()))
            await send_reply(context.bot, chat_id, dialogue.menu(reply.language))
        else:
            await send_reply(context.bot, chat_id, reply)
        return
    if reply.escalate and reply.article is None:  # "Talk to a person"
        question = conversation.last_question or ""
        await handoff.escalate(update, context, reply, question, "request")
        return
    if (
        reply.action == "menu"
        and _is_menu(query.message)
        and await edit_reply(query.message, reply)
    ):
        return
    if len(conversation.feedback) > before:  # kept before the thanks is sent
        topic, helpful = conversation.feedback[-1]
        async with context.services.db.session() as session:
            user = await users.get_or_create(session, "telegram", str(tg_user.id))
            await history.record_feedback(session, user, topic, language, helpful)
        await _drop_feedback_buttons(query.message)
    await send_reply(context.bot, chat_id, reply)
