"""Suggested replies in the staff group (issue 16): under a new ticket's card, up to three
knowledge-base sections in the migrant's language, each with "📤 Send to the migrant". An
operator taps it, or replies to it with an edited text (a reply in the topic is relayed as
always)."""

from __future__ import annotations

import html
import logging

from sqlalchemy import select
from telegram.error import TelegramError

from bot.db.models import SavedReply
from bot.dialogue.core import Choice
from bot.dialogue.payloads import SendSaved, SendSuggestion
from bot.dialogue.render import to_telegram_html
from bot.escalation.suggest import best_saved, suggest
from bot.i18n import Translator
from bot.telegram.context import Context
from bot.telegram.send import send_html

log = logging.getLogger(__name__)


async def post(
    context: Context,
    ticket_id: int,
    question: str,
    language: str,
    intent: str | None,
    thread: int,
) -> int:
    """Post the suggestions for a new ticket in its topic; return how many."""
    services = context.services
    staff_chat = services.settings.staff_chat_id
    if staff_chat is None or not question:
        return 0
    staff = Translator(services.settings.staff_language)
    try:
        found = await suggest(services.dialogue.articles, question, language, intent)
        async with services.db.session() as session:
            rows = (await session.scalars(select(SavedReply))).all()
        texts = [(r.id, r.title, text) for r in rows if (text := r.text(language))]
        saved = best_saved(question, texts)
    except Exception:  # suggestions help; their failure must not stop the hand-off
        log.exception("could not rank suggestions for ticket %d", ticket_id)
        return 0
    if not found and saved is None:
        return 0
    intro = staff.gettext(
        "💡 Suggested replies from the knowledge base, in the migrant's language. Tap “Send” to "
        "send one as it is, or reply to it with your edited text."
    )
    # TRANSLATORS: a button under a suggested reply in the staff group
    label = staff.gettext("📤 Send to the migrant")
    try:
        await send_html(context.bot, staff_chat, html.escape(intro), thread_id=thread)
        for s in found:
            body = f"<b>{html.escape(s.title)}</b>\n\n{to_telegram_html(s.text)}"
            button = Choice(label, SendSuggestion(ticket_id, s.topic, s.section))
            await send_html(context.bot, staff_chat, body, (button,), thread_id=thread)
        if saved is not None:
            reply_id, title, text = saved
            body = f"<b>{html.escape(title)}</b>\n\n{html.escape(text)}"
            button = Choice(label, SendSaved(ticket_id, reply_id))
            await send_html(context.bot, staff_chat, body, (button,), thread_id=thread)
    except TelegramError as exc:
        log.error("could not post suggestions for ticket %d: %s", ticket_id, exc)
    return len(found) + (saved is not None)
