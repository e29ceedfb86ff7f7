"""Sending replies: Telegram HTML, split under Telegram's 4,096-character limit, with buttons."""

from __future__ import annotations

import asyncio
import html
import logging
import re

import httpx
from telegram import InlineKeyboardButton, InlineKeyboardMarkup, LinkPreviewOptions, Message
from telegram.constants import MessageLimit, ParseMode
from telegram.error import BadRequest, Forbidden, NetworkError, TimedOut
from telegram.ext import ExtBot

from bot.dialogue import Choice, Reply
from bot.dialogue.payloads import encode
from bot.dialogue.render import to_telegram_html

log = logging.getLogger(__name__)

MAX_TEXT = MessageLimit.MAX_TEXT_LENGTH  # 4096
_TAG = re.compile(r"<[^>]+>")
_NO_PREVIEW = LinkPreviewOptions(is_disabled=True)


def visible_length(text: str) -> int:
    """The length Telegram counts: the text without tags, entities unescaped."""
    return len(html.unescape(_TAG.sub("", text)))


def _cut_line(line: str, limit: int) -> list[str]:
    """An overlong line as plain escaped text, cut at spaces (tags cannot be cut safely)."""
    plain = html.unescape(_TAG.sub("", line))
    pieces = []
    while len(plain) > limit:
        cut = plain.rfind(" ", 0, limit + 1)
        cut = cut if cut > 0 else limit
        pieces.append(plain[:cut])
        plain = plain[cut:].lstrip()
    return [html.escape(p, quote=False) for p in [*pieces, plain]]


def split_html(text: str, limit: int = MAX_TEXT) -> list[str]:
    """``text`` in messages of at most ``limit`` visible characters, cut between paragraphs,
    else between lines; every tag stays whole (the renderer never spans a tag over lines)."""
    if visible_length(text) <= limit:
        return [text]
    blocks: list[str] = []
    for paragraph in text.split("\n\n"):
        if visible_length(paragraph) <= limit:
            blocks.append(paragraph)
            continue
        for line in paragraph.split("\n"):
            blocks.extend([line] if visible_length(line) <= limit else _cut_line(line, limit))
    messages: list[str] = []
    current = ""
    for block in blocks:
        joined = f"{current}\n\n{block}" if current else block
        if visible_length(joined) <= limit:
            current = joined
        else:
            messages.append(current)
            current = block
    messages.append(current)
    return [m for m in messages if m.strip()]


#: Buttons that may share a row (👍 👎, a topic's sections) go at most this many to a row.
ROW_WIDTH = 2


def keyboard(choices: tuple[Choice, ...]) -> InlineKeyboardMarkup | None:
    """The choices as buttons, one per row (big targets on small phones), except that
    consecutive choices of the same ``row`` share rows of two."""
    rows: list[list[InlineKeyboardButton]] = []
    previous: str | None = None
    for choice in choices:
        button = InlineKeyboardButton(choice.label, callback_data=encode(choice.payload))
        if choice.row is not None and choice.row == previous and len(rows[-1]) < ROW_WIDTH:
            rows[-1].append(button)
        else:
            rows.append([button])
        previous = choice.row
    return InlineKeyboardMarkup(rows) if rows else None


def may_have_arrived(exc: NetworkError) -> bool:
    """Whether Telegram may have received (and acted on) a request that failed with ``exc``:
    a timeout while sending it or waiting for the answer. A connection that could not be made,
    or a pool with no free connection, sent nothing; an error answer (5xx) is an answer."""
    if not isinstance(exc, TimedOut):
        return False
    return not isinstance(exc.__cause__, httpx.ConnectTimeout | httpx.PoolTimeout)


async def _retrying(call, what: str):  # type: ignore[no-untyped-def]
    """Retry a call that surely did not reach Telegram (no connection, Telegram 5xx); 429 is
    retried by the limiter. A timeout after the request went out is neither retried nor an
    error (``None``): a message must not arrive twice because Telegram was slow to confirm it,
    and the person must not be told that something failed when it probably did not."""
    for attempt in range(4):
        try:
            return await call()
        except (BadRequest, Forbidden):
            raise
        except NetworkError as exc:
            if may_have_arrived(exc):
                log.warning("%s timed out; not sent again (it may have arrived)", what)
                return None
            if attempt == 3:
                raise
            log.warning("%s failed (%s); retrying", what, exc)
            await asyncio.sleep(0.5 * 2**attempt)
    return None


async def send_html(
    bot: ExtBot[None],
    chat_id: int,
    text: str,
    choices: tuple[Choice, ...] = (),
    thread_id: int | None = None,
) -> list[Message]:
    """Send Telegram HTML ``text`` in as many messages as it needs; buttons on the last."""
    parts = split_html(text)
    sent: list[Message] = []
    for i, part in enumerate(parts):
        markup = keyboard(choices) if i == len(parts) - 1 else None

        async def call(part: str = part, markup: InlineKeyboardMarkup | None = markup) -> Message:
            return await bot.send_message(
                chat_id,
                part,
                parse_mode=ParseMode.HTML,
                reply_markup=markup,
                link_preview_options=_NO_PREVIEW,
                message_thread_id=thread_id,
            )

        message = await _retrying(call, "sendMessage")
        if message is not None:
            sent.append(message)
    return sent


async def send_text(
    bot: ExtBot[None],
    chat_id: int,
    text: str,
    choices: tuple[Choice, ...] = (),
    thread_id: int | None = None,
) -> list[Message]:
    """Send plain ``text`` (escaped, so nothing in it is taken as markup)."""
    return await send_html(bot, chat_id, html.escape(text, quote=False), choices, thread_id)


async def send_reply(bot: ExtBot[None], chat_id: int, reply: Reply) -> list[Message]:
    """Send a reply of the dialogue core (its Markdown rendered as Telegram HTML)."""
    return await send_html(bot, chat_id, to_telegram_html(reply.text), reply.choices)


async def edit_reply(message: Message, reply: Reply) -> bool:
    """Show ``reply`` in place of ``message`` (menu navigation); False if Telegram refused."""
    text = to_telegram_html(reply.text)
    if visible_length(text) > MAX_TEXT:
        return False
    try:
        await message.edit_text(
            text,
            parse_mode=ParseMode.HTML,
            reply_markup=keyboard(reply.choices),
            link_preview_options=_NO_PREVIEW,
        )
    except BadRequest as exc:
        if "not modified" in str(exc).lower():
            return True
        log.info("could not edit a message (%s); sending a new one", exc)
        return False
    return True
