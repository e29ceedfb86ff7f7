"""Escalation to people through a staff forum group, end to end (issue 6)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from bot.i18n import Translator
from tests.botapi import BotAPIEmulator
from tests.integration.conftest import RasaEndpoint
from tests.integration.e2e.conftest import (
    BotProcess,
    choose_language,
    is_article,
    labels,
    plain,
)
from tests.integration.e2e.staffing import Staff, request_number, staffed_bot, ticket, topic_of

pytestmark = pytest.mark.integration


@pytest.fixture(scope="module")
def staff(emu: BotAPIEmulator) -> Staff:
    return Staff(emu)


@pytest.fixture(scope="module")
def bot(
    emu: BotAPIEmulator,
    staff: Staff,
    rasa_server: RasaEndpoint,
    tmp_path_factory: pytest.TempPathFactory,
) -> Iterator[BotProcess]:
    yield from staffed_bot(emu, staff, rasa_server, tmp_path_factory.mktemp("bot"))


ASKS = [
    ("tg", "Патенти корӣ чӣ тавр мегиранд?", "оператор лозим"),
    ("ru", "Как получить патент на работу?", "соедините с оператором"),
    ("en", "How do I get a work patent in Russia?", "I want to talk to a real person"),
]


@pytest.mark.parametrize(("language", "question", "ask"), ASKS)
def test_a_person_takes_over_answers_closes_and_is_rated(
    emu: BotAPIEmulator, bot: BotProcess, staff: Staff, language: str, question: str, ask: str
) -> None:
    t, ops = Translator(language), Translator("ru")
    user = emu.user("Migrant", language_code=language)
    choose_language(emu, user, language)
    emu.send_text(user, question)
    [answer] = emu.wait_for(user.id, after=3)
    assert is_article(answer, language)
    seen = len(emu.received(user.id))
    emu.send_text(user, ask)
    [handed] = emu.wait_for(user.id, after=seen)
    number = request_number(plain(handed))
    assert plain(handed) == t.gettext(
        "I have passed your question to an MRC operator (request #{number}). They will answer "
        "here, in this chat. Send /cancel to go back to the bot.",
        number=number,
    )
    thread = topic_of(emu, bot, user)
    assert (
        emu.forum_topics(staff.group)[thread].name
        == f"#{number} · {language.upper()} · 🟢 {ops.gettext('waiting')}"
    )
    [card] = emu.wait_for(staff.group.id, thread_id=thread)
    assert ops.gettext("New ticket #{number}", number=number) in plain(card)
    assert question in plain(card)  # the question that started it, and the last turns
    assert language.upper() in plain(card)
    assert ticket(bot, number)["question"] == question

    emu.send_text(staff.operator, "Здравствуйте! Чем помочь?", chat=staff.group, thread_id=thread)
    [relayed] = emu.wait_for(user.id, after=seen + 1)
    assert plain(relayed) == t.gettext("MRC operator") + "\nЗдравствуйте! Чем помочь?"
    assert "Nodira" not in plain(relayed)
    emu.wait_until(
        lambda: ops.gettext("in progress") in emu.forum_topics(staff.group)[thread].name, 10
    )

    copies = len(emu.copies)
    emu.send_text(user, "У меня патент просрочен")
    emu.wait_until(lambda: len(emu.copies) > copies, 10)
    copy = emu.copies[-1]
    assert (int(copy["chat_id"]), int(copy["from_chat_id"]), int(copy["message_thread_id"])) == (
        staff.group.id,
        user.id,
        thread,
    )
    assert len(emu.received(user.id)) == seen + 2  # the bot stays silent while a person answers

    emu.send_text(
        staff.operator, "/note asked about an expired patent", chat=staff.group, thread_id=thread
    )
    emu.send_text(
        staff.operator, "/close explained the renewal", chat=staff.group, thread_id=thread
    )
    [closed] = emu.wait_for(user.id, after=seen + 2)
    assert labels(closed) == ["⭐" * n for n in range(1, 6)]
    emu.wait_until(lambda: emu.forum_topics(staff.group)[thread].closed, 10)
    emu.press(user, "⭐⭐⭐⭐⭐")
    [thanks] = emu.wait_for(user.id, after=seen + 3)
    assert plain(thanks) == t.gettext("Thank you for your rating!")
    row = ticket(bot, number)
    assert (row["status"], row["rating"]) == ("closed", 5)
    assert row["first_reply_at"] is not None
    notes = bot.query(
        "SELECT author, text FROM ticket_entries WHERE ticket_id = ? ORDER BY id", number
    )
    assert ("note", "asked about an expired patent") in notes
    assert ("operator", "Здравствуйте! Чем помочь?") in notes
    assert len(emu.received(user.id)) == seen + 4  # the note was never sent


def test_an_operators_photo_reaches_the_migrant_signed_and_a_topic_is_reused(
    emu: BotAPIEmulator, bot: BotProcess, staff: Staff
) -> None:
    user = emu.user("Photo", language_code="en")
    choose_language(emu, user, "en")
    emu.send_text(user, "/human")
    [handed] = emu.wait_for(user.id, after=3)
    number = request_number(plain(handed))
    thread = topic_of(emu, bot, user)
    emu.send_media(
        staff.operator, "photo", caption="the form to fill", chat=staff.group, thread_id=thread
    )
    [photo] = emu.wait_for(user.id, after=4)
    assert photo.kind == "copy"
    assert plain(photo) == "MRC operator\nthe form to fill"
    emu.send_text(user, "/cancel")
    [cancelled] = emu.wait_for(user.id, after=5)
    assert plain(cancelled) == f"Request #{number} is cancelled. I am back: ask me anything."
    emu.send_text(user, "/human")  # a second ticket: the same topic, reopened
    [again] = emu.wait_for(user.id, after=6)
    second = request_number(plain(again))
    assert second != number
    assert topic_of(emu, bot, user) == thread
    assert not emu.forum_topics(staff.group)[thread].closed


def test_an_emergency_gets_contacts_first_then_an_urgent_ticket(
    emu: BotAPIEmulator, bot: BotProcess, staff: Staff
) -> None:
    user = emu.user("Danger", language_code="ru")
    choose_language(emu, user, "ru")
    emu.send_text(user, "помогите брата избили и закрыли на стройке")
    contacts, handed = emu.wait_for(user.id, 2, after=3)
    assert "112" in plain(contacts)
    number = request_number(plain(handed))
    assert ticket(bot, number)["priority"] == 2
    assert "🔴" in emu.forum_topics(staff.group)[topic_of(emu, bot, user)].name


def test_only_staff_act_as_operators(emu: BotAPIEmulator, bot: BotProcess, staff: Staff) -> None:
    user = emu.user("Asks", language_code="en")
    choose_language(emu, user, "en")
    emu.send_text(user, "/human")
    [handed] = emu.wait_for(user.id, after=3)
    number = request_number(plain(handed))
    thread = topic_of(emu, bot, user)
    emu.send_text(staff.outsider, "/close", chat=staff.group, thread_id=thread)
    emu.send_text(staff.outsider, "I am not staff but I answer", chat=staff.group, thread_id=thread)
    emu.send_text(user, "/close")  # a migrant trying an operator command
    [refused] = emu.wait_for(user.id, after=4)
    assert plain(refused) == "This command is for MRC operators."
    assert bot.log is not None
    bot.log.wait_for("refused an operator command", 10)
    assert ticket(bot, number)["status"] == "waiting"
    assert len(emu.received(user.id)) == 5  # nothing from the outsider reached the migrant
    emu.send_text(staff.operator, "/queue", chat=staff.group)
    emu.wait_until(
        lambda: any(
            f"#{number} " in plain(m) for m in emu.received(staff.group.id) if m.thread_id is None
        ),
        10,
    )


def test_a_deleted_topic_is_replaced_and_nothing_is_lost(
    emu: BotAPIEmulator, bot: BotProcess, staff: Staff
) -> None:
    user = emu.user("Topic gone", language_code="en")
    choose_language(emu, user, "en")
    emu.send_text(user, "/human")
    [handed] = emu.wait_for(user.id, after=3)
    number = request_number(plain(handed))
    old = topic_of(emu, bot, user)
    emu.delete_topic(staff.group, old)
    emu.send_text(user, "my employer took my passport")
    emu.wait_until(lambda: topic_of(emu, bot, user) != old, 10)
    new = topic_of(emu, bot, user)
    cards = emu.wait_for(staff.group.id, thread_id=new)
    assert f"#{number}" in plain(cards[0])
    emu.wait_until(lambda: any(int(c.get("message_thread_id", 0)) == new for c in emu.copies), 10)


def test_a_slow_topic_creation_does_not_hold_up_anyone_else(
    emu: BotAPIEmulator, bot: BotProcess, staff: Staff
) -> None:
    """Telegram takes its time creating a migrant's topic. Meanwhile someone else is answered:
    the bot commits before it calls Telegram (the database here is SQLite, where a transaction
    held across the call would stop every other writer, the next update's record included)."""
    waiting, other = emu.user("Waits", language_code="ru"), emu.user("Asks", language_code="ru")
    choose_language(emu, waiting, "ru")
    choose_language(emu, other, "ru")
    hold = emu.hold_next("createForumTopic")
    try:
        emu.send_text(waiting, "соедините с оператором")
        assert hold.arrived.wait(30), "the bot never asked for the topic"
        emu.send_text(other, "Как получить патент на работу?")
        [answer] = emu.wait_for(other.id, after=3, timeout=20)
        assert is_article(answer, "ru")
        assert len(emu.received(waiting.id)) == 3, "the hand-off is still waiting for Telegram"
    finally:
        hold.release.set()
    [handed] = emu.wait_for(waiting.id, after=3)
    number = request_number(plain(handed))
    assert ticket(bot, number)["status"] == "waiting"
    thread = topic_of(emu, bot, waiting)
    [card] = emu.wait_for(staff.group.id, thread_id=thread)
    assert Translator("ru").gettext("New ticket #{number}", number=number) in plain(card)
