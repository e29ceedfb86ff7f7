"""🔔 under answers: subscribe to a topic, unsubscribe with one tap, and the notifier that tells
subscribers when an editor publishes a significant update (at Telegram-safe rates)."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from datetime import timedelta

from telegram import Update
from telegram.error import BadRequest, Forbidden, RetryAfter, TelegramError
from telegram.ext import ExtBot

from bot import notify
from bot.db.models import NotificationRun, User
from bot.dialogue.core import Choice, topic_choice
from bot.dialogue.payloads import Subscribe, Unsubscribe
from bot.i18n import Translator
from bot.kb.store import published
from bot.telegram.consent import needs_consent, show_notice
from bot.telegram.context import Context, Services
from bot.telegram.profile import language_of
from bot.telegram.send import send_text
from bot.topics import TOPIC_TITLES

log = logging.getLogger(__name__)

#: Notifications per second: well under Telegram's 30 messages per second for the whole bot,
#: so that answers to people asking questions are not delayed.
RATE = 10.0


def unsubscribe_choice(t: Translator, topic: str) -> Choice:
    return Choice(t.gettext("🔕 Stop these messages"), Unsubscribe(topic))


async def toggle(update: Update, context: Context, payload: Subscribe | Unsubscribe) -> None:
    """🔔 and 🔕 under answers and notices (following a topic needs the notice accepted)."""
    chat = update.effective_chat
    if chat is None:
        return
    t = Translator(language_of(update, context))
    title = t.gettext(TOPIC_TITLES[payload.topic])
    person = context.person
    if isinstance(payload, Subscribe):
        if person is None or not person.consented:
            await show_notice(update, context, needs_consent(t))
            return
        async with context.services.db.session() as session:
            await notify.subscribe(session, person.id, payload.topic)
        text = t.gettext("🔔 I will write to you when the article “{title}” changes.", title=title)
        await send_text(context.bot, chat.id, text, (unsubscribe_choice(t, payload.topic),))
        return
    if person is not None:
        async with context.services.db.session() as session:
            await notify.unsubscribe(session, person.id, payload.topic)
    text = t.gettext("🔕 You will no longer get messages about “{title}”.", title=title)
    await send_text(context.bot, chat.id, text)


class TelegramNotifier:
    """Sends the runs an editor starts in the console; resumes unfinished runs at start."""

    def __init__(self, bot: ExtBot[None], services: Services, rate: float = RATE) -> None:
        self.bot = bot
        self.services = services
        self.interval = 1.0 / rate
        self._wake = asyncio.Event()
        self._task: asyncio.Task[None] | None = None

    def start(self) -> None:
        self._task = asyncio.create_task(self._loop(), name="notifier")
        self._wake.set()

    async def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task

    def wake(self) -> None:
        """A run was started: send it now."""
        self._wake.set()

    async def _loop(self) -> None:
        while True:
            await self._wake.wait()
            self._wake.clear()
            try:
                async with self.services.db.session() as session:
                    runs = list(await notify.unfinished(session))
                for run in runs:
                    await self._send_run(run)
            except Exception:  # the next wake-up tries again; nothing is marked as sent
                log.exception("notifications: a run failed; it will be resumed")
                await asyncio.sleep(30)
                self._wake.set()

    async def _send_run(self, run: NotificationRun) -> None:
        while True:
            async with self.services.db.session() as session:
                batch = await notify.claim(session, run)
            if not batch:
                break
            for _, user in batch:
                delivered = await self._send_one(run.topic, user)
                async with self.services.db.session() as session:
                    await notify.counted(session, run.id, delivered)
                await asyncio.sleep(self.interval)
        async with self.services.db.session() as session:
            await notify.finish(session, run.id)
        log.info("notifications: run %d for %s finished", run.id, run.topic)

    async def _send_one(self, topic: str, user: User) -> bool:
        language = user.language or self.services.settings.default_language
        t = Translator(language)
        async with self.services.db.session() as session:
            answer = await published(session, topic, language)
        title = answer.title if answer else t.gettext(TOPIC_TITLES.get(topic, topic))
        text = t.gettext(
            "🔔 The article “{title}” has been updated. Tap below to read it.", title=title
        )
        choices = (topic_choice(t, topic), unsubscribe_choice(t, topic))
        for _ in range(3):
            try:
                await send_text(self.bot, int(user.external_id), text, choices)
                return True
            except RetryAfter as exc:
                delay = exc.retry_after
                await asyncio.sleep(
                    delay.total_seconds() if isinstance(delay, timedelta) else float(delay)
                )
            except (Forbidden, BadRequest):  # blocked the bot or deleted the chat
                return False
            except TelegramError:
                await asyncio.sleep(2)
        return False
