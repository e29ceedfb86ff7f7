"""Property-based fuzzing of the message pipeline (Hypothesis): any text, any button payload and
any article Markdown give a reply that Telegram would accept, never an exception."""

from __future__ import annotations

import asyncio

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot.dialogue import Conversation
from bot.dialogue.core import Reply
from bot.dialogue.payloads import decode, encode
from bot.dialogue.render import to_telegram_html
from bot.kb.section_choice import SectionIndex
from bot.kb.store import Answer
from bot.telegram.send import MAX_TEXT, split_html, visible_length
from bot.topics import INTENTS
from tests.botapi.spec import html_problems
from tests.unit.dialogue.conftest import MakeDialogue

#: Pieces that break naive pipelines: markup, invisible and right-to-left characters, emoji.
NASTY = [
    "<b>", "</i>", "<a href='javascript:alert(1)'>", "&amp;", "&", "<", ">", "**", "__", "[x](y)",
    "```", "\u200b", "\u200d", "\u202e", "\ufeff", "\u0000", "\x1b[31m", "\r\n", "\t",
    "مرحبا", "שלום", "👍🏽", "🇹🇯", "ҳҷқғӯӣ", "patent chi tavr giram", "/start", "@all",
]  # fmt: skip
texts = st.one_of(
    st.text(max_size=300),
    st.lists(st.sampled_from(NASTY) | st.text(max_size=20), max_size=40).map("".join),
    st.integers(min_value=4000, max_value=30_000).map(lambda n: "патент " * (n // 7)),
)
rankings = st.lists(
    st.tuples(st.sampled_from([*INTENTS, "nlu_fallback"]), st.floats(0, 1)), max_size=4
).map(lambda r: sorted(r, key=lambda x: -x[1]))
#: The dialogue factory fixture is stateless, so sharing it between examples is safe.
FUZZ = settings(
    max_examples=150,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)


def assert_sendable(reply: Reply) -> None:
    """What Telegram would accept: non-empty valid HTML in parts of at most 4,096 characters,
    buttons with labels and ``callback_data`` of at most 64 bytes."""
    html = to_telegram_html(reply.text)
    assert reply.text.strip()
    parts = split_html(html)
    assert "".join(parts).replace("\n", "") == html.replace("\n", ""), "nothing dropped"
    for part in parts:
        assert visible_length(part) <= MAX_TEXT
        assert html_problems(part) == []
    for choice in reply.choices:
        assert choice.label.strip()
        assert 1 <= len(encode(choice.payload).encode()) <= 64


@FUZZ
@given(text=texts, ranking=rankings, language=st.sampled_from(["tg", "ru", "en"]))
def test_any_message_gets_a_sendable_reply(
    make_dialogue: MakeDialogue,
    text: str,
    ranking: list,  # type: ignore[type-arg]
    language: str,
) -> None:
    reply = asyncio.run(make_dialogue(ranking).respond(text, language, Conversation()))
    assert_sendable(reply)


@FUZZ
@given(payload=st.text(max_size=100) | st.sampled_from(
    ["topic:work_patent", "more:work_patent:999999", "more:x:-1", "fb:work_patent:up", "cat:",
     "lang:xx", "human", "menu", "topic:../../etc", "more:work_patent:1e9"]
))  # fmt: skip
def test_any_button_payload_gets_a_sendable_reply(
    make_dialogue: MakeDialogue, payload: str
) -> None:
    d = make_dialogue([("work_patent", 0.9)])
    decoded = decode(payload)
    if decoded is None:  # refused: the channel shows the expired-button reply
        assert_sendable(d.expired("en"))
        return
    assert encode(decoded) == payload  # one text per payload: nothing forged gets through
    assert_sendable(asyncio.run(d.press(decoded, "en", Conversation())))


@FUZZ
@given(body=texts, title=st.text(min_size=1, max_size=120))
def test_any_article_markdown_renders_to_valid_telegram_html(
    make_dialogue: MakeDialogue, body: str, title: str
) -> None:
    class Articles:
        async def article(self, topic: str, language: str) -> Answer | None:
            return Answer(topic, language, title, body or "-", (), False)

        async def search(self, text: str, limit: int = 3) -> list[str]:
            return []

        async def sections(self) -> SectionIndex:
            return SectionIndex([("work_patent", title, body or "-")])

    d = make_dialogue([("work_patent", 0.95)], articles=Articles())
    reply = asyncio.run(d.respond("patent", "en", Conversation()))
    assert_sendable(reply)
