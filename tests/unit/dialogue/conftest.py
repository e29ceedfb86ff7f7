"""The dialogue's test doubles, as fixtures: a fake NLU (httpx MockTransport) and articles in
memory."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import httpx
import pytest

from bot.dialogue import Dialogue
from bot.dialogue.core import Articles
from bot.kb.store import Answer
from bot.nlu import NLUClient

BODY = "**What to do**\n- Apply within 30 days.\n\n**Where to check**\n- мвд.рф"
MakeDialogue = Callable[..., Dialogue]


class FakeArticles:
    """Articles in memory: work_patent in en and ru, emergency_help in en; search by word."""

    def __init__(self) -> None:
        self.searches: list[str] = []

    async def article(self, topic: str, language: str) -> Answer | None:
        if topic not in {"work_patent", "emergency_help", "entry_ban"}:
            return None
        have = {"work_patent": ("en", "ru"), "emergency_help": ("en",), "entry_ban": ("en",)}
        shown = language if language in have[topic] else have[topic][0]
        related = ("medical_exam_insurance", "language_exam") if topic == "work_patent" else ()
        title = {"work_patent": "Work patent", "emergency_help": "Call 112 now",
                 "entry_ban": "Entry ban"}[topic]  # fmt: skip
        return Answer(topic, shown, title, BODY, related, topic == "emergency_help",
                      None if shown == language else language)  # fmt: skip

    async def search(self, text: str, limit: int = 3) -> list[str]:
        self.searches.append(text)
        return ["work_patent"] if "patent" in text else []


def fake_nlu(ranking: list[tuple[str, float]] | None = None, status: int = 200) -> NLUClient:
    """An NLU client whose server answers every parse with ``ranking`` (or ``status``)."""
    ranking = ranking or []

    def handler(request: httpx.Request) -> httpx.Response:
        top = ranking[0] if ranking else ("nlu_fallback", 0.0)
        body: dict[str, Any] = {
            "text": "x",
            "intent": {"name": top[0], "confidence": top[1]},
            "intent_ranking": [{"name": n, "confidence": c} for n, c in ranking],
        }
        return httpx.Response(status, json=body)

    return NLUClient("http://nlu.test", transport=httpx.MockTransport(handler))


@pytest.fixture
def make_dialogue() -> MakeDialogue:
    """``make_dialogue(ranking, status=200, articles=None)``: a dialogue over a fake NLU that
    ranks every message with ``ranking``, and ``FakeArticles`` (or ``articles``)."""

    def make(
        ranking: list[tuple[str, float]] | None = None,
        status: int = 200,
        articles: Articles | None = None,
    ) -> Dialogue:
        return Dialogue(fake_nlu(ranking, status), articles or FakeArticles())

    return make
