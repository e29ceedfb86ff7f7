"""What the reminders and the stay calculator say, in the person's language, whatever the
channel: full sentences through gettext, dates and numbers through Babel."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from babel.numbers import format_decimal

from bot.i18n import N_, Translator, format_date
from bot.kb.files import Fact, Source
from bot.reminders.dates import Problem, Rejected
from bot.reminders.schedule import SEND_HOUR, TIMEZONES
from bot.reminders.stay import StayCount, StayRule

#: The article each kind of reminder links to.
TOPIC_OF = {"patent": "work_patent", "registration": "migration_registration",
            "stay": "migration_registration"}  # fmt: skip
#: Regions whose monthly patent payment the knowledge base may hold, as the fact key's part
#: (``patent_pay_<region>_<year>``) and the region's name.
REGIONS: tuple[tuple[str, str], ...] = (
    # TRANSLATORS: a region of Russia (a button; also "In {region} the monthly payment...")
    ("moscow", N_("Moscow")),
    # TRANSLATORS: a region of Russia (a button)
    ("mosobl", N_("Moscow region")),
    # TRANSLATORS: a region of Russia (a button)
    ("spb", N_("St Petersburg")),
    # TRANSLATORS: a region of Russia (a button)
    ("lenobl", N_("Leningrad region")),
    # TRANSLATORS: a region of Russia (a button)
    ("sverdlovsk", N_("Sverdlovsk region (Yekaterinburg)")),
    # TRANSLATORS: a region of Russia (a button)
    ("novosibirsk", N_("Novosibirsk region")),
    # TRANSLATORS: a region of Russia (a button)
    ("tatarstan", N_("Tatarstan (Kazan)")),
    # TRANSLATORS: a region of Russia (a button)
    ("tyumen", N_("Tyumen region")),
    # TRANSLATORS: a region of Russia (a button)
    ("nnovgorod", N_("Nizhny Novgorod region")),
    # TRANSLATORS: a region of Russia (a button)
    ("irkutsk", N_("Irkutsk region")),
)
REGION_NAMES = dict(REGIONS)
ZONE_NAMES = dict(TIMEZONES)


def zone_name(t: Translator, timezone: str) -> str:
    """A time zone as its button names it, in the reader's language."""
    name = ZONE_NAMES.get(timezone)
    return t.gettext(name) if name else timezone


#: What a reminder is about, before its date ("Patent paid until 5 December 2026").
KIND_NAMES = {
    # TRANSLATORS: followed by a date: "Patent paid until 5 December 2026"
    "patent": N_("Patent paid until"),
    # TRANSLATORS: followed by a date
    "registration": N_("Registration valid until"),
    # TRANSLATORS: followed by a date
    "stay": N_("Last day of a legal stay"),
}
#: A reminder's name on its own ("Stop: patent payment").
REMINDER_NAMES = {
    # TRANSLATORS: a reminder's name, in "Stop: {what}" and "Stopped: {what}."
    "patent": N_("patent payment"),
    # TRANSLATORS: a reminder's name, in "Stop: {what}" and "Stopped: {what}."
    "registration": N_("registration"),
    # TRANSLATORS: a reminder's name, in "Stop: {what}" and "Stopped: {what}."
    "stay": N_("end of stay"),
}


def kind_name(t: Translator, kind: str) -> str:
    """What a reminder is about, as a button or list item shows it, before its date."""
    return t.gettext(KIND_NAMES.get(kind, KIND_NAMES["stay"]))


def reminder_name(t: Translator, kind: str) -> str:
    """A reminder's name, on its own ("Stop: patent payment")."""
    return t.gettext(REMINDER_NAMES.get(kind, REMINDER_NAMES["stay"]))


def ask_date(t: Translator, kind: str) -> str:
    """The question for a reminder's date."""
    if kind == "patent":
        question = t.gettext(
            "Until what date is your patent paid? It is on the receipt of your last payment."
        )
    else:
        question = t.gettext("Until what date is your registration valid?")
    example = t.gettext(
        "Write the date, for example: 05.12.2026, 5 December, or “in 3 months”. Send /cancel to "
        "stop."
    )
    return f"{question}\n\n{example}"


def ask_stays(t: Translator, year: int) -> str:
    """The question for the stay calculator's dates."""
    return t.gettext(
        "When did you enter Russia? Write the date, for example 25.11.2026.\n\nIf you were in "
        "Russia before that since 1 January {year}, write each stay on its own line: the day "
        "you entered and the day you left, for example:\n10.01.2026 – 28.02.2026\n25.11.2026\n\n"
        "Send /cancel to stop.",
        year=year,
    )


def problem(t: Translator, rejected: Rejected) -> str:
    """Why a date was not taken, and what to send instead (nothing was stored)."""
    shown = format_date(rejected.date, t.language) if rejected.date else ""
    match rejected.problem:
        case Problem.IMPOSSIBLE:
            text = t.gettext("There is no such date. Please check the day and the month.")
        case Problem.PAST:
            text = t.gettext(
                "{date} has already passed. Please send a date that is still to come.", date=shown
            )
        case Problem.FUTURE:
            text = t.gettext(
                "{date} has not come yet. Please send the date you entered or left.", date=shown
            )
        case Problem.TOO_FAR:
            text = t.gettext(
                "{date} is too far from today. Please check the year.", date=shown or "—"
            )
        case _:
            text = t.gettext("I could not read a date in this.")
    example = t.gettext("Write it like this: 05.12.2026 or 5 December.")
    return f"{text} {example}"


def swapped_button(t: Translator, other: dt.date) -> str:
    """The button that takes the other reading of an ambiguous date."""
    # TRANSLATORS: a button: the other reading of an ambiguous date (3 April or 4 March)
    return t.gettext("I meant {date}", date=format_date(other, t.language))


def set_message(
    t: Translator, kind: str, due: dt.date, today: dt.date, timezone: str, took: str | None
) -> str:
    """The confirmation of a reminder, with when it will come."""
    date = format_date(due, t.language)
    zone = zone_name(t, timezone)
    lines = []
    if took:
        lines.append(t.gettext("I read this as {date}.", date=date))
    # TRANSLATORS: {what} is "Patent paid until" or "Registration valid until", then the date
    lines.append(t.gettext("✅ Saved: {what} {date}.", what=kind_name(t, kind), date=date))
    days = (due - today).days
    lines.append(
        t.ngettext(
            "That is in {n} day.", "That is in {n} days.", days
        ) if days > 0 else t.gettext("That is today.")
    )  # fmt: skip
    lines.append(
        t.gettext(
            "I will remind you 7, 3 and 1 days before, and on the day, at {hour}:00 ({zone}).",
            hour=SEND_HOUR,
            zone=zone,
        )
    )
    lines.append(
        t.gettext(
            "I keep only this date, and delete it a week after it passes, when you tap “Stop”, "
            "or with /deletemydata."
        )
    )
    return "\n".join(lines)


def amount_line(t: Translator, facts: Iterable[Fact], region: str | None, year: int) -> str | None:
    """The region's monthly patent payment for ``year``, when the knowledge base holds it as
    a fact (never a number from code)."""
    if region is None:
        return None
    key = f"patent_pay_{region}_{year}"
    fact = next((f for f in facts if f.key == key and not f.retired), None)
    if fact is None:
        return None
    try:
        amount = format_decimal(int(fact.value), locale=t.language)
    except ValueError:
        return None
    return t.gettext(
        "In {region} the monthly payment in {year} is {amount} roubles (checked {checked}).",
        region=t.gettext(REGION_NAMES.get(region, region)),
        year=year,
        amount=amount,
        checked=format_date(fact.checked, t.language) if fact.checked else "—",
    )


def reminder_text(
    t: Translator, kind: str, due: dt.date, today: dt.date, amount: str | None = None
) -> str:
    """A reminder: the date, how long is left, what to do."""
    date = format_date(due, t.language)
    days = (due - today).days
    if days > 0:
        left = t.ngettext("{n} day left.", "{n} days left.", days)
    elif days == 0:
        left = t.gettext("That is today.")
    else:
        left = t.ngettext("It passed {n} day ago.", "It passed {n} days ago.", -days)
    if kind == "patent":
        head = t.gettext("⏰ Your patent is paid until {date}.", date=date)
        todo = t.gettext(
            "Pay the next month before this date: if you pay even one day late, the patent is "
            "no longer valid. Keep the receipt."
        )
    elif kind == "registration":
        head = t.gettext("⏰ Your registration is valid until {date}.", date=date)
        todo = t.gettext(
            "Ask your host (landlord or employer) to renew it before this date, or register at "
            "your new address. Without registration you can be fined and expelled."
        )
    else:
        head = t.gettext("⏰ Your legal stay in Russia ends on {date}.", date=date)
        todo = t.gettext(
            "Leave Russia by this date, or get a status that lets you stay (for example a "
            "patent). Overstaying brings fines, expulsion and an entry ban."
        )
    return "\n".join(line for line in (head, left, todo, amount) if line)


def paid_button(t: Translator, until: dt.date) -> str:
    return t.gettext("✅ I paid: now until {date}", date=format_date(until, t.language))


def list_message(t: Translator, rows: Iterable[tuple[str, dt.date]], timezone: str) -> str:
    """/remind: what the person can be reminded of, and their reminders now."""
    lines = [
        t.gettext(
            "⏰ I can remind you of your own dates, so that you do not miss them: the patent's "
            "payment and your registration. I can also count your days of stay in Russia."
        )
    ]
    rows = list(rows)
    if rows:
        lines.append("")
        # TRANSLATORS: followed by a list of the person's reminders and their dates
        lines.append(t.gettext("Your reminders:"))
        lines += [f"• {kind_name(t, kind)} {format_date(due, t.language)}" for kind, due in rows]
    lines.append("")
    zone = zone_name(t, timezone)
    lines.append(t.gettext("Reminders come at {hour}:00, {zone}.", hour=SEND_HOUR, zone=zone))
    return "\n".join(lines)


def stay_text(t: Translator, c: StayCount, rule: StayRule) -> str:
    """The stay calculator's answer: days used and left, the last legal day, the rule and
    when it does not apply."""
    lines = []
    if c.calendar_year:
        lines.append(
            t.gettext(
                "Rule: without a visa you may stay in Russia at most {days} days in a calendar "
                "year (since {since}), and at most {continuous} days in a row.",
                days=rule.days,
                since=format_date(rule.since, t.language),
                continuous=rule.continuous,
            )
        )
        lines.append(
            t.gettext(
                "Since 1 January {year} you have been in Russia {used} of {days} days.",
                year=c.today.year,
                used=c.used,
                days=rule.days,
            )
        )
    else:
        lines.append(
            t.gettext(
                "Rule until {since}: at most {days} days in any {window} days.",
                since=format_date(rule.since, t.language),
                days=rule.old_days,
                window=rule.old_window,
            )
        )
        lines.append(
            t.gettext(
                "In the last {window} days you have been in Russia {used} of {days} days.",
                window=rule.old_window,
                used=c.used,
                days=rule.old_days,
            )
        )
    if c.on_patent and c.last_day is not None:
        lines.append(
            t.gettext(
                "You told me your patent is paid until {date}. With a patent this limit does not "
                "apply: your stay is legal while the patent is paid. Pay the next month before "
                "{date}.",
                date=format_date(c.last_day, t.language),
            )
        )
    elif c.overstaying:
        lines.append(
            t.gettext(
                "⚠️ By this count you are over the limit now. Talk to the MRC or a lawyer "
                "before you travel: overstaying can bring a fine, expulsion and an entry ban."
            )
        )
    elif c.last_day is not None:
        lines.append(
            t.gettext(
                "If you stay on, your last legal day is {date}.",
                date=format_date(c.last_day, t.language),
            )
        )
    else:
        lines.append(
            t.ngettext("{n} day is left this year.", "{n} days are left this year.", c.left)
        )
    lines.append(
        t.gettext(
            "I counted the day of entry and the day of exit as days of stay: no official rule on "
            "this was found, so keep a margin."
        )
    )
    if not c.on_patent:
        lines.append(
            t.gettext(
                "This limit does not apply with a work patent, a work contract or study: your "
                "stay then follows your patent or your documents."
            )
        )
    return "\n".join(lines)


def rule_sources(t: Translator, rule: StayRule, sources: Iterable[Source]) -> str:
    """Where the stay rule's numbers come from: each source's title, address and date, and a
    word when one of them is not yet confirmed by an official page."""
    by_id = {s.id: s for s in sources if not s.retired}
    used = list(dict.fromkeys(f.source for f in rule.facts))
    lines = [t.gettext("Sources of this rule:")]
    for source in (by_id[i] for i in used if i in by_id):
        day = source.published or source.accessed
        when = f" ({format_date(day, t.language)})" if day else ""
        lines.append(f"• {source.title}{when}" + (f"\n  {source.url}" if source.url else ""))
    if any(not f.certain for f in rule.facts):
        lines.append(
            t.gettext(
                "Part of this rule comes from lawyers' and news pages and is still being checked "
                "by MRC staff."
            )
        )
    return "\n".join(lines)
