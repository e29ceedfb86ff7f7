"""/privacy and /deletemydata: users see what is kept about them, get a copy, delete it."""

from __future__ import annotations

import datetime as dt
import json
from datetime import timedelta

from telegram import InputFile, Message, Update

from bot import history, notify
from bot.db.base import utcnow
from bot.dialogue import Choice
from bot.dialogue.payloads import DeleteData, ExportData
from bot.i18n import TIMEZONE, Translator, format_date
from bot.reminders import store as reminders
from bot.reminders.texts import kind_name
from bot.telegram.context import Context
from bot.telegram.profile import language_of
from bot.telegram.send import send_text
from bot.topics import TOPIC_TITLES

#: A "Yes, delete" button older than this has expired (a stale tap must not delete anything).
CONFIRM_FOR = timedelta(minutes=15)


async def privacy(update: Update, context: Context) -> None:
    """What is stored and for how long, what is stored now, and the buttons to get or delete it."""
    chat = update.effective_chat
    if chat is None:
        return
    language = language_of(update, context)
    t = Translator(language)
    days = context.services.settings.message_retention_days
    count, oldest, followed = 0, None, []
    dates: list[tuple[str, dt.date]] = []
    if context.person is not None:
        async with context.services.db.session() as session:
            count, oldest = await history.summary(session, context.person.id)
            followed = await notify.topics_of(session, context.person.id)
            dates = [(r.kind, r.due) for r in await reminders.of_user(session, context.person.id)]
    paragraphs = [
        t.ngettext(
            "What I keep: your Telegram number (not your name or phone number), the language "
            "you chose, your messages with what I answered, and your 👍/👎. Messages are deleted "
            "after {n} day.",
            "What I keep: your Telegram number (not your name or phone number), the language "
            "you chose, your messages with what I answered, and your 👍/👎. Messages are deleted "
            "after {n} days.",
            days,
        ),
        t.gettext(
            "Staff of the Migrant Resource Centre read messages I could not answer, to improve "
            "the answers. Nobody else sees them."
        ),
    ]
    if context.person is None:
        paragraphs.append(
            t.gettext("Now kept: nothing. You have not chosen a language (/start) yet.")
        )
    elif oldest is not None:
        when = format_date(oldest.astimezone(TIMEZONE), language)
        paragraphs.append(
            t.ngettext(
                "Now kept: {n} message, since {date}.",
                "Now kept: {n} messages, the oldest from {date}.",
                count,
                date=when,
            )
        )
    else:
        paragraphs.append(t.gettext("Now kept: no messages."))
    if followed:
        titles = ", ".join(t.gettext(TOPIC_TITLES.get(k, k)) for k in followed)
        paragraphs.append(
            t.gettext(
                "🔔 You asked to hear when these articles change: {titles}. I keep this until you "
                "tap “🔕 Stop these messages” under such a message, or delete your data.",
                titles=titles,
            )
        )
    if dates:
        listed = ", ".join(
            f"{kind_name(t, kind)} {format_date(due, language)}" for kind, due in dates
        )
        paragraphs.append(
            t.gettext(
                "⏰ Dates you gave for reminders: {dates}. I keep each until a week after it "
                "passes, or until you stop its reminder (/remind) or delete your data.",
                dates=listed,
            )
        )
    choices = (
        Choice(t.gettext("📄 Send me my data"), ExportData()),
        Choice(t.gettext("🗑 Delete my data"), DeleteData("ask")),
    )
    await send_text(context.bot, chat.id, "\n\n".join(paragraphs), choices)


async def delete_my_data(update: Update, context: Context) -> None:
    """Ask for confirmation before deleting everything."""
    chat = update.effective_chat
    if chat is None:
        return
    t = Translator(language_of(update, context))
    message = t.gettext(
        "Delete everything I keep about you: your language, your messages and your feedback? "
        "This cannot be undone."
    )
    choices = (
        Choice(t.gettext("Yes, delete everything"), DeleteData("yes")),
        Choice(t.gettext("No, keep it"), DeleteData("no")),
    )
    await send_text(context.bot, chat.id, message, choices)


async def privacy_button(
    update: Update, context: Context, payload: DeleteData | ExportData
) -> None:
    """The buttons of /privacy and /deletemydata."""
    query, chat = update.callback_query, update.effective_chat
    if query is None or chat is None:
        return
    language = language_of(update, context)
    t = Translator(language)
    match payload:
        case DeleteData("ask"):
            await delete_my_data(update, context)
        case DeleteData("no"):
            await send_text(context.bot, chat.id, t.gettext("Nothing was deleted."))
        case DeleteData("yes"):
            sent = query.message.date if isinstance(query.message, Message) else None
            if sent is None or utcnow() - sent > CONFIRM_FOR:
                message = t.gettext("This button has expired. Send /deletemydata again.")
                await send_text(context.bot, chat.id, message)
                return
            if context.person is not None:
                async with context.services.db.session() as session:
                    await history.delete_user_data(session, context.person.id)
            context.forget()
            message = t.gettext(
                "Done: everything I kept about you has been deleted. If you write again, I start "
                "afresh. (The messages in this chat stay on your phone; you can clear the chat "
                "in Telegram.)"
            )
            await send_text(context.bot, chat.id, message)
        case ExportData():
            data: dict[str, object] = {}
            if context.person is not None:
                async with context.services.db.session() as session:
                    data = await history.export_user_data(session, context.person.id)
            payload_bytes = json.dumps(data, ensure_ascii=False, indent=2).encode()
            await context.bot.send_document(
                chat.id,
                InputFile(payload_bytes, filename="mrc-my-data.json"),
                caption=t.gettext("Everything I keep about you."),
            )
