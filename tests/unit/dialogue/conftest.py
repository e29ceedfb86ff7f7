"""The dialogue's test doubles, as fixtures: a fake NLU (httpx MockTransport) and articles in
memory."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import httpx
import pytest

from bot.dialogue import Dialogue
from bot.dialogue.core import Articles
from bot.kb.files import Contact, Phone, Source
from bot.kb.section_choice import Phrase, SectionIndex
from bot.kb.store import Answer
from bot.nlu import NLUClient

BODY = (
    "**What to do** {#what_to_do}\n- Apply within 30 days.\n\n"
    "**Monthly payment** {#payment}\n- Pay the advance every month, before the day it ends.\n\n"
    "**Where to check** {#check}\n- мвд.рф"
)
#: Sub-questions of those sections (bot.kb.section_choice compares questions with them).
PHRASES = [
    Phrase("work_patent", "payment", text)
    for text in ("how much is the monthly payment", "сколько платить за патент в месяц",
                 "patent har moh chand pul")
] + [
    Phrase("work_patent", "check", text)
    for text in ("where can I check my patent is valid", "где проверить патент")
]  # fmt: skip
#: With a section for Kazakhstan only.
BODY_KZ = BODY + "\n\n**In Kazakhstan** {#kz country=kazakhstan}\n- A permit, not a patent."
CHECKED = dt.date(2026, 11, 30)
SOURCE = Source("law", "Federal Law 115-FZ", url="https://a.example/115", kind="law",
                accessed=CHECKED)  # fmt: skip
CONTACTS = (
    Contact("emergency_russia", {"tg": "Ёрӣ", "ru": "Экстренные службы", "en": "Emergency"},
            group="emergency", phones=(Phone("112"),), verified=True),
    Contact("embassy", {"tg": "Сафорат", "ru": "Посольство", "en": "Embassy"}, group="embassy"),
)  # fmt: skip
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
        body = BODY_KZ if topic == "work_patent" else BODY
        return Answer(
            topic, shown, title, body, related, topic == "emergency_help",
            None if shown == language else language, sources=(SOURCE,),
            last_reviewed=CHECKED, countries=("russia",) if topic == "entry_ban" else ("any",),
        )  # fmt: skip

    async def search(self, text: str, limit: int = 3) -> list[str]:
        self.searches.append(text)
        return ["work_patent"] if "patent" in text else []

    async def contacts(self) -> list[Contact]:
        return list(CONTACTS)

    async def sections(self) -> SectionIndex:
        """The real section index over these articles, with a few section phrases."""
        articles = [(t, a.title, a.body) for t in ("work_patent", "emergency_help", "entry_ban")
                    if (a := await self.article(t, "en")) is not None]  # fmt: skip
        return SectionIndex(articles, PHRASES)


def fake_nlu(
    ranking: list[tuple[str, float]] | None = None,
    status: int = 200,
    entities: list[tuple[str, str]] | None = None,
) -> NLUClient:
    """An NLU client whose server answers every parse with ``ranking`` and ``entities``
    (``(entity, value)`` pairs), or with ``status``."""
    ranking = ranking or []

    def handler(request: httpx.Request) -> httpx.Response:
        top = ranking[0] if ranking else ("nlu_fallback", 0.0)
        body: dict[str, Any] = {
            "text": "x",
            "intent": {"name": top[0], "confidence": top[1]},
            "intent_ranking": [{"name": n, "confidence": c} for n, c in ranking],
            "entities": [{"entity": e, "value": v} for e, v in entities or []],
        }
        return httpx.Response(status, json=body)

    return NLUClient("http://nlu.test", transport=httpx.MockTransport(handler))


@pytest.fixture
def make_dialogue() -> MakeDialogue:
    """``make_dialogue(ranking, status=200, articles=None, entities=None)``: a dialogue over a
    fake NLU that ranks every message with ``ranking`` (and finds ``entities``), and
    ``FakeArticles`` (or ``articles``)."""

    def make(
        ranking: list[tuple[str, float]] | None = None,
        status: int = 200,
        articles: Articles | None = None,
        entities: list[tuple[str, str]] | None = None,
    ) -> Dialogue:
        return Dialogue(fake_nlu(ranking, status, entities), articles or FakeArticles())

    return make
