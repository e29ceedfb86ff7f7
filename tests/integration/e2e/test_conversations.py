"""Whole conversations in Tajik, Russian and English, through Telegram, end to end."""

from __future__ import annotations

import pytest

from bot.dialogue.core import language_name
from bot.i18n import Translator
from bot.telegram.messages import about_media as about
from bot.topics import CATEGORIES, TOPIC_TITLES
from tests.botapi import BotAPIEmulator, EmuUser, SentMessage
from tests.integration.e2e.conftest import (
    BotProcess,
    choose_language,
    is_article,
    labels,
    plain,
)

pytestmark = pytest.mark.integration

FLOWS = [
    ("tg", "Патенти корӣ чӣ тавр мегиранд?", "work_patent"),
    ("ru", "Как получить патент на работу?", "work_patent"),
    ("en", "How do I send money home safely?", "remittances"),
]


def read_to_the_end(
    emu: BotAPIEmulator, user: EmuUser, t: Translator, first: SentMessage, seen: int
) -> tuple[SentMessage, int]:
    """Press "Show more" until the article's last part; return it and the chat's count."""
    message = first
    while t.pgettext("button", "Show more") in labels(message):
        emu.press(user, t.pgettext("button", "Show more"))
        [message] = emu.wait_for(user.id, after=seen)
        seen += 1
    return message, seen


def users_row(bot: BotProcess, user_id: int) -> list[tuple[object, ...]]:
    return bot.query(
        "SELECT id, language, consent_at FROM users WHERE channel = 'telegram' AND external_id = ?",
        str(user_id),
    )


@pytest.mark.parametrize(("language", "question", "topic"), FLOWS)
def test_start_language_question_article_and_thumbs_up(
    emu: BotAPIEmulator, bot: BotProcess, language: str, question: str, topic: str
) -> None:
    t = Translator(language)
    user = emu.user("Migrant", language_code=language)
    emu.send_text(user, "/start")
    [notice] = emu.wait_for(user.id)
    assert "/deletemydata" in plain(notice)
    assert labels(notice) == [
        ("✓ " if code == language else "") + language_name(code) for code in ("tg", "ru", "en")
    ]
    emu.press(user, "✓ " + language_name(language))
    confirmation, menu = emu.wait_for(user.id, 2, after=1)
    assert plain(confirmation) == t.gettext(
        "I will answer in {language} from now on.", language=language_name(language)
    )
    assert labels(menu)[: len(CATEGORIES)] == [t.gettext(title) for title, _ in CATEGORIES.values()]
    [(_, chosen, consent)] = users_row(bot, user.id)
    assert chosen == language
    assert consent is not None

    emu.send_text(user, question)
    [first] = emu.wait_for(user.id, after=3)
    answer, seen = read_to_the_end(emu, user, t, first, 4)
    assert t.gettext("Was this helpful?") in plain(answer)
    assert t.pgettext("feedback button", "👍 Yes") in labels(answer)
    emu.press(user, t.pgettext("feedback button", "👍 Yes"))
    [thanks] = emu.wait_for(user.id, after=seen)
    assert plain(thanks) == t.gettext("Thank you for your feedback!")

    def voted() -> bool:
        [now] = [m for m in emu.received(user.id) if m.message_id == answer.message_id]
        return t.pgettext("feedback button", "👍 Yes") not in labels(now)

    emu.wait_until(voted, 10)  # one vote per answer
    [(user_pk, _, _)] = users_row(bot, user.id)
    feedback = bot.query("SELECT topic, language, helpful FROM feedback WHERE user_id = ?", user_pk)
    assert feedback == [(topic, language, 1)]
    messages = bot.query("SELECT action, article FROM messages WHERE user_id = ?", user_pk)
    assert messages == [("answer", topic)]


def test_a_vague_question_offers_topics_and_a_choice_opens_the_article(
    emu: BotAPIEmulator, bot: BotProcess
) -> None:
    t = Translator("ru")
    user = emu.user("Фарход", language_code="ru")
    emu.send_text(user, "документы")
    [offer] = emu.wait_for(user.id)
    passports = t.gettext(TOPIC_TITLES["passport_documents"])
    assert passports in labels(offer)
    assert t.pgettext("button", "Talk to a person") in labels(offer)
    emu.press(user, passports)
    [article] = emu.wait_for(user.id, after=1)
    assert is_article(article, "ru")


def test_menu_navigation_down_to_an_article_and_back(emu: BotAPIEmulator, bot: BotProcess) -> None:
    t = Translator("en")
    user = emu.user("Ann", language_code="en")
    emu.send_text(user, "/menu")
    [menu] = emu.wait_for(user.id)
    legal = t.gettext(CATEGORIES["legal"][0])
    emu.press(user, legal)
    emu.wait_until(lambda: labels(emu.received(user.id)[0])[0] == "Work patent", 10)
    assert len(emu.received(user.id)) == 1  # navigation edits the menu in place
    emu.press(user, "⬅️ Back")
    first_category = t.gettext(CATEGORIES["before"][0])
    emu.wait_until(lambda: labels(emu.received(user.id)[0])[0] == first_category, 10)
    emu.press(user, t.gettext(CATEGORIES["family"][0]))
    emu.wait_until(lambda: "Children born abroad" in labels(emu.received(user.id)[0]), 10)
    emu.press(user, "Children born abroad")
    [article] = emu.wait_for(user.id, after=1)
    assert is_article(article)
    assert labels(article)[-1] == "⬅️ Back"
    emu.press(user, "⬅️ Back")  # from the article: the category comes as a new message
    [category] = emu.wait_for(user.id, after=2)
    assert "Children born abroad" in labels(category)
    assert menu.message_id == emu.received(user.id)[0].message_id


def test_out_of_scope_gets_a_polite_boundary(emu: BotAPIEmulator, bot: BotProcess) -> None:
    user = emu.user("Sam", language_code="en")
    emu.send_text(user, "what's the weather tomorrow in Paris")
    [reply] = emu.wait_for(user.id)
    assert plain(reply).startswith("Sorry, I can only help with questions about migration")


def test_a_message_in_another_language_is_answered_in_it_with_an_offer_to_switch(
    emu: BotAPIEmulator, bot: BotProcess
) -> None:
    user = emu.user("Rustam", language_code="ru")
    choose_language(emu, user, "ru")
    emu.send_text(user, "How do I get a work patent in Russia?")
    [answer] = emu.wait_for(user.id, after=3)
    assert is_article(answer)
    emu.press(user, "Always answer in English")
    [switched] = emu.wait_for(user.id, after=4)
    assert plain(switched) == "I will answer in English from now on."
    assert users_row(bot, user.id)[0][1] == "en"


def test_html_and_markdown_from_a_user_are_harmless(emu: BotAPIEmulator, bot: BotProcess) -> None:
    user = emu.user("<b>Eve</b>", language_code="en")
    emu.send_text(
        user, '<script>alert(1)</script> **patent** [x](javascript:alert(1)) &amp; <a href="x">'
    )
    [reply] = emu.wait_for(user.id)
    assert "<script>" not in reply.text
    assert "javascript:" not in reply.text


def test_a_forged_or_stale_button_changes_nothing(emu: BotAPIEmulator, bot: BotProcess) -> None:
    user = emu.user("Mallory", language_code="en")
    emu.send_text(user, "/menu")
    emu.wait_for(user.id)
    for forged in ("topic:../../etc/passwd", "fb:work_patent:maybe", "del:everyone", "cat:legal:1"):
        before = len(emu.received(user.id))
        emu.press_data(user, forged)
        [reply] = emu.wait_for(user.id, after=before)
        assert plain(reply).startswith("This button has expired"), forged
    assert not bot.query(
        "SELECT f.id FROM feedback f JOIN users u ON u.id = f.user_id WHERE u.external_id = ?",
        str(user.id),
    )


def test_a_duplicated_update_is_answered_once(emu: BotAPIEmulator, bot: BotProcess) -> None:
    user = emu.user("Dup", language_code="en")
    update_id = emu.send_text(user, "hello")
    [_] = emu.wait_for(user.id)
    duplicate = dict(emu.update(update_id))
    emu.inject(duplicate)
    emu.send_text(user, "thank you")
    emu.wait_for(user.id, after=1)
    assert len(emu.received(user.id)) == 2


def test_a_flood_from_one_user_does_not_slow_another(emu: BotAPIEmulator, bot: BotProcess) -> None:
    flooder = emu.user("Flood", language_code="en")
    other = emu.user("Calm", language_code="en")
    for i in range(30):
        emu.send_text(flooder, f"hello {i}")
    emu.send_text(other, "How do I get a work patent in Russia?")
    [answer] = emu.wait_for(other.id, timeout=30)
    assert is_article(answer)
    emu.wait_until(lambda: any("very fast" in plain(m) for m in emu.received(flooder.id)), 30)
    emu.wait_until(lambda: emu.pending_updates() == 0, 30)
    received = emu.received(flooder.id)
    warnings = [m for m in received if "very fast" in plain(m)]
    assert len(warnings) == 1
    assert len(received) <= 8 + 1  # MRC_FLOOD_LIMIT answers at most, and one warning


def test_voice_photos_stickers_locations_contacts_and_edits_get_a_helpful_reply(
    emu: BotAPIEmulator, bot: BotProcess
) -> None:
    t = Translator("ru")
    user = emu.user("Media", language_code="ru")
    kinds = {
        "voice": "voice",
        "photo": "file",
        "document": "file",
        "location": "location",
        "contact": "contact",
        "sticker": "other",
    }
    for i, (sent, kind) in enumerate(kinds.items()):
        emu.send_media(user, sent)
        [reply] = emu.wait_for(user.id, after=i)
        assert plain(reply) == about(kind, t), sent
        assert labels(reply) == [
            t.pgettext("button", "Topics"),
            t.pgettext("button", "Talk to a person"),
        ]
    update_id = emu.send_text(user, "привет")
    emu.wait_for(user.id, after=len(kinds))
    emu.edit_text(user, emu.update(update_id)["message"]["message_id"], "привет!")
    [edited] = emu.wait_for(user.id, after=len(kinds) + 1)
    assert plain(edited) == t.gettext(
        "I answer new messages only. Please send your corrected question as a new message."
    )
    assert (
        plain(edited)
        != "I answer new messages only. Please send your corrected question as a new message."
    )


def test_privacy_shows_what_is_kept_and_sends_a_copy(emu: BotAPIEmulator, bot: BotProcess) -> None:
    user = emu.user("Privacy", language_code="en")
    choose_language(emu, user, "en")
    emu.send_text(user, "How do I get a work patent in Russia?")
    emu.wait_for(user.id, after=3)
    emu.send_text(user, "/privacy")
    [notice] = emu.wait_for(user.id, after=4)
    assert "Now kept: 1 message, since" in plain(notice)
    emu.press(user, "📄 Send me my data")
    [document] = emu.wait_for(user.id, after=5)
    assert document.kind == "document"
    assert b"How do I get a work patent in Russia?" in (document.document or b"")


def messages_kept(bot: BotProcess) -> int:
    [(count,)] = bot.query("SELECT count(*) FROM messages")
    return int(count)  # type: ignore[call-overload]


def test_nothing_is_kept_before_the_privacy_notice_is_accepted(
    emu: BotAPIEmulator, bot: BotProcess
) -> None:
    """The notice says so, and it is true: questions are answered, nothing is stored; what
    needs storing (a person, 🔔) asks for the notice first. Choosing a language accepts it."""
    t = Translator("en")
    user = emu.user("Not yet", language_code="en")
    emu.send_text(user, "/start")
    [notice] = emu.wait_for(user.id)
    assert t.gettext(
        "Until you choose a language I keep nothing about you, except if you write that you "
        "are in danger: then your message goes to an MRC operator at once."
    ) in plain(notice)
    before = messages_kept(bot)
    emu.send_text(user, "How do I get a work patent in Russia?")  # no language chosen yet
    [answer] = emu.wait_for(user.id, after=1)
    assert is_article(answer)
    emu.send_text(user, "/human")
    [asked] = emu.wait_for(user.id, after=2)
    reason = t.gettext(
        "To do this I need to keep your messages. Please read the privacy notice and choose "
        "your language first."
    )
    assert plain(asked).startswith(reason)
    assert labels(asked) == [language_name(code) for code in ("tg", "ru")] + ["✓ English"]
    emu.send_text(user, "/privacy")
    [privacy] = emu.wait_for(user.id, after=3)
    assert t.gettext("Now kept: nothing. You have not chosen a language (/start) yet.") in plain(
        privacy
    )
    assert users_row(bot, user.id) == []
    assert messages_kept(bot) == before
    emu.press(user, "✓ English")  # under the notice /human showed: accepted now
    emu.wait_for(user.id, 2, after=4)
    [(_, language, consent_at)] = users_row(bot, user.id)
    assert (language, consent_at is not None) == ("en", True)
    emu.send_text(user, "How do I get a work patent in Russia?")
    emu.wait_for(user.id, after=6)
    assert messages_kept(bot) == before + 1


def test_deletemydata_removes_the_profile_messages_and_feedback(
    emu: BotAPIEmulator, bot: BotProcess
) -> None:
    user = emu.user("Forget me", language_code="en")
    choose_language(emu, user, "en")
    # A specific question: its section comes with 👍/👎 at once (a whole article's parts would
    # take more taps in a few seconds than flood control lets through).
    emu.send_text(user, "How much does the patent cost per month in Moscow?")
    [first] = emu.wait_for(user.id, after=3)
    _, seen = read_to_the_end(emu, user, Translator("en"), first, 4)
    emu.press(user, "👎 No")
    emu.wait_for(user.id, after=seen)
    [(user_pk, _, _)] = users_row(bot, user.id)
    assert bot.query("SELECT count(*) FROM feedback WHERE user_id = ?", user_pk) == [(1,)]
    emu.send_text(user, "/deletemydata")
    [confirm] = emu.wait_for(user.id, after=seen + 1)
    assert labels(confirm) == ["Yes, delete everything", "No, keep it"]
    emu.press(user, "No, keep it")
    emu.wait_for(user.id, after=seen + 2)
    assert users_row(bot, user.id)
    emu.press(user, "Yes, delete everything")
    [done] = emu.wait_for(user.id, after=seen + 3)
    assert plain(done).startswith("Done: everything I kept about you has been deleted.")
    assert users_row(bot, user.id) == []
    assert bot.query("SELECT count(*) FROM messages WHERE user_id = ?", user_pk) == [(0,)]
    assert bot.query("SELECT count(*) FROM feedback WHERE user_id = ?", user_pk) == [(0,)]
    # What the user wrote is erased from the inbox as soon as each update is handled.
    emu.wait_until(
        lambda: (
            bot.query("SELECT count(*) FROM inbound_updates WHERE payload IS NOT NULL") == [(0,)]
        ),
        10,
    )


def test_commands_are_registered_in_each_language(emu: BotAPIEmulator, bot: BotProcess) -> None:
    for language in ("tg", "ru", "en"):
        commands = emu.commands(language_code=language)
        assert [c["command"] for c in commands] == [
            "start", "menu", "contacts", "language", "help", "human", "status", "remind",
            "cancel", "privacy", "deletemydata",
        ]  # fmt: skip
        assert commands[1]["description"] == Translator(language).gettext("Topics")
    assert emu.commands()[1]["description"] == Translator("tg").gettext("Topics")


def test_telegram_429_and_5xx_are_retried_and_the_reply_arrives(
    emu: BotAPIEmulator, bot: BotProcess
) -> None:
    user = emu.user("Retry", language_code="en")
    emu.fail_next("sendMessage", status=429, retry_after=1)
    emu.send_text(user, "hello")
    [greeting] = emu.wait_for(user.id, timeout=30)
    assert plain(greeting).startswith("Hello!")
    emu.fail_next("sendMessage", status=502)
    emu.send_text(user, "thanks")
    [thanks] = emu.wait_for(user.id, after=1, timeout=30)
    assert plain(thanks) == "You are welcome!"
    assert len(emu.received(user.id)) == 2  # retried, not sent twice


def test_a_message_telegram_is_slow_to_confirm_is_not_sent_twice(
    emu: BotAPIEmulator, bot: BotProcess
) -> None:
    """Telegram delivers the answer but confirms it after the bot stopped waiting (3 s here):
    the bot must not send it again (before, a slow Telegram showed people answers twice)."""
    user = emu.user("Slow Telegram", language_code="en")
    emu.answer_late("sendMessage", 6)
    emu.send_text(user, "thanks")
    [reply] = emu.wait_for(user.id, timeout=30)
    assert plain(reply) == Translator("en").gettext("You are welcome!")
    assert bot.log is not None
    bot.log.wait_for("sendMessage timed out; not sent again", 30)
    emu.send_text(user, "hello")  # the next message is answered as usual
    emu.wait_for(user.id, after=1, timeout=30)
    assert len(emu.received(user.id)) == 2, [m.text for m in emu.received(user.id)]


def test_malformed_updates_are_dropped_and_everyone_else_is_served(
    emu: BotAPIEmulator, bot: BotProcess
) -> None:
    user = emu.user("After junk", language_code="en")
    emu.inject({"message": {"text": "no chat, no date"}})
    emu.inject({"callback_query": {"data": "menu"}})
    emu.send_text(user, "hello")
    [greeting] = emu.wait_for(user.id, timeout=30)
    assert plain(greeting).startswith("Hello!")
    assert bot.log is not None
    bot.log.wait_for("not a valid Telegram update", 10)


def test_an_error_gets_the_user_a_reply_and_staff_a_report(
    emu: BotAPIEmulator, bot: BotProcess
) -> None:
    assert bot.staff_chat_id is not None
    user = emu.user("Unlucky", language_code="ru")
    staff_before = len(emu.received(bot.staff_chat_id))
    emu.fail_next("sendMessage", status=400)  # Telegram refuses the answer: a BadRequest
    emu.send_text(user, "Как получить патент на работу?")
    [apology] = emu.wait_for(user.id, timeout=30)
    assert plain(apology) == Translator("ru").gettext(
        "Sorry, something went wrong on my side. Please try again in a minute."
    )
    [report] = emu.wait_for(bot.staff_chat_id, after=staff_before, timeout=30)
    header = (
        Translator("ru")
        .gettext("⚠️ MRC Assistant: an error while handling {update}", update="update")
        .split("update")[0]
    )
    assert plain(report).startswith(header), "in the staff's language (ru by default)"
    assert "BadRequest" in plain(report)
    assert "патент" not in plain(report)  # never the user's words
    assert bot.log is not None
    assert "патент" not in bot.log.drain()
