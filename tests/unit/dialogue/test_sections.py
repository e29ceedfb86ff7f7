"""Sections as answers and follow-ups in context (issue 14), with a fake NLU that understands
each text its own way, the in-memory articles and the real section index over them."""

from __future__ import annotations

import json
from typing import Any

import httpx
import pytest

from bot.dialogue import Conversation, Dialogue, core
from bot.dialogue.core import Action
from bot.dialogue.payloads import OpenSection, OpenTopic, ShowMore, Vote
from bot.i18n import Translator
from bot.kb.section_choice import SectionIndex
from bot.kb.store import Answer
from bot.nlu import NLUClient
from tests.unit.dialogue.conftest import FakeArticles

EN = Translator("en")
Understood = tuple[list[tuple[str, float]], list[tuple[str, str]]]


def nlu_by_text(answers: dict[str, Understood]) -> NLUClient:
    """A fake NLU: each text gets its ``(ranking, entities)``; others are not understood."""

    def handler(request: httpx.Request) -> httpx.Response:
        text = json.loads(request.content)["text"]
        ranking, entities = answers.get(text, ([], []))
        top = ranking[0] if ranking else ("nlu_fallback", 0.0)
        body: dict[str, Any] = {
            "text": text,
            "intent": {"name": top[0], "confidence": top[1]},
            "intent_ranking": [{"name": n, "confidence": c} for n, c in ranking],
            "entities": [{"entity": e, "value": v} for e, v in entities],
        }
        return httpx.Response(200, json=body)

    return NLUClient("http://nlu.test", transport=httpx.MockTransport(handler))


PATENT = ([("work_patent", 0.93)], [])
ANSWERS: dict[str, Understood] = {
    "how much is the monthly payment for the patent": PATENT,
    "tell me about the patent": PATENT,
    "how much per month?": ([("out_of_scope", 0.7)], []),
    "and in Kazakhstan?": ([("nlu_fallback", 0.3)], [("country", "kazakhstan")]),
    "thanks": ([("thanks", 0.98)], []),
    "how do I check whether I have an entry ban to Russia": ([("entry_ban", 0.95)], []),
    "entry ban check?": ([("entry_ban", 0.9)], []),
    "where to check it?": ([("nlu_fallback", 0.3)], []),
    "the monthly payment?": ([("work_patent", 0.9)], []),
    "tell me more": ([("nlu_fallback", 0.2)], []),
    "what's the weather in Moscow?": ([("out_of_scope", 0.95)], []),
    "and where can I check that it is still valid?": ([("nlu_fallback", 0.3)], []),
    "how do I check whether I have an entry ban now": ([("entry_ban", 0.6)], []),
    "what about in Almaty?": ([("nlu_fallback", 0.3)], []),
    "a v Karagande?": ([("out_of_scope", 0.95)], []),
    "patent info": ([("out_of_scope", 0.99)], []),
    "patent info please": ([("nlu_fallback", 0.3)], []),
    "how much is the monthly payment for my patent": (
        [("work_patent", 0.3), ("entry_ban", 0.2)],
        [],
    ),
    "monthly payment": ([("work_patent", 0.3)], []),
    "how much is the monthly payment?": ([("entry_ban", 0.9)], []),
    "a skolko platit?": ([("greet", 0.6)], []),
    "hello": ([("greet", 0.95)], []),
    "pay where?": ([("nlu_fallback", 0.3)], []),
    "tell me everything about the patent for migrants in Russia": PATENT,
    "how much is the monthly payment, patent or ban": (
        [("work_patent", 0.5), ("entry_ban", 0.45)],
        [],
    ),
    "patent or ban": ([("work_patent", 0.5), ("entry_ban", 0.45)], []),
    "how much is the monthly payment please": ([("entry_ban", 0.6)], []),
    "book a table for two tonight": ([("work_patent", 0.55)], []),
    "book a table for two tonight, sure": ([("work_patent", 0.65)], []),
    "patent monthly payment": ([("work_patent", 0.55)], []),
}


def dialogue(articles: Any = None) -> Dialogue:
    return Dialogue(nlu_by_text(ANSWERS), articles or FakeArticles())


def labels(reply: Any) -> list[str]:
    return [c.label for c in reply.choices]


async def test_a_specific_question_gets_its_section_first() -> None:
    reply = await dialogue().respond("how much is the monthly payment for the patent", "en")
    assert (reply.action, reply.article, reply.section) == (Action.ANSWER, "work_patent", "payment")
    assert reply.text.startswith("**Work patent**\n\n**Monthly payment**")
    assert "Pay the advance every month" in reply.text
    assert "Apply within 30 days." not in reply.text  # the rest is one tap away
    payloads = [c.payload for c in reply.choices]
    assert payloads[0] == OpenTopic("work_patent")
    assert labels(reply)[0] == EN.pgettext("button", "📖 Whole article")
    assert OpenSection("work_patent", "what_to_do") in payloads
    assert OpenSection("work_patent", "check") in payloads
    assert OpenSection("work_patent", "kz") not in payloads  # Kazakhstan's, not asked about
    assert Vote("work_patent", False, "payment") in payloads  # 👎 says which section


async def test_a_general_question_gets_the_article_from_its_beginning() -> None:
    reply = await dialogue().respond("tell me about the patent", "en")
    assert (reply.article, reply.section) == ("work_patent", None)
    assert "Apply within 30 days." in reply.text
    assert OpenTopic("work_patent") not in [c.payload for c in reply.choices]


async def test_whole_article_and_other_sections_open_from_the_buttons() -> None:
    d, conversation = dialogue(), Conversation()
    await d.respond("how much is the monthly payment for the patent", "en", "tg", conversation)
    whole = await d.press(OpenTopic("work_patent"), "en", conversation)
    assert whole.section is None
    assert "Apply within 30 days." in whole.text
    other = await d.press(OpenSection("work_patent", "check"), "en", conversation)
    assert other.section == "check"
    assert "мвд.рф" in other.text
    assert conversation.last_section == "check"
    # A key the article does not have (an old button, a forged one): the whole article.
    stale = await d.press(OpenSection("work_patent", "gone"), "en", conversation)
    assert (stale.article, stale.section) == ("work_patent", None)


async def test_a_short_follow_up_is_read_in_the_conversation_topic() -> None:
    d, conversation = dialogue(), Conversation()
    await d.respond("tell me about the patent", "en", "tg", conversation)
    reply = await d.respond("how much per month?", "en", "tg", conversation)
    assert (reply.action, reply.article, reply.section) == (Action.ANSWER, "work_patent", "payment")


async def test_a_place_alone_asks_the_same_about_that_country() -> None:
    d, conversation = dialogue(), Conversation()
    await d.respond("how much is the monthly payment for the patent", "en", "tg", conversation)
    reply = await d.respond("and in Kazakhstan?", "en", "tg", conversation)
    assert (reply.article, reply.section, reply.country) == ("work_patent", "kz", "kazakhstan")
    assert "A permit, not a patent." in reply.text


async def test_thanks_and_new_questions_are_not_follow_ups() -> None:
    d, conversation = dialogue(), Conversation()
    await d.respond("tell me about the patent", "en", "tg", conversation)
    assert (await d.respond("thanks", "en", "tg", conversation)).action is Action.SMALLTALK
    full = await d.respond(
        "how do I check whether I have an entry ban to Russia", "en", "tg", conversation
    )
    assert full.article == "entry_ban"
    await d.respond("tell me about the patent", "en", "tg", conversation)
    short = await d.respond("entry ban check?", "en", "tg", conversation)
    assert short.article == "entry_ban"  # another topic, surely: a question of its own


async def test_a_follow_up_the_nlu_cannot_place_is_read_in_the_topic() -> None:
    """Not understood on its own, it matches a section of the topic just answered: that
    section, not "I did not understand"."""
    d, conversation = dialogue(), Conversation()
    await d.respond("how much is the monthly payment for the patent", "en", "tg", conversation)
    reply = await d.respond("where to check it?", "en", "tg", conversation)
    assert (reply.action, reply.article, reply.section) == (Action.ANSWER, "work_patent", "check")


async def test_a_longer_follow_up_the_nlu_cannot_place_is_read_in_the_topic() -> None:
    """Up to FOLLOW_UP_MAX_WORDS_UNSURE words when the NLU cannot place it; a message as long
    that the NLU places in another topic is a question of its own."""
    d, conversation = dialogue(), Conversation()
    await d.respond("how much is the monthly payment for the patent", "en", "tg", conversation)
    reply = await d.respond(
        "and where can I check that it is still valid?", "en", "tg", conversation
    )
    assert (reply.action, reply.article, reply.section) == (Action.ANSWER, "work_patent", "check")
    other = await d.respond(
        "how do I check whether I have an entry ban now", "en", "tg", conversation
    )
    assert other.article == "entry_ban"


async def test_a_city_the_nlu_did_not_tag_still_moves_the_conversation() -> None:
    """ "Almaty" without an entity (the NLU misses Tajik endings and new spellings) is still
    Kazakhstan: the same question about Kazakhstan, and the country kept for what follows."""
    d, conversation = dialogue(), Conversation()
    await d.respond("how much is the monthly payment for the patent", "en", "tg", conversation)
    reply = await d.respond("what about in Almaty?", "en", "tg", conversation)
    assert (reply.article, reply.section, reply.country) == ("work_patent", "kz", "kazakhstan")
    assert conversation.country == "kazakhstan"


async def test_a_place_alone_is_a_follow_up_even_if_the_nlu_is_sure_it_is_out_of_scope() -> None:
    """So few words tell the NLU little: "a v Karagande?" after an answer asks it again."""
    d, conversation = dialogue(), Conversation()
    await d.respond("how much is the monthly payment for the patent", "en", "tg", conversation)
    reply = await d.respond("a v Karagande?", "en", "tg", conversation)
    assert (reply.article, reply.section, reply.country) == ("work_patent", "kz", "kazakhstan")
    fresh = await d.respond("a v Karagande?", "en", "tg", Conversation())
    assert fresh.action is Action.OUT_OF_SCOPE  # with nothing before it, out of scope


async def test_a_request_naming_a_topic_gets_it_even_if_the_nlu_says_out_of_scope() -> None:
    reply = await dialogue().respond("patent info", "en")
    assert (reply.action, reply.article, reply.section) == (Action.ANSWER, "work_patent", None)


async def test_a_detailed_question_the_nlu_hesitates_on_gets_the_section_that_matches() -> None:
    """Under MIN_CONFIDENCE, a section of one of the NLU's best topics that matches a question
    of three words or more answers it; a vague word or two still gets the choice of topics."""
    d = dialogue()
    reply = await d.respond("how much is the monthly payment for my patent", "en")
    assert (reply.action, reply.article, reply.section) == (Action.ANSWER, "work_patent", "payment")
    vague = await d.respond("monthly payment", "en")
    assert vague.action is Action.FALLBACK
    # Unsure with no topic to look in (and not out of scope, so not a named topic either).
    unplaced = await d.respond("patent info please", "en")
    assert (unplaced.action, unplaced.article) == (Action.FALLBACK, None)


async def test_a_follow_up_another_topic_matches_worse_stays_in_the_conversation() -> None:
    """The NLU is sure of another topic, but a section of the topic just answered matches
    better than anything in it: the conversation's topic ("Ҷаримааш чанд?" after
    registration). When the other topic matches better, it is a new question."""
    d, conversation = dialogue(), Conversation()
    await d.respond("tell me about the patent", "en", "tg", conversation)
    reply = await d.respond("how much is the monthly payment?", "en", "tg", conversation)
    assert (reply.article, reply.section) == ("work_patent", "payment")
    other = await d.respond("entry ban check?", "en", "tg", conversation)
    assert other.article == "entry_ban"


async def test_the_topics_own_words_in_a_follow_up_name_a_section() -> None:
    d, conversation = dialogue(), Conversation()
    await d.respond("tell me about the patent", "en", "tg", conversation)
    reply = await d.respond("the monthly payment?", "en", "tg", conversation)
    assert (reply.article, reply.section) == ("work_patent", "payment")


async def test_request_words_alone_or_another_subject_are_not_follow_ups() -> None:
    d, conversation = dialogue(), Conversation()
    await d.respond("how much is the monthly payment for the patent", "en", "tg", conversation)
    assert (await d.respond("tell me more", "en", "tg", conversation)).action is Action.FALLBACK
    weather = await d.respond("what's the weather in Moscow?", "en", "tg", conversation)
    assert weather.action is Action.OUT_OF_SCOPE


async def test_without_a_previous_answer_a_short_message_is_not_a_follow_up() -> None:
    reply = await dialogue().respond("how much per month?", "en", "tg", Conversation())
    assert reply.action is Action.OUT_OF_SCOPE


async def test_a_follow_up_the_nlu_half_takes_for_smalltalk_is_still_a_follow_up() -> None:
    """Only a sure greeting or thanks is smalltalk after an answer: "a skolko platit?" read as
    a greeting at 0.6 asks about the topic just answered."""
    d, conversation = dialogue(), Conversation()
    await d.respond("tell me about the patent", "en", "tg", conversation)
    reply = await d.respond("a skolko platit?", "en", "tg", conversation)
    assert (reply.action, reply.article, reply.section) == (Action.ANSWER, "work_patent", "payment")
    hello = await d.respond("hello", "en", "tg", conversation)
    assert hello.action is Action.SMALLTALK


async def test_short_words_of_a_follow_up_count() -> None:
    """ "pay where?" is made of short words, not of request words: after the overview it asks
    for the section that matches best, even where the overview itself matches better."""
    d, conversation = dialogue(), Conversation()
    await d.respond("tell me about the patent", "en", "tg", conversation)
    reply = await d.respond("pay where?", "en", "tg", conversation)
    assert (reply.action, reply.article) == (Action.ANSWER, "work_patent")
    assert reply.section in {"payment", "check"}


async def test_a_request_about_a_topic_for_migrants_in_russia_is_general() -> None:
    """Words every article is about (migrants, Russia) and request words ("everything") name
    no section: the overview."""
    reply = await dialogue().respond(
        "tell me everything about the patent for migrants in Russia", "en"
    )
    assert (reply.article, reply.section) == ("work_patent", None)


async def test_two_close_topics_and_a_matching_section_answer_without_asking() -> None:
    """The NLU is torn between two topics, but a detailed question matches a section of one:
    that section. A question with nothing to match still gets the choice of topics."""
    d = dialogue()
    reply = await d.respond("how much is the monthly payment, patent or ban", "en")
    assert (reply.action, reply.article, reply.section) == (Action.ANSWER, "work_patent", "payment")
    vague = await d.respond("patent or ban", "en")
    assert vague.action is Action.CLARIFY


async def test_the_section_just_shown_is_favoured_by_its_bonus(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """FOLLOW_UP_SHOWN_BONUS is added to the shown section's score in a follow-up: without it
    "where to check it?" after the payment is the check; with an overwhelming one, the payment."""
    for bonus, expected in ((None, "check"), (1.0, "payment")):
        monkeypatch.setattr(core, "FOLLOW_UP_SHOWN_BONUS", bonus)
        d, conversation = dialogue(), Conversation()
        await d.respond("how much is the monthly payment for the patent", "en", "tg", conversation)
        reply = await d.respond("where to check it?", "en", "tg", conversation)
        assert (reply.article, reply.section) == ("work_patent", expected)


async def test_a_section_of_another_topic_overrules_an_unsure_nlu() -> None:
    """The NLU places a detailed question in a topic at 0.6, but a section of another topic
    matches it far better than anything there: that section. At 0.9 the NLU's topic stands."""
    d = dialogue()
    reply = await d.respond("how much is the monthly payment please", "en")
    assert (reply.article, reply.section) == ("work_patent", "payment")
    sure = await d.respond("how much is the monthly payment?", "en")
    assert sure.article == "entry_ban"


class UrgentArticles(FakeArticles):
    """An urgent article with its emergency numbers in the overview."""

    BODY = ("Call 112 now.\n\n**If you are detained** {#detained}\n- Ask for an interpreter."
            "\n\n**A relative is missing** {#missing}\n- Report it to the police.")  # fmt: skip

    async def article(self, topic: str, language: str) -> Answer | None:
        return Answer(topic, "en", "Emergency", self.BODY, (), True)

    async def sections(self) -> SectionIndex:
        return SectionIndex([("emergency_help", "Emergency", self.BODY)])


async def test_an_urgent_section_keeps_the_emergency_numbers_first() -> None:
    answers = {"my brother was detained, he needs an interpreter": ([("emergency_help", 0.9)], [])}
    d = Dialogue(nlu_by_text(answers), UrgentArticles())
    reply = await d.respond("my brother was detained, he needs an interpreter", "en")
    assert reply.section == "detained"
    assert reply.escalate
    assert reply.text.index("Call 112 now.") < reply.text.index("Ask for an interpreter.")
    assert "Report it to the police." not in reply.text


async def test_an_emergency_section_that_overrules_the_nlu_still_escalates() -> None:
    """The NLU places it elsewhere at 0.6 and never thinks of an emergency, but the emergency
    article's section matches it far better: the emergency answer, handed to a person."""
    text = "a relative is missing, report it to the police"
    d = Dialogue(nlu_by_text({text: ([("work_patent", 0.6)], [])}), UrgentArticles())
    reply = await d.respond(text, "en")
    assert (reply.article, reply.section) == ("emergency_help", "missing")
    assert reply.escalate


async def test_a_long_section_comes_in_parts_that_stay_in_the_section() -> None:
    class Long(FakeArticles):
        BODY = "Intro.\n\n**Payment** {#payment}\n" + "\n".join(
            f"- Line {i} about the monthly payment." for i in range(40)
        )

        async def article(self, topic: str, language: str) -> Answer | None:
            return Answer(topic, "en", "Work patent", self.BODY, (), False)

        async def sections(self) -> SectionIndex:
            return SectionIndex([("work_patent", "Work patent", self.BODY)])

    d = Dialogue(nlu_by_text(ANSWERS), Long(), part_chars=400)
    first = await d.respond("how much is the monthly payment for the patent", "en")
    more = next(c.payload for c in first.choices if isinstance(c.payload, ShowMore))
    assert more == ShowMore("work_patent", 1, "payment")
    second = await d.press(more, "en")
    assert second.section == "payment"
    assert "(2/" in second.text
    assert "Intro." not in second.text


async def test_channels_that_can_notify_offer_reminders_under_the_patent() -> None:
    """Issue 15: "⏰ Remind me of the date" under the patent's answer where the channel can
    send reminders (Telegram), not in the terminal."""
    from bot.dialogue.core import remind_choice
    from bot.dialogue.payloads import Remind

    telegram = Dialogue(nlu_by_text(ANSWERS), FakeArticles(), bell=True)
    reply = await telegram.respond("tell me about the patent", "en")
    assert Remind("patent") in [c.payload for c in reply.choices]
    terminal = await dialogue().respond("tell me about the patent", "en")
    assert not any(isinstance(c.payload, Remind) for c in terminal.choices)
    stay = remind_choice(EN, "migration_registration", "stay_limit")
    assert stay is not None
    assert stay.payload == Remind("stay")
    assert remind_choice(EN, "entry_ban", None) is None


async def test_a_topic_the_nlu_is_unsure_of_is_answered_only_when_its_article_matches() -> None:
    """Under ANSWER_CHECK_CONFIDENCE, a topic whose article matches nothing of the message is
    not answered with it ("book a table" half placed in patents): the bot says it is not sure
    and offers what its search finds. A matching question, or a surer NLU, still gets it."""
    d = dialogue()
    unsure = await d.respond("book a table for two tonight", "en")
    assert (unsure.action, unsure.article) == (Action.FALLBACK, None)
    matching = await d.respond("patent monthly payment", "en")
    assert (matching.action, matching.article) == (Action.ANSWER, "work_patent")
    surer = await d.respond("book a table for two tonight, sure", "en")
    assert (surer.action, surer.article) == (Action.ANSWER, "work_patent")
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(core, "ANSWER_CHECK_CONFIDENCE", None)
        unchecked = await d.respond("book a table for two tonight", "en")
    assert unchecked.article == "work_patent"
