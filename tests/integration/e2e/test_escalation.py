"""Escalation to people through a staff forum group, end to end (issue 6)."""

from __future__ import annotations

import re
import time
from collections.abc import Iterator
from datetime import datetime, timedelta

import pytest

from bot.dialogue.core import language_name
from bot.i18n import TIMEZONE, Translator, format_date
from bot.kb.files import KB_DIR, load_article
from bot.telegram.consent import notice as notice_text
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
from tests.unit.test_glossary import BANNED

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


def test_the_tajik_screens_use_the_glossary_wording(
    emu: BotAPIEmulator, bot: BotProcess, staff: Staff
) -> None:
    """/start, /privacy, /help, a hand-off, /cancel and /deletemydata in Tajik (issue 17): every
    text is the catalog's, in the corrected wording, and no form the glossary bans appears."""
    t = Translator("tg")
    user = emu.user("Тоҷик", language_code="tg")
    emu.send_text(user, "/start")
    [notice] = emu.wait_for(user.id)
    assert notice_text(t, 30) in plain(notice)
    assert "Маркази иттилоотию машваратии муҳоҷирон" in plain(notice)
    assert "рақами телефон ё рақами шиносномаи шуморо" in plain(notice)
    emu.press(user, "✓ " + language_name("tg"))
    emu.wait_for(user.id, 2, after=1)
    emu.send_text(user, "Патенти корӣ чӣ тавр мегиранд?")
    emu.wait_for(user.id, after=3)

    emu.send_text(user, "/privacy")
    [privacy] = emu.wait_for(user.id, after=4)
    assert "рақами ҳисоби Telegram-и шумо (ID" in plain(privacy)
    now = datetime.now(TIMEZONE)  # the message was kept moments ago, perhaps before midnight
    dates = [format_date(when, "tg") for when in (now, now - timedelta(minutes=5))]
    assert any(
        t.ngettext(
            "Now kept: {n} message, since {date}.",
            "Now kept: {n} messages, the oldest from {date}.",
            1,
            date=when,
        )
        in plain(privacy)
        for when in dates
    )
    assert "Ҳоло 1 паёми шумо нигоҳ дошта шудааст" in plain(privacy)
    assert all(when == when.lower() for when in dates)  # Tajik month names in lower case

    emu.send_text(user, "/help")
    [help_] = emu.wait_for(user.id, after=5)
    assert plain(help_) == t.gettext(
        "Write your question in your own words, in Tajik, Russian or English; Latin letters "
        "are fine too. For example: “How do I get a work patent?”\n\n"
        "/menu: topics\n/contacts: emergency numbers and contacts\n/remind: reminders of "
        "your patent, registration and stay dates\n/language: change the language\n/human: "
        "talk to a person from the MRC\n/privacy: what the bot keeps about you\n"
        "/deletemydata: delete it\n\n"
        "If you are in danger, write what is happening: I will show you at once who to contact."
    )
    assert "/deletemydata: нест кардани ин маълумот" in plain(help_)

    # A second person for the hand-off and deletion (one person's nine quick updates would meet
    # flood control, which allows 8 in 10 seconds).
    other = emu.user("Тоҷики дигар", language_code="tg")
    choose_language(emu, other, "tg")
    emu.send_text(other, "Патенти корӣ чӣ тавр мегиранд?")
    emu.wait_for(other.id, after=3)
    emu.send_text(other, "оператор лозим")
    [handed] = emu.wait_for(other.id, after=4)
    number = request_number(plain(handed))
    assert plain(handed) == t.gettext(
        "I have passed your question to an MRC operator (request #{number}). They will answer "
        "here, in this chat. Send /cancel to go back to the bot.",
        number=number,
    )
    emu.send_text(other, "/cancel")
    [cancelled] = emu.wait_for(other.id, after=5)
    assert plain(cancelled) == (
        f"Дархости #{number} бекор шуд. Ман боз омодаам: ҳар чӣ хоҳед, пурсед."
    )

    emu.send_text(other, "/deletemydata")
    [confirm] = emu.wait_for(other.id, after=6)
    assert labels(confirm) == ["Ҳа, ҳамаашро нест кунед", "Не, нигоҳ доред"]
    emu.press(other, t.gettext("Yes, delete everything"))
    [done] = emu.wait_for(other.id, after=7)
    assert plain(done).startswith("Иҷро шуд: ")

    commands = {c["command"]: c["description"] for c in emu.commands(language_code="tg")}
    assert commands["cancel"] == "Бас кардани интизорӣ (мутахассис ё сана) ва бозгашт ба бот"
    assert commands["help"] == "Тарзи истифодаи бот"
    received = [*emu.received(user.id), *emu.received(other.id)]
    texts = [plain(m) + " " + " ".join(labels(m)) for m in received]
    for text in [*texts, *commands.values()]:
        for banned in BANNED:
            assert not re.search(banned, text), (banned, text)


def test_an_operator_sends_a_suggested_reply_then_an_edited_one_and_status_follows(
    emu: BotAPIEmulator, bot: BotProcess, staff: Staff
) -> None:
    """Issue 16: the card is followed by suggestions from the knowledge base in the migrant's
    language; one tap sends one signed "MRC operator"; an edited text goes as a reply; /status
    says where the request stands before and after."""
    t, ops = Translator("ru"), Translator("ru")
    user = emu.user("Suggested", language_code="ru")
    choose_language(emu, user, "ru")
    bot.query(
        "INSERT INTO saved_replies (title, text_ru, updated_by, updated_at) VALUES "
        "('Патент в Москве', 'Патент в Москве оплачивайте каждый месяц до даты в чеке.', "
        "'ada', '2026-11-30 12:00:00.000000')"
    )  # a saved reply staff made in the console
    emu.send_text(user, "Сколько стоит патент в месяц в Москве?")
    emu.wait_for(user.id, after=3)
    seen = len(emu.received(user.id))
    emu.send_text(user, "соедините с оператором")
    [handed] = emu.wait_for(user.id, after=seen)
    number = request_number(plain(handed))
    assert t.gettext("📋 Where is my request?") in labels(handed)
    thread = topic_of(emu, bot, user)
    send = ops.gettext("📤 Send to the migrant")
    emu.wait_until(lambda: any(send in labels(m) for m in emu.received(staff.group.id, thread)), 30)
    posted = emu.received(staff.group.id, thread)
    suggestions = [m for m in posted if send in labels(m)]
    assert 2 <= len(suggestions) <= 4  # up to three sections, and the saved reply
    assert plain(suggestions[-1]).startswith("Патент в Москве\n")
    suggestions = suggestions[:-1]
    patent = load_article(KB_DIR / "work_patent").translations["ru"].title
    assert any(plain(m).startswith(patent) for m in suggestions)  # in the migrant's language

    emu.press(user, t.gettext("📋 Where is my request?"))
    [before] = emu.wait_for(user.id, after=seen + 1)
    assert f"#{number}" in plain(before)
    assert t.gettext("⏳ An operator has not opened your request yet.") in plain(before)
    assert "Ответ можно ожидать до" in plain(before)

    emu.press(staff.outsider, send, chat_id=staff.group.id)  # not staff: nothing happens
    emu.press(staff.operator, send, chat_id=staff.group.id)  # the newest: the saved reply
    [sent] = emu.wait_for(user.id, after=seen + 2)
    assert plain(sent) == (
        t.gettext("MRC operator") + "\nПатент в Москве оплачивайте каждый месяц до даты в чеке."
    )
    emu.wait_until(
        lambda: any(
            plain(m).startswith(ops.gettext("✅ Sent to the migrant: {title}", title=""))
            for m in emu.received(staff.group.id, thread)
        ),
        10,
    )
    time.sleep(1)
    assert len(emu.received(user.id)) == seen + 3  # the outsider's press sent nothing

    emu.send_text(staff.operator, "Уточнение: в 2026 году сумма та же.", chat=staff.group,
                  thread_id=thread)  # fmt: skip
    [edited] = emu.wait_for(user.id, after=seen + 3)
    assert plain(edited) == t.gettext("MRC operator") + "\nУточнение: в 2026 году сумма та же."
    emu.send_text(user, "/status")
    [after] = emu.wait_for(user.id, after=seen + 4)
    assert "✅" in plain(after)
    entries = bot.query("SELECT author FROM ticket_entries WHERE ticket_id = ?", number)
    assert [a for (a,) in entries].count("operator") == 2
