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
import re
import unicodedata
from dataclasses import dataclass, field, replace
from typing import Protocol

from babel import Locale

from bot.i18n import LANGUAGES, Translator
from bot.kb.store import Answer
from bot.lang import detect_language
from bot.nlu import NLUClient, NLUError, NLUResult
from bot.topics import CATEGORIES, TOPIC_TITLES, TOPICS, category_of

log = logging.getLogger(__name__)

#: Longer messages are cut to this many characters before they are understood.
MAX_MESSAGE_CHARS = 2000
#: Below this confidence the bot does not answer; the same as the FallbackClassifier's
#: threshold in config.yml (tuned on the development split).
MIN_CONFIDENCE = 0.4
#: Emergencies are acted on at a lower confidence: a false alarm costs less than a miss.
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
_PAYLOAD = re.compile(
    r"^(?:(topic|more|fb|cat|lang):([a-z_]{2,40})(?::(\d{1,2}|up|down))?|(human|menu))$"
)


@dataclass(frozen=True, slots=True)
class Choice:
    """A button (or a numbered choice in the terminal): a label and an opaque payload."""

    label: str
    payload: str


@dataclass(frozen=True, slots=True)
class Reply:
    """The bot's reply to one message or button, and why it was given."""

    text: str
    language: str
    intent: str | None = None
    confidence: float = 0.0
    action: str = "fallback"
    #: The topic whose article is shown, if any.
    article: str | None = None
    #: Topics offered as choices (clarify, fallback, related).
    candidates: tuple[str, ...] = ()
    choices: tuple[Choice, ...] = ()
    escalate: bool = False
    #: True when a dependency (the NLU) failed and the reply is a degraded one.
    degraded: bool = False
    #: The language the message was written in, when it could be told.
    detected: str | None = None


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
    feedback: list[tuple[str, bool]] = field(default_factory=list)


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
    return Choice(t.gettext("Topics"), "menu")


def human_choice(t: Translator) -> Choice:
    """The "Talk to a person" button."""
    return Choice(t.gettext("Talk to a person"), "human")


def language_name(language: str) -> str:
    """The language's own name for itself ("тоҷикӣ", "русский", "English")."""
    return Locale.parse(language).get_display_name(language) or language


def topic_choice(t: Translator, topic: str) -> Choice:
    """A button that opens ``topic``."""
    return Choice(t.gettext(TOPIC_TITLES[topic]), f"topic:{topic}")


def render_article(
    answer: Answer,
    t: Translator,
    part: int,
    part_chars: int,
    action: str = "answer",
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
    choices: list[Choice] = []
    if part + 1 < len(parts):
        choices.append(Choice(t.gettext("Show more"), f"more:{topic}:{part + 1}"))
    related = [r for r in answer.related if r in TOPIC_TITLES][:3]
    choices += [topic_choice(t, r) for r in related]
    if part + 1 >= len(parts):
        lines.append(t.gettext("Was this helpful?"))
        choices += [
            Choice(t.gettext("👍 Yes"), f"fb:{topic}:up"),
            Choice(t.gettext("👎 No"), f"fb:{topic}:down"),
        ]
        if bell:
            choices.append(Choice(t.gettext("🔔 Tell me when this changes"), f"sub:{topic}"))
    if action == "escalate":
        choices.insert(0, human_choice(t))
    elif part + 1 >= len(parts):
        choices.append(human_choice(t))  # a person is always one tap away
    return "\n\n".join(lines), tuple(choices), tuple(related)


class Dialogue:
    """The dialogue policy; one instance serves every user and channel."""

    def __init__(
        self, nlu: NLUClient, articles: Articles, part_chars: int = MAX_PART_CHARS
    ) -> None:
        self.nlu = nlu
        self.articles = articles
        #: Articles longer than this are shown in parts, with "Show more".
        self.part_chars = part_chars
        #: Offer "🔔 Tell me when this changes" under answers (set by channels that notify).
        self.bell = False

    def greeting(self, language: str) -> Reply:
        """The greeting that opens a conversation."""
        t = Translator(language)
        return Reply(
            self._smalltalk(t, "greet"),
            language,
            "greet",
            1.0,
            "smalltalk",
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
                action="fallback",
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
        if reply.action == "fallback":
            conversation.failed_in_row += 1
        else:
            conversation.failed_in_row = 0
        if reply.article:
            conversation.last_topic = reply.article
        if switch_to:
            offer = Choice(
                t.gettext("Always answer in {language}", language=language_name(switch_to)),
                f"lang:{switch_to}",
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
        if emergency >= EMERGENCY_CONFIDENCE and (top == "emergency_help" or emergency >= 0.4):
            return await self._answer(t, "emergency_help", base, action="escalate")
        if top is None or confidence < MIN_CONFIDENCE:
            return await self._fallback(t, text, base, conversation)
        if top == "request_human":
            message = self._handing_over(t)
            return Reply(
                message,
                t.language,
                action="escalate",
                escalate=True,
                intent=base.intent,
                confidence=base.confidence,
            )
        if top in SMALLTALK:
            return Reply(
                self._smalltalk(t, top),
                t.language,
                action="smalltalk",
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
                action="out_of_scope",
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
        action: str = "answer",
        part: int = 0,
    ) -> Reply:
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
                article=None,
                escalate=action == "escalate",
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
            escalate=action == "escalate",
            intent=base.intent,
            confidence=base.confidence,
        )

    def _clarify(self, t: Translator, topics: list[str], base: Understood) -> Reply:
        choices = tuple(topic_choice(t, k) for k in topics)
        message = t.gettext("Did you mean one of these topics?")
        return Reply(
            message,
            t.language,
            action="clarify",
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
            action="fallback",
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
            action="fallback",
            candidates=tuple(found),
            choices=(*choices, menu_choice(t)),
            degraded=True,
            detected=detected,
        )

    async def press(
        self, payload: str, language: str, conversation: Conversation | None = None
    ) -> Reply:
        """The reply to a button (or a numbered choice); forged or stale payloads change nothing."""
        conversation = conversation or Conversation()
        t = Translator(language)
        match = _PAYLOAD.fullmatch(payload)
        if (
            match is None
            or (match.group(1) in {"topic", "more", "fb"} and match.group(2) not in TOPICS)
            or (match.group(1) == "cat" and match.group(2) not in CATEGORIES)
            or (match.group(1) == "lang" and match.group(2) not in LANGUAGES)
            or (match.group(3) is not None and match.group(1) not in {"more", "fb"})
            or (match.group(1) == "more" and not (match.group(3) or "").isdigit())
            or (match.group(1) == "fb" and match.group(3) not in {"up", "down"})
        ):
            return Reply(
                t.gettext("This button has expired. Please write your question again."),
                language,
                action="fallback",
                choices=(menu_choice(t),),
            )
        kind, topic, extra = match.group(1) or match.group(4), match.group(2), match.group(3)
        if kind == "menu":
            return self.menu(language)
        if kind == "cat":
            title, topics = CATEGORIES[topic]
            choices = (*(topic_choice(t, k) for k in topics), self._back_choice(t))
            message = t.gettext("{category}: choose a topic.", category=t.gettext(title))
            return Reply(message, language, action="menu", choices=choices)
        if kind == "lang":
            t = Translator(topic)
            message = t.gettext(
                "I will answer in {language} from now on.", language=language_name(topic)
            )
            return Reply(message, topic, action="language", choices=(menu_choice(t),))
        if kind == "human":
            message = self._handing_over(t)
            return Reply(message, language, action="escalate", escalate=True)
        if kind == "fb":
            conversation.feedback.append((topic, extra == "up"))
            if extra == "up":
                return Reply(t.gettext("Thank you for your feedback!"), language, action="feedback")
            message = t.gettext("Thank you. Would you like to talk to a person from the MRC?")
            return Reply(
                message,
                language,
                action="feedback",
                choices=(human_choice(t), menu_choice(t)),
            )
        part = int(extra) if kind == "more" and extra and extra.isdigit() else 0
        reply = await self._answer(t, topic, Understood(topic, 1.0), part=part)
        conversation.last_topic = topic
        category = category_of(topic)
        if kind == "topic" and category:
            reply = replace(
                reply, choices=(*reply.choices, self._back_choice(t, f"cat:{category}"))
            )
        return reply

    def menu(self, language: str) -> Reply:
        """The topic menu: categories first, then their topics."""
        t = Translator(language)
        choices = tuple(
            Choice(t.gettext(title), f"cat:{key}") for key, (title, _) in CATEGORIES.items()
        )
        message = t.gettext("Choose a subject:")
        return Reply(message, language, action="menu", choices=(*choices, human_choice(t)))

    @staticmethod
    def _back_choice(t: Translator, payload: str = "menu") -> Choice:
        return Choice(t.gettext("⬅️ Back"), payload)

    @staticmethod
    def _handing_over(t: Translator) -> str:
        return t.gettext("I will pass your question to a person from the MRC.")

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
