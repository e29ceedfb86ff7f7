"""The staff console in a real browser (Debian's Chromium driven by Playwright) against a real
``mrc run``, whose Telegram side talks to the Bot API emulator (issue 7)."""

from __future__ import annotations

import datetime as dt
import shutil
from collections.abc import Iterator

import pytest
from playwright.sync_api import Browser, Page, sync_playwright

from bot.i18n import Translator, format_date
from tests.botapi import BotAPIEmulator
from tests.integration.conftest import RasaEndpoint
from tests.integration.e2e.conftest import (
    BotProcess,
    choose_language,
    is_article,
    labels,
    plain,
)
from tests.integration.e2e.staffing import Staff, request_number, staffed_bot, topic_of

pytestmark = pytest.mark.integration

PASSWORD = "a long staff password"
#: Chromium as the machine has it (no browser download); flags for a closed network.
CHROMIUM_ARGS = [
    "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]  # fmt: skip


def chromium() -> str:
    path = shutil.which("chromium") or shutil.which("chromium-browser")
    if path is None:
        pytest.fail("Chromium is missing: 'make test' installs Debian's chromium package")
    return path


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
    for process in staffed_bot(
        emu, staff, rasa_server, tmp_path_factory.mktemp("bot"), MRC_STAFF_LANGUAGE="en"
    ):
        process.add_staff("ada", "admin", PASSWORD)
        process.add_staff("edna", "editor", PASSWORD)
        yield process


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=chromium(), args=CHROMIUM_ARGS)
        yield launched
        launched.close()


@pytest.fixture
def page(browser: Browser, bot: BotProcess) -> Iterator[Page]:
    """A fresh browser context, signed in as the admin."""
    context = browser.new_context(base_url=bot.console_url())
    page = context.new_page()
    page.goto("/articles")
    assert "/login" in page.url, "without a session the console asks to sign in"
    page.fill("input[name=username]", "ada")
    page.fill("input[name=password]", PASSWORD)
    page.click("button:has-text('Sign in')")
    page.wait_for_url("**/articles")
    yield page
    context.close()


NEW_SENTENCE = "Before you pay, check the amount in your regional office's notice."


def test_an_edited_article_is_published_and_the_bot_answers_with_it(
    emu: BotAPIEmulator, bot: BotProcess, page: Page
) -> None:
    page.click("a:has-text('work_patent')")
    body = page.locator("textarea[name=body_en]")
    body.fill(NEW_SENTENCE + "\n\n" + body.input_value())
    page.click("button[value=preview]")
    assert NEW_SENTENCE in page.inner_text("div.tg[data-language=en] .bubble >> nth=0")
    page.click("button[value=publish]")
    assert "Published. The bot answers with this text" in page.inner_text("main")
    assert "needs review" in page.inner_text("main"), "the other languages await an editor"

    user = emu.user("Reader", language_code="en")
    choose_language(emu, user, "en")
    seen = len(emu.received(user.id))
    emu.send_text(user, "How do I get a work patent in Russia?")
    [answer] = emu.wait_for(user.id, after=seen)
    assert is_article(answer, "en") or "Show more" in str(answer.buttons)
    assert NEW_SENTENCE in plain(answer)


def test_an_unanswered_question_is_assigned_to_a_topic(
    emu: BotAPIEmulator, bot: BotProcess, page: Page
) -> None:
    user = emu.user("Asker", language_code="ru")
    choose_language(emu, user, "ru")
    seen = len(emu.received(user.id))
    question = "сосед по комнате шумит ночью, что делать? мой номер +7 912 345 67 89"
    emu.send_text(user, question)
    emu.wait_for(user.id, after=seen)
    page.goto("/inbox")
    row = page.locator("tr", has_text="сосед по комнате шумит ночью")
    if row.count() != 1:
        pytest.fail(f"the question is not in the inbox:\n{page.inner_text('main')}")
    assert "912" not in row.inner_text(), "the phone number is masked"
    row.locator("select[name=topic]").select_option("mrc_services")
    row.locator("button:has-text('Assign to topic')").click()
    page.wait_for_url("**/inbox")
    assert "сосед по комнате шумит ночью" not in page.inner_text("main")
    phrases = bot.query("SELECT intent, language, text FROM training_phrases")
    masked = "сосед по комнате шумит ночью, что делать? мой номер [☎]"
    assert ("mrc_services", "ru", masked) in phrases
    page.goto("/training")
    assert masked in page.inner_text("main")


def test_an_operator_replies_to_a_ticket_from_the_web(
    emu: BotAPIEmulator, bot: BotProcess, staff: Staff, page: Page
) -> None:
    t = Translator("tg")
    user = emu.user("Migrant", language_code="tg")
    choose_language(emu, user, "tg")
    seen = len(emu.received(user.id))
    emu.send_text(user, "/human")
    [handed] = emu.wait_for(user.id, after=seen)
    number = request_number(plain(handed))
    thread = topic_of(emu, bot, user)
    page.goto("/tickets")
    page.click(f"a[href='/tickets/{number}']")
    reply = "Салом! Ман аз Маркази муҳоҷирон. <b>Саволатонро нависед</b>."
    seen = len(emu.received(user.id))
    in_topic = len(emu.received(staff.group.id, thread))
    page.fill("textarea[name=text] >> nth=0", reply)
    page.click("button:has-text('Send as MRC operator')")
    assert "Sent to the migrant through the bot." in page.inner_text("main")
    [relayed] = emu.wait_for(user.id, after=seen)
    assert plain(relayed) == f"{t.gettext('MRC operator')}\n{reply}", "signed, never named"
    assert "<b>Саволатонро" not in relayed.text, "the operator's text is escaped, not markup"
    [copy] = emu.wait_for(staff.group.id, after=in_topic, thread_id=thread)
    assert plain(copy) == f"💬 Sent from the web console by ada:\n{reply}"
    assert reply in page.inner_text(".transcript")


def test_subscribers_are_told_of_a_significant_update_and_can_stop(
    emu: BotAPIEmulator, bot: BotProcess, page: Page
) -> None:
    t = Translator("ru")
    user = emu.user("Follower", language_code="ru")
    choose_language(emu, user, "ru")
    seen = len(emu.received(user.id))
    emu.send_text(user, "Как встать на миграционный учёт?")
    [answer] = emu.wait_for(user.id, after=seen)
    assert is_article(answer, "ru")
    while t.pgettext("button", "Show more") in labels(answer):  # the bell is under the last part
        seen = len(emu.received(user.id))
        emu.press(user, t.pgettext("button", "Show more"))
        [answer] = emu.wait_for(user.id, after=seen)
    seen = len(emu.received(user.id))
    emu.press(user, t.gettext("🔔 Tell me when this changes"))
    [confirmed] = emu.wait_for(user.id, after=seen)
    assert plain(confirmed).startswith("🔔")
    assert t.gettext("🔕 Stop these messages") in str(confirmed.buttons)

    page.goto("/articles/migration_registration")
    assert "1 person asked to be told" in page.inner_text("main")
    page.click("button:has-text('notify the subscribers')")
    seen = len(emu.received(user.id))
    [notice] = emu.wait_for(user.id, after=seen)
    assert plain(notice).startswith("🔔")
    assert t.gettext("🔕 Stop these messages") in str(notice.buttons)
    emu.wait_until(
        lambda: bot.query("SELECT sent, finished_at IS NOT NULL FROM notification_runs") == [(1, 1)]
    )
    page.reload()
    assert "sent to 1 of 1" in page.inner_text("main")

    seen = len(emu.received(user.id))
    emu.press(user, t.gettext("🔕 Stop these messages"))
    [stopped] = emu.wait_for(user.id, after=seen)
    assert plain(stopped).startswith("🔕")
    assert bot.query("SELECT COUNT(*) FROM subscriptions") == [(0,)]


def test_a_new_fee_is_added_as_a_sourced_fact_and_the_bot_answers_with_it(
    emu: BotAPIEmulator, bot: BotProcess, page: Page
) -> None:
    """The whole path with no file touched: a source and a fact added in the console, the fact
    used in the three languages, published; the bot answers with the amount and the date the
    article was checked."""
    page.goto("/articles/language_exam")
    page.click("summary:has-text('Add a source')")
    source = page.locator("details:has(> summary:has-text('Add a source')) form")
    source.locator("input[name=id]").fill("fee-order-2026")
    source.locator("input[name=title]").fill("Order on the exam fee (test)")
    source.locator("input[name=url]").fill("https://law.example/orders/exam-fee-2026")
    source.locator("select[name=kind]").select_option("law")
    source.locator("input[name=published]").fill("2026-10-01")
    source.locator("button").click()
    assert "Saved. The bot uses it" in page.inner_text("main"), page.inner_text("main")

    page.click("summary:has-text('Add a fact')")
    fact = page.locator("details#add-fact form")
    fact.locator("input[name=key]").fill("exam_fee_test_2027")
    fact.locator("input[name=value]").fill("4321")
    fact.locator("select[name=kind]").select_option("number")
    fact.locator("select[name=source]").select_option("fee-order-2026")
    fact.locator("input[name=checked]").fill(dt.date.today().isoformat())
    fact.locator("input[name=certain]").check()
    fact.locator("textarea[name=claim]").fill("The exam fee in 2027 is 4,321 roubles (test).")
    fact.locator("button").click()
    assert "{{fact:exam_fee_test_2027}}" in page.inner_text("main")

    sentences = {
        "tg": "Нархи имтиҳон аз соли нав {{fact:exam_fee_test_2027}} рубл аст.",
        "ru": "Экзамен с нового года стоит {{fact:exam_fee_test_2027}} рублей.",
        "en": "From the new year the exam costs {{fact:exam_fee_test_2027}} roubles.",
    }
    for language, sentence in sentences.items():
        body = page.locator(f"textarea[name=body_{language}]")
        body.fill(sentence + "\n\n" + body.input_value())
    page.click("button[value=publish]")
    assert "Published. The bot answers with this text" in page.inner_text("main"), page.inner_text(
        "main"
    )

    t = Translator("en")
    user = emu.user("Exam taker", language_code="en")
    choose_language(emu, user, "en")
    seen = len(emu.received(user.id))
    emu.send_text(user, "/start language_exam")
    [answer] = emu.wait_for(user.id, after=seen)
    assert "From the new year the exam costs 4,321 roubles." in plain(answer)
    while t.pgettext("button", "Show more") in labels(answer):
        seen = len(emu.received(user.id))
        emu.press(user, t.pgettext("button", "Show more"))
        [answer] = emu.wait_for(user.id, after=seen)
    [(reviewed,)] = bot.query("SELECT last_reviewed FROM articles WHERE topic = 'language_exam'")
    day = dt.date.fromisoformat(str(reviewed))
    assert t.gettext("Checked {date}.", date=format_date(day, "en")) in plain(answer)


def test_an_editor_grades_answers_and_a_saved_reply_is_sent_from_a_ticket(
    emu: BotAPIEmulator, bot: BotProcess, browser: Browser, page: Page
) -> None:
    """Issue 16: an editor grades three answers; the dashboard shows the pass rate and its
    definition; a saved reply is made, then sent from a ticket's page to the migrant."""
    user = emu.user("Graded", language_code="en")
    choose_language(emu, user, "en")
    for question in ("How do I get a work patent in Russia?", "How do I check an entry ban?",
                     "How do I send money home?"):  # fmt: skip
        seen = len(emu.received(user.id))
        emu.send_text(user, question)
        emu.wait_for(user.id, after=seen)
    context = browser.new_context(base_url=bot.console_url())
    editor = context.new_page()
    editor.goto("/login")
    editor.fill("input[name=username]", "edna")
    editor.fill("input[name=password]", PASSWORD)
    editor.click("button:has-text('Sign in')")
    editor.wait_for_url("**/")
    for grade in ("right", "partly", "wrong"):
        editor.goto("/quality")
        row = editor.locator("tr[id^=a]").first
        row.locator(f"input[name=grade][value={grade}]").check()
        row.locator("input[name=reason]").fill(f"checked: {grade}")
        row.locator("button:has-text('Save grade')").click()
        editor.wait_for_url("**/quality?done=*")
    assert "Edit the article" in editor.inner_text("#wrong")  # the wrong one leads on
    editor.goto("/")
    assert "Pass rate: 33% of 3 graded answers." in editor.inner_text("#pass-rate")
    assert "“partly right” does not pass" in editor.inner_text("details")
    editor.goto("/replies")
    editor.fill("#new-reply input[name=title]", "Remittances")
    editor.fill("#new-reply textarea[name=text_en]", "Send money only through a bank or a "
                "licensed transfer service, and keep the receipt.")  # fmt: skip
    editor.click("#new-reply button:has-text('Add')")
    editor.wait_for_url("**/replies?done=added")
    context.close()

    seen = len(emu.received(user.id))
    emu.send_text(user, "/human")
    [handed] = emu.wait_for(user.id, after=seen)
    number = request_number(plain(handed))
    page.goto(f"/tickets/{number}")
    saved = page.locator("form.suggestion", has_text="Remittances")
    assert "licensed transfer service" in saved.locator("textarea").input_value()
    saved.locator("button:has-text('Send this reply')").click()
    page.wait_for_url(f"**/tickets/{number}?done=sent")
    [sent] = emu.wait_for(user.id, after=seen + 1)
    assert plain(sent) == (
        "MRC operator\nSend money only through a bank or a licensed transfer service, and keep "
        "the receipt."
    )
