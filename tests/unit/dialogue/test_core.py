"""The dialogue policy with a fake NLU (httpx MockTransport) and in-memory articles."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from bot.dialogue import Conversation, Dialogue
from bot.dialogue.core import clean_text, split_parts
from bot.kb.store import Answer
from bot.nlu import NLUClient
from bot.topics import CATEGORIES, TOPICS

BODY = "**What to do**\n- Apply within 30 days.\n\n**Where to check**\n- мвд.рф"


class FakeArticles:
    """Articles in memory: work_patent in en and ru, emergency_help in en; search by word."""

    def __init__(self) -> None:
        self.searches: list[str] = []

    async def article(self, topic: str, language: str) -> Answer | None:
        if topic not in {"work_patent", "emergency_help", "entry_ban"}:
            return None
        have = {"work_patent": ("en", "ru"), "emergency_help": ("en",), "entry_ban": ("en",)}
        shown = language if language in have[topic] else have[topic][0]
        related = ("medical_exam_insurance", "language_exam") if topic == "work_patent" else ()
        title = {"work_patent": "Work patent", "emergency_help": "Call 112 now",
                 "entry_ban": "Entry ban"}[topic]  # fmt: skip
        return Answer(topic, shown, title, BODY, related, topic == "emergency_help",
                      None if shown == language else language)  # fmt: skip

    async def search(self, text: str, limit: int = 3) -> list[str]:
        self.searches.append(text)
        return ["work_patent"] if "patent" in text else []


def nlu(ranking: list[tuple[str, float]] | None = None, status: int = 200) -> NLUClient:
    ranking = ranking or []

    def handler(request: httpx.Request) -> httpx.Response:
        top = ranking[0] if ranking else ("nlu_fallback", 0.0)
        body: dict[str, Any] = {
            "text": "x",
            "intent": {"name": top[0], "confidence": top[1]},
            "intent_ranking": [{"name": n, "confidence": c} for n, c in ranking],
        }
        return httpx.Response(status, json=body)

    return NLUClient("http://nlu.test", transport=httpx.MockTransport(handler))


def dialogue(ranking: list[tuple[str, float]] | None = None, status: int = 200) -> Dialogue:
    return Dialogue(nlu(ranking, status), FakeArticles())


async def test_answer_shows_the_article_related_topics_and_feedback() -> None:
    reply = await dialogue([("work_patent", 0.93), ("entry_ban", 0.02)]).respond("патент", "en")
    assert (reply.action, reply.article, reply.escalate) == ("answer", "work_patent", False)
    assert reply.text.startswith("**Work patent**")
    assert "Apply within 30 days." in reply.text
    assert reply.text.endswith("Was this helpful?")
    assert reply.candidates == ("medical_exam_insurance", "language_exam")
    payloads = [c.payload for c in reply.choices]
    assert payloads == ["topic:medical_exam_insurance", "topic:language_exam",
                        "fb:work_patent:up", "fb:work_patent:down", "human"]  # fmt: skip


async def test_a_missing_translation_falls_back_with_a_note() -> None:
    reply = await dialogue([("work_patent", 0.9)]).respond("патент", "tg")
    assert reply.language == "tg"
    assert reply.text.startswith("Ин мақола ҳоло ба забони шумо тарҷума нашудааст")
    assert "English" in reply.text.splitlines()[0] or "англисӣ" in reply.text.splitlines()[0]


async def test_close_topics_are_clarified() -> None:
    ranking = [("work_patent", 0.45), ("migration_registration", 0.35), ("greet", 0.1)]
    reply = await dialogue(ranking).respond("документы", "ru")
    assert reply.action == "clarify"
    assert reply.candidates == ("work_patent", "migration_registration")
    assert reply.text == "Вы имели в виду одну из этих тем?"
    assert [c.payload for c in reply.choices] == [
        "topic:work_patent", "topic:migration_registration", "human"
    ]  # fmt: skip


async def test_fallback_searches_and_offers_a_person_after_two_failures() -> None:
    conversation = Conversation()
    d = dialogue([("work_patent", 0.2)])
    first = await d.respond("patent something", "en", conversation=conversation)
    assert (first.action, first.candidates) == ("fallback", ("work_patent",))
    assert first.text.startswith("I am not sure I understood")
    assert conversation.failed_in_row == 1
    second = await d.respond("hmm", "en", conversation=conversation)
    assert second.text.startswith("I still could not understand")
    assert second.choices[0].payload == "human"
    answered = await dialogue([("work_patent", 0.9)]).respond(
        "patent", "en", conversation=conversation
    )
    assert answered.action == "answer"
    assert conversation.failed_in_row == 0


async def test_smalltalk_and_out_of_scope() -> None:
    assert (await dialogue([("greet", 0.99)]).respond("салом", "tg")).action == "smalltalk"
    thanks = await dialogue([("thanks", 0.99)]).respond("спасибо", "ru")
    assert (thanks.action, thanks.text) == ("smalltalk", "Пожалуйста! Рад помочь.")
    oos = await dialogue([("out_of_scope", 0.95)]).respond("weather tomorrow", "en")
    assert oos.action == "out_of_scope"
    assert oos.text.startswith("Sorry, I can only help with questions about migration")


async def test_a_request_for_a_person_escalates() -> None:
    reply = await dialogue([("request_human", 0.97)]).respond("оператор", "ru")
    assert (reply.action, reply.escalate) == ("escalate", True)


async def test_emergencies_escalate_with_the_article_first_even_when_unsure() -> None:
    ranking = [("labour_rights", 0.5), ("emergency_help", 0.45)]
    reply = await dialogue(ranking).respond("маро мезананд", "en")
    assert (reply.action, reply.article, reply.escalate) == ("escalate", "emergency_help", True)
    assert reply.text.startswith("**Call 112 now**")
    assert reply.choices[0].payload == "human"


async def test_nlu_down_degrades_to_search() -> None:
    d = dialogue(status=503)
    found = await d.respond("patent please", "en")
    assert (found.degraded, found.candidates) == (True, ("work_patent",))
    assert found.text.startswith("I cannot fully understand messages right now")
    nothing = await d.respond("салом", "ru")
    assert nothing.degraded
    assert nothing.text.startswith("Сейчас я не могу разобрать сообщения")


@pytest.mark.parametrize("text", ["", "   ", "\u200b\u200b", "\x00\x07"])
async def test_empty_input_gets_a_clear_answer(text: str) -> None:
    reply = await dialogue([("greet", 0.9)]).respond(text, "en")
    assert reply.text == "Please write your question in words."
    assert reply.intent is None


async def test_buttons_are_checked_never_trusted() -> None:
    d = dialogue()
    topic = await d.press("topic:work_patent", "en")
    assert (topic.action, topic.article) == ("answer", "work_patent")
    for forged in ["topic:../../etc", "topic:no_such_topic", "fb:work_patent:maybe", "x" * 70,
                   "", "menu:1", "more:work_patent:999999", "cat:nope", "lang:de",
                   "cat:legal:1", "lang:en:up", "topic:work_patent\n"]:  # fmt: skip
        reply = await d.press(forged, "en")
        assert reply.text.startswith("This button has expired"), forged
    conversation = Conversation()
    down = await d.press("fb:work_patent:down", "en", conversation)
    assert conversation.feedback == [("work_patent", False)]
    assert down.choices[0].payload == "human"


async def test_menu_goes_down_to_articles_and_back() -> None:
    d = dialogue()
    menu = await d.press("menu", "ru")
    assert menu.text == "Выберите раздел:"
    categories = [c.payload for c in menu.choices if c.payload.startswith("cat:")]
    assert len(categories) == len(CATEGORIES)
    assert menu.choices[-1].payload == "human"
    listed = [t for key in CATEGORIES for t in CATEGORIES[key][1]]
    assert sorted(listed) == sorted(TOPICS)  # every topic is in exactly one category
    legal = await d.press("cat:legal", "en")
    assert legal.text == "Documents and legal stay: choose a topic."
    assert [c.payload for c in legal.choices][:2] == [
        "topic:work_patent",
        "topic:migration_registration",
    ]
    assert legal.choices[-1].payload == "menu"
    article = await d.press("topic:work_patent", "en")
    assert article.choices[-1].payload == "cat:legal"


async def test_language_button_changes_the_reply_language() -> None:
    reply = await dialogue().press("lang:ru", "en")
    assert (reply.action, reply.language) == ("language", "ru")
    assert reply.text == "Теперь я буду отвечать на языке: русский."


async def test_a_message_in_another_language_is_answered_in_it_with_an_offer() -> None:
    d = dialogue([("work_patent", 0.95)])
    reply = await d.respond("How do I get a work patent in Russia?", "ru")
    assert reply.language == "en"
    assert reply.choices[-1].payload == "lang:en"
    assert reply.choices[-1].label == "Always answer in English"
    short = await d.respond("patent", "ru")  # too short to be sure: stays in Russian
    assert short.language == "ru"
    assert all(c.payload != "lang:en" for c in short.choices)


async def test_long_articles_come_in_parts_with_show_more() -> None:
    parts = split_parts("\n\n".join(f"Paragraph {i} " + "x" * 400 for i in range(8)), 1500)
    assert len(parts) == 3
    assert all(len(p) <= 1500 for p in parts)
    assert parts[0].startswith("Paragraph 0")
    one_paragraph = " ".join(f"word{i}" for i in range(1000))  # 8,890 characters, no blank line
    pieces = split_parts(one_paragraph, 1500)
    assert all(len(p) <= 1500 for p in pieces)
    assert " ".join(pieces).split() == one_paragraph.split()  # nothing dropped


def test_clean_text_normalises_and_strips_invisible_characters() -> None:
    assert clean_text("  пате\u200bнт \x00 ") == "патент"
    assert clean_text("и\u0306") == "й"  # NFC
    assert len(clean_text("a " * 10_000)) == 2000


async def test_greeting_in_each_language() -> None:
    d = dialogue()
    assert d.greeting("tg").text.startswith("Салом!")
    assert d.greeting("ru").text.startswith("Здравствуйте!")
    assert d.greeting("en").text.startswith("Hello!")


async def test_without_a_chosen_language_the_reply_follows_the_message() -> None:
    d = dialogue([("work_patent", 0.9)])
    english = await d.respond("how do I pay for the patent", None, fallback="tg")
    assert (english.language, english.detected) == ("en", "en")
    russian = await d.respond("kak oplatit patent", None, fallback="tg")
    assert russian.language == "ru"
    chosen = await d.respond("patent pay", "tg", fallback="en")  # too short to switch
    assert chosen.language == "tg"
    unknown = await d.respond("👍", None, fallback="ru")
    assert unknown.language == "ru"
