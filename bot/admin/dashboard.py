"""The dashboard: the bot's work over a chosen period, as charts."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta

from babel.dates import format_timedelta
from starlette.requests import Request
from starlette.responses import Response

from bot.admin import quality, stats
from bot.admin.accounts import ADMIN, EDITOR, OPERATOR
from bot.admin.console import console_of, require, route, staff_of
from bot.i18n import Translator, format_date, local_today
from bot.kb import curation
from bot.reminders import store as reminders
from bot.reminders import texts
from bot.topics import TOPIC_TITLES

MAX_DAYS = 366


def _period(request: Request) -> tuple[date, date]:
    today = local_today()  # the figures count days in Dushanbe time
    try:
        end = date.fromisoformat(request.query_params.get("to", ""))
    except ValueError:
        end = today
    try:
        start = date.fromisoformat(request.query_params.get("from", ""))
    except ValueError:
        start = end - timedelta(days=29)
    if start > end:
        start, end = end, start
    return max(start, end - timedelta(days=MAX_DAYS - 1)), end


#: The "Needs checking" list shows this many, oldest first.
DUE_SHOWN = 50


@require(ADMIN, EDITOR, OPERATOR)
async def dashboard(request: Request) -> Response:
    """Questions per day by language and topic, outcomes, feedback, reply times, ratings."""
    console = console_of(request)
    language = console.language_of(request)
    t = Translator(language)
    start, end = _period(request)
    async with console.db.session() as session:
        figures = await stats.figures(session, start, end)
        due = await curation.needs_checking(session) if staff_of(request).role != OPERATOR else []
        moment = datetime.combine(start, time(), tzinfo=UTC)
        until = datetime.combine(end + timedelta(days=1), time(), tzinfo=UTC)
        graded = await quality.figures(
            session, moment, until, console.hours, console.settings.reply_promise_minutes
        )
        active = await reminders.active(session)
        since = datetime.combine(start - timedelta(days=start.weekday()), time(), tzinfo=UTC)
        sent = await reminders.sent_per_week(session, since)
    topics = [(t.gettext(TOPIC_TITLES.get(k, k)), v) for k, v in figures.per_topic.most_common(20)]
    ratings = [(f"{'★' * r}", figures.ratings[r]) for r in range(5, 0, -1)]
    median = (
        format_timedelta(figures.first_reply_median, locale=language, threshold=1.1)
        if figures.first_reply_median is not None
        else None
    )
    context = {
        "f": figures, "start": start, "end": end, "day_bars": stats.day_bars(figures),
        "topic_bars": stats.horizontal(topics), "rating_bars": stats.horizontal(ratings, 300),
        "median": median, "colours": stats.LANGUAGE_COLOURS, "outcomes": stats.OUTCOMES,
        "titles": {k: t.gettext(v) for k, v in TOPIC_TITLES.items()},
        "due": due[:DUE_SHOWN], "due_total": len(due),
        "q": graded, "grade_share": quality.Quality.share,
        "grade_topics": [(t.gettext(TOPIC_TITLES.get(k, k)), v)
                         for k, v in graded.by_topic.items()],
        "grade_weeks": [(format_date(w, language), ok, n) for w, ok, n in graded.by_week],
        "reminders_active": [(texts.kind_name(t, k), n) for k, n in active.items()],
        "reminders_sent": [(format_date(w, language), n) for w, n in sent if w <= end],
    }  # fmt: skip
    return console.page(request, "dashboard.html", context)


routes = [route("/", dashboard)]
