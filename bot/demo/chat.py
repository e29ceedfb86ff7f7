"""A terminal chat with the dialogue core, for newcomers and staff trying the bot locally."""

from __future__ import annotations

import asyncio
import contextlib
import sys
from collections.abc import AsyncIterator
from typing import TextIO

from babel import Locale

from bot.dialogue import Choice, Conversation, Dialogue
from bot.dialogue.render import to_plain
from bot.i18n import LANGUAGES, Translator


async def read_lines(stream: TextIO) -> AsyncIterator[str]:
    """Lines of ``stream`` without blocking the event loop (terminal, pipe or file)."""
    loop = asyncio.get_running_loop()
    reader = asyncio.StreamReader()
    try:
        await loop.connect_read_pipe(lambda: asyncio.StreamReaderProtocol(reader), stream)
    except (ValueError, OSError):  # a regular file: read it in a thread
        while line := await asyncio.to_thread(stream.readline):
            yield line.rstrip("\n")
        return
    while line_bytes := await reader.readline():
        yield line_bytes.decode("utf-8", errors="replace").rstrip("\n")


async def run_chat(
    dialogue: Dialogue,
    language: str,
    stop: asyncio.Event,
    stdin: TextIO = sys.stdin,
    stdout: TextIO = sys.stdout,
) -> None:
    """Chat until end of input, ``/quit`` or ``stop``; ``/lang tg|ru|en`` chooses a language.

    Until a language is chosen, each reply is in the language of the message, else in
    ``language``.
    """
    t = Translator(language)
    chosen: str | None = None
    conversation = Conversation()
    choices: tuple[Choice, ...] = ()
    print(t.gettext("MRC Assistant: local demo. Type your question and press Enter."), file=stdout)
    print(
        t.gettext(
            "Commands: /lang tg, /lang ru, /lang en; /quit to leave. Type a number to choose."
        ),
        file=stdout,
    )
    lines = read_lines(stdin)
    while not stop.is_set():
        print("> ", end="", file=stdout, flush=True)
        next_line = asyncio.ensure_future(anext(lines))
        stopped = asyncio.ensure_future(stop.wait())
        done, _ = await asyncio.wait({next_line, stopped}, return_when=asyncio.FIRST_COMPLETED)
        stopped.cancel()
        if next_line not in done:
            next_line.cancel()
            with contextlib.suppress(asyncio.CancelledError, StopAsyncIteration):
                await next_line
            break
        try:
            line = next_line.result()
        except StopAsyncIteration:
            break
        command, _, arg = line.strip().partition(" ")
        if command == "/quit":
            break
        if command == "/lang":
            if arg.strip() in LANGUAGES:
                chosen = language = arg.strip()
                t = Translator(language)
                name = Locale.parse(language).get_display_name(language) or language
                print(t.gettext("The language is now: {language}.", language=name), file=stdout)
            else:
                print(t.gettext("Choose one of: tg, ru, en."), file=stdout)
            continue
        if line.strip().isdigit() and 1 <= int(line.strip()) <= len(choices):
            payload = choices[int(line.strip()) - 1].payload
            reply = await dialogue.press(payload, chosen or language, conversation)
        else:
            reply = await dialogue.respond(line, chosen, language, conversation)
        if reply.action == "language":
            chosen = language = reply.language
            t = Translator(language)
        print(to_plain(reply.text), file=stdout)
        if reply.escalate:
            print(
                Translator(reply.language).gettext(
                    "(This is the local demo: no operator is connected here. On Telegram, your "
                    "question would reach an MRC operator.)"
                ),
                file=stdout,
            )
        choices = reply.choices
        for number, choice in enumerate(choices, 1):
            print(f"  [{number}] {choice.label}", file=stdout)
        stdout.flush()
    print(file=stdout)
