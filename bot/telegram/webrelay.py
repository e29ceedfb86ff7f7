"""The console's replies and closings, sent through the bot as if from the staff group."""

from __future__ import annotations

import contextlib
import html
import logging

from telegram.error import BadRequest, Forbidden, TelegramError
from telegram.ext import ExtBot

from bot.admin.relay import Delivery
from bot.db.models import Ticket, User
from bot.escalation import tickets
from bot.escalation.cards import topic_title
from bot.i18n import Translator
from bot.telegram.context import Services
from bot.telegram.send import send_html, send_text
from bot.telegram.staff import close_ticket, migrant_language, signature

log = logging.getLogger(__name__)


class TelegramRelay:
    """``bot.admin.relay.Relay`` over the running Telegram bot."""

    def __init__(self, bot: ExtBot[None], services: Services) -> None:
        self.bot = bot
        self.services = services

    async def reply(self, ticket_id: int, text: str, operator: str) -> Delivery:
        """Send ``text`` to the migrant; copy it into their staff topic; log it."""
        settings = self.services.settings
        staff = Translator(settings.staff_language)
        async with self.services.db.session() as session:
            ticket = await session.get(Ticket, ticket_id, with_for_update=True)
            if ticket is None or ticket.status == "closed":
                return Delivery.CLOSED
            user = await session.get(User, ticket.user_id)
            assert user is not None
            first = ticket.first_reply_at is None
            await tickets.add_entry(session, ticket, "operator", text)
            title = topic_title(ticket, staff)
            thread = user.staff_thread_id
        delivered = Delivery.SENT
        try:
            signed = signature(migrant_language(user, settings))
            await send_html(self.bot, int(user.external_id), f"{signed}\n{html.escape(text)}")
        except Forbidden:
            delivered = Delivery.UNDELIVERED
        except BadRequest as exc:
            log.error("could not send a console reply for ticket %d: %s", ticket_id, exc)
            delivered = Delivery.UNDELIVERED
        if settings.staff_chat_id is not None and thread is not None:
            note = staff.gettext(
                "💬 Sent from the web console by {operator}:\n{text}", operator=operator, text=text
            )
            with contextlib.suppress(TelegramError):
                await send_text(self.bot, settings.staff_chat_id, note, thread_id=thread)
                if first:
                    await self.bot.edit_forum_topic(settings.staff_chat_id, thread, name=title)
        return delivered

    async def close(self, ticket_id: int, resolution: str, operator: str) -> bool:
        """Close the ticket as ``/close`` in the topic would."""
        return await close_ticket(self.bot, self.services, ticket_id, resolution)
