"""What staff see (handoff cards, topic titles, the queue) and what migrants are told.

Staff texts are in ``MRC_STAFF_LANGUAGE``; migrants' in their own. Times through Babel, in
Dushanbe's time zone.
"""

from __future__ import annotations

import html
from collections.abc import Sequence
from datetime import datetime

from babel.dates import format_timedelta

from bot.db.base import utcnow
from bot.db.models import Message, Ticket
from bot.escalation.hours import OfficeHours
from bot.escalation.promise import Standing
from bot.i18n import N_, Translator, format_datetime
from bot.topics import TOPIC_TITLES

PRIORITY_NAMES = (
    # TRANSLATORS: a ticket's priority
    N_("normal"),
    # TRANSLATORS: a ticket's priority
    N_("high"),
    # TRANSLATORS: a ticket's priority
    N_("urgent"),
)
PRIORITY_MARKS = ("🟢", "🟠", "🔴")
#: Who wrote a line of a transcript -> its name for staff.
AUTHOR_NAMES = {
    # TRANSLATORS: who wrote a line of a ticket's transcript (staff console and staff group)
    "migrant": N_("migrant"),
    # TRANSLATORS: who wrote a line of a ticket's transcript
    "operator": N_("operator"),
    # TRANSLATORS: who wrote a line of a ticket's transcript: an operator's internal note
    "note": N_("note"),
    # TRANSLATORS: who wrote a line of a ticket's transcript: the bot itself
    "bot": N_("bot"),
}
STATUS_NAMES = {
    # TRANSLATORS: a ticket's status: nobody has answered yet
    "waiting": N_("waiting"),
    # TRANSLATORS: a ticket's status: an operator has answered
    "in_progress": N_("in progress"),
    # TRANSLATORS: a ticket's status
    "closed": N_("closed"),
}


def topic_title(ticket: Ticket, staff: Translator) -> str:
    """ "#12 · TG · 🔴 waiting": number, language, priority and status (≤ 128 characters)."""
    status = staff.gettext(STATUS_NAMES.get(ticket.status, ticket.status))
    mark = PRIORITY_MARKS[min(ticket.priority, 2)] if ticket.status != "closed" else "✅"
    return f"#{ticket.id} · {ticket.language.upper()} · {mark} {status}"[:128]


def waited(ticket: Ticket, staff: Translator, now: datetime | None = None) -> str:
    """How long the migrant has waited, in words ("3 minutes")."""
    delta = (now or utcnow()) - ticket.opened_at
    return format_timedelta(delta, locale=staff.language, threshold=1.1)


def handoff_card(
    ticket: Ticket, turns: Sequence[Message], staff: Translator, hours: OfficeHours
) -> str:
    """The card posted in the migrant's topic when a ticket opens (Telegram HTML)."""
    t = staff
    opened = format_datetime(ticket.opened_at.astimezone(hours.zone), t.language)
    understood = t.gettext(TOPIC_TITLES.get(ticket.intent, ticket.intent)) if ticket.intent else "—"
    confidence = f"{ticket.confidence:.2f}" if ticket.confidence is not None else "—"
    lines = [
        # TRANSLATORS: the heading of a ticket's card in the staff group
        "<b>" + html.escape(t.gettext("New ticket #{number}", number=ticket.id)) + "</b>",
        html.escape(
            t.gettext(
                "Priority: {priority}. Language: {language}. Reason: {reason}.",
                priority=f"{PRIORITY_MARKS[min(ticket.priority, 2)]} "
                + t.gettext(PRIORITY_NAMES[min(ticket.priority, 2)]),
                language=ticket.language.upper(),
                reason=ticket.reason,
            )
        ),
        html.escape(
            t.gettext(
                "Understood as: {topic} (confidence {confidence}).",
                topic=understood,
                confidence=confidence,
            )
        ),
        html.escape(
            # TRANSLATORS: on a ticket's card: when it was opened, how long the migrant waited
            t.gettext("Opened {opened}, waiting {waited}.", opened=opened, waited=waited(ticket, t))
        ),
        "",
        # TRANSLATORS: on a ticket's card, before the migrant's question
        "<b>" + html.escape(t.gettext("Question:")) + "</b>",
        "<blockquote>" + html.escape(ticket.question or "—") + "</blockquote>",
    ]
    if turns:
        # TRANSLATORS: on a ticket's card, before the last messages of the conversation
        lines.append("<b>" + html.escape(t.gettext("Last turns:")) + "</b>")
        for turn in turns:
            answer = turn.article or turn.action
            lines.append(f"👤 {html.escape(turn.text[:300])}\n🤖 {html.escape(answer)}")
    lines += [
        "",
        html.escape(
            t.gettext(
                "Reply in this topic: your messages go to the migrant, signed “MRC operator”. "
                "/note adds an internal note, /close closes the ticket, /queue lists open tickets."
            )
        ),
    ]
    return "\n".join(lines)


def queue_text(tickets: Sequence[Ticket], staff: Translator) -> str:
    """The open tickets, most urgent and longest waiting first (Telegram HTML)."""
    if not tickets:
        return html.escape(staff.gettext("No open tickets."))
    # TRANSLATORS: the heading of /queue in the staff group
    lines = ["<b>" + html.escape(staff.gettext("Open tickets:")) + "</b>"]
    for ticket in tickets:
        lines.append(html.escape(f"{topic_title(ticket, staff)} · {waited(ticket, staff)}"))
    return "\n".join(lines)


def opening_text(t: Translator, hours: OfficeHours, now: datetime) -> str | None:
    """For a migrant, when operators will answer (None when the office is open now)."""
    if hours.is_open(now):
        return None
    opening = hours.next_opening(now)
    if opening is None:
        return t.gettext("Operators are not working now. They will answer as soon as they can.")
    when = format_datetime(opening.astimezone(hours.zone), t.language, "EEEE, d MMMM, HH:mm")
    return t.gettext(
        "Operators are not working now. The next operator will answer from {when} "
        "(Dushanbe time). You can write your question here now.",
        when=when,
    )


def status_text(t: Translator, s: Standing, hours: OfficeHours, now: datetime) -> str:
    """/status for the migrant: their request, whether an operator has seen or answered it,
    and when an answer can be expected (only what the office hours and the queue support)."""
    zone = hours.zone

    def when(moment: datetime) -> str:
        return format_datetime(moment.astimezone(zone), t.language, "EEEE, d MMMM, HH:mm")

    lines = [
        t.gettext(
            "Request #{number}, opened {opened} (Dushanbe time).",
            number=s.number,
            opened=format_datetime(s.opened_at.astimezone(zone), t.language),
        )
    ]
    if s.state == "answered" and s.answered_at is not None:
        lines.append(
            t.gettext(
                "✅ An operator answered on {when}. Write here to continue.",
                when=when(s.answered_at),
            )
        )
        return "\n".join(lines)
    if s.state == "seen":
        lines.append(t.gettext("👀 An operator has seen your request and will answer here."))
    else:
        lines.append(t.gettext("⏳ An operator has not opened your request yet."))
    if s.ahead:
        lines.append(
            t.ngettext(
                "{n} request is ahead of yours.", "{n} requests are ahead of yours.", s.ahead
            )
        )
    if not hours.is_open(now):
        opening = hours.next_opening(now)
        if opening is not None:
            lines.append(
                t.gettext(
                    "Operators are not working now. They start again {when} (Dushanbe time).",
                    when=when(opening),
                )
            )
    if s.due is not None:
        lines.append(
            t.gettext("An answer can be expected by {when} (Dushanbe time).", when=when(s.due))
            if not s.late
            else t.gettext(
                "Sorry: your request has waited longer than we promised. New estimate: by {when} "
                "(Dushanbe time).",
                when=when(s.due),
            )
        )
    return "\n".join(lines)


def apology_text(t: Translator, number: int, due: datetime | None, hours: OfficeHours) -> str:
    """Told once to a migrant whose request is past its promised time."""
    if due is None:
        return t.gettext(
            "Sorry: your request #{number} has waited longer than we promised. It has not been "
            "forgotten: an operator will answer here.",
            number=number,
        )
    return t.gettext(
        "Sorry: your request #{number} has waited longer than we promised. It has not been "
        "forgotten. New estimate: an answer by {when} (Dushanbe time).",
        number=number,
        when=format_datetime(due.astimezone(hours.zone), t.language, "EEEE, d MMMM, HH:mm"),
    )
