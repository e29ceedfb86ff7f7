"""``mrc kb eval``: does the fact a specific question turns on reach the migrant at once?

Each question of the held-out set ``tests/nlu/test_facts.yml`` (evaluation only) names the one
fact (or verified contact) that answers it. The question goes through the real NLU server and
the dialogue, as on Telegram, in a new conversation; it counts as answered when the fact's value,
as the reply's language writes it, is in the **first message** the migrant receives (the first
part of a long answer). Reported: the share answered, per form of writing and per topic, the
share whose topic was recognised, and every miss.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import yaml

from bot import PROJECT_DIR
from bot.dialogue import Conversation, Dialogue, Reply
from bot.dialogue.render import to_plain
from bot.kb.markup import fact_value
from bot.kb.section_eval import CachingNLU, share, share_by
from bot.kb.store import Answer

FACTS_TEST = PROJECT_DIR / "tests" / "nlu" / "test_facts.yml"
TARGET = 0.9


@dataclass(frozen=True)
class Question:
    text: str
    form: str
    topic: str
    fact: str | None = None
    contact: str | None = None
    country: str | None = None


def load_questions(path: Path = FACTS_TEST) -> list[Question]:
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    return [Question(**q) for q in data["questions"]]


def expected_value(question: Question, answer: Answer | None, language: str) -> str | None:
    """What must be in the first message: the fact's value in ``language`` (or the contact's
    first phone number); None when the article does not have it (a broken test item)."""
    if answer is None:
        return None
    if question.fact is not None:
        fact = next((f for f in answer.facts if f.key == question.fact), None)
        return fact_value(fact, language) if fact else None
    contact = next((c for c in answer.contacts if c.key == question.contact), None)
    return contact.phones[0].number if contact and contact.phones else None


def first_message(reply: Reply) -> str:
    """The text of the first message the migrant receives, as they read it."""
    return to_plain(reply.text)


async def evaluate_facts(
    dialogue: Dialogue, questions: list[Question], fallback: str = "tg"
) -> dict[str, Any]:
    """Ask every question (eight at a time, each in a new conversation); the figures."""
    semaphore = asyncio.Semaphore(8)

    async def ask(question: Question) -> dict[str, Any]:
        async with semaphore:
            reply = await dialogue.respond(question.text, None, fallback, Conversation())
        answer = await dialogue.articles.article(question.topic, reply.language)
        value = expected_value(question, answer, reply.language)
        shown = first_message(reply)
        return {
            "text": question.text, "form": question.form, "topic": question.topic,
            "fact": question.fact or question.contact, "expected": value,
            "answered_topic": reply.article, "language": reply.language,
            "found": value is not None and value in shown,
            "topic_right": reply.article == question.topic,
            "first_message": shown[:300],
        }  # fmt: skip

    rows = list(await asyncio.gather(*(ask(q) for q in questions)))
    return {
        "questions": len(rows),
        "fact_in_first_message": share([r["found"] for r in rows]),
        "topic_recognised": share([r["topic_right"] for r in rows]),
        "per_form": share_by(rows, "form", "found"),
        "per_topic": share_by(rows, "topic", "found"),
        "broken_items": [r["text"] for r in rows if r["expected"] is None],
        "misses": [r for r in rows if not r["found"]],
        "target": TARGET,
        "date": datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"),
    }


def summary(result: dict[str, Any]) -> str:
    lines = [
        f"{result['questions']} specific questions: the fact is in the first message for "
        f"{result['fact_in_first_message']:.3f} (target {result['target']}); topic recognised "
        f"{result['topic_recognised']:.3f}",
        "per form: " + ", ".join(f"{k} {v:.2f}" for k, v in result["per_form"].items()),
        "per topic: " + ", ".join(f"{k} {v:.2f}" for k, v in result["per_topic"].items()),
    ]
    if result["broken_items"]:
        lines.append(f"test items whose fact the article lacks: {len(result['broken_items'])}")
    return "\n".join(lines)


def write(result: dict[str, Any], reports: Path) -> list[Path]:
    reports.mkdir(parents=True, exist_ok=True)
    path = reports / "facts-eval.json"
    path.write_text(json.dumps(result, indent=2, ensure_ascii=False), encoding="utf-8")
    markdown = reports / "facts-eval.md"
    misses = "\n".join(
        f"| {m['form']} | {m['topic']} | {m['fact']} | {m['answered_topic']} | {m['text']} |"
        for m in result["misses"]
    )
    markdown.write_text(
        "# Facts in the first message\n\n"
        + summary(result).replace("\n", "\n\n")
        + "\n\n## Misses\n\n| form | topic | fact | answered | question |\n|---|---|---|---|---|\n"
        + misses
        + "\n",
        encoding="utf-8",
    )
    return [path, markdown]


async def run(
    settings_models_dir: Path,
    job: Callable[[Callable[[], Dialogue]], Awaitable[dict[str, Any]]],
) -> dict[str, Any]:
    """Run ``job`` on the knowledge-base files as they are (imported into a database of its
    own) and the current model (served on a free port for the run). ``job`` gets a factory of
    dialogues (each with a fresh knowledge base; the NLU's answers are kept, so that asking a
    text again costs nothing)."""
    import tempfile

    from bot.db import Database, migrate
    from bot.kb.files import load_contacts
    from bot.kb.service import KnowledgeBase
    from bot.kb.store import import_articles, import_contacts
    from bot.kb.validate import check
    from bot.nlu import NLUClient
    from bot.nlu.server import serving
    from bot.nlu.training import NLUProject, train
    from bot.settings import async_database_url

    articles, problems = check()
    if problems:
        raise ValueError("the knowledge base is not valid: run mrc kb validate")
    project = NLUProject(models_dir=settings_models_dir)
    model, _ = await asyncio.to_thread(train, project, quiet=True)
    with tempfile.TemporaryDirectory(prefix="mrc-kb-eval-") as tmp:
        url = async_database_url(f"sqlite:///{Path(tmp) / 'kb.db'}")
        await asyncio.to_thread(migrate.upgrade, url)
        db = Database(url)
        try:
            async with db.session() as session:
                await import_contacts(session, load_contacts())
                await import_articles(session, articles)
            async with (
                serving(model, project) as server,
                NLUClient(server.url, server.token, timeout=30) as nlu,
            ):
                cached = CachingNLU(nlu)
                result = await job(lambda: Dialogue(cached, KnowledgeBase(db)))  # type: ignore[arg-type]
        finally:
            await db.dispose()
    result["model"] = model.name
    return result
