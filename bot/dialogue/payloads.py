"""Button payloads: what a button asks for, as typed values, and their text form.

Every button the bot shows carries one of these values. Channels that need text (Telegram's
``callback_data``, at most 64 bytes) use :func:`encode`; what comes back is untrusted and goes
through :func:`decode`, which returns ``None`` for anything forged, stale or oversized. The
text form is stable: buttons already sent keep working after an update.

=======================  =====================================  ===========================
payload                  text                                   handled by
=======================  =====================================  ===========================
OpenMenu                 ``menu`` (``menu:e`` in place)         the dialogue
OpenCategory             ``cat:<key>`` (``cat:<key>:e``)        the dialogue
OpenTopic                ``topic:<topic>``                      the dialogue
OpenSection              ``sec:<topic>:<section>``              the dialogue
ShowMore                 ``more:<topic>:<part>[:<section>]``    the dialogue
Vote                     ``fb:<topic>:up|down[:<section>]``     the dialogue (the channel keeps it)
ShowSources              ``src:<topic>``                        the dialogue
ChooseLanguage           ``lang:<tg|ru|en>[:<topic>]``          the dialogue (the channel keeps it)
OpenContacts             ``contacts``                           the dialogue
TalkToPerson             ``human``                              the dialogue, then the channel
Subscribe, Unsubscribe   ``sub:<topic>``, ``unsub:<topic>``     the channel (🔔 notifications)
Rate                     ``rate:<ticket>:<1-5>``                the channel (escalation)
DeleteData               ``del:ask|yes|no``                     the channel (privacy)
ExportData               ``data:export``                        the channel (privacy)
Remind                   ``rem[:<kind>]``                       the channel (reminders)
RemindOn                 ``rem:on:<kind>:<yyyymmdd>``           the channel (reminders)
RemindStop               ``rem:stop:<kind>``                    the channel (reminders)
RemindRegion             ``rem:reg:<region>``                   the channel (reminders)
RemindZone               ``rem:tz[:<n>]``                       the channel (reminders)
ShowStatus               ``status``                             the channel (escalation)
SendSuggestion           ``sug:<ticket>:<topic n>:<section|->`` the channel (operators)
SendSaved                ``svd:<ticket>:<reply>``               the channel (operators)
=======================  =====================================  ===========================

"In place" navigation buttons belong to a menu message, which is replaced while the user moves
through it; the same buttons under an answer open a new message (an answer is never replaced).
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from typing import Literal

from bot.i18n import LANGUAGES, Language
from bot.topics import CATEGORIES, TOPICS

#: Telegram's limit for ``callback_data``.
MAX_BYTES = 64
#: The longest article is cut into fewer parts than this.
MAX_PART = 99
MAX_TICKET = 10**12


@dataclass(frozen=True, slots=True)
class OpenMenu:
    """The topic menu."""

    in_place: bool = False


@dataclass(frozen=True, slots=True)
class OpenCategory:
    """One category's topics."""

    category: str
    in_place: bool = False


@dataclass(frozen=True, slots=True)
class OpenTopic:
    """A topic's answer, from its beginning."""

    topic: str


@dataclass(frozen=True, slots=True)
class OpenSection:
    """One section of a topic's article (the answer to a specific question)."""

    topic: str
    section: str


@dataclass(frozen=True, slots=True)
class ShowMore:
    """The next part of a long answer (parts count from 0): of the section, if one was shown."""

    topic: str
    part: int
    section: str | None = None


@dataclass(frozen=True, slots=True)
class Vote:
    """👍 or 👎 on an answer (the section, if one was shown)."""

    topic: str
    helpful: bool
    section: str | None = None


@dataclass(frozen=True, slots=True)
class ShowSources:
    """Where an answer's facts come from."""

    topic: str


@dataclass(frozen=True, slots=True)
class ChooseLanguage:
    """Answer in this language from now on (the first choice accepts the privacy notice);
    then open ``topic``, when the person came by a link to it."""

    language: Language
    topic: str | None = None


@dataclass(frozen=True, slots=True)
class OpenContacts:
    """The verified contacts (emergency numbers, the MRC, embassies...)."""


@dataclass(frozen=True, slots=True)
class TalkToPerson:
    """Hand the conversation to an MRC operator."""


@dataclass(frozen=True, slots=True)
class Subscribe:
    """🔔 Tell me when this topic's article changes."""

    topic: str


@dataclass(frozen=True, slots=True)
class Unsubscribe:
    """🔕 Stop telling me about this topic."""

    topic: str


@dataclass(frozen=True, slots=True)
class Rate:
    """1 to 5 stars for a closed ticket."""

    ticket: int
    stars: int


@dataclass(frozen=True, slots=True)
class DeleteData:
    """/deletemydata: ask for confirmation, confirm, or keep."""

    step: Literal["ask", "yes", "no"]


@dataclass(frozen=True, slots=True)
class ExportData:
    """/privacy's "Send me my data"."""


#: What a reminder can be about (bot.reminders.store.KINDS); "stay" alone starts the calculator.
REMINDER_KINDS = ("patent", "registration", "stay")
#: Regions and time zones a button may name (bot.reminders.texts, bot.reminders.schedule).
REGION_KEYS = ("moscow", "mosobl", "spb", "lenobl", "sverdlovsk", "novosibirsk", "tatarstan",
               "tyumen", "nnovgorod", "irkutsk")  # fmt: skip
ZONE_COUNT = 8


@dataclass(frozen=True, slots=True)
class Remind:
    """/remind's menu, or the question for one kind's date (the stay: the calculator)."""

    kind: str | None = None


@dataclass(frozen=True, slots=True)
class RemindOn:
    """Set the reminder of ``kind`` to ``date`` ("I paid: now until…", "I meant…", the stay's
    last day)."""

    kind: str
    date: dt.date


@dataclass(frozen=True, slots=True)
class RemindStop:
    """Stop the reminder of ``kind`` and delete its date."""

    kind: str


@dataclass(frozen=True, slots=True)
class RemindRegion:
    """The region the patent was issued in (its monthly payment is then shown)."""

    region: str


@dataclass(frozen=True, slots=True)
class RemindZone:
    """Send reminders in the ``index``-th time zone of bot.reminders.schedule.TIMEZONES (None:
    show the choice)."""

    index: int | None = None


@dataclass(frozen=True, slots=True)
class ShowStatus:
    """/status: where the migrant's request stands."""


@dataclass(frozen=True, slots=True)
class SendSuggestion:
    """An operator sends a suggested reply (a knowledge-base section) to a ticket's migrant."""

    ticket: int
    topic: str
    #: None: the article's overview.
    section: str | None = None


@dataclass(frozen=True, slots=True)
class SendSaved:
    """An operator sends a saved reply to a ticket's migrant."""

    ticket: int
    reply: int


Payload = (
    OpenMenu
    | OpenCategory
    | OpenTopic
    | OpenSection
    | ShowMore
    | Vote
    | ShowSources
    | ChooseLanguage
    | OpenContacts
    | TalkToPerson
    | Subscribe
    | Unsubscribe
    | Rate
    | DeleteData
    | ExportData
    | Remind
    | RemindOn
    | RemindStop
    | RemindRegion
    | RemindZone
    | ShowStatus
    | SendSuggestion
    | SendSaved
)

#: The payloads the dialogue core answers (the rest belong to a channel's own features).
DIALOGUE = (
    OpenMenu,
    OpenCategory,
    OpenTopic,
    OpenSection,
    ShowMore,
    Vote,
    ShowSources,
    ChooseLanguage,
    TalkToPerson,
)


def encode(payload: Payload) -> str:
    """The text form of ``payload`` (at most 64 bytes)."""
    match payload:
        case OpenMenu(in_place):
            text = "menu:e" if in_place else "menu"
        case OpenCategory(category, in_place):
            text = f"cat:{category}:e" if in_place else f"cat:{category}"
        case OpenTopic(topic):
            text = f"topic:{topic}"
        case OpenSection(topic, section):
            text = f"sec:{topic}:{section}"
        case ShowMore(topic, part, section):
            text = f"more:{topic}:{part}" + (f":{section}" if section else "")
        case Vote(topic, helpful, section):
            text = f"fb:{topic}:{'up' if helpful else 'down'}" + (f":{section}" if section else "")
        case ShowSources(topic):
            text = f"src:{topic}"
        case ChooseLanguage(language, None):
            text = f"lang:{language}"
        case ChooseLanguage(language, topic):
            text = f"lang:{language}:{topic}"
        case OpenContacts():
            text = "contacts"
        case TalkToPerson():
            text = "human"
        case Subscribe(topic):
            text = f"sub:{topic}"
        case Unsubscribe(topic):
            text = f"unsub:{topic}"
        case Rate(ticket, stars):
            text = f"rate:{ticket}:{stars}"
        case DeleteData(step):
            text = f"del:{step}"
        case ExportData():
            text = "data:export"
        case Remind(None):
            text = "rem"
        case Remind(kind):
            text = f"rem:{kind}"
        case RemindOn(kind, date):
            text = f"rem:on:{kind}:{date:%Y%m%d}"
        case RemindStop(kind):
            text = f"rem:stop:{kind}"
        case RemindRegion(region):
            text = f"rem:reg:{region}"
        case RemindZone(None):
            text = "rem:tz"
        case RemindZone(index):
            text = f"rem:tz:{index}"
        case ShowStatus():
            text = "status"
        case SendSaved(ticket, reply):
            text = f"svd:{ticket}:{reply}"
        case SendSuggestion(ticket, topic, section):
            text = f"sug:{ticket}:{TOPICS.index(topic)}:{section or '-'}"
    if len(text.encode()) > MAX_BYTES:
        raise ValueError(f"payload {text!r} is over {MAX_BYTES} bytes")
    return text


_NUMBER = re.compile(r"0|[1-9][0-9]{0,11}")
#: A section key, as articles write it (``{#key}``; see bot.kb.markup).
_SECTION = re.compile(r"[a-z][a-z0-9_]{1,30}")


def _number(text: str, highest: int) -> int | None:
    if not _NUMBER.fullmatch(text):
        return None
    value = int(text)
    return value if value <= highest else None


def decode(text: object) -> Payload | None:
    """The payload ``text`` stands for, or ``None`` if it is not one the bot could have made
    (unknown kind or topic, a number out of range, extra parts, too long, not text)."""
    if not isinstance(text, str) or not text or len(text.encode()) > MAX_BYTES:
        return None
    kind, *args = text.split(":")
    topic = args[0] if args and args[0] in TOPICS else None
    match kind, args:
        case "menu", []:
            return OpenMenu()
        case "menu", ["e"]:
            return OpenMenu(in_place=True)
        case "cat", [category] if category in CATEGORIES:
            return OpenCategory(category)
        case "cat", [category, "e"] if category in CATEGORIES:
            return OpenCategory(category, in_place=True)
        case "topic", [_] if topic:
            return OpenTopic(topic)
        case "sec", [_, section] if topic and _SECTION.fullmatch(section):
            return OpenSection(topic, section)
        case "more", [_, part, *rest] if (
            topic
            and (number := _number(part, MAX_PART)) is not None
            and (not rest or (len(rest) == 1 and _SECTION.fullmatch(rest[0])))
        ):
            return ShowMore(topic, number, rest[0] if rest else None)
        case "fb", [_, "up" | "down" as vote, *rest] if topic and (
            not rest or (len(rest) == 1 and _SECTION.fullmatch(rest[0]))
        ):
            return Vote(topic, vote == "up", rest[0] if rest else None)
        case "src", [_] if topic:
            return ShowSources(topic)
        case "lang", [language] if language in LANGUAGES:
            return ChooseLanguage(next(code for code in LANGUAGES if code == language))
        case "lang", [language, then] if language in LANGUAGES and then in TOPICS:
            return ChooseLanguage(next(code for code in LANGUAGES if code == language), then)
        case "contacts", []:
            return OpenContacts()
        case "human", []:
            return TalkToPerson()
        case "sub", [_] if topic:
            return Subscribe(topic)
        case "unsub", [_] if topic:
            return Unsubscribe(topic)
        case "rate", [ticket, stars] if (number := _number(ticket, MAX_TICKET)) and stars in {
            "1",
            "2",
            "3",
            "4",
            "5",
        }:
            return Rate(number, int(stars))
        case "del", ["ask" | "yes" | "no" as step]:
            return DeleteData(step)
        case "data", ["export"]:
            return ExportData()
        case "rem", []:
            return Remind()
        case "rem", [kind] if kind in REMINDER_KINDS:
            return Remind(kind)
        case "rem", ["on", kind, day] if kind in REMINDER_KINDS and (date := _date(day)):
            return RemindOn(kind, date)
        case "rem", ["stop", kind] if kind in REMINDER_KINDS:
            return RemindStop(kind)
        case "rem", ["reg", region] if region in REGION_KEYS:
            return RemindRegion(region)
        case "status", []:
            return ShowStatus()
        case "sug", [ticket, n, section] if (
            (number := _number(ticket, MAX_TICKET))
            and (index := _number(n, len(TOPICS) - 1)) is not None
            and (section == "-" or _SECTION.fullmatch(section))
        ):
            return SendSuggestion(number, TOPICS[index], None if section == "-" else section)
        case "svd", [ticket, reply] if (number := _number(ticket, MAX_TICKET)) and (
            saved := _number(reply, MAX_TICKET)
        ):
            return SendSaved(number, saved)
        case "rem", ["tz"]:
            return RemindZone()
        case "rem", ["tz", index] if (number := _number(index, ZONE_COUNT - 1)) is not None:
            return RemindZone(number)
    return None


def _date(text: str) -> dt.date | None:
    """A date written ``yyyymmdd`` (None if it is not a real one)."""
    if not re.fullmatch(r"20[0-9]{6}", text):
        return None
    try:
        return dt.datetime.strptime(text, "%Y%m%d").date()
    except ValueError:
        return None
