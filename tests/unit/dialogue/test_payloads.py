"""Button payloads: every kind round-trips through its text form; anything else is refused."""

from __future__ import annotations

import datetime as dt

import pytest

from bot.dialogue.payloads import (
    MAX_BYTES,
    ChooseLanguage,
    DeleteData,
    ExportData,
    OpenCategory,
    OpenMenu,
    OpenSection,
    OpenTopic,
    Payload,
    Rate,
    Remind,
    RemindOn,
    RemindRegion,
    RemindStop,
    RemindZone,
    SendSaved,
    SendSuggestion,
    ShowMore,
    ShowStatus,
    Subscribe,
    TalkToPerson,
    Unsubscribe,
    Vote,
    decode,
    encode,
)
from bot.i18n import LANGUAGES
from bot.topics import CATEGORIES, TOPICS

EVERY_KIND: list[Payload] = [
    OpenMenu(),
    OpenMenu(in_place=True),
    OpenCategory("legal"),
    OpenCategory("help", in_place=True),
    OpenTopic("work_patent"),
    ShowMore("work_patent", 0),
    ShowMore("medical_exam_insurance", 99),
    ShowMore("work_patent", 1, "payment"),
    OpenSection("work_patent", "payment"),
    Vote("entry_ban", helpful=True),
    Vote("entry_ban", helpful=False),
    Vote("entry_ban", helpful=False, section="register_check"),
    ChooseLanguage("tg"),
    TalkToPerson(),
    Subscribe("citizenship_foreign"),
    Unsubscribe("citizenship_foreign"),
    Rate(1, 1),
    Rate(999_999_999_999, 5),
    DeleteData("ask"),
    DeleteData("yes"),
    DeleteData("no"),
    ExportData(),
    Remind(),
    Remind("patent"),
    Remind("registration"),
    Remind("stay"),
    RemindOn("patent", dt.date(2026, 12, 5)),
    RemindOn("stay", dt.date(2027, 2, 28)),
    RemindStop("registration"),
    RemindRegion("sverdlovsk"),
    RemindZone(),
    RemindZone(0),
    RemindZone(7),
    ShowStatus(),
    SendSuggestion(1, "work_patent", "payment"),
    SendSuggestion(999_999_999_999, "diaspora_engagement"),
    SendSaved(1, 1),
    SendSaved(999_999_999_999, 999_999_999_999),
]


@pytest.mark.parametrize("payload", EVERY_KIND, ids=encode)
def test_every_payload_round_trips(payload: Payload) -> None:
    text = encode(payload)
    assert 0 < len(text.encode()) <= MAX_BYTES
    assert decode(text) == payload


def test_every_topic_category_and_language_fits() -> None:
    for topic in TOPICS:
        longest = "s" * 31  # the longest section key an article may use
        for payload in (OpenTopic(topic), ShowMore(topic, 99), Vote(topic, helpful=False),
                        Subscribe(topic), Unsubscribe(topic), OpenSection(topic, longest),
                        ShowMore(topic, 99, longest), Vote(topic, False, longest)):  # fmt: skip
            assert decode(encode(payload)) == payload
    for key in CATEGORIES:
        assert decode(encode(OpenCategory(key, in_place=True))) == OpenCategory(key, True)
    for language in LANGUAGES:
        assert decode(encode(ChooseLanguage(language))) == ChooseLanguage(language)


def test_the_text_forms_of_buttons_already_sent_keep_working() -> None:
    """Buttons in people's chats were sent by earlier versions."""
    assert decode("topic:work_patent") == OpenTopic("work_patent")
    assert decode("more:work_patent:2") == ShowMore("work_patent", 2)
    assert decode("fb:work_patent:down") == Vote("work_patent", helpful=False)
    assert decode("cat:legal") == OpenCategory("legal")
    assert decode("menu") == OpenMenu()
    assert decode("human") == TalkToPerson()
    assert decode("lang:ru") == ChooseLanguage("ru")
    assert decode("sub:entry_ban") == Subscribe("entry_ban")
    assert decode("rate:12:4") == Rate(12, 4)
    assert decode("del:yes") == DeleteData("yes")
    assert decode("data:export") == ExportData()


@pytest.mark.parametrize(
    "forged",
    [
        "", "x" * 70, "topic:../../etc", "topic:no_such_topic", "topic:work_patent\n",
        "topic:work_patent:1", "topic:", "TOPIC:work_patent", "fb:work_patent:maybe",
        "fb:work_patent", "more:work_patent:999999", "more:work_patent:-1", "more:work_patent:01",
        "more:work_patent:1e9", "more:x:1", "menu:1", "menu:e:e", "cat:nope", "cat:legal:1",
        "cat:", "lang:de", "lang:en:up", "lang:", "human:now", "sub:", "sub:../x",
        "unsub:nope", "rate:0:5", "rate:12:6", "rate:12:0", "rate:-1:3", "rate:abc:3",
        "rate:12", "rate:1234567890123:5", "del:maybe", "del:yes:now", "data:import", "data",
        "работа", "topic:work_patent ", " menu", "menu\x00", "\ufefftopic:work_patent",
        "sec:work_patent", "sec:work_patent:", "sec:work_patent:Pay", "sec:nope:payment",
        "sec:work_patent:pay-ment", "sec:work_patent:" + "s" * 32, "sec:work_patent:a:b",
        "more:work_patent:1:", "more:work_patent:1:a:b", "more:work_patent:1:Bad",
        "fb:work_patent:up:", "fb:work_patent:up:x:y", "fb:work_patent:maybe:payment",
        "sec:work_patent:1payment",
        "rem:", "rem:visa", "rem:on:patent", "rem:on:patent:20260231", "rem:on:patent:2026125",
        "rem:on:patent:19991205", "rem:on:visa:20261205", "rem:on:patent:20261205:x",
        "rem:stop:", "rem:stop:all", "rem:reg:paris", "rem:reg:", "rem:tz:8", "rem:tz:-1",
        "rem:tz:01", "rem:tz:x", "status:now", "sug:", "sug:1", "sug:1:0", "sug:0:0:payment",
        "sug:1:99:payment", "sug:1:x:payment", "sug:1:0:Pay", "sug:1:0:payment:x", "sug:-1:0:-",
        "svd:1", "svd:0:1", "svd:1:0", "svd:1:x", "svd:1:2:3",
    ],
)  # fmt: skip
def test_forged_or_stale_payloads_are_refused(forged: str) -> None:
    assert decode(forged) is None


@pytest.mark.parametrize("value", [None, 12, b"menu", ["menu"], {"menu": 1}])
def test_only_text_is_a_payload(value: object) -> None:
    assert decode(value) is None


def test_a_payload_over_64_bytes_is_refused_when_made() -> None:
    with pytest.raises(ValueError, match="64 bytes"):
        encode(OpenTopic("x" * 70))


def test_reminder_buttons_name_only_regions_and_zones_the_bot_knows() -> None:
    from bot.dialogue.payloads import REGION_KEYS, REMINDER_KINDS, ZONE_COUNT
    from bot.reminders.schedule import TIMEZONES
    from bot.reminders.store import KINDS
    from bot.reminders.texts import REGIONS

    assert tuple(key for key, _ in REGIONS) == REGION_KEYS
    assert len(TIMEZONES) == ZONE_COUNT
    assert REMINDER_KINDS == KINDS


def test_a_suggestion_fits_for_every_topic_and_section() -> None:
    for topic in TOPICS:
        payload = SendSuggestion(999_999_999_999, topic, "s" * 31)
        assert decode(encode(payload)) == payload
