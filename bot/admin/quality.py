"""Staff-graded answer quality (issue 16): editors and operators grade samples of the bot's
answers (right, partly right, wrong, with a reason), and the dashboard shows the pass rate.

The sample mixes answers that got 👎 or were followed by a request for a person with random
ones, so that both the known problems and the everyday answers are judged. The migrant's
words are shown masked, as in the unanswered inbox.
"""

from __future__ import annotations

import random
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from sqlalchemy import and_, exists, func, select
from sqlalchemy.ext.asyncio import AsyncSession
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from bot.admin import audit
from bot.admin.accounts import ADMIN, EDITOR, OPERATOR
from bot.admin.console import console_of, require, route, staff_of
from bot.admin.unanswered import mask
from bot.db.models import AnswerGrade, Feedback, Message, Ticket
from bot.escalation.hours import OfficeHours
from bot.escalation.promise import due_by
from bot.i18n import N_, Translator
from bot.topics import TOPIC_TITLES

GRADE_NAMES = {
    # TRANSLATORS: a staff grade of one of the bot's answers
    "right": N_("right"),
    # TRANSLATORS: a staff grade of one of the bot's answers
    "partly": N_("partly right"),
    # TRANSLATORS: a staff grade of one of the bot's answers
    "wrong": N_("wrong"),
}
#: Answers shown for grading at a time: half flagged (👎, a person asked for), half random.
SAMPLE = 10
#: The sample is drawn from this many latest ungraded answers.
RECENT = 500
#: A request for a person this soon after an answer flags the answer.
FOLLOWED_WITHIN = timedelta(minutes=30)
MAX_REASON = 300


@dataclass(frozen=True)
class Ungraded:
    """An answer waiting for a grade, as staff see it."""

    id: int
    created_at: datetime
    language: str
    text: str
    topic: str
    section: str | None
    flagged: bool


async def sample(
    session: AsyncSession, size: int = SAMPLE, seed: int | None = None
) -> list[Ungraded]:
    """Answers not graded yet, among the latest ``RECENT``: up to half flagged ones (👎 on the
    topic after it, or a request for a person within ``FOLLOWED_WITHIN``), newest first; the
    rest at random."""
    graded = exists().where(AnswerGrade.message_id == Message.id)
    answers = (
        await session.scalars(
            select(Message)
            .where(Message.action == "answer", Message.article.is_not(None), ~graded)
            .order_by(Message.id.desc())
            .limit(RECENT)
        )
    ).all()
    people = {m.user_id for m in answers}
    dislikes: dict[tuple[int, str], list[datetime]] = defaultdict(list)
    for user_id, topic, at in await session.execute(
        select(Feedback.user_id, Feedback.topic, Feedback.created_at).where(
            Feedback.helpful.is_(False), Feedback.user_id.in_(people)
        )
    ):
        dislikes[(user_id, topic)].append(at)
    tickets: dict[int, list[datetime]] = defaultdict(list)
    for user_id, at in await session.execute(
        select(Ticket.user_id, Ticket.opened_at).where(Ticket.user_id.in_(people))
    ):
        tickets[user_id].append(at)

    def flagged(m: Message) -> bool:
        after = dislikes[(m.user_id, m.article or "")]
        handed = tickets[m.user_id]
        return any(at >= m.created_at for at in after) or any(
            m.created_at <= at <= m.created_at + FOLLOWED_WITHIN for at in handed
        )

    marked = [m for m in answers if flagged(m)][: size // 2]
    others = [m for m in answers if m not in marked]
    picked = random.Random(seed).sample(others, min(len(others), size - len(marked)))
    return [
        Ungraded(m.id, m.created_at, m.language, mask(m.text), m.article or "", m.section,
                 m in marked)
        for m in [*marked, *sorted(picked, key=lambda m: m.id, reverse=True)]
    ]  # fmt: skip


async def grade(
    session: AsyncSession, message_id: int, value: str, reason: str, staff: str
) -> AnswerGrade | None:
    """Grade one answer (again: the new grade replaces the old). None if it is gone."""
    if value not in GRADE_NAMES:
        raise ValueError(f"unknown grade {value!r}")
    message = await session.get(Message, message_id)
    if message is None:
        return None
    row = await session.scalar(select(AnswerGrade).where(AnswerGrade.message_id == message_id))
    if row is None:
        row = AnswerGrade(message_id=message_id)
        session.add(row)
    row.language, row.topic, row.section = message.language, message.article, message.section
    row.grade, row.reason, row.graded_by = value, reason.strip()[:MAX_REASON] or None, staff
    await session.flush()
    return row


@dataclass
class Quality:
    """The dashboard's quality figures over a period."""

    graded: int = 0
    passed: int = 0
    by_language: dict[str, tuple[int, int]] = field(default_factory=dict)
    by_topic: dict[str, tuple[int, int]] = field(default_factory=dict)
    by_week: list[tuple[date, int, int]] = field(default_factory=list)
    conversations: int = 0
    without_person: int = 0
    replies: int = 0
    replies_in_time: int = 0

    @staticmethod
    def share(part: int, whole: int) -> float | None:
        return part / whole if whole else None


async def figures(
    session: AsyncSession,
    start: datetime,
    end: datetime,
    hours: OfficeHours,
    promise_minutes: float,
) -> Quality:
    """Pass rate (right among graded), conversations resolved without a person, and first
    operator replies within the promised time, between ``start`` and ``end``."""
    q = Quality()
    rows = (
        await session.execute(
            select(
                AnswerGrade.grade, AnswerGrade.language, AnswerGrade.topic, AnswerGrade.graded_at
            ).where(AnswerGrade.graded_at >= start, AnswerGrade.graded_at < end)
        )
    ).all()
    languages: dict[str, Counter[bool]] = defaultdict(Counter)
    topics: dict[str, Counter[bool]] = defaultdict(Counter)
    weeks: dict[date, Counter[bool]] = defaultdict(Counter)
    for value, language, topic, at in rows:
        ok = value == "right"
        q.graded += 1
        q.passed += ok
        languages[language][ok] += 1
        topics[topic or "—"][ok] += 1
        weeks[at.date() - timedelta(days=at.weekday())][ok] += 1
    q.by_language = {k: (c[True], c[True] + c[False]) for k, c in sorted(languages.items())}
    q.by_topic = {k: (c[True], c[True] + c[False]) for k, c in sorted(topics.items())}
    q.by_week = [(w, c[True], c[True] + c[False]) for w, c in sorted(weeks.items())]
    talked = (
        select(Message.user_id)
        .where(Message.created_at >= start, Message.created_at < end)
        .distinct()
    )
    q.conversations = int(
        await session.scalar(select(func.count()).select_from(talked.subquery())) or 0
    )
    helped = talked.where(
        ~exists().where(and_(Ticket.user_id == Message.user_id, Ticket.opened_at >= start,
                             Ticket.opened_at < end)),
        ~exists().where(and_(Feedback.user_id == Message.user_id, Feedback.helpful.is_(False),
                             Feedback.created_at >= start, Feedback.created_at < end)),
    )  # fmt: skip
    q.without_person = int(
        await session.scalar(select(func.count()).select_from(helped.subquery())) or 0
    )
    opened = (
        await session.execute(
            select(Ticket.opened_at, Ticket.first_reply_at).where(
                Ticket.opened_at >= start, Ticket.opened_at < end
            )
        )
    ).all()
    now = datetime.now(start.tzinfo)
    for opened_at, replied in opened:
        due = due_by(hours, opened_at, promise_minutes)
        if replied is None and (due is None or due > now):
            continue  # not answered yet, and not late yet: not counted either way
        q.replies += 1
        q.replies_in_time += replied is not None and due is not None and replied <= due
    return q


@require(ADMIN, EDITOR, OPERATOR)
async def quality(request: Request) -> Response:
    """Answers to grade, with their grades' form."""
    console = console_of(request)
    t = Translator(console.language_of(request))
    params = request.query_params
    wrong = None
    async with console.db.session() as session:
        items = await sample(session)
        if params.get("done") == "wrong" and params.get("m", "").isdigit():
            message = await session.get(Message, int(params["m"]))
            if message is not None:
                wrong = (message.id, mask(message.text), message.article)
    titles = {k: t.gettext(v) for k, v in TOPIC_TITLES.items()}
    context = {
        "items": items, "grades": GRADE_NAMES, "done": params.get("done"), "wrong": wrong,
        "titles": titles, "topics": sorted(titles.items(), key=lambda kv: kv[1]),
    }  # fmt: skip
    return console.page(request, "quality.html", context)


@require(ADMIN, EDITOR, OPERATOR)
async def grade_answer(request: Request) -> Response:
    """Keep a grade; a wrong answer leads on to its article or a training phrase."""
    console = console_of(request)
    staff = staff_of(request)
    form = await request.form()
    value = str(form.get("grade", ""))
    if value not in GRADE_NAMES:
        return RedirectResponse("/quality?done=no_grade", status_code=303)
    message_id = request.path_params["message"]
    async with console.db.session() as session:
        row = await grade(session, message_id, value, str(form.get("reason", "")), staff.username)
        if row is None:
            return RedirectResponse("/quality?done=gone", status_code=303)
        await audit.record(session, staff.username, "answer.grade", "message", message_id, None,
                           {"grade": value})  # fmt: skip
        topic = row.topic
    if value == "wrong" and topic:
        return RedirectResponse(f"/quality?done=wrong&m={message_id}", status_code=303)
    return RedirectResponse("/quality?done=graded", status_code=303)


routes = [
    route("/quality", quality),
    route("/quality/{message:int}", grade_answer, ("POST",)),
]
