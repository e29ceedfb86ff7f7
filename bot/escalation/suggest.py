"""Suggested replies for operators (issue 16): the knowledge base's sections that best match a
migrant's question, in the migrant's language, ready to send as they are or edited.

Ranked with the section index the dialogue uses (``bot.kb.section_choice``) over every topic,
with a small preference for the topic the NLU recognised when the ticket opened. A suggestion
is the knowledge base's own text, so it never carries another migrant's data.
"""

from __future__ import annotations

import asyncio
import math
from collections.abc import Sequence
from dataclasses import dataclass

from bot.dialogue.core import Articles, article_text, split_parts
from bot.i18n import Translator
from bot.kb.markup import OVERVIEW, expand, sections
from bot.kb.section_choice import SectionIndex, features
from bot.topics import TOPICS

#: At most this many suggestions.
LIMIT = 3
#: A section matching the question less than this is not suggested (it would waste a look).
MIN_SCORE = 0.12
#: Added to the score of the topic the NLU recognised when the ticket opened.
INTENT_BONUS = 0.05
#: A suggestion is at most one part of an answer (a reply an operator can read before sending).
MAX_CHARS = 1500


@dataclass(frozen=True)
class Suggestion:
    """One suggested reply: where it comes from, its heading and its text (Markdown, as the
    bot shows answers)."""

    topic: str
    #: The section's key; None for the article's overview.
    section: str | None
    title: str
    text: str
    score: float


def ranked(
    index: SectionIndex, question: str, intent: str | None, country: str | None = None
) -> list[tuple[str, str, float]]:
    """Every topic's sections by how well they match ``question``: ``(topic, section, score)``,
    best first."""
    found = [
        (topic, key, score + (INTENT_BONUS if topic == intent else 0.0))
        for topic, key, score in index.scores_all(question, country)
        if topic in TOPICS
    ]
    found.sort(key=lambda f: f[2], reverse=True)
    return found


async def suggest(
    articles: Articles,
    question: str,
    language: str,
    intent: str | None = None,
    country: str | None = None,
    limit: int = LIMIT,
) -> list[Suggestion]:
    """Up to ``limit`` replies from the knowledge base for ``question``, in ``language``."""
    index = await articles.sections()
    if index is None or not question.strip():
        return []
    t = Translator(language)
    picked = [(topic, key, score) for topic, key, score in ranked(index, question, intent, country)
              if score >= MIN_SCORE][:limit]  # fmt: skip
    topics = list(dict.fromkeys(topic for topic, _, _ in picked))
    # Each topic's article once, read side by side.
    answers = dict(
        zip(topics, await asyncio.gather(*(articles.article(x, language) for x in topics)),
            strict=True)
    )  # fmt: skip
    chosen: list[Suggestion] = []
    for topic, key, score in picked:
        answer = answers[topic]
        if answer is None:
            continue
        section = None if key == OVERVIEW else key
        heading = next((s.title for s in sections(answer.body) if s.key == section), None)
        if heading:
            facts = {f.key: f for f in answer.facts if f.key}
            heading = expand(heading, facts, {}, t)
        title = f"{answer.title}: {heading}" if heading else answer.title
        text = split_parts(article_text(answer, t, country, section), MAX_CHARS)[0]
        chosen.append(Suggestion(topic, section, title, text, score))
    return chosen


#: A saved reply is offered in the staff group when it matches the question at least this well
#: (plain n-gram cosine; the console lists them all).
SAVED_MIN_SCORE = 0.2


def similarity(a: str, b: str) -> float:
    """Cosine of the two texts' features (normalised n-grams and words), without weights."""
    fa, fb = features(a), features(b)
    dot = sum(v * fb.get(g, 0) for g, v in fa.items())
    norm = math.sqrt(sum(v * v for v in fa.values())) * math.sqrt(sum(v * v for v in fb.values()))
    return dot / norm if norm else 0.0


def best_saved(
    question: str, replies: Sequence[tuple[int, str, str]]
) -> tuple[int, str, str] | None:
    """The saved reply ``(id, title, text)`` that matches ``question`` best, if well enough."""
    best, top = None, 0.0
    for reply in replies:
        _, title, text = reply
        score = similarity(question, f"{title} {text}")
        if score > top:
            best, top = reply, score
    return best if top >= SAVED_MIN_SCORE else None
