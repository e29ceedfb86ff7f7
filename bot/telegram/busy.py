"""The "typing…" indicator, shown only when an answer takes long enough for someone to notice.

Most answers are ready in a few tens of milliseconds: an indicator then is never seen, yet it is
one more call to Telegram for every question (measured: a fifth of the bot's HTTP calls under
load). It is sent once the answer has taken ``delay`` seconds, and again every few seconds while
it is still being prepared (Telegram shows it for five).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator, Awaitable, Callable

from telegram import Bot
from telegram.constants import ChatAction
from telegram.error import TelegramError

log = logging.getLogger(__name__)

#: Telegram shows the indicator for five seconds (or until the next message).
REPEAT = 4.5


#: Waits up to a number of seconds for an event; whether it came (a test passes its own clock).
Wait = Callable[[asyncio.Event, float], Awaitable[bool]]


async def _stopped(stop: asyncio.Event, seconds: float) -> bool:
    """Wait up to ``seconds`` for ``stop``; whether it came."""
    try:
        await asyncio.wait_for(stop.wait(), seconds)
    except TimeoutError:
        return False
    return True


@contextlib.asynccontextmanager
async def typing_when_slow(
    bot: Bot, chat_id: int, delay: float, repeat: float = REPEAT, wait: Wait = _stopped
) -> AsyncIterator[None]:
    """Show "typing…" in ``chat_id`` while the block runs, once it has run ``delay`` seconds.

    An indicator already on its way when the block ends is let finish before the answer goes
    out: cut off half-way it would be a broken request, and arriving after the answer it would
    show "typing…" under it."""
    stop = asyncio.Event()

    async def indicate() -> None:
        if await wait(stop, delay):
            return
        while True:
            try:
                await bot.send_chat_action(chat_id, ChatAction.TYPING)
            except TelegramError as exc:  # the answer matters, the indicator not
                log.debug("no typing indicator: %s", exc)
            if await wait(stop, repeat):
                return

    task = asyncio.create_task(indicate())
    try:
        yield
    finally:
        stop.set()
        await task
