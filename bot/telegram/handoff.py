"""The migrant's side of escalation: open a ticket, relay what they send, cancel, rate."""

from __future__ import annotations

import contextlib
import logging

from telegram import Message, Update
from telegram.constants import ParseMode
from telegram.error import BadRequest, Forbidden, TelegramError

from bot import users
from bot.db.base import utcnow
from bot.db.models import Ticket, User
from bot.dialogue import Choice, Reply
from bot.escalation import tickets
from bot.escalation.cards import handoff_card, opening_text, topic_title
from bot.i18n import Translator
from bot.telegram.context import Context
from bot.telegram.send import send_text

log = logging.getLogger(__name__)


def rating_choices(t: Translator, ticket_id: int) -> tuple[Choice, ...]:
    """1 to 5 stars for a closed ticket."""
    return tuple(Choice("⭐" * n, f"rate:{ticket_id}:{n}") for n in range(1, 6))


async def ensure_topic(context: Context, user: User, title: str) -> int | None:
    """The migrant's topic in the staff group (reused, reopened, or created); None without a
    staff group or when Telegram refuses. Called with the migrant's row locked."""
    staff_chat = context.services.settings.staff_chat_id
    if staff_chat is None:
        return None
    bot = context.bot
    if user.staff_thread_id is not None:
        try:
            await bot.edit_forum_topic(staff_chat, user.staff_thread_id, name=title)
            with contextlib.suppress(BadRequest):  # "TOPIC_NOT_MODIFIED" when already open
                await bot.reopen_forum_topic(staff_chat, user.staff_thread_id)
            return user.staff_thread_id
        except BadRequest:
            log.warning("the staff topic of user %d is gone; creating a new one", user.id)
    try:
        topic = await bot.create_forum_topic(staff_chat, title)
    except TelegramError as exc:
        log.error("could not create a staff topic: %s", exc)
        return None
    user.staff_thread_id = topic.message_thread_id
    return topic.message_thread_id


async def escalate(
    update: Update,
    context: Context,
    reply: Reply,
    question: str,
    reason: str,
) -> None:
    """Open (or join) the migrant's ticket, tell staff in the migrant's topic, tell the migrant."""
    services, tg_user, chat = context.services, update.effective_user, update.effective_chat
    if tg_user is None or chat is None:
        return
    staff = Translator(services.settings.staff_language)
    priority = (
        tickets.URGENT
        if reply.intent == "emergency_help" or reason == "emergency"
        else (tickets.NORMAL)
    )
    async with services.db.session() as session:
        user = await users.get_or_create(session, "telegram", str(tg_user.id))
        opened = await tickets.open_ticket(
            session, user.id, language=reply.language, question=question, reason=reason,
            priority=priority, intent=reply.intent, confidence=reply.confidence,
        )  # fmt: skip
        ticket = opened.ticket
        thread = await ensure_topic(context, user, topic_title(ticket, staff))
        turns = await tickets.recent_turns(session, user.id)
        card = handoff_card(ticket, turns, staff, services.hours)
        number = ticket.id
    if thread is not None:
        try:
            if opened.new:
                await context.bot.send_message(
                    services.settings.staff_chat_id,  # type: ignore[arg-type]
                    card,
                    message_thread_id=thread,
                    parse_mode=ParseMode.HTML,
                )
            elif update.effective_message and update.effective_message.text:
                await relay_to_staff(context, update.effective_message, thread)
        except TelegramError as exc:
            log.error("could not post ticket %d in the staff group: %s", number, exc)
    t = Translator(reply.language)
    if not opened.new:
        text = t.gettext(
            "Your request #{number} is open: an MRC operator will answer here, in this chat. "
            "You can add anything you want them to know.",
            number=number,
        )
    elif services.settings.staff_chat_id is None:
        text = t.gettext(
            "Your question is saved as request #{number}. An MRC operator will answer you here, "
            "in this chat. Send /cancel to go back to the bot.",
            number=number,
        )
    else:
        text = t.gettext(
            "I have passed your question to an MRC operator (request #{number}). They will "
            "answer here, in this chat. Send /cancel to go back to the bot.",
            number=number,
        )
    later = opening_text(t, services.hours, utcnow())
    await send_text(context.bot, chat.id, f"{text}\n\n{later}" if later else text)


async def relay_to_staff(context: Context, message: Message, thread: int | None) -> None:
    """Copy what the migrant sent into their topic (nothing when there is no staff group)."""
    staff_chat = context.services.settings.staff_chat_id
    if staff_chat is None or thread is None:
        return
    await context.bot.copy_message(
        staff_chat, message.chat_id, message.message_id, message_thread_id=thread
    )


def describe(message: Message) -> str:
    """The transcript line of a message: its text, or what kind of message it was."""
    if message.text:
        return message.text
    kind = next(
        (k for k in ("photo", "voice", "document", "video", "audio", "sticker", "location",
                     "contact", "video_note") if getattr(message, k)),
        "message",
    )  # fmt: skip
    caption = f": {message.caption}" if message.caption else ""
    return f"[{kind}{caption}]"


async def relay_or_profile(update: Update, context: Context) -> User | None:
    """While the migrant has an open ticket, what they send goes to their operator (None then);
    otherwise the migrant's row, loaded once for the handler to use (language, id)."""
    message, tg_user = update.effective_message, update.effective_user
    if message is None or tg_user is None:
        return None
    async with context.services.db.session() as session:
        user = await users.get_or_create(session, "telegram", str(tg_user.id))
        ticket = await tickets.open_ticket_of(session, user.id)
        if ticket is None:
            return user
        await tickets.add_entry(session, ticket, "migrant", describe(message))
        thread = user.staff_thread_id
    try:
        await relay_to_staff(context, message, thread)
    except BadRequest as exc:
        if "thread not found" not in str(exc).lower():
            log.error("could not copy a migrant's message to the staff topic: %s", exc)
            return None
        await _relay_in_new_topic(context, message, user.id)
    except Forbidden as exc:
        log.error("could not copy a migrant's message to the staff topic: %s", exc)
    return None


async def _relay_in_new_topic(context: Context, message: Message, user_id: int) -> None:
    """The migrant's topic was deleted: open a new one, say so there, and copy the message."""
    services = context.services
    staff = Translator(services.settings.staff_language)
    async with services.db.session() as session:
        user = await tickets.lock_user(session, user_id)
        ticket = await tickets.open_ticket_of(session, user_id)
        if ticket is None:
            return
        user.staff_thread_id = None
        thread = await ensure_topic(context, user, topic_title(ticket, staff))
        turns = await tickets.recent_turns(session, user_id)
        card = handoff_card(ticket, turns, staff, services.hours)
    if thread is None:
        return
    log.warning("the staff topic of ticket %d was deleted; continuing in a new one", ticket.id)
    try:
        await context.bot.send_message(
            services.settings.staff_chat_id,  # type: ignore[arg-type]
            card,
            message_thread_id=thread,
            parse_mode=ParseMode.HTML,
        )
        await relay_to_staff(context, message, thread)
    except TelegramError as exc:
        log.error("could not continue ticket %d in a new topic: %s", ticket.id, exc)


async def cancel(update: Update, context: Context) -> None:
    """/cancel: the migrant goes back to the bot; the operator is told."""
    tg_user, chat = update.effective_user, update.effective_chat
    if tg_user is None or chat is None:
        return
    services = context.services
    staff = Translator(services.settings.staff_language)
    async with services.db.session() as session:
        user = await users.get_or_create(session, "telegram", str(tg_user.id))
        t = Translator(user.language or services.settings.default_language)
        ticket = await tickets.open_ticket_of(session, user.id)
        if ticket is None:
            await send_text(context.bot, chat.id, t.gettext("You have no open request."))
            return
        await tickets.close(session, ticket, "cancelled by the migrant")
        number, thread, title = ticket.id, user.staff_thread_id, topic_title(ticket, staff)
    await send_text(
        context.bot,
        chat.id,
        t.gettext("Request #{number} is cancelled. I am back: ask me anything.", number=number),
    )
    staff_chat = services.settings.staff_chat_id
    if staff_chat is not None and thread is not None:
        with contextlib.suppress(TelegramError):
            await context.bot.send_message(
                staff_chat,
                staff.gettext("The migrant cancelled ticket #{number}.", number=number),
                message_thread_id=thread,
            )
            await context.bot.edit_forum_topic(staff_chat, thread, name=title)
            await context.bot.close_forum_topic(staff_chat, thread)


async def rate(update: Update, context: Context) -> None:
    """A rating of a closed ticket: ``rate:<ticket>:<1-5>``, only by its migrant, only once."""
    query, tg_user, chat = update.callback_query, update.effective_user, update.effective_chat
    if query is None or tg_user is None or chat is None:
        return
    await query.answer()
    parts = str(query.data or "").split(":")
    async with context.services.db.session() as session:
        user = await users.get_or_create(session, "telegram", str(tg_user.id))
        t = Translator(user.language or context.services.settings.default_language)
        valid = len(parts) == 3 and parts[1].isdigit() and parts[2] in {"1", "2", "3", "4", "5"}
        ticket = await session.get(Ticket, int(parts[1])) if valid else None
        if (
            ticket is None
            or ticket.user_id != user.id
            or ticket.status != "closed"
            or ticket.rating
        ):
            await send_text(
                context.bot,
                chat.id,
                t.gettext("This button has expired. Please write your question again."),
            )
            return
        ticket.rating = int(parts[2])
    if isinstance(query.message, Message):
        with contextlib.suppress(BadRequest):
            await query.message.edit_reply_markup(None)
    await send_text(context.bot, chat.id, t.gettext("Thank you for your rating!"))
