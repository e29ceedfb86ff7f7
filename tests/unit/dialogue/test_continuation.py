"""Words that tie a short message to the answer before it (bot.dialogue.continuation), and
how they keep a follow-up in the conversation's topic (bot.dialogue.core._stays)."""

from __future__ import annotations

import pytest

from bot.dialogue import core
from bot.dialogue.continuation import continues
from bot.kb.section_choice import Phrase, SectionIndex


@pytest.mark.parametrize(
    "text",
    [
        "Ҷаримааш чанд?",  # its fine (a Tajik possessive ending)
        "chorimaash chand?",  # the same in Latin letters
        "Ӯ бояд номашро гӯяд?",  # he
        "Ин уголовка мешавад?",  # this, in Cyrillic
        "инро аз кучо санчам?",
        "а если опоздаю?",
        "a v Karagande?",
        "a potom grazhdanstvo?",
        "and for my wife?",
        "so i pay for it?",
        "can i do delivery in piter with it?",
        "они его отпустят?",
        "Дар Екатеринбург ҳам консулгарӣ ҳаст?",  # also
        "ва барои бачаҳо чӣ?",  # Tajik "and"
        "и сколько это стоит?",
        "агар дер супорам?",  # "what if"
    ],
)
def test_words_that_refer_back(text: str) -> None:
    assert continues(text)


@pytest.mark.parametrize(
    "text",
    [
        "",
        "how much is the patent in Moscow",  # English "in" is not Tajik "ин"
        "у меня аттестат советской школы",  # Russian "у" is not Tajik "ӯ"
        "Регистратсия чанд рӯз мешавад?",
        "patent chi tavr giram",
        "kak poluchit vnzh",
        "what documents?",
        "ваш паспорт где",  # Russian "-аш" is not a Tajik possessive
        "Инсон",
    ],
)
def test_a_question_of_its_own(text: str) -> None:
    assert not continues(text)


def index() -> SectionIndex:
    """Two topics with a section on fines each; the police's matches "fine" questions best."""
    body = {
        "migration_registration": "**Fines** {#fines}\n- A fine for late registration.",
        "police_fines": "**Fines** {#fines}\n- The police fine: how to pay a fine.",
    }
    phrases = [
        Phrase("migration_registration", "fines", "fine for registering late"),
        Phrase("police_fines", "fines", "a fine for that, officer"),
    ]
    return SectionIndex([(t, t, b) for t, b in body.items()], phrases)


def test_a_message_that_refers_back_stays_nearly_as_well_matched() -> None:
    idx, text = index(), "the fine for it?"
    mine = idx.scores("migration_registration", text)[0][1]
    theirs = idx.scores("police_fines", text)[0][1]
    assert core.FOLLOW_UP_MIN_SCORE <= mine < theirs <= mine + core.FOLLOW_UP_CUE_MARGIN  # type: ignore[operator]
    args = (idx, text, "migration_registration", "police_fines")
    assert not core._stays(*args, cued=False, country=None)
    assert core._stays(*args, cued=True, country=None)


def test_out_of_scope_never_keeps_a_message_that_does_not_refer_back() -> None:
    idx = index()
    args = (idx, "fine weather for registering", "migration_registration", "out_of_scope")
    assert not core._stays(*args, cued=False, country=None)


def test_a_longer_message_another_topic_claims_stays_when_matched_well_and_better() -> None:
    """Past FOLLOW_UP_MAX_WORDS, a message the NLU places in another topic continues the
    conversation's topic only when one of its sections matches it FOLLOW_UP_STAY_LONG_SCORE
    and better than anything in the other topic."""
    idx = index()
    text = "what is the fine for registering late in the town"
    assert len(text.split()) > core.FOLLOW_UP_MAX_WORDS
    mine = idx.scores("migration_registration", text)[0][1]
    theirs = idx.scores("police_fines", text)[0][1]
    assert mine >= core.FOLLOW_UP_STAY_LONG_SCORE > 0  # type: ignore[operator]
    assert mine > theirs
    assert core._stays_long(idx, text, "migration_registration", "police_fines", None)
    # The other way round, the conversation's topic matches worse: a question of its own.
    assert not core._stays_long(idx, text, "police_fines", "migration_registration", None)
    # Out of scope (not a topic) never keeps it.
    assert not core._stays_long(idx, text, "migration_registration", "out_of_scope", None)


def test_a_longer_follow_up_continues_the_conversation_through_the_stay_rule() -> None:
    idx, conversation = index(), core.Conversation()
    conversation.last_topic, conversation.last_section = "migration_registration", "fines"
    text = "what is the fine for registering late in the town"
    found = core._follow_up(idx, text, "police_fines", 0.95, conversation, None)
    assert found == ("migration_registration", "fines")
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(core, "FOLLOW_UP_STAY_LONG_SCORE", None)
        assert core._follow_up(idx, text, "police_fines", 0.95, conversation, None) is None
