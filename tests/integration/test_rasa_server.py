"""The bot's NLU client and dialogue against the real Rasa server, over HTTP."""

from __future__ import annotations

import pytest

from bot.dialogue import Dialogue
from bot.nlu import NLUClient, NLUUnavailable
from bot.topics import INTENTS
from tests.integration.conftest import RasaEndpoint


@pytest.mark.parametrize(
    ("text", "intent"),
    [
        ("салом", "greet"),
        ("Здравствуйте", "greet"),
        ("спасибо", "thanks"),
        ("патентро чи тавр пардохт кунам", "work_patent"),
        ("how do I pay for my work patent", "work_patent"),
    ],
)
async def test_the_model_understands_clear_messages(
    rasa_server: RasaEndpoint, text: str, intent: str
) -> None:
    async with NLUClient(rasa_server.url, rasa_server.token, timeout=10) as nlu:
        result = await nlu.parse(text)
    assert result.intent == intent, result.ranking[:3]
    assert {name for name, _ in result.ranking} <= set(INTENTS) | {"nlu_fallback"}


async def test_the_status_names_the_loaded_model(rasa_server: RasaEndpoint, nlu_model) -> None:  # type: ignore[no-untyped-def]
    async with NLUClient(rasa_server.url, rasa_server.token) as nlu:
        status = await nlu.status()
    assert status["model_file"].endswith(nlu_model.name)


async def test_a_wrong_token_is_refused(rasa_server: RasaEndpoint) -> None:
    async with NLUClient(rasa_server.url, "wrong-token") as nlu:
        with pytest.raises(NLUUnavailable, match="refused the token"):
            await nlu.parse("салом")


class NoArticles:
    """No knowledge base: the dialogue names the topic instead of answering."""

    async def article(self, topic: str, language: str) -> None:
        return None

    async def search(self, text: str, limit: int = 3) -> list[str]:
        return []

    async def sections(self) -> None:
        return None


async def test_dialogue_replies_through_the_real_model(rasa_server: RasaEndpoint) -> None:
    async with NLUClient(rasa_server.url, rasa_server.token, timeout=10) as nlu:
        reply = await Dialogue(nlu, NoArticles()).respond("kak oplatit patent", "ru")
    assert (reply.intent, reply.action) == ("work_patent", "answer")
    assert "Патент на работу" in reply.text
    assert not reply.degraded


async def test_hostile_and_odd_input_gets_a_reply(rasa_server: RasaEndpoint) -> None:
    odd = ["<b>патент</b>", "*_`[x](http://e.x)", "ا" * 3000, "😀" * 50, "\u202eпатент", "1" * 5000]
    async with NLUClient(rasa_server.url, rasa_server.token, timeout=10) as nlu:
        for text in odd:
            reply = await Dialogue(nlu, NoArticles()).respond(text, "tg")
            assert reply.text
            assert not reply.degraded


@pytest.mark.parametrize(
    "junk",
    ["😀" * 50, "1" * 5000, "?!?!", "\u200b" * 10 + "...", "ы" * 4096, "<script>alert(1)</script>"],
)
async def test_junk_is_never_answered_with_an_article(rasa_server: RasaEndpoint, junk: str) -> None:
    """Emoji, digits, a 4,096-character message, invisible characters, markup: no crash, and a
    reply that asks again instead of guessing a topic."""
    async with NLUClient(rasa_server.url, rasa_server.token, timeout=10) as nlu:
        reply = await Dialogue(nlu, NoArticles()).respond(junk, "ru")
    assert reply.action in {"fallback", "out_of_scope", "clarify"}, (reply.intent, reply.confidence)
    assert not reply.escalate
    assert reply.text
