"""The staff forum group: operators answer in a migrant's topic; /close, /note, /queue.

Only members of the staff group act as operators (checked with ``getChatMember``, cached for a
few minutes). The same commands from anyone else, anywhere else, are refused and logged.
"""

from __future__ import annotations

import contextlib
import html
import logging
import time
from datetime import timedelta

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession
from telegram import Message, Update
from telegram.constants import ParseMode
from telegram.error import BadRequest, Forbidden, TelegramError
from telegram.ext import ExtBot

from bot.db.base import utcnow
from bot.db.models import Ticket, User
from bot.escalation import tickets
from bot.escalation.cards import queue_text, topic_title, waited
from bot.i18n import Translator
from bot.settings import Settings
from bot.telegram.context import Context
from bot.telegram.handoff import rating_choices
from bot.telegram.profile import language_of
from bot.telegram.send import send_html, send_text

log = logging.getLogger(__name__)

#: How long a membership check is trusted.
MEMBERSHIP_TTL = 300.0
OPERATOR_STATUSES = {"creator", "administrator", "member"}


async def is_operator(context: Context, user_id: int) -> bool:
    """Whether ``user_id`` is a member of the staff group (cached)."""
    services = context.services
    staff_chat = services.settings.staff_chat_id
    if staff_chat is None:
        return False
    cached = services.operators.get(user_id)
    if cached is not None and time.monotonic() - cached[1] < MEMBERSHIP_TTL:
        return cached[0]
    try:
        member = await context.bot.get_chat_member(staff_chat, user_id)
        verdict = member.status in OPERATOR_STATUSES
    except TelegramError:
        verdict = False
    services.operators[user_id] = (verdict, time.monotonic())
    return verdict


def _command(message: Message) -> tuple[str, str] | None:
    text = message.text or ""
    if not text.startswith("/"):
        return None
    head, _, rest = text.partition(" ")
    return head[1:].split("@")[0].lower(), rest.strip()


async def refuse(update: Update, context: Context) -> None:
    """An operator command from someone who is not an operator, or outside the staff group."""
    message, tg_user = update.effective_message, update.effective_user
    if message is None or tg_user is None:
        return
    log.warning("refused an operator command from user %d in chat %d", tg_user.id, message.chat_id)
    if message.chat.type == "private":
        t = Translator(await language_of(update, context))
        text = t.gettext("This command is for MRC operators.")
        await send_text(context.bot, message.chat_id, text)


async def staff_message(update: Update, context: Context) -> None:
    """A message in the staff group: a command, or an operator's reply to relay."""
    message, tg_user = update.effective_message, update.effective_user
    if message is None or tg_user is None or tg_user.is_bot:
        return
    command = _command(message)
    if not await is_operator(context, tg_user.id):
        if command is not None:
            await refuse(update, context)
        return
    services = context.services
    staff = Translator(services.settings.staff_language)
    thread = message.message_thread_id if message.is_topic_message else None
    if command is not None and command[0] == "queue":
        async with services.db.session() as session:
            text = queue_text(await tickets.queue(session), staff)
        await send_html(context.bot, message.chat_id, text, thread_id=thread)
        return
    if thread is None:
        return
    async with services.db.session() as session:
        user = await session.scalar(select(User).where(User.staff_thread_id == thread))
        ticket = await tickets.open_ticket_of(session, user.id) if user else None
        if user is None or ticket is None:
            if command is None or command[0] in {"close", "note"}:
                text = staff.gettext("There is no open ticket in this topic; nothing was sent.")
                await send_text(context.bot, message.chat_id, text, thread_id=thread)
            return
        if command is not None:
            await _command_in_topic(context, session, command, user, ticket, staff, thread)
            return
        first = ticket.first_reply_at is None
        entry = message.text or message.caption or "[media]"
        await tickets.add_entry(session, ticket, "operator", entry)
        title = topic_title(ticket, staff)
    if not await _relay_to_migrant(context, message, user):
        text = staff.gettext(
            "⚠️ Not delivered: the migrant has blocked the bot or deleted the chat."
        )
        await send_text(context.bot, message.chat_id, text, thread_id=thread)
    if first:
        with contextlib.suppress(TelegramError):
            await context.bot.edit_forum_topic(message.chat_id, thread, name=title)


async def _command_in_topic(
    context: Context,
    session: AsyncSession,
    command: tuple[str, str],
    user: User,
    ticket: Ticket,
    staff: Translator,
    thread: int,
) -> None:
    """/note and /close in a migrant's topic (other commands are neither relayed nor run)."""
    name, argument = command
    staff_chat = context.services.settings.staff_chat_id
    assert staff_chat is not None
    if name == "note":
        await tickets.add_entry(session, ticket, "note", argument)
        text = staff.gettext("📝 Note saved. It is never sent to the migrant.")
        await send_text(context.bot, staff_chat, text, thread_id=thread)
    elif name == "close":
        await tickets.close(session, ticket, argument)
        await announce_closed(context.bot, context.services.settings, user, ticket, staff)


def signature(user: User, settings: Settings) -> str:
    """ "MRC operator" in bold, in the migrant's language (never the operator's name)."""
    t = Translator(user.language or settings.default_language)
    return "<b>" + html.escape(t.gettext("MRC operator")) + "</b>"


async def _relay_to_migrant(context: Context, message: Message, user: User) -> bool:
    """Send the operator's message to the migrant, signed "MRC operator", never with a name."""
    signed = signature(user, context.services.settings)
    chat_id = int(user.external_id)
    try:
        if message.text:
            await send_html(context.bot, chat_id, f"{signed}\n{html.escape(message.text)}")
        else:
            caption = signed + (f"\n{html.escape(message.caption)}" if message.caption else "")
            await context.bot.copy_message(
                chat_id,
                message.chat_id,
                message.message_id,
                caption=caption,
                parse_mode=ParseMode.HTML,
            )
    except Forbidden:
        return False
    except BadRequest as exc:
        log.error("could not relay an operator's message: %s", exc)
        return False
    return True


async def announce_closed(
    bot: ExtBot[None], settings: Settings, user: User, ticket: Ticket, staff: Translator
) -> None:
    """Tell the migrant (with a rating), the topic, and close the topic."""
    staff_chat = settings.staff_chat_id
    thread = user.staff_thread_id
    t = Translator(user.language or ticket.language)
    text = t.gettext(
        "An MRC operator has closed your request #{number}. How would you rate the help? "
        "(1 star: bad, 5 stars: very good)",
        number=ticket.id,
    )
    try:
        await send_text(bot, int(user.external_id), text, rating_choices(t, ticket.id))
    except (Forbidden, BadRequest):
        log.warning("could not tell the migrant that ticket %d is closed", ticket.id)
    if staff_chat is not None and thread is not None:
        with contextlib.suppress(TelegramError):
            done = staff.gettext("✅ Ticket #{number} is closed.", number=ticket.id)
            await send_text(bot, staff_chat, done, thread_id=thread)
            await bot.edit_forum_topic(staff_chat, thread, name=topic_title(ticket, staff))
            await bot.close_forum_topic(staff_chat, thread)


async def remind_waiting(context: Context) -> None:
    """Job: tickets waiting too long are raised again, with a higher priority; the migrant is
    told they are not forgotten."""
    services = context.services
    staff = Translator(services.settings.staff_language)
    after = timedelta(minutes=services.settings.escalation_remind_minutes)
    work = []
    async with services.db.session() as session:
        for ticket in await tickets.due_for_reminder(session, after):
            first_reminder = ticket.reminded_at is None
            ticket.priority = min(ticket.priority + 1, tickets.URGENT)
            ticket.reminded_at = utcnow()
            user = await session.get(User, ticket.user_id)
            if user is None:
                continue
            language = user.language or ticket.language
            migrant = int(user.external_id) if first_reminder else None  # told once
            work.append((ticket, user.staff_thread_id, migrant, language))
    staff_chat = services.settings.staff_chat_id
    for ticket, thread, chat_id, language in work:
        if staff_chat is not None:
            with contextlib.suppress(TelegramError):
                text = staff.gettext(
                    "⏰ Ticket #{number} has waited {waited} without an answer.",
                    number=ticket.id,
                    waited=waited(ticket, staff),
                )
                await send_text(context.bot, staff_chat, text, thread_id=thread)
                if thread is not None:
                    title = topic_title(ticket, staff)
                    await context.bot.edit_forum_topic(staff_chat, thread, name=title)
        if chat_id is None:
            continue
        t = Translator(language)
        with contextlib.suppress(TelegramError):
            text = t.gettext(
                "Your request #{number} is still in the queue: it has not been forgotten. An "
                "operator will answer here.",
                number=ticket.id,
            )
            await send_text(context.bot, chat_id, text)
