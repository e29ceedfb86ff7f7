"""The dialogue policy with a fake NLU (httpx MockTransport) and in-memory articles. Texts are
checked through the catalogs, so a translator's fix never breaks a test."""

from __future__ import annotations

import pytest

from bot.dialogue import Conversation
from bot.dialogue.core import Action, HandOff, clean_text, split_parts
from bot.dialogue.payloads import (
    ChooseLanguage,
    OpenCategory,
    OpenContacts,
    OpenMenu,
    OpenTopic,
    Rate,
    ShowSources,
    TalkToPerson,
    Vote,
    decode,
    encode,
)
from bot.i18n import LANGUAGES, Translator, format_date
from bot.topics import CATEGORIES, TOPICS
from tests.unit.dialogue.conftest import CHECKED, SOURCE, MakeDialogue

EN = Translator("en")


async def test_answer_shows_the_article_related_topics_and_feedback(
    make_dialogue: MakeDialogue,
) -> None:
    reply = await make_dialogue([("work_patent", 0.93), ("entry_ban", 0.02)]).respond(
        "патент", "en"
    )
    assert (reply.action, reply.article, reply.handoff) == (Action.ANSWER, "work_patent", None)
    assert reply.text.startswith("**Work patent**")
    assert "Apply within 30 days." in reply.text
    assert reply.text.endswith(EN.gettext("Was this helpful?"))
    checked = EN.gettext("Checked {date}.", date=format_date(CHECKED, "en"))
    assert checked in reply.text
    assert reply.candidates == ("medical_exam_insurance", "language_exam")
    assert [c.payload for c in reply.choices] == [
        OpenTopic("medical_exam_insurance"),
        OpenTopic("language_exam"),
        ShowSources("work_patent"),
        Vote("work_patent", helpful=True),
        Vote("work_patent", helpful=False),
        TalkToPerson(),
    ]
    assert (reply.checked, reply.sources, reply.country) == (CHECKED, (SOURCE,), "russia")


async def test_sources_say_where_an_answer_comes_from(make_dialogue: MakeDialogue) -> None:
    reply = await make_dialogue().press(ShowSources("work_patent"), "tg")
    t = Translator("tg")
    assert reply.action is Action.SOURCES
    assert reply.text.startswith(t.gettext("Sources of “{title}”:", title="Work patent"))
    assert "[Federal Law 115-FZ](https://a.example/115)" in reply.text
    assert t.gettext("read {date}", date=format_date(CHECKED, "tg")) in reply.text
    assert (await make_dialogue().press(ShowSources("education"), "tg")).text == (
        make_dialogue().expired("tg").text
    )  # no such article: nothing to list


async def test_the_country_named_picks_its_rules_and_is_remembered(
    make_dialogue: MakeDialogue,
) -> None:
    conversation = Conversation()
    russia = await make_dialogue([("work_patent", 0.9)]).respond("патент", "en", "tg", conversation)
    assert "A permit, not a patent." not in russia.text
    kazakhstan = make_dialogue([("work_patent", 0.9)], entities=[("country", "kazakhstan")])
    reply = await kazakhstan.respond("patent in Kazakhstan", "en", "tg", conversation)
    assert "A permit, not a patent." in reply.text
    assert (conversation.country, reply.country) == ("kazakhstan", "kazakhstan")
    later = await make_dialogue([("work_patent", 0.9)]).respond("patent?", "en", "tg", conversation)
    assert "A permit, not a patent." in later.text  # remembered
    almaty = make_dialogue([("work_patent", 0.9)], entities=[("city", "moscow")])
    await almaty.respond("patent in Moscow", "en", "tg", conversation)
    assert conversation.country == "russia"


async def test_a_russia_only_answer_read_about_kazakhstan_says_so(
    make_dialogue: MakeDialogue,
) -> None:
    d = make_dialogue([("entry_ban", 0.9)], entities=[("country", "kazakhstan")])
    reply = await d.respond("ban in Kazakhstan", "en", "tg", Conversation())
    note = EN.gettext(
        "This answer is about Russia; the rules in {country} differ. An MRC operator can "
        "help: tap “Talk to a person”.",
        country=EN.gettext("Kazakhstan"),
    )
    assert note in reply.text


async def test_contacts_list_only_verified_details(make_dialogue: MakeDialogue) -> None:
    reply = await make_dialogue().press(OpenContacts(), "ru")
    t = Translator("ru")
    assert reply.action is Action.CONTACTS
    assert "**Экстренные службы**\n📞 112" in reply.text
    assert "Посольство" not in reply.text
    assert (
        t.gettext(
            "Other contacts (the MRC's office, embassies and consulates) are being checked: ask us "
            "with “Talk to a person” and we will give them to you."
        )
        in reply.text
    )
    menu = await make_dialogue().press(OpenMenu(), "ru")
    assert OpenContacts() in [c.payload for c in menu.choices]


async def test_a_missing_translation_falls_back_with_a_note(make_dialogue: MakeDialogue) -> None:
    reply = await make_dialogue([("work_patent", 0.9)]).respond("патент", "tg")
    assert reply.language == "tg"
    note = "This article is not yet available in your language, so here it is in {language}."
    expected = Translator("tg").gettext(note, language="англисӣ")
    assert reply.text.splitlines()[0] == expected


async def test_close_topics_are_clarified(make_dialogue: MakeDialogue) -> None:
    ranking = [("work_patent", 0.45), ("migration_registration", 0.35), ("greet", 0.1)]
    reply = await make_dialogue(ranking).respond("документы", "ru")
    assert reply.action is Action.CLARIFY
    assert reply.candidates == ("work_patent", "migration_registration")
    assert reply.text == Translator("ru").gettext("Did you mean one of these topics?")
    assert [c.payload for c in reply.choices] == [
        OpenTopic("work_patent"),
        OpenTopic("migration_registration"),
        TalkToPerson(),
    ]


async def test_fallback_searches_and_offers_a_person_after_two_failures(
    make_dialogue: MakeDialogue,
) -> None:
    conversation = Conversation()
    d = make_dialogue([("work_patent", 0.2)])
    first = await d.respond("patent something", "en", conversation=conversation)
    assert (first.action, first.candidates) == (Action.FALLBACK, ("work_patent",))
    assert first.text == EN.gettext("I am not sure I understood. These articles may help:")
    assert conversation.failed_in_row == 1
    second = await d.respond("hmm", "en", conversation=conversation)
    assert second.text == EN.gettext(
        "I still could not understand. Would you like to talk to a person from the MRC?"
    )
    assert second.choices[0].payload == TalkToPerson()
    answered = await make_dialogue([("work_patent", 0.9)]).respond(
        "patent", "en", conversation=conversation
    )
    assert answered.action is Action.ANSWER
    assert conversation.failed_in_row == 0


async def test_smalltalk_and_out_of_scope(make_dialogue: MakeDialogue) -> None:
    greet = await make_dialogue([("greet", 0.99)]).respond("салом", "tg")
    assert greet.action is Action.SMALLTALK
    thanks = await make_dialogue([("thanks", 0.99)]).respond("спасибо", "ru")
    assert (thanks.action, thanks.text) == (
        Action.SMALLTALK,
        Translator("ru").gettext("You are welcome!"),
    )
    oos = await make_dialogue([("out_of_scope", 0.95)]).respond("weather tomorrow", "en")
    assert oos.action is Action.OUT_OF_SCOPE
    assert oos.text == EN.gettext(
        "Sorry, I can only help with questions about migration, work abroad, documents "
        "and family matters."
    )
    assert [c.payload for c in oos.choices] == [OpenMenu()]


async def test_a_request_for_a_person_escalates(make_dialogue: MakeDialogue) -> None:
    reply = await make_dialogue([("request_human", 0.97)]).respond("оператор", "ru")
    assert (reply.action, reply.handoff, reply.escalate) == (
        Action.ESCALATE,
        HandOff.REQUEST,
        True,
    )
    pressed = await make_dialogue().press(TalkToPerson(), "ru")
    assert (pressed.handoff, pressed.article) == (HandOff.REQUEST, None)


async def test_emergencies_escalate_with_the_article_first_even_when_unsure(
    make_dialogue: MakeDialogue,
) -> None:
    ranking = [("labour_rights", 0.5), ("emergency_help", 0.45)]
    reply = await make_dialogue(ranking).respond("маро мезананд", "en")
    assert (reply.action, reply.article) == (Action.ESCALATE, "emergency_help")
    assert reply.handoff is HandOff.EMERGENCY
    assert reply.text.startswith("**Call 112 now**")
    assert reply.choices[0].payload == TalkToPerson()
    # Below MIN_CONFIDENCE an emergency is acted on only when it ranks first.
    second = await make_dialogue([("labour_rights", 0.5), ("emergency_help", 0.3)]).respond(
        "кор", "en"
    )
    assert second.handoff is None


async def test_nlu_down_degrades_to_search(make_dialogue: MakeDialogue) -> None:
    d = make_dialogue(status=503)
    found = await d.respond("patent please", "en")
    assert (found.degraded, found.candidates) == (True, ("work_patent",))
    assert found.text == EN.gettext(
        "I cannot fully understand messages right now, but these articles may help:"
    )
    nothing = await d.respond("салом", "ru")
    assert nothing.degraded
    assert nothing.text == Translator("ru").gettext(
        "I cannot understand messages right now. Please try again in a few minutes."
    )


@pytest.mark.parametrize(
    "text",
    ["", "   ", "\u200b\u200b", "\x00\x07", "ы" * 4096, "аааааа", "?!?!", "1" * 50, "😀" * 9],
)
async def test_empty_input_or_no_words_gets_a_clear_answer(
    make_dialogue: MakeDialogue, text: str
) -> None:
    reply = await make_dialogue([("greet", 0.9)]).respond(text, "en")
    assert reply.text == EN.gettext("Please write your question in words.")
    assert reply.intent is None


@pytest.mark.parametrize("text", ["да", "ok", "patent", "Ҳа", "ааа", "ИНН", "кӯдак 2 сола"])
async def test_short_words_reach_the_nlu(make_dialogue: MakeDialogue, text: str) -> None:
    reply = await make_dialogue([("greet", 0.9)]).respond(text, "en")
    assert reply.intent == "greet"


async def test_feedback_is_given_back_to_the_channel(make_dialogue: MakeDialogue) -> None:
    d = make_dialogue()
    down = await d.press(Vote("work_patent", helpful=False), "en")
    assert (down.action, down.vote) == (Action.FEEDBACK, Vote("work_patent", helpful=False))
    assert down.choices[0].payload == TalkToPerson()
    up = await d.press(Vote("work_patent", helpful=True), "en")
    assert (up.vote, up.text) == (
        Vote("work_patent", helpful=True),
        EN.gettext("Thank you for your feedback!"),
    )


async def test_a_payload_that_is_not_the_dialogues_changes_nothing(
    make_dialogue: MakeDialogue,
) -> None:
    d = make_dialogue()
    expired = EN.gettext("This button has expired. Please write your question again.")
    conversation = Conversation()
    reply = await d.press(Rate(12, 5), "en", conversation)
    assert (reply.text, reply.action) == (expired, Action.FALLBACK)
    assert conversation == Conversation()
    assert d.expired("en").text == expired


async def test_menu_goes_down_to_articles_and_back(make_dialogue: MakeDialogue) -> None:
    d = make_dialogue()
    menu = await d.press(OpenMenu(), "ru")
    assert menu.text == Translator("ru").gettext("Choose a subject:")
    categories = [c.payload for c in menu.choices if isinstance(c.payload, OpenCategory)]
    assert categories == [OpenCategory(key, in_place=True) for key in CATEGORIES]
    assert menu.choices[-2:] == (menu.choices[-2], menu.choices[-1])
    assert [c.payload for c in menu.choices[-2:]] == [OpenContacts(), TalkToPerson()]
    listed = [t for key in CATEGORIES for t in CATEGORIES[key][1]]
    assert sorted(listed) == sorted(TOPICS)  # every topic is in exactly one category
    legal = await d.press(OpenCategory("legal", in_place=True), "en")
    assert legal.text == EN.gettext(
        "{category}: choose a topic.", category=EN.gettext("Documents and legal stay")
    )
    assert [c.payload for c in legal.choices][:2] == [
        OpenTopic("work_patent"),
        OpenTopic("migration_registration"),
    ]
    assert legal.choices[-1].payload == OpenMenu(in_place=True)  # back, in the same message
    article = await d.press(OpenTopic("work_patent"), "en")
    assert article.choices[-1].payload == OpenCategory("legal")  # back, as a new message
    assert all(decode(encode(c.payload)) == c.payload for c in article.choices)


async def test_language_button_changes_the_reply_language(make_dialogue: MakeDialogue) -> None:
    reply = await make_dialogue().press(ChooseLanguage("ru"), "en")
    assert (reply.action, reply.language) == (Action.LANGUAGE, "ru")
    assert reply.text == Translator("ru").gettext(
        "I will answer in {language} from now on.", language="русский"
    )


async def test_a_message_in_another_language_is_answered_in_it_with_an_offer(
    make_dialogue: MakeDialogue,
) -> None:
    d = make_dialogue([("work_patent", 0.95)])
    reply = await d.respond("How do I get a work patent in Russia?", "ru")
    assert reply.language == "en"
    assert reply.choices[-1].payload == ChooseLanguage("en")
    assert reply.choices[-1].label == EN.gettext("Always answer in {language}", language="English")
    short = await d.respond("patent", "ru")  # too short to be sure: stays in Russian
    assert short.language == "ru"
    assert all(c.payload != ChooseLanguage("en") for c in short.choices)


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


async def test_greeting_in_each_language(make_dialogue: MakeDialogue) -> None:
    d = make_dialogue()
    greeting = (
        "Hello! I am MRC Assistant, the bot of the Migrant Resource Centre in Dushanbe. "
        "Ask me about work abroad, patents, registration, documents and family matters."
    )
    for language in LANGUAGES:
        assert d.greeting(language).text == Translator(language).gettext(greeting)
    assert d.greeting("tg").text != d.greeting("en").text  # translated, not the English


async def test_without_a_chosen_language_the_reply_follows_the_message(
    make_dialogue: MakeDialogue,
) -> None:
    d = make_dialogue([("work_patent", 0.9)])
    english = await d.respond("how do I pay for the patent", None, fallback="tg")
    assert (english.language, english.detected) == ("en", "en")
    russian = await d.respond("kak oplatit patent", None, fallback="tg")
    assert russian.language == "ru"
    chosen = await d.respond("patent pay", "tg", fallback="en")  # too short to switch
    assert chosen.language == "tg"
    unknown = await d.respond("👍", None, fallback="ru")
    assert unknown.language == "ru"
