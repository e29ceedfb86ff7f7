"""The dialogue policy: from an understood message to a reply. Knows nothing of any channel.

Actions:

- **answer**: a confident topic gets its article in the user's language (else Russian, then
  English, with a note), related topics as choices and a "Was this helpful?" prompt. A
  specific question gets the section that answers it (:mod:`bot.kb.section_choice`), with
  "Whole article" and the topic's other sections as buttons; a general one, the overview;
- **follow-up**: a short message after an answer ("and in Kazakhstan?", "how much?") is read
  in the conversation's topic and country;
- **clarify**: two or three topics close together: "Did you mean ...?" with those topics;
- **fallback**: nothing fits: search results if any, the topic menu and "Talk to a person";
  after two failures in a row, a person is offered first;
- **smalltalk**: greetings, thanks, goodbyes, "are you a bot?";
- **out_of_scope**: a polite word on what the bot can help with;
- **escalate**: a request for a person, and emergencies (the emergency article first, at once).
"""

from __future__ import annotations

import datetime as dt
import logging
import re
import unicodedata
from dataclasses import dataclass, replace
from enum import StrEnum
from typing import Protocol

from babel import Locale

from bot.dialogue.continuation import continues
from bot.dialogue.payloads import (
    ChooseLanguage,
    OpenCategory,
    OpenContacts,
    OpenMenu,
    OpenSection,
    OpenTopic,
    Payload,
    Remind,
    ShowMore,
    ShowSources,
    Subscribe,
    TalkToPerson,
    Vote,
)
from bot.i18n import Translator, format_date
from bot.kb.files import Contact, Source
from bot.kb.markup import OVERVIEW, Section, contact_block, display, expand, for_country, sections
from bot.kb.section_choice import SectionIndex
from bot.kb.store import Answer
from bot.lang import detect_language
from bot.nlu import NLUClient, NLUError, NLUResult
from bot.places import place_named, without_places
from bot.topics import (
    CATEGORIES,
    COUNTRY_NAMES,
    TOPIC_TITLES,
    TOPICS,
    category_of,
    country_named,
)

log = logging.getLogger(__name__)

#: Longer messages are cut to this many characters before they are understood.
MAX_MESSAGE_CHARS = 2000
#: Below this confidence the bot does not answer. The same number is the FallbackClassifier's
#: threshold in config.yml (tuned on the development split; a test keeps the two equal).
MIN_CONFIDENCE = 0.4
#: Emergencies are acted on at a lower confidence when they rank first (a false alarm costs
#: less than a miss), and at MIN_CONFIDENCE when another intent ranks above them.
EMERGENCY_CONFIDENCE = 0.25
#: Topics within this distance of the best one are offered together ("Did you mean ...?").
CLARIFY_MARGIN = 0.25
#: Topics below this confidence are never offered.
CANDIDATE_CONFIDENCE = 0.1
#: Articles longer than this are shown in parts, with "Show more".
MAX_PART_CHARS = 1500
SMALLTALK = ("greet", "goodbye", "thanks", "bot_challenge")
#: The order contacts are listed in.
CONTACT_GROUPS = ("emergency", "mrc", "ministry", "embassy", "consulate", "international", "other")
#: A message is answered in the language it is written in, rather than the chosen one, when
#: language identification is at least this sure and the message has at least this many words.
SWITCH_CONFIDENCE = 0.6
SWITCH_MIN_WORDS = 3
#: A message of at most this many words, after an answer, may be a follow-up to it...
FOLLOW_UP_MAX_WORDS = 6
#: ...or of this many when the NLU agrees on the topic or cannot place the message ("can I get
#: a new one in Moscow?")...
FOLLOW_UP_MAX_WORDS_UNSURE = 14
#: ...unless the NLU is at least this sure it is about another topic (or out of scope)...
FOLLOW_UP_NEW_TOPIC = 0.9
#: ...and it is one when it names a country or matches a section of the topic this well
#: (tuned on the development split with ``mrc kb tune-sections``; docs/nlu.md)...
FOLLOW_UP_MIN_SCORE = 0.2
#: ...or only this well when the NLU agrees on the topic or cannot place the message at all
#: (a short message after an answer is then far likelier a follow-up than a new question).
FOLLOW_UP_WEAK_SCORE = 0.05
#: ...and this well when such a message is longer than FOLLOW_UP_MAX_WORDS.
FOLLOW_UP_LONG_SCORE = 0.1
#: A short message the NLU is sure is another topic still continues the conversation's topic
#: when one of its sections matches the message by this much more than anything in the other
#: topic (None: never).
FOLLOW_UP_STAY_MARGIN: float | None = 0.0
#: A longer message (up to FOLLOW_UP_MAX_WORDS_UNSURE words) that the NLU places in another
#: topic still continues the conversation's topic when one of its sections matches it at least
#: this well and better than anything in the other topic ("гуфтанд контракти ҳарбӣ имзо кардан
#: лозим, рост?" after a residence permit; None: never).
FOLLOW_UP_STAY_LONG_SCORE: float | None = 0.3
#: A short message that refers back (a pronoun, a possessive ending, a leading "and": see
#: bot.dialogue.continuation) continues the topic even when the NLU is sure of another, if one
#: of the topic's sections matches it at least FOLLOW_UP_MIN_SCORE and no less than this much
#: below the other topic's best (None: such words count for nothing).
FOLLOW_UP_CUE_MARGIN: float | None = 0.2
#: A question the NLU places in a topic with less than OVERRULE_CONFIDENCE goes to another
#: topic's section that matches it at least OVERRULE_SCORE and this much better than anything
#: in the NLU's topic (None: never; tuned on the development split).
OVERRULE_MARGIN: float | None = 0.1
OVERRULE_CONFIDENCE = 0.9
OVERRULE_SCORE = 0.3
#: A follow-up's score for the section just shown is raised by this much (None: not at all;
#: tuned on the development split).
FOLLOW_UP_SHOWN_BONUS: float | None = 0.07
#: When the NLU is unsure (under MIN_CONFIDENCE), a section of one of its three best topics
#: that matches the message at least this well is the answer (None: never; tuned on the
#: development split).
UNSURE_SECTION_SCORE: float | None = 0.2
UNSURE_SECTION_MIN_WORDS = 3
#: When the NLU's two or three best topics are close (CLARIFY_MARGIN), a section of one of them
#: that matches a question of UNSURE_SECTION_MIN_WORDS or more at least this well is the
#: answer, instead of asking which topic (None: always ask).
CLARIFY_SECTION_SCORE: float | None = 0.2
#: A topic the NLU is less sure of than this is answered only when something in its article
#: (a section or the overview) matches the message at least ANSWER_CHECK_SCORE; otherwise the
#: bot says it is not sure and offers what its search finds ("what is the exchange rate in
#: monopoly" half placed in entry bans). None: never checked. Tuned on the development split
#: and the untrained out-of-scope sentences (docs/nlu.md).
ANSWER_CHECK_CONFIDENCE: float | None = 0.6
ANSWER_CHECK_SCORE = 0.1
#: At most this many of the topic's other sections are offered under a section answer.
MAX_SECTION_BUTTONS = 8


class Action(StrEnum):
    """What the bot did with a message or a button (kept with each message, for staff)."""

    ANSWER = "answer"
    CLARIFY = "clarify"
    FALLBACK = "fallback"
    SMALLTALK = "smalltalk"
    OUT_OF_SCOPE = "out_of_scope"
    ESCALATE = "escalate"
    MENU = "menu"
    LANGUAGE = "language"
    FEEDBACK = "feedback"
    SOURCES = "sources"
    CONTACTS = "contacts"


class HandOff(StrEnum):
    """Why a conversation goes to a person."""

    #: The user asked for a person: the ticket's confirmation is the reply.
    REQUEST = "request"
    #: The user is in danger: the emergency contacts first, then a person at once.
    EMERGENCY = "emergency"


@dataclass(frozen=True, slots=True)
class Choice:
    """A button (or a numbered choice in the terminal): a label and what it asks for.
    Consecutive choices with the same ``row`` may share a line (two at most)."""

    label: str
    payload: Payload
    row: str | None = None


@dataclass(frozen=True, slots=True)
class Reply:
    """The bot's reply to one message or button, and why it was given."""

    text: str
    language: str
    intent: str | None = None
    confidence: float = 0.0
    action: Action = Action.FALLBACK
    #: The topic whose article is shown, if any...
    article: str | None = None
    #: ...and the section shown (None: the article from its beginning).
    section: str | None = None
    #: Topics offered as choices (clarify, fallback, related).
    candidates: tuple[str, ...] = ()
    choices: tuple[Choice, ...] = ()
    #: Set when the conversation goes to a person, and why.
    handoff: HandOff | None = None
    #: The 👍/👎 the user gave (for the channel to keep).
    vote: Vote | None = None
    #: True when a dependency (the NLU) failed and the reply is a degraded one.
    degraded: bool = False
    #: The language the message was written in, when it could be told.
    detected: str | None = None
    #: For an article: when it was last checked, its sources, and the country it was shown for.
    checked: dt.date | None = None
    sources: tuple[Source, ...] = ()
    country: str | None = None

    @property
    def escalate(self) -> bool:
        """Whether the conversation goes to a person."""
        return self.handoff is not None


@dataclass(frozen=True, slots=True)
class Understood:
    """The NLU's best intent and its confidence."""

    intent: str | None
    confidence: float


@dataclass
class Conversation:
    """What the policy remembers of one user's conversation."""

    failed_in_row: int = 0
    #: The last question the user wrote (what a person is asked about if they ask for one).
    last_question: str | None = None
    last_topic: str | None = None
    #: The section last shown (None: the overview or the whole article).
    last_section: str | None = None
    #: The destination country the user last named (its rules are the ones shown).
    country: str | None = None
    #: The date a channel asked for and waits for (a reminder's kind, or "stay" for the stay
    #: calculator's dates): the next text message is read as it (bot.reminders).
    awaiting: str | None = None


class Articles(Protocol):
    """Where the policy gets articles (the database in the product, a stand-in in tests)."""

    async def article(self, topic: str, language: str) -> Answer | None: ...

    async def search(self, text: str, limit: int = 3) -> list[str]: ...

    async def contacts(self) -> list[Contact]: ...

    async def sections(self) -> SectionIndex | None:
        """The index that chooses a section for a question (None: articles are shown whole)."""
        ...


#: No word of Tajik, Russian or English is longer than this (a longer run of letters is noise).
MAX_WORD_CHARS = 40
_TOKEN = re.compile(r"[^\W\d_]+")


def has_words(text: str) -> bool:
    """Whether ``text`` holds at least one thing that could be a word: a run of letters no
    longer than :data:`MAX_WORD_CHARS` that is not one or two letters repeated ("ыыыыы").
    Messages without one ("ы" × 4,096, "?!?!", digits, emoji) never reach the NLU, which may
    otherwise be sure of a topic for them."""
    return any(
        len(token) <= MAX_WORD_CHARS and (len(token) < 4 or len(set(token.lower())) > 2)
        for token in _TOKEN.findall(text)
    )


def clean_text(text: str) -> str:
    """Normalise Unicode (NFC), drop control and zero-width characters, trim, cut to size."""
    text = unicodedata.normalize("NFC", text)
    text = "".join(
        ch for ch in text if ch in "\n\t" or unicodedata.category(ch) not in {"Cc", "Cf", "Cs"}
    )
    return " ".join(text.split())[:MAX_MESSAGE_CHARS]


def _pieces(paragraph: str, limit: int) -> list[str]:
    """A paragraph longer than ``limit`` in pieces cut at line ends, else at spaces."""
    pieces: list[str] = []
    rest = paragraph
    while len(rest) > limit:
        cut = rest.rfind("\n", 0, limit + 1)
        if cut <= 0:
            cut = rest.rfind(" ", 0, limit + 1)
        if cut <= 0:
            cut = limit
        pieces.append(rest[:cut].rstrip())
        rest = rest[cut:].lstrip()
    pieces.append(rest)
    return pieces


def split_parts(body: str, limit: int = MAX_PART_CHARS) -> list[str]:
    """The article body in parts of at most ``limit`` characters, cut between paragraphs
    (a paragraph longer than ``limit`` is cut at line ends or spaces; nothing is dropped)."""
    parts: list[str] = []
    current = ""
    for paragraph in body.split("\n\n"):
        for piece in _pieces(paragraph, limit):
            candidate = f"{current}\n\n{piece}" if current else piece
            if len(candidate) <= limit or not current:
                current = candidate
            else:
                parts.append(current)
                current = piece
    parts.append(current)
    return parts


def menu_choice(t: Translator) -> Choice:
    """The "Topics" button (every channel's way back to the menu)."""
    return Choice(t.pgettext("button", "Topics"), OpenMenu())


def human_choice(t: Translator) -> Choice:
    """The "Talk to a person" button."""
    return Choice(t.pgettext("button", "Talk to a person"), TalkToPerson())


def language_name(language: str) -> str:
    """The language's own name for itself ("тоҷикӣ", "русский", "English")."""
    return Locale.parse(language).get_display_name(language) or language


def topic_choice(t: Translator, topic: str) -> Choice:
    """A button that opens ``topic``."""
    return Choice(t.gettext(TOPIC_TITLES[topic]), OpenTopic(topic))


def _section(index: SectionIndex | None, topic: str, text: str, country: str | None) -> str | None:
    """The section of ``topic`` that answers ``text`` (None: a general question)."""
    return index.choose(topic, text, country).section if index is not None else None


def _stays(
    index: SectionIndex, text: str, topic: str, top: str, cued: bool, country: str | None
) -> bool:
    """Whether a message the NLU is sure belongs to ``top`` (another topic, or out of scope)
    still continues ``topic``: one of its sections matches better than anything in ``top``
    ("Ҷаримааш чанд?" after registration: its fines, not the police's), or nearly as well
    when the message refers back ("Ӯ шаҳрванди Русия мешавад?" after a child born abroad)."""
    margin = -FOLLOW_UP_CUE_MARGIN if cued and FOLLOW_UP_CUE_MARGIN is not None else None
    margin = FOLLOW_UP_STAY_MARGIN if margin is None else margin
    if margin is None or (top not in TOPICS and not cued):
        return False
    mine = _best(index, topic, text, country, overview=False)
    return mine >= FOLLOW_UP_MIN_SCORE and mine >= _best(index, top, text, country) + margin


def _best(
    index: SectionIndex, topic: str, text: str, country: str | None, overview: bool = True
) -> float:
    """The best score of ``topic``'s sections for ``text`` (its overview counted or not)."""
    return max(
        (v for k, v in index.scores(topic, text, country) if overview or k != OVERVIEW),
        default=0.0,
    )


def _stays_long(
    index: SectionIndex, text: str, topic: str, top: str | None, country: str | None
) -> bool:
    """Whether a longer message the NLU places in ``top`` still continues ``topic``: one of
    its sections matches it at least FOLLOW_UP_STAY_LONG_SCORE and better than anything in
    ``top``."""
    if FOLLOW_UP_STAY_LONG_SCORE is None or top not in TOPICS:
        return False
    mine = _best(index, topic, text, country, overview=False)
    return mine >= FOLLOW_UP_STAY_LONG_SCORE and mine > _best(index, top, text, country)


def _unsupported(
    index: SectionIndex | None, text: str, top: str, confidence: float, country: str | None
) -> bool:
    """Whether the NLU's topic, of which it is not quite sure, has nothing in its article that
    matches the message (ANSWER_CHECK_*): likely a request about something else."""
    if ANSWER_CHECK_CONFIDENCE is None or confidence >= ANSWER_CHECK_CONFIDENCE or index is None:
        return False
    return _best(index, top, text, country) < ANSWER_CHECK_SCORE


def _overruled(
    index: SectionIndex, text: str, top: str, confidence: float, country: str | None
) -> tuple[str, str] | None:
    """``(topic, section)`` of another topic whose section matches a detailed question far
    better than anything in the NLU's topic, when the NLU is not quite sure."""
    if confidence >= OVERRULE_CONFIDENCE or OVERRULE_MARGIN is None:
        return None
    ranked = index.scores_all(text, country)
    if not ranked:
        return None
    topic, key, score = ranked[0]
    mine = max((v for t, _, v in ranked if t == top), default=0.0)
    if (
        topic != top
        and key != OVERVIEW
        and score >= OVERRULE_SCORE
        and score >= mine + OVERRULE_MARGIN
    ):
        return topic, key
    return None


def _follow_up(
    index: SectionIndex | None,
    text: str,
    top: str | None,
    confidence: float,
    conversation: Conversation,
    named: str | None,
) -> tuple[str, str | None] | None:
    """``(topic, section)`` when a short message continues the conversation's topic ("and
    in Kazakhstan?", "how much?", "а штраф?"); None when it is a question of its own."""
    topic = conversation.last_topic
    # The NLU agrees on the topic or cannot place the message at all, or the message refers
    # back ("Ҷаримааш чанд?"): it is then far likelier a follow-up than a new question.
    cued = FOLLOW_UP_CUE_MARGIN is not None and continues(text)
    weak = top == topic or top is None or confidence < MIN_CONFIDENCE or cued
    limit = FOLLOW_UP_MAX_WORDS_UNSURE if weak else FOLLOW_UP_MAX_WORDS
    words = len(text.split())
    if index is None or topic not in TOPICS or words > FOLLOW_UP_MAX_WORDS_UNSURE:
        return None
    country = conversation.country
    if words > limit and not _stays_long(index, text, topic, top, country):
        return None
    # A place and request words only ("what about Almaty?", "a v Karagande?"): the same
    # question about it, whatever the NLU makes of so few words.
    rest = without_places(text)
    place_only = named is not None and len(rest.split()) <= 3 and index.request_only(rest)
    if (
        top is not None
        and top != topic
        and confidence >= FOLLOW_UP_NEW_TOPIC
        and not place_only
        and not _stays(index, text, topic, top, cued, country)
    ):
        return None
    scores = index.scores(topic, text, country)
    overview = dict(scores).get(OVERVIEW, 0.0)
    # A follow-up often stays with the section just shown ("and per month?" after the
    # patent's payments, "а если опоздаю?" after the deadline): it gets a little more.
    shown = conversation.last_section
    bonus = FOLLOW_UP_SHOWN_BONUS or 0.0
    ranked = sorted(
        ((k, v + bonus if k == shown else v) for k, v in scores if k != OVERVIEW),
        key=lambda kv: kv[1],
        reverse=True,
    )
    short = words <= FOLLOW_UP_MAX_WORDS
    threshold = (
        (FOLLOW_UP_WEAK_SCORE if short else FOLLOW_UP_LONG_SCORE) if weak else FOLLOW_UP_MIN_SCORE
    )
    # After an answer the topic's own words name a section ("а развод?", "a alimenty?"):
    # only a message of nothing but request words ("tell me more") is not about one.
    best = ranked[0] if ranked else None
    # The overview was just shown: a follow-up that is not a request for the topic as a whole
    # ("патент?") asks for something in a section.
    seen = conversation.last_section is None and not index.general(topic, text)
    if (
        best is not None
        and threshold <= best[1]
        and (best[1] > overview or seen)
        and not place_only
        and not index.request_only(text)
    ):
        return topic, best[0]
    if not named:
        return None
    # Only a place: the topic's section for that country ("а в Казахстане?"), else the same
    # question about it when its section holds for every country, else the overview.
    visible = index.sections_for(topic, country)
    own = [k for k, _ in ranked if k in visible and index.country_of(topic, k) == named]
    if own:
        return topic, own[0]  # the best of them ("а в Алматы?": its consulate, not Astana's)
    last = conversation.last_section
    if last in visible and index.country_of(topic, last) is None:
        return topic, last
    return topic, None


def find_section(answer: Answer, key: str | None, country: str | None) -> Section | None:
    """The article's section ``key`` if someone asking about ``country`` may see it."""
    if not key or key == OVERVIEW:
        return None
    return next((s for s in for_country(sections(answer.body), country) if s.key == key), None)


def article_text(
    answer: Answer, t: Translator, country: str | None = None, section: str | None = None
) -> str:
    """The article's text as the reader sees it: the sections for ``country`` (Russia when
    none is known), or only the one ``section`` (after the overview, for an urgent article:
    its emergency numbers come first); facts and contacts filled in, section keys gone. A
    Russia-only article read about another country says so first."""
    parts = sections(answer.body)
    shown = for_country(parts, country)
    if (chosen := find_section(answer, section, country)) is not None:
        shown = [s for s in shown if s.key == OVERVIEW and answer.urgent] + [chosen]
    body = "\n\n".join(s.text for s in shown) if shown else display(answer.body)
    facts = {f.key: f for f in answer.facts if f.key}
    contacts = {c.key: c for c in answer.contacts}
    text = expand(display(body), facts, contacts, t)
    variants = {s.country for s in parts if s.country}
    if country and country != "russia" and country not in variants and "russia" in answer.countries:
        note = t.gettext(
            "This answer is about Russia; the rules in {country} differ. An MRC operator can "
            "help: tap “Talk to a person”.",
            country=t.gettext(COUNTRY_NAMES.get(country, country)),
        )
        text = f"{note}\n\n{text}"
    return text


def checked_line(answer: Answer, t: Translator) -> str | None:
    """ "Checked 30 November 2026": when the article was last checked, in the reader's words."""
    if answer.last_reviewed is None:
        return None
    # TRANSLATORS: under an answer: the day the MRC last checked the article
    return t.gettext("Checked {date}.", date=format_date(answer.last_reviewed, t.language))


def section_choices(
    answer: Answer, t: Translator, country: str | None, current: str | None = None
) -> list[Choice]:
    """Buttons to the article's other sections (for ``country``), two to a row; a heading's
    facts filled in ("Re-issue after 12 months")."""
    facts = {f.key: f for f in answer.facts if f.key}
    others = [
        s for s in for_country(sections(answer.body), country)
        if s.key not in (OVERVIEW, current) and s.title
    ][:MAX_SECTION_BUTTONS]  # fmt: skip
    return [
        Choice(expand(s.title, facts, {}, t), OpenSection(answer.topic, s.key), row="sections")
        for s in others
    ]


#: Topics under whose answers a channel that can send reminders offers them (the reminder's
#: kind); the stay limit's section offers the stay calculator instead.
REMIND_KINDS = {"work_patent": "patent", "migration_registration": "registration"}


def remind_choice(t: Translator, topic: str, section: str | None) -> Choice | None:
    """ "⏰ Remind me" under the patent's and the registration's answers (channels that can send
    reminders), "📅 Count my days" under the stay limit."""
    if topic == "migration_registration" and section == "stay_limit":
        return Choice(t.gettext("📅 Count my days in Russia"), Remind("stay"))
    kind = REMIND_KINDS.get(topic)
    if kind is None:
        return None
    return Choice(t.gettext("⏰ Remind me of the date"), Remind(kind))


def render_article(
    answer: Answer,
    t: Translator,
    part: int,
    part_chars: int,
    action: Action = Action.ANSWER,
    bell: bool = False,
    country: str | None = None,
    section: str | None = None,
) -> tuple[str, tuple[Choice, ...], tuple[str, ...]]:
    """One part of an article (or of one of its sections) as the user sees it: ``(markdown
    text, buttons, related)``. The console's preview uses this too, so it shows exactly what
    the bot will send. Under a section: "Whole article" and the other sections. ``bell`` adds
    "🔔 Tell me when this changes" under the last part, and "⏰ Remind me" under the patent's and
    the registration's (channels that can notify)."""
    if find_section(answer, section, country) is None:
        section = None
    parts = split_parts(article_text(answer, t, country, section), part_chars)
    part = min(max(part, 0), len(parts) - 1)
    topic = answer.topic
    lines = []
    if answer.fell_back_from:
        name = Locale.parse(answer.language).get_display_name(t.language) or answer.language
        lines.append(
            t.gettext(
                "This article is not yet available in your language, so here it is in {language}.",
                language=name,
            )
        )
    lines.append(
        f"**{answer.title}**" if part == 0 else f"**{answer.title}** ({part + 1}/{len(parts)})"
    )
    lines.append(parts[part])
    last = part + 1 >= len(parts)
    choices: list[Choice] = []
    if not last:
        more = ShowMore(topic, part + 1, section)
        choices.append(Choice(t.pgettext("button", "Show more"), more))
    related: list[str] = []
    if section is not None:
        if last:
            # TRANSLATORS: under the answer to a specific question: show the topic's whole article
            choices.append(Choice(t.pgettext("button", "📖 Whole article"), OpenTopic(topic)))
            choices += section_choices(answer, t, country, section)
    else:
        if part == 0 and not last:
            choices += section_choices(answer, t, country)
        related = [r for r in answer.related if r in TOPIC_TITLES][:3]
        choices += [topic_choice(t, r) for r in related]
    if last:
        if checked := checked_line(answer, t):
            lines.append(checked)
        if answer.sources:
            choices.append(Choice(t.pgettext("button", "📚 Sources"), ShowSources(topic)))
        lines.append(t.gettext("Was this helpful?"))
        choices += [
            Choice(t.pgettext("feedback button", "👍 Yes"), Vote(topic, True, section), "vote"),
            Choice(t.pgettext("feedback button", "👎 No"), Vote(topic, False, section), "vote"),
        ]
        if bell:
            choices.append(Choice(t.gettext("🔔 Tell me when this changes"), Subscribe(topic)))
            if remind := remind_choice(t, topic, section):
                choices.append(remind)
    if action is Action.ESCALATE:
        choices.insert(0, human_choice(t))
    elif last:
        choices.append(human_choice(t))  # a person is always one tap away
    return "\n\n".join(lines), tuple(choices), tuple(related)


def sources_text(answer: Answer, t: Translator) -> str:
    """Where the article's facts come from: each source's title, link and date."""
    # TRANSLATORS: the heading of the list of an answer's sources
    lines = [t.gettext("Sources of “{title}”:", title=answer.title)]
    for source in answer.sources:
        title = source.title.replace("[", "(").replace("]", ")")
        shown = f"[{title}]({source.url})" if source.url else title
        if source.published is not None:
            # TRANSLATORS: after a source's title: the date the page states
            when = t.gettext("published {date}", date=format_date(source.published, t.language))
        elif source.accessed is not None:
            # TRANSLATORS: after a source's title: the day the page was read
            when = t.gettext("read {date}", date=format_date(source.accessed, t.language))
        else:
            when = ""
        lines.append(f"- {shown}" + (f" ({when})" if when else ""))
    if checked := checked_line(answer, t):
        lines.append(checked)
    return "\n".join(lines)


class Dialogue:
    """The dialogue policy; one instance serves every user and channel."""

    def __init__(
        self,
        nlu: NLUClient,
        articles: Articles,
        part_chars: int = MAX_PART_CHARS,
        bell: bool = False,
    ) -> None:
        self.nlu = nlu
        self.articles = articles
        #: Articles longer than this are shown in parts, with "Show more".
        self.part_chars = part_chars
        #: Offer "🔔 Tell me when this changes" under answers (channels that can notify).
        self.bell = bell

    def greeting(self, language: str) -> Reply:
        """The greeting that opens a conversation."""
        t = Translator(language)
        return Reply(
            self._smalltalk(t, "greet"),
            language,
            "greet",
            1.0,
            Action.SMALLTALK,
            choices=(menu_choice(t),),
        )

    async def respond(
        self,
        text: str,
        language: str | None = None,
        fallback: str = "tg",
        conversation: Conversation | None = None,
    ) -> Reply:
        """The reply to ``text``: in ``language`` if the user chose one, else in the language
        the message is written in, else in ``fallback``."""
        conversation = conversation or Conversation()
        cleaned = clean_text(text)
        guess = detect_language(cleaned) if cleaned else None
        detected = guess.language if guess else None
        switch_to = None
        if (
            language
            and guess
            and guess.language
            and guess.language != language
            and guess.confidence >= SWITCH_CONFIDENCE
            and len(cleaned.split()) >= SWITCH_MIN_WORDS
        ):
            switch_to = language = guess.language
        language = language or detected or fallback
        t = Translator(language)
        if not cleaned or not has_words(cleaned):
            return Reply(
                t.gettext("Please write your question in words."),
                language,
                action=Action.FALLBACK,
                detected=detected,
            )
        try:
            result = await self.nlu.parse(cleaned)
        except NLUError as exc:
            log.warning("NLU unavailable: %s", exc)
            return await self._degraded(t, cleaned, detected)
        named = country_named([(e.entity, e.value) for e in result.entities]) or place_named(
            cleaned
        )
        if named:
            conversation.country = named
        reply = await self._decide(t, cleaned, result, conversation, named)
        if reply.intent not in SMALLTALK and reply.intent != "request_human":
            conversation.last_question = cleaned
        if reply.action is Action.FALLBACK:
            conversation.failed_in_row += 1
        else:
            conversation.failed_in_row = 0
        if reply.article:
            conversation.last_topic = reply.article
            conversation.last_section = reply.section
        if switch_to:
            offer = Choice(
                t.gettext("Always answer in {language}", language=language_name(switch_to)),
                ChooseLanguage(switch_to),
            )
            reply = replace(reply, choices=(*reply.choices, offer))
        return replace(reply, detected=detected)

    async def _decide(
        self,
        t: Translator,
        text: str,
        result: NLUResult,
        conversation: Conversation,
        named: str | None = None,
    ) -> Reply:
        ranking = [(n, c) for n, c in result.ranking if n != "nlu_fallback"]
        if not ranking and result.intent and result.intent != "nlu_fallback":
            ranking = [(result.intent, result.confidence)]
        top, confidence = ranking[0] if ranking else (None, 0.0)
        base = Understood(top, confidence)
        emergency = dict(ranking).get("emergency_help", 0.0)
        country = conversation.country
        index = await self.articles.sections()  # once per message: it checks for new articles
        if emergency >= EMERGENCY_CONFIDENCE and (
            top == "emergency_help" or emergency >= MIN_CONFIDENCE
        ):
            section = _section(index, "emergency_help", text, country)
            return await self._answer(
                t, "emergency_help", base, HandOff.EMERGENCY, country=country, section=section
            )
        sure = confidence >= MIN_CONFIDENCE
        if sure and top == "request_human":
            return self._hand_over(t, base)
        # Smalltalk only when it is sure ("спасибо"): a short question after an answer that the
        # NLU half takes as a greeting ("a esli uzhe opozdal?") may still be a follow-up.
        if not (top in SMALLTALK and confidence >= FOLLOW_UP_NEW_TOPIC):
            follow_up = _follow_up(index, text, top, confidence, conversation, named)
            if follow_up is not None:
                topic, section = follow_up
                return await self._answer(t, topic, base, country=country, section=section)
        # A request that names one topic and nothing else ("расскажи про патент") is that
        # topic even when the NLU takes it as out of scope: its overview. (When the NLU is only
        # unsure, a vague word such as "документы" still gets a choice of topics.)
        if top == "out_of_scope" and index is not None and (named_topic := index.named_topic(text)):
            return await self._answer(t, named_topic, base, country=country)
        unsure_score = UNSURE_SECTION_SCORE
        detailed = len(text.split()) >= UNSURE_SECTION_MIN_WORDS
        if top != "out_of_scope" and not sure and detailed and index and unsure_score is not None:
            # The NLU hesitates between topics: a section of one of them that matches a
            # detailed question this well answers it, rather than "I did not understand" (a
            # vague word such as "документы" still gets a choice of topics).
            candidates = [n for n, _ in ranking[:3] if n in TOPICS]
            found = index.best_of(candidates, text, country)
            if found is not None and found[1] != OVERVIEW and found[2] >= unsure_score:
                return await self._answer(t, found[0], base, country=country, section=found[1])
        if top is None or not sure:
            return await self._fallback(t, text, base, conversation)
        if top in SMALLTALK:
            return Reply(
                self._smalltalk(t, top),
                t.language,
                action=Action.SMALLTALK,
                intent=base.intent,
                confidence=base.confidence,
            )
        if top == "out_of_scope":
            message = t.gettext(
                "Sorry, I can only help with questions about migration, work abroad, documents "
                "and family matters."
            )
            return Reply(
                message,
                t.language,
                action=Action.OUT_OF_SCOPE,
                choices=(menu_choice(t),),
                intent=base.intent,
                confidence=base.confidence,
            )
        close = [
            n
            for n, c in ranking[:3]
            if n in TOPICS and c >= CANDIDATE_CONFIDENCE and confidence - c < CLARIFY_MARGIN
        ]
        if len(close) > 1:
            # Two topics are close, but a detailed question matches a section of one of them
            # this well: that section, rather than asking which topic (tuned on the development
            # split; None: always ask).
            found = (
                index.best_of(close, text, country)
                if index is not None and detailed and CLARIFY_SECTION_SCORE is not None
                else None
            )
            if (
                found is not None
                and CLARIFY_SECTION_SCORE is not None
                and found[1] != OVERVIEW
                and found[2] >= CLARIFY_SECTION_SCORE
            ):
                return await self._answer(t, found[0], base, country=country, section=found[1])
            return self._clarify(t, close, base)
        if index is not None and detailed and OVERRULE_MARGIN is not None and top in TOPICS:
            overruled = _overruled(index, text, top, confidence, country)
            if overruled is not None:
                urgent = HandOff.EMERGENCY if overruled[0] == "emergency_help" else None
                return await self._answer(
                    t, overruled[0], base, urgent, country=country, section=overruled[1]
                )
        if _unsupported(index, text, top, confidence, country):
            return await self._fallback(t, text, base, conversation)
        section = _section(index, top, text, country)
        return await self._answer(t, top, base, country=country, section=section)

    async def _answer(
        self,
        t: Translator,
        topic: str,
        base: Understood,
        handoff: HandOff | None = None,
        part: int = 0,
        country: str | None = None,
        section: str | None = None,
    ) -> Reply:
        action = Action.ESCALATE if handoff else Action.ANSWER
        answer = await self.articles.article(topic, t.language)
        if answer is None:
            message = t.gettext(
                "Your question is about: {topic}. Answers from the knowledge base are not "
                "available in this version yet.",
                topic=t.gettext(TOPIC_TITLES.get(topic, topic)),
            )
            return Reply(
                message,
                t.language,
                action=action,
                handoff=handoff,
                intent=base.intent,
                confidence=base.confidence,
            )
        if find_section(answer, section, country) is None:
            section = None
        text, choices, related = render_article(
            answer, t, part, self.part_chars, action, self.bell, country, section
        )
        return Reply(
            text,
            t.language,
            action=action,
            article=topic,
            section=section,
            candidates=related,
            choices=choices,
            handoff=handoff,
            intent=base.intent,
            confidence=base.confidence,
            checked=answer.last_reviewed,
            sources=answer.sources,
            country=country or "russia",
        )

    def _hand_over(self, t: Translator, base: Understood | None = None) -> Reply:
        """A request for a person (the channel opens the ticket and confirms it)."""
        return Reply(
            t.gettext("I will pass your question to a person from the MRC."),
            t.language,
            action=Action.ESCALATE,
            handoff=HandOff.REQUEST,
            intent=base.intent if base else None,
            confidence=base.confidence if base else 0.0,
        )

    def _clarify(self, t: Translator, topics: list[str], base: Understood) -> Reply:
        choices = tuple(topic_choice(t, k) for k in topics)
        message = t.gettext("Did you mean one of these topics?")
        return Reply(
            message,
            t.language,
            action=Action.CLARIFY,
            candidates=tuple(topics),
            choices=(*choices, human_choice(t)),
            intent=base.intent,
            confidence=base.confidence,
        )

    async def _fallback(
        self, t: Translator, text: str, base: Understood, conversation: Conversation
    ) -> Reply:
        found = await self.articles.search(text)
        if conversation.failed_in_row >= 1:
            message = t.gettext(
                "I still could not understand. Would you like to talk to a person from the MRC?"
            )
        elif found:
            message = t.gettext("I am not sure I understood. These articles may help:")
        else:
            message = t.gettext(
                "Sorry, I did not understand. Please write your question in other words."
            )
        choices = [topic_choice(t, k) for k in found]
        choices += [menu_choice(t), human_choice(t)]
        if conversation.failed_in_row >= 1:
            choices.insert(0, choices.pop())  # the person first
        return Reply(
            message,
            t.language,
            action=Action.FALLBACK,
            candidates=tuple(found),
            choices=tuple(choices),
            intent=base.intent,
            confidence=base.confidence,
        )

    async def _degraded(self, t: Translator, text: str, detected: str | None) -> Reply:
        found = await self.articles.search(text)
        if found:
            message = t.gettext(
                "I cannot fully understand messages right now, but these articles may help:"
            )
        else:
            message = t.gettext(
                "I cannot understand messages right now. Please try again in a few minutes."
            )
        choices = tuple(topic_choice(t, k) for k in found)
        return Reply(
            message,
            t.language,
            action=Action.FALLBACK,
            candidates=tuple(found),
            choices=(*choices, menu_choice(t)),
            degraded=True,
            detected=detected,
        )

    async def press(
        self, payload: Payload, language: str, conversation: Conversation | None = None
    ) -> Reply:
        """The reply to a button (or a numbered choice). A payload that is not the dialogue's
        (a channel's own) is answered as an expired button; it changes nothing."""
        conversation = conversation or Conversation()
        t = Translator(language)
        match payload:
            case OpenMenu():
                return self.menu(language)
            case OpenCategory(category):
                title, topics = CATEGORIES[category]
                back = Choice(t.pgettext("button", "⬅️ Back"), OpenMenu(in_place=True))
                choices = (*(topic_choice(t, k) for k in topics), back)
                message = t.gettext("{category}: choose a topic.", category=t.gettext(title))
                return Reply(message, language, action=Action.MENU, choices=choices)
            case ChooseLanguage(chosen):
                t = Translator(chosen)
                message = t.gettext(
                    "I will answer in {language} from now on.", language=language_name(chosen)
                )
                return Reply(message, chosen, action=Action.LANGUAGE, choices=(menu_choice(t),))
            case OpenContacts():
                return await self.contacts(language)
            case TalkToPerson():
                return self._hand_over(t)
            case Vote(_, helpful):
                if helpful:
                    message = t.gettext("Thank you for your feedback!")
                    return Reply(message, language, action=Action.FEEDBACK, vote=payload)
                message = t.gettext("Thank you. Would you like to talk to a person from the MRC?")
                return Reply(
                    message,
                    language,
                    action=Action.FEEDBACK,
                    choices=(human_choice(t), menu_choice(t)),
                    vote=payload,
                )
            case ShowSources(topic):
                answer = await self.articles.article(topic, language)
                if answer is None or not answer.sources:
                    return self.expired(language)
                return Reply(
                    sources_text(answer, t), language, action=Action.SOURCES, article=topic
                )
            case OpenTopic(topic) | ShowMore(topic) | OpenSection(topic):
                part = payload.part if isinstance(payload, ShowMore) else 0
                section = None if isinstance(payload, OpenTopic) else payload.section
                reply = await self._answer(
                    t, topic, Understood(topic, 1.0), part=part, country=conversation.country,
                    section=section,
                )  # fmt: skip
                conversation.last_topic = topic
                conversation.last_section = reply.section
                home = category_of(topic)
                if isinstance(payload, OpenTopic) and home:
                    back = Choice(t.pgettext("button", "⬅️ Back"), OpenCategory(home))
                    reply = replace(reply, choices=(*reply.choices, back))
                return reply
        return self.expired(language)

    def expired(self, language: str) -> Reply:
        """The reply to a button the bot cannot honour (forged, stale, another channel's)."""
        t = Translator(language)
        return Reply(
            t.gettext("This button has expired. Please write your question again."),
            language,
            action=Action.FALLBACK,
            choices=(menu_choice(t),),
        )

    def menu(self, language: str) -> Reply:
        """The topic menu: categories first, then their topics (both replaced in place)."""
        t = Translator(language)
        choices = tuple(
            Choice(t.gettext(title), OpenCategory(key, in_place=True))
            for key, (title, _) in CATEGORIES.items()
        )
        message = t.gettext("Choose a subject:")
        contacts = Choice(t.pgettext("button", "📇 Contacts"), OpenContacts())
        return Reply(
            message, language, action=Action.MENU, choices=(*choices, contacts, human_choice(t))
        )

    async def contacts(self, language: str) -> Reply:
        """The verified contacts, emergency numbers first; groups still being checked say so."""
        t = Translator(language)
        known = await self.articles.contacts()
        shown = [c for c in known if c.shown()]
        shown.sort(key=lambda c: (CONTACT_GROUPS.index(c.group) if c.group in CONTACT_GROUPS
                                  else len(CONTACT_GROUPS)))  # fmt: skip
        blocks = [t.gettext("Contacts checked by the MRC:")]
        blocks += [contact_block(c, t, c.key) for c in shown]
        pending = sorted({c.group for c in known if not c.shown() and not c.retired})
        if pending:
            blocks.append(
                t.gettext(
                    "Other contacts (the MRC's office, embassies and consulates) are being "
                    "checked: ask us with “Talk to a person” and we will give them to you."
                )
            )
        return Reply(
            "\n\n".join(blocks), language, action=Action.CONTACTS,
            choices=(menu_choice(t), human_choice(t)),
        )  # fmt: skip

    @staticmethod
    def _smalltalk(t: Translator, intent: str) -> str:
        if intent == "greet":
            return t.gettext(
                "Hello! I am MRC Assistant, the bot of the Migrant Resource Centre in Dushanbe. "
                "Ask me about work abroad, patents, registration, documents and family matters."
            )
        if intent == "goodbye":
            return t.gettext("Goodbye! Write to me any time.")
        if intent == "thanks":
            return t.gettext("You are welcome!")
        return t.gettext("I am a bot of the Migrant Resource Centre, not a person.")
