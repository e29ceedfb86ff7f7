"""The unanswered inbox: what the bot could not answer, answered unsure, or got 👎 for, with
personal data masked; and the training phrases staff make of it."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import and_, exists, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.db.models import (
    Article,
    ArticleTranslation,
    Feedback,
    InboxDecision,
    Message,
    TrainingPhrase,
)
from bot.i18n import N_
from bot.kb.markup import OVERVIEW, sections

#: An answer given with less confidence than this goes to the inbox.
LOW_CONFIDENCE = 0.6
#: Why a message is in the inbox -> its name in the console (translated there).
REASON_NAMES = {
    # TRANSLATORS: why a message is in the staff console's inbox of unanswered questions
    "fallback": N_("not understood"),
    # TRANSLATORS: why a message is in the unanswered inbox
    "clarify": N_("asked to clarify"),
    # TRANSLATORS: why a message is in the unanswered inbox
    "low_confidence": N_("answered unsure"),
    # TRANSLATORS: why a message is in the unanswered inbox: the person pressed 👎
    "disliked": N_("got 👎"),
    # TRANSLATORS: why a message is in the unanswered inbox: 👎 on the section the bot chose
    # for a specific question, while the topic was the right one
    "wrong_section": N_("right topic, wrong section"),
    # TRANSLATORS: why a message is in the unanswered inbox
    "out_of_scope": N_("out of scope"),
}
REASONS = tuple(REASON_NAMES)

#: A section key as articles write it (``{#key}``).
SECTION_KEY = re.compile(r"[a-z][a-z0-9_]{1,30}")

_EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
_PHONE = re.compile(r"(?<![\w])\+?\d[\d\s()\-]{6,}\d(?![\w])")
#: Passport and document numbers: letters then digits (AB1234567, № 1234567), or 6+ digits.
_DOCUMENT = re.compile(r"(?<![\w])(?:[A-ZА-ЯЁa-zа-яё]{1,3}\s?№?\s?)?\d{6,}(?![\w])")
#: Whatever follows "№" (series and number of a document).
_NUMBERED = re.compile(r"№\s?[\d\s]{4,}\d")


def mask(text: str) -> str:
    """``text`` with emails, phone numbers and document numbers replaced by markers."""
    text = _EMAIL.sub("[✉]", text)
    text = _NUMBERED.sub("[№]", text)
    text = _PHONE.sub(
        lambda m: "[☎]" if sum(c.isdigit() for c in m.group()) >= 7 else m.group(), text
    )
    return _DOCUMENT.sub("[№]", text)


@dataclass(frozen=True)
class Item:
    """A message in the inbox, masked."""

    id: int
    text: str
    language: str
    intent: str | None
    confidence: float | None
    action: str
    reason: str
    created_at: datetime
    #: The article and section the bot answered with, if any.
    article: str | None = None
    section: str | None = None


def _disliked(*, on_section: bool = False) -> object:
    """A 👎 on the answer to the message (``on_section``: on the section it showed)."""
    found = exists().where(
        Feedback.user_id == Message.user_id,
        Feedback.topic == Message.article,
        Feedback.helpful.is_(False),
        Feedback.created_at >= Message.created_at,
    )
    return found.where(Feedback.section == Message.section) if on_section else found


def _reason(message: Message, disliked: bool, on_section: bool = False) -> str:
    if on_section:
        # 👎 on the section chosen for a specific question: the topic was recognised
        return "wrong_section"
    if disliked:
        return "disliked"
    if message.action in ("fallback", "clarify", "out_of_scope"):
        return message.action
    return "low_confidence"


async def items(
    session: AsyncSession, language: str | None = None, reason: str | None = None, limit: int = 200
) -> list[Item]:
    """Undecided inbox messages, newest first."""
    disliked = _disliked()
    query = (
        select(
            Message,
            disliked.label("disliked"),  # type: ignore[attr-defined]
            _disliked(on_section=True).label("on_section"),  # type: ignore[attr-defined]
        )
        .where(~exists().where(InboxDecision.message_id == Message.id))
        .where(
            or_(
                Message.action.in_(("fallback", "clarify", "out_of_scope")),
                and_(Message.action == "answer", Message.confidence < LOW_CONFIDENCE),
                disliked,  # type: ignore[arg-type]
            )
        )
        .order_by(Message.id.desc())
        .limit(limit * 3 if reason else limit)
    )
    if language:
        query = query.where(Message.language == language)
    found = []
    for message, was_disliked, on_section in await session.execute(query):
        item = Item(
            message.id, mask(message.text), message.language, message.intent,
            message.confidence, message.action,
            _reason(message, bool(was_disliked), bool(on_section)),
            message.created_at, message.article, message.section,
        )  # fmt: skip
        if reason is None or item.reason == reason:
            found.append(item)
    return found[:limit]


async def section_titles(session: AsyncSession, language: str) -> dict[str, dict[str, str]]:
    """Topic -> section key -> its heading (in ``language`` where the article has it), from
    the published articles: the sections a phrase can be given to."""
    rows = await session.execute(
        select(Article.topic, ArticleTranslation.language, ArticleTranslation.body)
        .join(ArticleTranslation)
        .where(ArticleTranslation.status == "published")
    )
    titles: dict[str, dict[str, str]] = {}
    for topic, _language, body in sorted(rows, key=lambda r: r[1] != language):
        for part in sections(body):
            if part.key != OVERVIEW:
                titles.setdefault(topic, {}).setdefault(part.key, part.title)
    return titles


async def wanting_articles(session: AsyncSession, limit: int = 200) -> list[Item]:
    """Messages staff marked as needing a new article, newest decision first."""
    rows = await session.execute(
        select(Message, InboxDecision.decided_by)
        .join(InboxDecision, InboxDecision.message_id == Message.id)
        .where(InboxDecision.decision == "new_article")
        .order_by(InboxDecision.id.desc())
        .limit(limit)
    )
    return [
        Item(
            m.id,
            mask(m.text),
            m.language,
            m.intent,
            m.confidence,
            m.action,
            "new_article",
            m.created_at,
        )
        for m, _ in rows
    ]


async def decide(
    session: AsyncSession,
    message_id: int,
    decision: str,
    actor: str,
    topic: str | None = None,
    phrase: str | None = None,
    section: str | None = None,
) -> Message | None:
    """Record the decision; an assignment adds ``phrase`` as a training phrase of ``topic``
    (and of its ``section``, if given) in the message's language. ``None`` when the message is
    gone or already decided."""
    message = await session.get(Message, message_id)
    if message is None:
        return None
    if await session.scalar(select(InboxDecision.id).where(InboxDecision.message_id == message_id)):
        return None
    session.add(
        InboxDecision(message_id=message_id, decision=decision, topic=topic, decided_by=actor)
    )
    if decision == "assigned" and topic and phrase:
        await add_phrase(session, topic, message.language, phrase, actor, section)
    await session.flush()
    return message


async def add_phrase(
    session: AsyncSession,
    intent: str,
    language: str,
    text: str,
    actor: str,
    section: str | None = None,
) -> TrainingPhrase | None:
    """Add a training phrase, of a section of the topic's article if ``section`` is given: the
    bot uses it to choose that section at once, the NLU at its next training (``None`` if it
    is already there)."""
    text = " ".join(text.split())[:500]
    if not text:
        return None
    taken = await session.scalar(
        select(TrainingPhrase.id).where(
            TrainingPhrase.intent == intent,
            TrainingPhrase.language == language,
            TrainingPhrase.text == text,
        )
    )
    if taken is not None:
        return None
    phrase = TrainingPhrase(
        intent=intent, section=section, language=language, text=text, created_by=actor
    )
    session.add(phrase)
    await session.flush()
    return phrase


async def phrases(session: AsyncSession, intent: str | None = None) -> Sequence[TrainingPhrase]:
    query = select(TrainingPhrase).order_by(
        TrainingPhrase.intent, TrainingPhrase.language, TrainingPhrase.id
    )
    if intent:
        query = query.where(TrainingPhrase.intent == intent)
    return (await session.scalars(query)).all()


def to_rasa_yaml(rows: Sequence[TrainingPhrase]) -> str:
    """The phrases as a Rasa 3 NLU file (one block per intent and section; a section's block
    carries ``metadata: section:``, as in ``nlu/sections``), for ``nlu/``."""
    by_block: dict[tuple[str, str], list[str]] = {}
    for row in rows:
        by_block.setdefault((row.intent, row.section or ""), []).append(row.text)
    lines = ['version: "3.1"', "", "# Training phrases added in the staff console.", "nlu:"]
    for (intent, section), texts in sorted(by_block.items()):
        lines.append(f"  - intent: {intent}")
        if section:
            lines += ["    metadata:", f"      section: {section}"]
        lines.append("    examples: |")
        lines += [f"      - {text}" for text in texts]
    return "\n".join(lines) + "\n"
