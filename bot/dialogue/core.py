"""The dialogue policy: from an understood message to a reply. Knows nothing of any channel.

Actions:

- **answer**: a confident topic gets its article in the user's language (else Russian, then
  English, with a note), related topics as choices and a "Was this helpful?" prompt;
- **clarify**: two or three topics close together: "Did you mean ...?" with those topics;
- **fallback**: nothing fits: search results if any, the topic menu and "Talk to a person";
  after two failures in a row, a person is offered first;
- **smalltalk**: greetings, thanks, goodbyes, "are you a bot?";
- **out_of_scope**: a polite word on what the bot can help with;
- **escalate**: a request for a person, and emergencies (the emergency article first, at once).
"""

from __future__ import annotations

import logging
import unicodedata
from dataclasses import dataclass, replace
from enum import StrEnum
from typing import Protocol

from babel import Locale

from bot.dialogue.payloads import (
    ChooseLanguage,
    OpenCategory,
    OpenMenu,
    OpenTopic,
    Payload,
    ShowMore,
    Subscribe,
    TalkToPerson,
    Vote,
)
from bot.i18n import Translator
from bot.kb.store import Answer
from bot.lang import detect_language
from bot.nlu import NLUClient, NLUError, NLUResult
from bot.topics import CATEGORIES, TOPIC_TITLES, TOPICS, category_of

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
#: A message is answered in the language it is written in, rather than the chosen one, when
#: language identification is at least this sure and the message has at least this many words.
SWITCH_CONFIDENCE = 0.6
SWITCH_MIN_WORDS = 3


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


class HandOff(StrEnum):
    """Why a conversation goes to a person."""

    #: The user asked for a person: the ticket's confirmation is the reply.
    REQUEST = "request"
    #: The user is in danger: the emergency contacts first, then a person at once.
    EMERGENCY = "emergency"


@dataclass(frozen=True, slots=True)
class Choice:
    """A button (or a numbered choice in the terminal): a label and what it asks for."""

    label: str
    payload: Payload


@dataclass(frozen=True, slots=True)
class Reply:
    """The bot's reply to one message or button, and why it was given."""

    text: str
    language: str
    intent: str | None = None
    confidence: float = 0.0
    action: Action = Action.FALLBACK
    #: The topic whose article is shown, if any.
    article: str | None = None
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


class Articles(Protocol):
    """Where the policy gets articles (the database in the product, a stand-in in tests)."""

    async def article(self, topic: str, language: str) -> Answer | None: ...

    async def search(self, text: str, limit: int = 3) -> list[str]: ...


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


def render_article(
    answer: Answer,
    t: Translator,
    part: int,
    part_chars: int,
    action: Action = Action.ANSWER,
    bell: bool = False,
) -> tuple[str, tuple[Choice, ...], tuple[str, ...]]:
    """One part of an article as the user sees it: ``(markdown text, buttons, related)``. The
    console's preview uses this too, so it shows exactly what the bot will send. ``bell`` adds
    "🔔 Tell me when this changes" under the last part (channels that can notify)."""
    parts = split_parts(answer.body, part_chars)
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
        choices.append(Choice(t.pgettext("button", "Show more"), ShowMore(topic, part + 1)))
    related = [r for r in answer.related if r in TOPIC_TITLES][:3]
    choices += [topic_choice(t, r) for r in related]
    if last:
        lines.append(t.gettext("Was this helpful?"))
        choices += [
            Choice(t.pgettext("feedback button", "👍 Yes"), Vote(topic, helpful=True)),
            Choice(t.pgettext("feedback button", "👎 No"), Vote(topic, helpful=False)),
        ]
        if bell:
            choices.append(Choice(t.gettext("🔔 Tell me when this changes"), Subscribe(topic)))
    if action is Action.ESCALATE:
        choices.insert(0, human_choice(t))
    elif last:
        choices.append(human_choice(t))  # a person is always one tap away
    return "\n\n".join(lines), tuple(choices), tuple(related)


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
        if not cleaned:
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
        reply = await self._decide(t, cleaned, result, conversation)
        if reply.intent not in SMALLTALK and reply.intent != "request_human":
            conversation.last_question = cleaned
        if reply.action is Action.FALLBACK:
            conversation.failed_in_row += 1
        else:
            conversation.failed_in_row = 0
        if reply.article:
            conversation.last_topic = reply.article
        if switch_to:
            offer = Choice(
                t.gettext("Always answer in {language}", language=language_name(switch_to)),
                ChooseLanguage(switch_to),
            )
            reply = replace(reply, choices=(*reply.choices, offer))
        return replace(reply, detected=detected)

    async def _decide(
        self, t: Translator, text: str, result: NLUResult, conversation: Conversation
    ) -> Reply:
        ranking = [(n, c) for n, c in result.ranking if n != "nlu_fallback"]
        if not ranking and result.intent and result.intent != "nlu_fallback":
            ranking = [(result.intent, result.confidence)]
        top, confidence = ranking[0] if ranking else (None, 0.0)
        base = Understood(top, confidence)
        emergency = dict(ranking).get("emergency_help", 0.0)
        if emergency >= EMERGENCY_CONFIDENCE and (
            top == "emergency_help" or emergency >= MIN_CONFIDENCE
        ):
            return await self._answer(t, "emergency_help", base, handoff=HandOff.EMERGENCY)
        if top is None or confidence < MIN_CONFIDENCE:
            return await self._fallback(t, text, base, conversation)
        if top == "request_human":
            return self._hand_over(t, base)
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
            return self._clarify(t, close, base)
        return await self._answer(t, top, base)

    async def _answer(
        self,
        t: Translator,
        topic: str,
        base: Understood,
        handoff: HandOff | None = None,
        part: int = 0,
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
        text, choices, related = render_article(answer, t, part, self.part_chars, action, self.bell)
        return Reply(
            text,
            t.language,
            action=action,
            article=topic,
            candidates=related,
            choices=choices,
            handoff=handoff,
            intent=base.intent,
            confidence=base.confidence,
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
            case OpenTopic(topic) | ShowMore(topic):
                part = payload.part if isinstance(payload, ShowMore) else 0
                reply = await self._answer(t, topic, Understood(topic, 1.0), part=part)
                conversation.last_topic = topic
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
        return Reply(message, language, action=Action.MENU, choices=(*choices, human_choice(t)))

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
