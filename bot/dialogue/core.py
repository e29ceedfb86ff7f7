"""Turns an understood message into a reply. Knows nothing of Telegram or the terminal.

This is the foundation's dialogue: it recognises the conversation intents and names the topic
of a question. Answers from the knowledge base, clarification and escalation are built on it
(see the issues for the knowledge base and escalation).
"""

from __future__ import annotations

import logging
import unicodedata
from dataclasses import dataclass

from bot.i18n import Translator
from bot.lang import detect_language
from bot.nlu import NLUClient, NLUError
from bot.topics import TOPIC_TITLES

log = logging.getLogger(__name__)

#: Longer messages are cut to this many characters before they are understood.
MAX_MESSAGE_CHARS = 2000
#: Below this confidence the bot asks to rephrase instead of guessing; the same as the
#: FallbackClassifier's threshold in config.yml (tuned on the development split).
MIN_CONFIDENCE = 0.4


@dataclass(frozen=True, slots=True)
class Reply:
    """The bot's reply to one message, and why it was given."""

    text: str
    language: str
    intent: str | None = None
    confidence: float = 0.0
    #: True when a dependency (the NLU) failed and the reply is a degraded one.
    degraded: bool = False
    #: The language the message was written in, when it could be told.
    detected: str | None = None


def clean_text(text: str) -> str:
    """Normalise Unicode (NFC), drop control and zero-width characters, trim, cut to size."""
    text = unicodedata.normalize("NFC", text)
    text = "".join(
        ch for ch in text if ch in "\n\t" or unicodedata.category(ch) not in {"Cc", "Cf", "Cs"}
    )
    return " ".join(text.split())[:MAX_MESSAGE_CHARS]


class Dialogue:
    """The dialogue policy; one instance serves every user and channel."""

    def __init__(self, nlu: NLUClient) -> None:
        self.nlu = nlu

    def greeting(self, language: str) -> Reply:
        """The greeting that opens a conversation."""
        return Reply(self._answer(Translator(language), "greet"), language, "greet", 1.0)

    async def respond(self, text: str, language: str | None = None, fallback: str = "tg") -> Reply:
        """The reply to ``text``: in ``language`` if the user chose one, else in the language
        the message is written in, else in ``fallback``."""
        cleaned = clean_text(text)
        detected = detect_language(cleaned).language if cleaned else None
        language = language or detected or fallback
        t = Translator(language)
        if not cleaned:
            return Reply(t.gettext("Please write your question in words."), language)
        try:
            result = await self.nlu.parse(cleaned)
        except NLUError as exc:
            log.warning("NLU unavailable: %s", exc)
            message = t.gettext(
                "I cannot understand messages right now. Please try again in a few minutes."
            )
            return Reply(message, language, degraded=True, detected=detected)

        intent, confidence = result.intent, result.confidence
        log.debug("understood intent=%s confidence=%.2f", intent, confidence)
        if intent is None or intent == "nlu_fallback" or confidence < MIN_CONFIDENCE:
            message = t.gettext(
                "Sorry, I did not understand. Please write your question in other words."
            )
            return Reply(message, language, intent, confidence, detected=detected)
        return Reply(self._answer(t, intent), language, intent, confidence, detected=detected)

    @staticmethod
    def _answer(t: Translator, intent: str) -> str:
        if intent == "greet":
            return t.gettext(
                "Hello! I am MRC Assistant, the bot of the Migrant Resource Centre in Dushanbe. "
                "Ask me about work abroad, patents, registration, documents and family matters."
            )
        if intent == "goodbye":
            return t.gettext("Goodbye! Write to me any time.")
        if intent == "thanks":
            return t.gettext("You are welcome!")
        if intent == "bot_challenge":
            return t.gettext("I am a bot of the Migrant Resource Centre, not a person.")
        if intent == "request_human":
            return t.gettext(
                "Handing the conversation to an MRC operator is not available in this version yet."
            )
        if intent in TOPIC_TITLES:
            return t.gettext(
                "Your question is about: {topic}. Answers from the knowledge base are not "
                "available in this version yet.",
                topic=t.gettext(TOPIC_TITLES[intent]),
            )
        return t.gettext(
            "Sorry, I can only help with questions about migration, work abroad, documents "
            "and family matters."
        )
