"""``mrc ask``: the dialogue's decision for one question, or for JSON lines from stdin.

Uses the NLU server at ``MRC_NLU_URL`` if it answers; otherwise (with ``MRC_NLU_MANAGE``) starts
one for its own run and stops it afterwards.
"""

from __future__ import annotations

import asyncio
import json
import sys
from contextlib import AsyncExitStack
from typing import Any

from bot.assembly import (
    StartupError,
    build_dialogue,
    check_translations,
    configured_token,
    nlu_project,
    prepare_database,
)
from bot.db import Database
from bot.dialogue import Conversation, Reply
from bot.dialogue.render import to_plain
from bot.i18n import LANGUAGES
from bot.nlu import NLUClient
from bot.nlu.server import RasaStartError, serving
from bot.nlu.training import NLUEnvironmentMissing, TrainingFailed, train
from bot.settings import Settings


def decision(question: str, reply: Reply) -> dict[str, Any]:
    """The JSON line for one answered question."""
    return {
        "text": question,
        "lang": reply.language,
        "intent": reply.intent,
        "confidence": round(reply.confidence, 4),
        "action": reply.action.value,
        "article": reply.article,
        # The section of the article shown first (null: the article from its beginning).
        "section": reply.section,
        "candidates": list(reply.candidates),
        "escalate": reply.escalate,
        "degraded": reply.degraded,
        "reply": reply.text,
        # For an answer from an article: when it was checked, the country it was shown for,
        # and where its facts come from.
        "checked": reply.checked.isoformat() if reply.checked else None,
        "country": reply.country,
        "sources": [
            {
                "title": s.title, "url": s.url, "kind": s.kind,
                "published": s.published.isoformat() if s.published else None,
                "accessed": s.accessed.isoformat() if s.accessed else None,
            }
            for s in reply.sources
        ],
    }  # fmt: skip


async def _nlu_urls(settings: Settings, stack: AsyncExitStack) -> tuple[list[str], str | None]:
    """Ready NLU servers: the configured ones, else one of our own on a free port."""
    token = configured_token(settings)
    async with NLUClient(settings.nlu_urls, token, timeout=2) as probe:
        if await probe.is_ready() or not settings.nlu_manage:
            return settings.nlu_urls, token
    print("mrc ask: no NLU server at MRC_NLU_URL; starting one for this run…", file=sys.stderr)
    project = nlu_project(settings)
    model, _ = await asyncio.to_thread(train, project, quiet=True)
    # Its own port and token: the token file belongs to a long-running `mrc run` or `nlu serve`.
    server = await stack.enter_async_context(serving(model, project, settings.nlu_startup_timeout))
    return [server.url], server.token


def _read_jsonl_line(line: str) -> tuple[str, str | None, str] | str:
    """``(text, language, user)`` of one input line, or an error message."""
    try:
        data = json.loads(line)
    except ValueError:
        return "not JSON"
    if not isinstance(data, dict) or not isinstance(data.get("text"), str):
        return 'needs an object with a "text" string'
    language = data.get("lang")
    if language is not None and language not in LANGUAGES:
        return f"unsupported lang {language!r}"
    return data["text"], language, str(data.get("user", ""))


async def run_ask(
    settings: Settings, text: str | None, language: str | None, jsonl: bool, as_json: bool
) -> int:
    """Answer and print; 0 on success, 1 if the product could not start, 3 if degraded."""
    async with AsyncExitStack() as stack:
        db = Database(settings.database_url)
        stack.push_async_callback(db.dispose)
        try:
            check_translations()
            await prepare_database(settings, db)
            urls, token = await _nlu_urls(settings, stack)
        except (StartupError, NLUEnvironmentMissing, TrainingFailed, RasaStartError) as exc:
            print(f"mrc: error: {exc}", file=sys.stderr)
            return 1
        nlu = await stack.enter_async_context(NLUClient(urls, token, settings.nlu_timeout))
        dialogue = build_dialogue(settings, nlu, db)
        fallback = settings.default_language
        if not jsonl:
            assert text is not None
            reply = await dialogue.respond(text, language, fallback)
            if as_json:
                print(json.dumps(decision(text, reply), ensure_ascii=False))
            else:
                print(to_plain(reply.text))
                for number, choice in enumerate(reply.choices, 1):
                    print(f"  [{number}] {choice.label}")
            return 3 if reply.degraded else 0
        lines = [line for line in sys.stdin.read().splitlines() if line.strip()]
        outputs: list[str] = [""] * len(lines)
        by_user: dict[str, list[int]] = {}
        questions: dict[int, tuple[str, str | None, str]] = {}
        for index, line in enumerate(lines):
            parsed = _read_jsonl_line(line)
            if isinstance(parsed, str):
                outputs[index] = json.dumps(
                    {"error": parsed, "input": line[:200]}, ensure_ascii=False
                )
            else:  # one user's lines in order, in one conversation; users side by side
                questions[index] = parsed
                by_user.setdefault(parsed[2] or f"#{index}", []).append(index)
        semaphore = asyncio.Semaphore(8)

        async def conversation(indices: list[int]) -> None:
            state = Conversation()
            for index in indices:
                question, lang, _ = questions[index]
                async with semaphore:
                    reply = await dialogue.respond(question, lang, fallback, state)
                outputs[index] = json.dumps(decision(question, reply), ensure_ascii=False)

        await asyncio.gather(*(conversation(indices) for indices in by_user.values()))
        for output in outputs:
            print(output)
    return 0
