"""What migrants see of the knowledge base on Telegram, end to end (issue 13): when an answer was
checked and where it comes from, the verified contacts, links that open a topic, and the
country's own rules."""

from __future__ import annotations

import datetime as dt

import pytest

from bot.dialogue.core import language_name
from bot.i18n import Translator, format_date
from bot.kb.files import KB_DIR, load_article, load_contacts
from bot.kb.markup import sections
from tests.botapi import BotAPIEmulator, EmuUser, SentMessage
from tests.integration.e2e.conftest import BotProcess, choose_language, is_article, labels, plain

pytestmark = pytest.mark.integration


def to_the_last_part(
    emu: BotAPIEmulator, user: EmuUser, first: SentMessage, t: Translator
) -> SentMessage:
    message = first
    while t.pgettext("button", "Show more") in labels(message):
        seen = len(emu.received(user.id))
        emu.press(user, t.pgettext("button", "Show more"))
        [message] = emu.wait_for(user.id, after=seen)
    return message


def last_reviewed(topic: str) -> dt.date:
    reviewed = load_article(KB_DIR / topic).last_reviewed
    assert reviewed is not None
    return reviewed


@pytest.mark.parametrize("language", ["tg", "ru", "en"])
def test_an_answer_says_when_it_was_checked_and_lists_its_sources(
    emu: BotAPIEmulator, bot: BotProcess, language: str
) -> None:
    t = Translator(language)
    user = emu.user("Careful", language_code=language)
    choose_language(emu, user, language)
    seen = len(emu.received(user.id))
    emu.send_text(user, "/start work_patent")  # a consented person's link opens it at once
    [first] = emu.wait_for(user.id, after=seen)
    assert is_article(first, language)
    last = to_the_last_part(emu, user, first, t)
    checked = t.gettext("Checked {date}.", date=format_date(last_reviewed("work_patent"), language))
    assert checked in plain(last)
    seen = len(emu.received(user.id))
    emu.press(user, t.pgettext("button", "📚 Sources"))
    [listed] = emu.wait_for(user.id, after=seen)
    sources = [s for s in load_article(KB_DIR / "work_patent").sources if not s.retired]
    title = load_article(KB_DIR / "work_patent").translations[language].title
    assert plain(listed).startswith(t.gettext("Sources of “{title}”:", title=title))
    assert sources[0].url is not None
    assert f'href="{sources[0].url}"' in listed.text  # a link to the page itself


def test_contacts_show_only_verified_details(emu: BotAPIEmulator, bot: BotProcess) -> None:
    t = Translator("ru")
    user = emu.user("Contacts", language_code="ru")
    choose_language(emu, user, "ru")
    seen = len(emu.received(user.id))
    emu.send_text(user, "/contacts")
    [reply] = emu.wait_for(user.id, after=seen)
    contacts = load_contacts()
    assert "112" in plain(reply)
    assert contacts["emergency_russia"].name["ru"] in plain(reply)
    assert contacts["embassy_moscow"].name["ru"] not in plain(reply)  # not verified yet
    assert t.gettext(
        "Other contacts (the MRC's office, embassies and consulates) are being checked: ask us "
        "with “Talk to a person” and we will give them to you."
    ) in plain(reply)


def test_a_link_to_a_topic_opens_it_after_the_notice_for_a_newcomer(
    emu: BotAPIEmulator, bot: BotProcess
) -> None:
    t = Translator("tg")
    user = emu.user("From a poster", language_code="tg")
    emu.send_text(user, "/start entry_ban")
    [notice] = emu.wait_for(user.id)
    assert "/deletemydata" in plain(notice)  # the privacy notice first
    emu.press(user, "✓ " + language_name("tg"))
    confirmation, answer = emu.wait_for(user.id, 2, after=1)
    assert plain(confirmation) == t.gettext(
        "I will answer in {language} from now on.", language=language_name("tg")
    )
    title = load_article(KB_DIR / "entry_ban").translations["tg"].title
    assert plain(answer).startswith(title)
    for forged in ("/start ../../etc", "/start nowhere", "/start " + "x" * 70):
        seen = len(emu.received(user.id))
        emu.send_text(user, forged)
        [welcome] = emu.wait_for(user.id, after=seen)
        assert "/deletemydata" in plain(welcome), forged  # the normal welcome


def test_someone_asking_about_kazakhstan_gets_its_rules(
    emu: BotAPIEmulator, bot: BotProcess
) -> None:
    t = Translator("en")
    user = emu.user("Almaty", language_code="en")
    choose_language(emu, user, "en")
    seen = len(emu.received(user.id))
    emu.send_text(user, "How do I register my stay in Kazakhstan?")
    [first] = emu.wait_for(user.id, after=seen)
    text = plain(to_the_last_part(emu, user, first, t))
    shown = "\n".join(plain(m) for m in emu.received(user.id)[seen:])
    body = load_article(KB_DIR / "migration_registration").translations["en"].body
    [kazakhstan] = [s for s in sections(body) if s.country == "kazakhstan"]
    russia_only = [s for s in sections(body) if s.country == "russia"]
    headings = {line.strip() for line in shown.splitlines()}  # a heading is a line of its own
    assert kazakhstan.title in headings, shown
    assert all(s.title not in headings for s in russia_only), "Russia's rules are not shown"
    assert text
