"""⏰ /remind in Telegram: a person's own dates (the patent paid until, the registration valid
until, the last day of a legal stay) and the stay calculator; and the job that sends the
reminders when they are due (exactly once, whatever the number of workers)."""

from __future__ import annotations

import asyncio
import calendar
import contextlib
import datetime as dt
import logging
import re

from telegram import Update
from telegram.error import BadRequest, Forbidden, RetryAfter, TelegramError
from telegram.ext import ExtBot

from bot.db.models import Reminder
from bot.dialogue.core import Action, Choice, Reply, human_choice
from bot.dialogue.payloads import (
    OpenTopic,
    Remind,
    RemindOn,
    RemindRegion,
    RemindStop,
    RemindZone,
)
from bot.i18n import Translator, format_date
from bot.kb.store import published
from bot.reminders import store, texts
from bot.reminders.dates import MAX_DAYS_AHEAD, Direction, Parsed, Problem, Rejected, parse_date
from bot.reminders.schedule import DEFAULT_TIMEZONE, SEND_HOUR, TIMEZONES, local_today
from bot.reminders.stay import RuleMissing, Trip, count, rule_from
from bot.telegram.consent import needs_consent, show_notice
from bot.telegram.context import Context, Services
from bot.telegram.profile import language_of
from bot.telegram.send import send_text

log = logging.getLogger(__name__)

#: Reminders a second, well under Telegram's limit (answers to questions come first).
RATE = 10.0
#: What the dialogue did with a text that is not the awaited date, when it is taken as a
#: wrong date after all (the date is asked again): it did not understand it as a question.
NOT_UNDERSTOOD = (Action.FALLBACK, Action.OUT_OF_SCOPE, Action.SMALLTALK, Action.CLARIFY)
#: The stay calculator reads at most this many lines (stays).
MAX_STAYS = 20
#: Between an entry and an exit date on one line: a dash with spaces, a long dash, "..", or a
#: word ("to", "по", "то", "до").
_RANGE = re.compile(r"\s+[-–—]\s+|[–—]|\.\.|\s+(?:to|по|то|до|ta)\s+", re.IGNORECASE)
#: "10.01-28.02": a hyphen between two numeric dates.
_TIGHT_RANGE = re.compile(r"(?<=\d)-(?=\d{1,2}[./])")


def _timezone(rows: list[Reminder]) -> str:
    return rows[0].timezone if rows else DEFAULT_TIMEZONE


def add_month(day: dt.date) -> dt.date:
    """The same day a month later (the month's last day when it is shorter)."""
    year, month = (day.year + 1, 1) if day.month == 12 else (day.year, day.month + 1)
    return dt.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


async def _consented(update: Update, context: Context, t: Translator) -> bool:
    """Whether the person accepted the notice (dates are personal data); else show it."""
    if context.person is not None and context.person.consented:
        return True
    await show_notice(update, context, needs_consent(t))
    return False


async def remind(update: Update, context: Context) -> None:
    """/remind: what the bot can remind of, the person's reminders, and how to stop them."""
    chat = update.effective_chat
    t = Translator(language_of(update, context))
    if chat is None or not await _consented(update, context, t):
        return
    assert context.person is not None
    async with context.services.db.session() as session:
        rows = list(await store.of_user(session, context.person.id))
    choices = [
        Choice(t.gettext("💳 Patent paid until…"), Remind("patent")),
        Choice(t.gettext("🏠 Registration valid until…"), Remind("registration")),
        Choice(t.gettext("📅 Count my days in Russia"), Remind("stay")),
    ]
    choices += [
        Choice(
            # TRANSLATORS: a button: stop a reminder ({what}: its name, e.g. "patent payment")
            t.gettext("🔕 Stop: {what}", what=texts.reminder_name(t, r.kind)),
            RemindStop(r.kind),
        )
        for r in rows
    ]
    choices.append(Choice(t.gettext("🕒 Change the time zone"), RemindZone()))
    text = texts.list_message(t, [(r.kind, r.due) for r in rows], _timezone(rows))
    await send_text(context.bot, chat.id, text, tuple(choices))


async def pressed(
    update: Update,
    context: Context,
    payload: Remind | RemindOn | RemindStop | RemindRegion | RemindZone,
) -> None:
    """The buttons of reminders and the stay calculator."""
    chat = update.effective_chat
    t = Translator(language_of(update, context))
    if chat is None or not await _consented(update, context, t):
        return
    assert context.person is not None
    person, db, now = context.person, context.services.db, context.services.clock.now()
    match payload:
        case Remind(None):
            await remind(update, context)
        case Remind("stay"):
            context.conversation.awaiting = "stay"
            await send_text(context.bot, chat.id, texts.ask_stays(t, now.year))
        case Remind(kind) if kind is not None:
            context.conversation.awaiting = kind
            await send_text(context.bot, chat.id, texts.ask_date(t, kind))
        case RemindOn(kind, date):
            async with db.session() as session:
                rows = list(await store.of_user(session, person.id))
                today = local_today(now, _timezone(rows))
                if not today <= date <= today + dt.timedelta(days=MAX_DAYS_AHEAD):
                    # An old button (the date has passed) or a forged one: ask again.
                    context.conversation.awaiting = kind if kind != "stay" else None
                    await send_text(
                        context.bot, chat.id, texts.problem(t, Rejected(_late(date, today), date))
                    )
                    return
                await store.set_date(session, person.id, kind, date, now)
            await _confirm(context, chat.id, t, kind, date, today, _timezone(rows), None)
        case RemindStop(kind):
            async with db.session() as session:
                stopped = await store.stop(session, person.id, kind)
            message = (
                t.gettext(
                    "🔕 Stopped: {what}. The date is deleted.", what=texts.reminder_name(t, kind)
                )
                if stopped
                else t.gettext("There is no such reminder (it may have been stopped already).")
            )
            await send_text(context.bot, chat.id, message)
        case RemindRegion(region):
            await _set_region(context, chat.id, t, region, now)
        case RemindZone(None):
            choices = tuple(
                Choice(t.gettext(name), RemindZone(i), row="zones")
                for i, (_, name) in enumerate(TIMEZONES)
            )
            await send_text(context.bot, chat.id, t.gettext("Which time zone are you in?"), choices)
        case RemindZone(index) if index is not None:
            zone, name = TIMEZONES[index][0], t.gettext(TIMEZONES[index][1])
            async with db.session() as session:
                n = await store.set_timezone(session, person.id, zone, now)
            message = t.gettext(
                "🕒 Reminders will come at {hour}:00, {zone}.", hour=SEND_HOUR, zone=name
            )
            if n == 0:
                message = t.gettext(
                    "You have no reminders yet. Set one first (/remind), then choose its time zone."
                )
            await send_text(context.bot, chat.id, message)


def _late(date: dt.date, today: dt.date) -> Problem:
    return Problem.PAST if date < today else Problem.TOO_FAR


async def _set_region(
    context: Context, chat_id: int, t: Translator, region: str, now: dt.datetime
) -> None:
    """Keep the patent's region, and show its monthly payment when the knowledge base has it."""
    assert context.person is not None
    async with context.services.db.session() as session:
        rows = [r for r in await store.of_user(session, context.person.id) if r.kind == "patent"]
        if not rows:
            await send_text(context.bot, chat_id, t.gettext("Set the patent's date first: /remind"))
            return
        rows[0].region = region
        answer = await published(session, "work_patent", t.language)
    year = local_today(now, rows[0].timezone).year
    line = texts.amount_line(t, answer.facts if answer else (), region, year)
    name = t.gettext(texts.REGION_NAMES[region])
    # TRANSLATORS: the patent's region was saved (then its monthly payment)
    message = t.gettext("Region saved: {region}.", region=name)
    if line is None:
        line = t.gettext(
            "I do not have a checked amount for this region in {year}: see the article.",
            year=year,
        )
    await send_text(context.bot, chat_id, f"{message}\n{line}", (_article(t, "patent"),))


def _article(t: Translator, kind: str) -> Choice:
    return Choice(t.gettext("📖 What to do"), OpenTopic(texts.TOPIC_OF[kind]))


async def _confirm(
    context: Context,
    chat_id: int,
    t: Translator,
    kind: str,
    due: dt.date,
    today: dt.date,
    timezone: str,
    parsed: Parsed | None,
) -> None:
    """The saved reminder: when it comes, how to undo it, and (patent) the region's choice."""
    took = "ambiguous" if parsed is not None and parsed.swapped else None
    choices: list[Choice] = []
    if parsed is not None and parsed.swapped is not None:
        choices.append(
            Choice(texts.swapped_button(t, parsed.swapped), RemindOn(kind, parsed.swapped))
        )
    if kind == "patent":
        choices += [
            Choice(t.gettext(name), RemindRegion(key), row="regions") for key, name in texts.REGIONS
        ]
    choices.append(Choice(t.gettext("🔕 Stop this reminder"), RemindStop(kind)))
    text = texts.set_message(t, kind, due, today, timezone, took)
    if kind == "patent":
        text += "\n\n" + t.gettext(
            "In which region was the patent issued? (I then show its monthly payment.)"
        )
    await send_text(context.bot, chat_id, text, tuple(choices))


async def awaited(update: Update, context: Context) -> bool:
    """A text message while a date is awaited: read it as the date (True), or let the dialogue
    answer it (False) when nothing is awaited or it is a question rather than a date."""
    kind = context.conversation.awaiting
    message = update.effective_message
    if kind is None or message is None or message.text is None or update.effective_chat is None:
        return False
    if context.person is None or not context.person.consented:
        context.conversation.awaiting = None
        return False
    t = Translator(language_of(update, context))
    text = message.text
    if kind == "stay":
        return await _stays(update, context, t, text)
    person, db, now = context.person, context.services.db, context.services.clock.now()
    async with db.session() as session:
        rows = list(await store.of_user(session, person.id))
    timezone = _timezone(rows)
    today = local_today(now, timezone)
    parsed = parse_date(text, today, Direction.FUTURE)
    if isinstance(parsed, Rejected):
        if parsed.problem is Problem.NOT_A_DATE:
            return False  # perhaps a question, or someone in danger: the dialogue first
        await send_text(context.bot, update.effective_chat.id, texts.problem(t, parsed))
        return True
    async with db.session() as session:
        await store.set_date(session, person.id, kind, parsed.date, now)
    context.conversation.awaiting = None
    await _confirm(context, update.effective_chat.id, t, kind, parsed.date, today, timezone, parsed)
    return True


async def not_a_date(update: Update, context: Context, reply: Reply) -> bool:
    """After the dialogue read a text that was not the awaited date: if it did not understand
    it either, ask for the date again (True: ``reply`` is not sent); if it was a question, an
    emergency or a request for a person, that goes first and the date is no longer awaited."""
    kind = context.conversation.awaiting
    chat = update.effective_chat
    if kind is None or chat is None:
        return False
    if reply.handoff is None and reply.action in NOT_UNDERSTOOD:
        t = Translator(language_of(update, context))
        text = texts.problem(t, Rejected(Problem.NOT_A_DATE))
        if kind == "stay":
            text = f"{text}\n\n{texts.ask_stays(t, context.services.clock.now().year)}"
        await send_text(context.bot, chat.id, text)
        return True
    context.conversation.awaiting = None  # the person moved on
    return False


def split_stays(text: str) -> list[tuple[str, str | None]]:
    """The lines of the stay calculator's answer as ``(entry, exit or None)`` texts."""
    stays = []
    for line in text.splitlines()[:MAX_STAYS]:
        line = line.strip(" \t•-*")
        if not line:
            continue
        parts = _RANGE.split(line, maxsplit=1)
        if len(parts) == 1:
            parts = _TIGHT_RANGE.split(line, maxsplit=1)
        stays.append((parts[0], parts[1] if len(parts) > 1 else None))
    return stays


async def _stays(update: Update, context: Context, t: Translator, text: str) -> bool:
    """The stay calculator: the dates of the person's stays, counted under the rule the
    knowledge base holds; nothing is stored (a reminder of the last day only if asked)."""
    chat = update.effective_chat
    assert chat is not None
    now = context.services.clock.now()
    today = local_today(now, DEFAULT_TIMEZONE)
    trips: list[Trip] = []
    stays = split_stays(text)
    if not stays:
        await send_text(context.bot, chat.id, texts.ask_stays(t, today.year))
        return True
    for entry_text, exit_text in stays:
        entry = parse_date(entry_text, today, Direction.PAST)
        left = parse_date(exit_text, today, Direction.PAST) if exit_text else None
        for result in (entry, left):
            if isinstance(result, Rejected):
                if result.problem is Problem.NOT_A_DATE and len(stays) == 1:
                    return False  # perhaps a question: the dialogue first (see not_a_date)
                await send_text(context.bot, chat.id, texts.problem(t, result))
                return True
        assert isinstance(entry, Parsed)
        exit_date = left.date if isinstance(left, Parsed) else None
        if exit_date is not None and exit_date < entry.date:
            await send_text(
                context.bot,
                chat.id,
                t.gettext(
                    "The day you left is before the day you entered. Please check the dates."
                ),
            )
            return True
        trips.append(Trip(entry.date, exit_date))
    async with context.services.db.session() as session:
        answer = await published(session, "migration_registration", t.language)
    try:
        rule = rule_from(answer.facts if answer else ())
    except RuleMissing as exc:
        log.error("stay calculator: the knowledge base lacks the rule's facts (%s)", exc)
        context.conversation.awaiting = None
        message = t.gettext(
            "I cannot count the days right now: the rule is being checked. Please ask a person."
        )
        await send_text(context.bot, chat.id, message, (human_choice(t),))
        return True
    context.conversation.awaiting = None
    assert context.person is not None
    async with context.services.db.session() as session:
        kept = await store.of_user(session, context.person.id)
    patent = next((r.due for r in kept if r.kind == "patent"), None)
    counted = count(trips, rule, today, patent_until=patent)
    choices: list[Choice] = []
    if counted.last_day is not None:
        label = t.gettext("⏰ Remind me before {date}", date=_date(t, counted.last_day))
        choices.append(Choice(label, RemindOn("stay", counted.last_day)))
    choices.append(_article(t, "stay"))
    if counted.overstaying:
        choices.append(human_choice(t))
    sources = texts.rule_sources(t, rule, answer.sources if answer else ())
    text = f"{texts.stay_text(t, counted, rule)}\n\n{sources}"
    await send_text(context.bot, chat.id, text, tuple(choices))
    return True


def _date(t: Translator, day: dt.date) -> str:
    return format_date(day, t.language, "medium")


class ReminderSender:
    """Sends due reminders every ``MRC_REMINDER_POLL`` seconds, one round after the other (a
    long round delays the next; rounds never overlap); a failed round is logged and retried."""

    def __init__(self, bot: ExtBot[None], services: Services) -> None:
        self.bot = bot
        self.services = services
        self._task: asyncio.Task[None] | None = None

    def start(self) -> None:
        self._task = asyncio.create_task(self._loop(), name="reminders")

    async def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task

    async def _loop(self) -> None:
        while True:
            try:
                await send_due_reminders(self.bot, self.services)
            except Exception:  # the database is away: the next round tries again
                log.exception("reminders: a round failed; the next one retries")
            await asyncio.sleep(self.services.settings.reminder_poll)


async def send_due_reminders(bot: ExtBot[None], services: Services) -> int:
    """Claim and send due reminders until none is left; return how many were sent."""
    sent = 0
    while True:
        now = services.clock.now()
        async with services.db.session() as session:
            batch = await store.claim(session, now)
        if not batch:
            return sent
        for due in batch:
            if await _send_one(bot, services, due, now):
                sent += 1
            await asyncio.sleep(1.0 / RATE)


async def _send_one(
    bot: ExtBot[None], services: Services, due: store.Due, now: dt.datetime
) -> bool:
    """One reminder; a person who blocked the bot has all their reminders stopped."""
    language = due.user.language or services.settings.default_language
    t = Translator(language)
    today = local_today(now, due.timezone)
    amount = None
    if due.kind == "patent":
        async with services.db.session() as session:
            answer = await published(session, "work_patent", language)
        amount = texts.amount_line(t, answer.facts if answer else (), due.region, today.year)
    text = texts.reminder_text(t, due.kind, due.due, today, amount)
    choices: list[Choice] = []
    if due.kind == "patent":
        choices.append(
            Choice(texts.paid_button(t, add_month(due.due)), RemindOn("patent", add_month(due.due)))
        )
    elif due.kind == "registration":
        # TRANSLATORS: a button under a registration reminder: give the new date
        choices.append(Choice(t.gettext("📅 New date"), Remind("registration")))
    choices += [
        _article(t, due.kind),
        Choice(t.gettext("🔕 Stop this reminder"), RemindStop(due.kind)),
    ]
    for _ in range(3):
        try:
            await send_text(bot, int(due.user.external_id), text, tuple(choices))
            return True
        except RetryAfter as exc:
            delay = exc.retry_after
            await asyncio.sleep(
                delay.total_seconds() if isinstance(delay, dt.timedelta) else float(delay)
            )
        except (Forbidden, BadRequest):  # blocked the bot or deleted the chat: stop cleanly
            async with services.db.session() as session:
                for kind in store.KINDS:
                    await store.stop(session, due.user.id, kind)
            log.info("reminders: a person blocked the bot; their reminders are stopped")
            return False
        except TelegramError:
            await asyncio.sleep(2)
    return False
