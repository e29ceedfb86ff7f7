"""The dialogue core with a fake NLU server (httpx MockTransport)."""

from __future__ import annotations

import httpx
import pytest

from bot.dialogue import Dialogue
from bot.dialogue.core import clean_text
from bot.nlu import NLUClient


def dialogue(intent: str | None, confidence: float = 0.9, status: int = 200) -> Dialogue:
    def handler(request: httpx.Request) -> httpx.Response:
        body = {"text": "x", "intent": {"name": intent, "confidence": confidence}}
        return httpx.Response(status, json=body)

    return Dialogue(NLUClient("http://nlu.test", transport=httpx.MockTransport(handler)))


async def test_a_topic_is_named_in_the_users_language() -> None:
    reply = await dialogue("work_patent").respond("патент чи тавр гирам", "tg")
    assert reply.intent == "work_patent"
    assert "Патенти корӣ" in reply.text
    reply_ru = await dialogue("work_patent").respond("как получить патент", "ru")
    assert "Патент на работу" in reply_ru.text


async def test_low_confidence_asks_to_rephrase() -> None:
    reply = await dialogue("work_patent", confidence=0.2).respond("ммм", "en")
    assert reply.text.startswith("Sorry, I did not understand")


async def test_fallback_and_out_of_scope_are_not_answered_as_topics() -> None:
    assert "did not understand" in (await dialogue("nlu_fallback").respond("x", "en")).text
    oos = await dialogue("out_of_scope").respond("weather tomorrow", "en")
    assert oos.text.startswith("Sorry, I can only help with questions about migration")


async def test_nlu_down_degrades_with_a_clear_message() -> None:
    reply = await dialogue("greet", status=503).respond("салом", "ru")
    assert reply.degraded
    assert reply.text.startswith("Сейчас я не могу разобрать сообщения")


@pytest.mark.parametrize("text", ["", "   ", "\u200b\u200b", "\x00\x07"])
async def test_empty_input_gets_a_clear_answer(text: str) -> None:
    reply = await dialogue("greet").respond(text, "en")
    assert reply.text == "Please write your question in words."
    assert reply.intent is None


def test_clean_text_normalises_and_strips_invisible_characters() -> None:
    assert clean_text("  пате\u200bнт \x00 ") == "патент"
    assert clean_text("и\u0306") == "й"  # NFC
    assert len(clean_text("a " * 10_000)) == 2000


async def test_greeting_in_each_language() -> None:
    d = dialogue("greet")
    assert d.greeting("tg").text.startswith("Салом!")
    assert d.greeting("ru").text.startswith("Здравствуйте!")
    assert d.greeting("en").text.startswith("Hello!")


async def test_without_a_chosen_language_the_reply_follows_the_message() -> None:
    d = dialogue("work_patent")
    english = await d.respond("how do I pay for the patent", None, fallback="tg")
    assert (english.language, english.detected) == ("en", "en")
    russian = await d.respond("kak oplatit patent", None, fallback="tg")
    assert russian.language == "ru"
    assert "Патент на работу" in russian.text
    chosen = await d.respond("how do I pay for the patent", "tg", fallback="en")
    assert (chosen.language, chosen.detected) == ("tg", "en")
    unknown = await d.respond("👍", None, fallback="ru")
    assert unknown.language == "ru"
