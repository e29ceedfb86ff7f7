"""The dashboard's figures over a period: questions by day, language and topic, what the bot did
with them, 👍/👎 per article, time to an operator's first reply, ratings."""

from __future__ import annotations

import statistics
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.db.models import Feedback, Message, Ticket
from bot.i18n import LANGUAGES, TIMEZONE

OUTCOMES = ("answer", "clarify", "fallback", "escalate")


@dataclass
class Figures:
    start: date
    end: date
    days: list[date] = field(default_factory=list)
    #: day -> language -> questions
    per_day: dict[date, Counter[str]] = field(default_factory=dict)
    per_topic: Counter[str] = field(default_factory=Counter)
    outcomes: Counter[str] = field(default_factory=Counter)
    total: int = 0
    #: topic -> (👍, 👎)
    feedback: dict[str, list[int]] = field(default_factory=dict)
    first_reply_median: timedelta | None = None
    tickets: int = 0
    ratings: Counter[int] = field(default_factory=Counter)

    def share(self, outcome: str) -> float:
        return self.outcomes[outcome] / self.total if self.total else 0.0


def _bounds(start: date, end: date) -> tuple[datetime, datetime]:
    begin = datetime.combine(start, time.min, TIMEZONE).astimezone(UTC)
    finish = datetime.combine(end + timedelta(days=1), time.min, TIMEZONE).astimezone(UTC)
    return begin, finish


async def figures(session: AsyncSession, start: date, end: date) -> Figures:
    """The figures for the days ``start`` to ``end`` (inclusive, Dushanbe time)."""
    begin, finish = _bounds(start, end)
    out = Figures(start, end)
    day = start
    while day <= end:
        out.days.append(day)
        out.per_day[day] = Counter()
        day += timedelta(days=1)
    rows = await session.execute(
        select(Message.created_at, Message.language, Message.action, Message.article).where(
            Message.created_at >= begin, Message.created_at < finish
        )
    )
    for created, language, action, article in rows:
        local = created.astimezone(TIMEZONE).date()
        out.per_day.setdefault(local, Counter())[language] += 1
        out.total += 1
        outcome = action if action in OUTCOMES else ("answer" if article else "other")
        out.outcomes[outcome] += 1
        if article:
            out.per_topic[article] += 1
    votes: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    for topic, helpful in await session.execute(
        select(Feedback.topic, Feedback.helpful).where(
            Feedback.created_at >= begin, Feedback.created_at < finish
        )
    ):
        votes[topic][0 if helpful else 1] += 1
    out.feedback = dict(sorted(votes.items()))
    waits = []
    for opened, first, rating in await session.execute(
        select(Ticket.opened_at, Ticket.first_reply_at, Ticket.rating).where(
            Ticket.opened_at >= begin, Ticket.opened_at < finish
        )
    ):
        out.tickets += 1
        if first is not None:
            waits.append((first - opened).total_seconds())
        if rating is not None:
            out.ratings[rating] += 1
    if waits:
        out.first_reply_median = timedelta(seconds=statistics.median(waits))
    return out


@dataclass(frozen=True)
class Bar:
    label: str
    value: int
    x: float
    y: float
    width: float
    height: float
    colour: str


LANGUAGE_COLOURS = {"tg": "#2e7d32", "ru": "#1565c0", "en": "#ef6c00"}


def day_bars(figures: Figures, height: float = 160.0, width: float = 720.0) -> list[Bar]:
    """Stacked bars per day, one colour per language (an SVG chart's rectangles)."""
    days = figures.days or [figures.start]
    top = max((sum(figures.per_day.get(d, Counter()).values()) for d in days), default=0) or 1
    step = width / len(days)
    bars = []
    for i, day in enumerate(days):
        y = height
        for language in LANGUAGES:
            value = figures.per_day.get(day, Counter())[language]
            if not value:
                continue
            h = value / top * height
            y -= h
            bars.append(
                Bar(f"{day.isoformat()} {language}: {value}", value, i * step + 1, y,
                    max(step - 2, 1), h, LANGUAGE_COLOURS[language])
            )  # fmt: skip
    return bars


def horizontal(values: list[tuple[str, int]], width: float = 400.0) -> list[Bar]:
    """Horizontal bars (topics, ratings), longest first as given."""
    top = max((v for _, v in values), default=0) or 1
    return [
        Bar(label, value, 0, i * 22, value / top * width, 18, "#1565c0")
        for i, (label, value) in enumerate(values)
    ]
