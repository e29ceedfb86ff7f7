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
from telegram import Message, Update
from telegram.constants import ParseMode
from telegram.error import BadRequest, Forbidden, TelegramError
from telegram.ext import ExtBot

from bot.db.base import utcnow
from bot.db.models import SavedReply, Ticket, User
from bot.dialogue.core import article_text, split_parts
from bot.dialogue.payloads import SendSaved, SendSuggestion
from bot.dialogue.render import to_plain, to_telegram_html
from bot.escalation import tickets
from bot.escalation.cards import apology_text, queue_text, topic_title, waited
from bot.escalation.promise import due_by
from bot.i18n import Translator
from bot.settings import Settings
from bot.telegram.context import Context, Services
from bot.telegram.handoff import rating_choices
from bot.telegram.profile import language_of
from bot.telegram.send import send_html, send_text

log = logging.getLogger(__name__)

#: A suggested reply sent with one tap is at most this long (as the suggestion showed it).
SUGGESTION_CHARS = 1500
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
        t = Translator(language_of(update, context))
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
    name, argument = command or ("", "")
    first, title = False, ""
    async with services.db.session() as session:
        user = await session.scalar(select(User).where(User.staff_thread_id == thread))
        ticket = await tickets.open_ticket_of(session, user.id) if user else None
        if user is not None and ticket is not None and command is None:
            first = ticket.first_reply_at is None
            await tickets.add_entry(
                session, ticket, "operator", message.text or message.caption or "[media]"
            )
            title = topic_title(ticket, staff)
        elif ticket is not None and name == "note":
            await tickets.add_entry(session, ticket, "note", argument)
    if user is None or ticket is None:
        if command is None or name in {"close", "note"}:
            text = staff.gettext("There is no open ticket in this topic; nothing was sent.")
            await send_text(context.bot, message.chat_id, text, thread_id=thread)
        return
    if name == "note":
        text = staff.gettext("📝 Note saved. It is never sent to the migrant.")
        await send_text(context.bot, message.chat_id, text, thread_id=thread)
        return
    if name == "close":
        await close_ticket(context.bot, services, ticket.id, argument)
        return
    if command is not None:  # other commands are neither relayed nor run
        return
    if not await _relay_to_migrant(context, message, user):
        text = staff.gettext(
            "⚠️ Not delivered: the migrant has blocked the bot or deleted the chat."
        )
        await send_text(context.bot, message.chat_id, text, thread_id=thread)
    if first:
        with contextlib.suppress(TelegramError):
            await context.bot.edit_forum_topic(message.chat_id, thread, name=title)


def signature(language: str) -> str:
    """ "MRC operator" in bold, in the migrant's language (never the operator's name)."""
    # TRANSLATORS: the signature above an operator's reply to a migrant (never a name)
    return "<b>" + html.escape(Translator(language).gettext("MRC operator")) + "</b>"


def migrant_language(user: User, settings: Settings) -> str:
    """The language a migrant reads replies in."""
    return user.language or settings.default_language


async def _relay_to_migrant(context: Context, message: Message, user: User) -> bool:
    """Send the operator's message to the migrant, signed "MRC operator", never with a name."""
    signed = signature(migrant_language(user, context.services.settings))
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


async def close_ticket(
    bot: ExtBot[None], services: Services, ticket_id: int, resolution: str
) -> bool:
    """Close the ticket (committed first), then tell the migrant (with a rating), the topic,
    and close the topic. The one way staff close tickets: ``/close`` and the console. False if
    the ticket was not open."""
    closed = await tickets.close_ticket(services.db, ticket_id, resolution)
    if closed is None:
        return False
    staff = Translator(services.settings.staff_language)
    staff_chat, thread, number = services.settings.staff_chat_id, closed.thread, ticket_id
    t = Translator(closed.language)
    text = t.gettext(
        "An MRC operator has closed your request #{number}. How would you rate the help? "
        "(1 star: bad, 5 stars: very good)",
        number=number,
    )
    try:
        await send_text(bot, int(closed.external_id), text, rating_choices(number))
    except (Forbidden, BadRequest):
        log.warning("could not tell the migrant that ticket %d is closed", number)
    if staff_chat is not None and thread is not None:
        with contextlib.suppress(TelegramError):
            done = staff.gettext("✅ Ticket #{number} is closed.", number=number)
            await send_text(bot, staff_chat, done, thread_id=thread)
            await bot.edit_forum_topic(staff_chat, thread, name=topic_title(closed.ticket, staff))
            await bot.close_forum_topic(staff_chat, thread)
    return True


async def remind_waiting(context: Context) -> None:
    """Job: tickets waiting too long are raised again, with a higher priority, in the staff
    group; a migrant whose answer is later than promised is told so once, with a new estimate
    (issue 16)."""
    services = context.services
    staff = Translator(services.settings.staff_language)
    after = timedelta(minutes=services.settings.escalation_remind_minutes)
    now, promise = utcnow(), services.settings.reply_promise_minutes
    raised, late = [], []
    async with services.db.session() as session:
        for ticket in await tickets.due_for_reminder(session, after):
            ticket.priority = min(ticket.priority + 1, tickets.URGENT)
            ticket.reminded_at = now
            user = await session.get(User, ticket.user_id)
            if user is not None:
                raised.append((ticket, user.staff_thread_id))
    async with services.db.session() as session:
        for ticket in await tickets.unanswered_unapologized(session):
            promised = due_by(
                services.hours, ticket.opened_at, services.settings.reply_promise_minutes
            )
            if promised is None or now <= promised:
                continue
            ticket.apologized_at = now
            ticket.priority = min(ticket.priority + 1, tickets.URGENT)
            user = await session.get(User, ticket.user_id)
            if user is not None:
                estimate = due_by(services.hours, now, promise)
                late.append((ticket, user, estimate))
    staff_chat = services.settings.staff_chat_id
    for ticket, thread in raised:
        text = staff.gettext(
            "⏰ Ticket #{number} has waited {waited} without an answer.",
            number=ticket.id,
            waited=waited(ticket, staff),
        )
        await _tell_topic(context, staff_chat, thread, ticket, text)
    for ticket, user, estimate in late:
        text = staff.gettext(
            "⏰ Ticket #{number} is past the promised answer time; the migrant was told and "
            "given a new estimate.",
            number=ticket.id,
        )
        await _tell_topic(context, staff_chat, user.staff_thread_id, ticket, text)
        t = Translator(user.language or ticket.language)
        with contextlib.suppress(TelegramError):
            apology = apology_text(t, ticket.id, estimate, services.hours)
            await send_text(context.bot, int(user.external_id), apology)


async def _tell_topic(
    context: Context, staff_chat: int | None, thread: int | None, ticket: Ticket, text: str
) -> None:
    """A word in the ticket's topic, and its title updated (its priority may have changed)."""
    if staff_chat is None:
        return
    staff = Translator(context.services.settings.staff_language)
    with contextlib.suppress(TelegramError):
        await send_text(context.bot, staff_chat, text, thread_id=thread)
        if thread is not None:
            await context.bot.edit_forum_topic(staff_chat, thread, name=topic_title(ticket, staff))


async def send_suggestion(
    update: Update, context: Context, payload: SendSuggestion | SendSaved
) -> None:
    """📤 under a suggested reply (a knowledge-base section or a saved reply): it goes to the
    ticket's migrant, signed "MRC operator", and into the transcript; the topic is told.
    Operators only."""
    query, tg_user = update.callback_query, update.effective_user
    if query is None or tg_user is None or not isinstance(query.message, Message):
        return
    message = query.message
    if not await is_operator(context, tg_user.id):
        log.warning("refused a suggestion button from user %d", tg_user.id)
        return
    services = context.services
    staff = Translator(services.settings.staff_language)
    thread = message.message_thread_id if message.is_topic_message else None
    async with services.db.session() as session:
        ticket = await session.get(Ticket, payload.ticket)
        user = await session.get(User, ticket.user_id) if ticket is not None else None
        open_ = ticket is not None and ticket.status in tickets.OPEN
        language = migrant_language(user, services.settings) if user else "tg"
        saved = (
            await session.get(SavedReply, payload.reply) if isinstance(payload, SendSaved) else None
        )
        saved_text = (saved.title, saved.text(language)) if saved is not None else None
    found: tuple[str, str, str] | None = None  # title, HTML, plain text
    if isinstance(payload, SendSuggestion):
        answer = await services.dialogue.articles.article(payload.topic, language)
        if answer is not None:
            t = Translator(language)
            body = split_parts(article_text(answer, t, None, payload.section), SUGGESTION_CHARS)[0]
            found = (answer.title, to_telegram_html(body), to_plain(body))
    elif saved_text is not None and saved_text[1]:
        found = (saved_text[0], html.escape(saved_text[1]), saved_text[1])
    if user is None or not open_ or found is None:
        text = staff.gettext("There is no open ticket in this topic; nothing was sent.")
        await send_text(context.bot, message.chat_id, text, thread_id=thread)
        return
    title, body_html, plain = found
    try:
        await send_html(context.bot, int(user.external_id), f"{signature(language)}\n{body_html}")
    except (Forbidden, BadRequest):
        text = staff.gettext(
            "⚠️ Not delivered: the migrant has blocked the bot or deleted the chat."
        )
        await send_text(context.bot, message.chat_id, text, thread_id=thread)
        return
    async with services.db.session() as session:
        ticket = await session.get(Ticket, payload.ticket)
        if ticket is None:
            return
        first = ticket.first_reply_at is None
        await tickets.add_entry(session, ticket, "operator", plain)
        topic_name = topic_title(ticket, staff)
    done = staff.gettext("✅ Sent to the migrant: {title}", title=title)
    await send_text(context.bot, message.chat_id, done, thread_id=thread)
    if first and thread is not None:
        with contextlib.suppress(TelegramError):
            await context.bot.edit_forum_topic(message.chat_id, thread, name=topic_name)
