"""The migrant's side of escalation: open a ticket, relay what they send, cancel, rate.

Every database transaction here is committed before Telegram is called: a slow or rate-limited
Bot API call never holds a lock (on SQLite, any write transaction blocks every other writer).
"""

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
from bot.dialogue.core import HandOff
from bot.dialogue.payloads import Rate, ShowStatus
from bot.escalation import tickets
from bot.escalation.cards import handoff_card, opening_text, status_text, topic_title
from bot.escalation.promise import standing
from bot.i18n import Translator
from bot.telegram import suggestions
from bot.telegram.consent import needs_consent, show_notice
from bot.telegram.context import Context, Services
from bot.telegram.memory import CHANNEL, Person
from bot.telegram.profile import consented, language_of
from bot.telegram.send import send_text

log = logging.getLogger(__name__)


def rating_choices(ticket_id: int) -> tuple[Choice, ...]:
    """1 to 5 stars for a closed ticket."""
    return tuple(Choice("⭐" * n, Rate(ticket_id, n)) for n in range(1, 6))


async def staff_topic(context: Context, user_id: int, seen: int | None, title: str) -> int | None:
    """The migrant's topic in the staff group: ``seen`` (the one their row had) renamed and
    reopened, or a new one kept compare-and-set; None without a staff group or when Telegram
    refuses. Called with no transaction open."""
    services, bot = context.services, context.bot
    staff_chat = services.settings.staff_chat_id
    if staff_chat is None:
        return None
    if seen is not None:
        try:
            await bot.edit_forum_topic(staff_chat, seen, name=title)
            with contextlib.suppress(BadRequest):  # "TOPIC_NOT_MODIFIED" when already open
                await bot.reopen_forum_topic(staff_chat, seen)
            return seen
        except BadRequest:
            log.warning("the staff topic of user %d is gone; creating a new one", user_id)
    try:
        created = (await bot.create_forum_topic(staff_chat, title)).message_thread_id
    except TelegramError as exc:
        log.error("could not create a staff topic: %s", exc)
        return None
    kept = await tickets.set_thread(services.db, user_id, seen, created)
    if kept != created:  # another worker kept its topic first: ours goes
        log.info("user %d got a staff topic from another worker; dropping ours", user_id)
        with contextlib.suppress(TelegramError):
            await bot.delete_forum_topic(staff_chat, created)
    return kept


async def request(update: Update, context: Context, reply: Reply, question: str) -> None:
    """The person asked for a person: a ticket, once they accepted the privacy notice."""
    if not consented(context):
        t = Translator(language_of(update, context))
        await show_notice(update, context, needs_consent(t))
        return
    await _escalate(update, context, reply, question, HandOff.REQUEST)


async def emergency(update: Update, context: Context, reply: Reply, question: str) -> None:
    """The person is in danger (the contacts are already sent): a person, at once."""
    await _escalate(update, context, reply, question, HandOff.EMERGENCY)


async def _escalate(
    update: Update, context: Context, reply: Reply, question: str, reason: HandOff
) -> None:
    """Open (or join) the migrant's ticket, tell staff in the migrant's topic, tell the migrant."""
    services, tg_user, chat = context.services, update.effective_user, update.effective_chat
    if tg_user is None or chat is None:
        return
    staff = Translator(services.settings.staff_language)
    urgent = reply.intent == "emergency_help" or reason is HandOff.EMERGENCY
    async with services.db.session() as session:
        user = await users.get_or_create(session, CHANNEL, str(tg_user.id))
        opened = await tickets.open_ticket(
            session, user.id, language=reply.language, question=question, reason=reason.value,
            priority=tickets.URGENT if urgent else tickets.NORMAL, intent=reply.intent,
            confidence=reply.confidence,
        )  # fmt: skip
        ticket = opened.ticket
        title = topic_title(ticket, staff)
        card = handoff_card(
            ticket, await tickets.recent_turns(session, user.id), staff, services.hours
        )
        seen, user_id = user.staff_thread_id, user.id
        if context.person is None:  # an emergency before the notice: the row now exists
            context.person = Person(user.id, user.language, user.consent_at is not None)
    thread = await staff_topic(context, user_id, seen, title)
    if thread is not None:
        try:
            if opened.new:
                await context.bot.send_message(
                    services.settings.staff_chat_id,  # type: ignore[arg-type]
                    card,
                    message_thread_id=thread,
                    parse_mode=ParseMode.HTML,
                )
                await suggestions.post(
                    context, ticket.id, question, reply.language, reply.intent, thread
                )
            elif update.effective_message and update.effective_message.text:
                await relay_to_staff(context, update.effective_message, thread)
        except TelegramError as exc:
            log.error("could not post ticket %d in the staff group: %s", ticket.id, exc)
    t = Translator(reply.language)
    await send_text(
        context.bot, chat.id, _confirmation(services, reply.language, opened), (status_choice(t),)
    )


def status_choice(t: Translator) -> Choice:
    """The button under a hand-off's confirmation: where the request stands."""
    # TRANSLATORS: a button under "I have passed your question to an MRC operator"
    return Choice(t.gettext("📋 Where is my request?"), ShowStatus())


async def status(update: Update, context: Context) -> None:
    """/status: the migrant's open request, whether an operator has seen or answered it, and
    when an answer can be expected."""
    chat = update.effective_chat
    if chat is None:
        return
    services = context.services
    t = Translator(language_of(update, context))
    now = utcnow()
    text = None
    if context.person is not None:
        async with services.db.session() as session:
            ticket = await tickets.open_ticket_of(session, context.person.id)
            if ticket is not None:
                where = await standing(
                    session, ticket, services.hours, services.settings.reply_promise_minutes, now
                )
                text = status_text(t, where, services.hours, now)
    if text is None:
        text = t.gettext(
            "You have no open request. To ask an MRC operator, send /human or tap “Talk to a "
            "person”."
        )
    await send_text(context.bot, chat.id, text)


def _confirmation(services: Services, language: str, opened: tickets.Opened) -> str:
    t = Translator(language)
    number = opened.ticket.id
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
    return f"{text}\n\n{later}" if later else text


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


async def relay_if_waiting(update: Update, context: Context) -> bool:
    """While the migrant has an open ticket, what they send goes to their operator: True then
    (the bot stays out of the way)."""
    message, person = update.effective_message, context.person
    if message is None or person is None:
        return False
    async with context.services.db.session() as session:
        ticket = await tickets.open_ticket_of(session, person.id)
        if ticket is None:
            return False
        await tickets.add_entry(session, ticket, "migrant", describe(message))
        user = await session.get(User, person.id)
        thread = user.staff_thread_id if user else None
        title = topic_title(ticket, Translator(context.services.settings.staff_language))
    try:
        await relay_to_staff(context, message, thread)
    except BadRequest as exc:
        if "thread not found" not in str(exc).lower():
            log.error("could not copy a migrant's message to the staff topic: %s", exc)
            return True
        await _relay_in_new_topic(context, message, person.id, thread, title)
    except Forbidden as exc:
        log.error("could not copy a migrant's message to the staff topic: %s", exc)
    return True


async def _relay_in_new_topic(
    context: Context, message: Message, user_id: int, gone: int | None, title: str
) -> None:
    """The migrant's topic was deleted: open a new one, say so there, and copy the message."""
    services = context.services
    staff = Translator(services.settings.staff_language)
    async with services.db.session() as session:
        ticket = await tickets.open_ticket_of(session, user_id)
        if ticket is None:
            return
        card = handoff_card(
            ticket, await tickets.recent_turns(session, user_id), staff, services.hours
        )
    thread = await staff_topic(context, user_id, gone, title)
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
    """/cancel: the migrant goes back to the bot (the operator is told), or stops giving a
    date the bot asked for."""
    chat, person = update.effective_chat, context.person
    if chat is None:
        return
    services = context.services
    staff = Translator(services.settings.staff_language)
    t = Translator(language_of(update, context))
    awaiting = context.conversation.awaiting is not None
    context.conversation.awaiting = None  # a date the bot asked for (/remind) is not awaited
    closed = None
    if person is not None:
        async with services.db.session() as session:
            ticket = await tickets.open_ticket_of(session, person.id)
            if ticket is not None:
                await tickets.close(session, ticket, "cancelled by the migrant")
                user = await session.get(User, person.id)
                thread = user.staff_thread_id if user else None
                closed = (ticket.id, thread, topic_title(ticket, staff))
    if closed is None:
        message = (
            t.gettext("Cancelled: nothing was saved. Ask me anything.")
            if awaiting
            else t.gettext("You have no open request.")
        )
        await send_text(context.bot, chat.id, message)
        return
    number, thread, title = closed
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


async def rate(update: Update, context: Context, payload: Rate) -> None:
    """A rating of a closed ticket, only by its migrant, only once."""
    query, chat, person = update.callback_query, update.effective_chat, context.person
    if query is None or chat is None:
        return
    t = Translator(language_of(update, context))
    rated = False
    if person is not None:
        async with context.services.db.session() as session:
            ticket = await session.get(Ticket, payload.ticket)
            if (
                ticket is not None
                and ticket.user_id == person.id
                and ticket.status == "closed"
                and not ticket.rating
            ):
                ticket.rating = payload.stars
                rated = True
    if not rated:
        message = t.gettext("This button has expired. Please write your question again.")
        await send_text(context.bot, chat.id, message)
        return
    if isinstance(query.message, Message):
        with contextlib.suppress(BadRequest):
            await query.message.edit_reply_markup(None)
    await send_text(context.bot, chat.id, t.gettext("Thank you for your rating!"))
