"""Personal reminders and the stay calculator, end to end (issue 15): ``mrc run`` against the Bot
API emulator, with the reminders' clock injected through ``MRC_CLOCK_FILE`` (no real waiting):
a patent date is set, the 7- and 3-day reminders come exactly once each (across a restart),
"I paid" moves the date, "Stop" ends it, and a person who blocked the bot is stopped."""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from bot.i18n import Translator, format_date
from bot.kb.files import KB_DIR, load_article
from tests.botapi import BotAPIEmulator, EmuUser, SentMessage
from tests.integration.conftest import RasaEndpoint
from tests.integration.e2e.conftest import (
    BotProcess,
    bot_environment,
    choose_language,
    labels,
    plain,
)

pytestmark = pytest.mark.integration

#: A few polls of the reminders' job (MRC_REMINDER_POLL below).
QUIET = 1.5


class Clock:
    """The file the bot reads as "now"."""

    def __init__(self, path: Path) -> None:
        self.path = path

    def set(self, moment: str) -> None:
        self.path.write_text(moment + "+00:00", encoding="utf-8")


@pytest.fixture(scope="module")
def clock(tmp_path_factory: pytest.TempPathFactory) -> Clock:
    c = Clock(tmp_path_factory.mktemp("clock") / "now")
    c.set("2026-11-30T09:00:00")
    return c


@pytest.fixture(scope="module")
def bot(
    emu: BotAPIEmulator,
    rasa_server: RasaEndpoint,
    clock: Clock,
    tmp_path_factory: pytest.TempPathFactory,
) -> Iterator[BotProcess]:
    env, database = bot_environment(
        emu, rasa_server, tmp_path_factory.mktemp("bot"),
        MRC_CLOCK_FILE=str(clock.path), MRC_REMINDER_POLL="0.3",
        MRC_FLOOD_LIMIT="100",  # the tests type faster than people do
    )  # fmt: skip
    process = BotProcess(env, database)
    process.start(emu)
    yield process
    assert process.stop() == 0, process.output()


def ask(emu: BotAPIEmulator, user: EmuUser, text: str, count: int = 1) -> list[SentMessage]:
    seen = len(emu.received(user.id))
    emu.send_text(user, text)
    return emu.wait_for(user.id, count, after=seen)


def press(emu: BotAPIEmulator, user: EmuUser, label: str) -> SentMessage:
    seen = len(emu.received(user.id))
    emu.press(user, label)
    [reply] = emu.wait_for(user.id, after=seen)
    return reply


def remind(
    emu: BotAPIEmulator, user: EmuUser, t: Translator, button: str, date: str
) -> SentMessage:
    """/remind, the kind's button, then the date typed: the bot's answer to the date."""
    ask(emu, user, "/remind")
    press(emu, user, t.gettext(button))
    [answer] = ask(emu, user, date)
    return answer


def quiet(emu: BotAPIEmulator, user: EmuUser) -> None:
    """Nothing more arrives for the user over a few polls."""
    seen = len(emu.received(user.id))
    time.sleep(QUIET)
    assert len(emu.received(user.id)) == seen, plain(emu.received(user.id)[-1])


def reminders_of(bot: BotProcess, user: EmuUser) -> list[tuple[object, ...]]:
    return bot.query(
        "SELECT r.kind, r.due, r.region FROM reminders r JOIN users u ON u.id = r.user_id "
        "WHERE u.external_id = ?",
        str(user.id),
    )


def moscow_2026() -> str:
    facts = load_article(KB_DIR / "work_patent").facts
    return next(f.value for f in facts if f.key == "patent_pay_moscow_2026")


def test_a_patent_date_is_reminded_once_per_step_across_a_restart(
    emu: BotAPIEmulator, bot: BotProcess, clock: Clock
) -> None:
    t = Translator("en")
    clock.set("2026-11-30T09:00:00")
    user = emu.user("Payer", language_code="en")
    choose_language(emu, user, "en")
    [menu] = ask(emu, user, "/remind")
    assert "I can remind you of your own dates" in plain(menu)
    assert press(emu, user, t.gettext("💳 Patent paid until…")).text.startswith(
        t.gettext("Until what date is your patent paid?").split("?")[0]
    )
    [wrong] = ask(emu, user, "31.02.2027")
    assert t.gettext("There is no such date. Please check the day and the month.") in plain(wrong)
    assert reminders_of(bot, user) == []  # nothing stored
    [saved] = ask(emu, user, "20.12.2026")
    assert "✅ Saved: Patent paid until December 20, 2026." in plain(saved)
    assert "Moscow" in labels(saved)
    region = press(emu, user, "Moscow")
    amount = f"{int(moscow_2026()):,}"
    assert f"In Moscow the monthly payment in 2026 is {amount} roubles" in plain(region)
    assert reminders_of(bot, user) == [("patent", "2026-12-20", "moscow")]

    clock.set("2026-12-13T07:00:30")  # 10:00 in Moscow, 7 days before
    [seven] = emu.wait_for(user.id, after=len(emu.received(user.id)))
    assert plain(seven).startswith("⏰ Your patent is paid until December 20, 2026.")
    assert "7 days left." in plain(seven)
    assert f"{amount} roubles" in plain(seven)
    assert "✅ I paid: now until January 20, 2027" in labels(seven)
    clock.set("2026-12-13T09:00:00")
    quiet(emu, user)  # not twice

    assert bot.stop() == 0, bot.output()
    clock.set("2026-12-17T07:00:30")  # the 3-day reminder falls due while the bot is down
    seen = len(emu.received(user.id))
    bot.start(emu)
    [three] = emu.wait_for(user.id, after=seen)
    assert "3 days left." in plain(three)
    quiet(emu, user)

    paid = press(emu, user, "✅ I paid: now until January 20, 2027")
    assert "✅ Saved: Patent paid until January 20, 2027." in plain(paid)
    assert reminders_of(bot, user) == [("patent", "2027-01-20", "moscow")]
    clock.set("2026-12-19T07:00:30")  # the old date's 1-day reminder is gone with it
    quiet(emu, user)

    clock.set("2027-01-13T07:00:30")
    [january] = emu.wait_for(user.id, after=len(emu.received(user.id)))
    assert "7 days left." in plain(january)
    assert "roubles" not in plain(january)  # no checked amount for 2027: none is shown
    clock.set("2027-01-17T07:00:30")
    [three_days] = emu.wait_for(user.id, after=len(emu.received(user.id)))
    assert "3 days left." in plain(three_days)
    clock.set("2027-01-19T07:00:30")
    [one_day] = emu.wait_for(user.id, after=len(emu.received(user.id)))
    assert "1 day left." in plain(one_day)
    quiet(emu, user)
    stopped = press(emu, user, t.gettext("🔕 Stop this reminder"))
    assert "🔕 Stopped: patent payment. The date is deleted." in plain(stopped)
    assert reminders_of(bot, user) == []
    clock.set("2027-01-20T07:00:30")  # the day itself: stopped, so nothing
    quiet(emu, user)


def test_dates_in_tajik_and_russian_and_an_ambiguous_one(
    emu: BotAPIEmulator, bot: BotProcess, clock: Clock
) -> None:
    clock.set("2026-11-30T09:00:00")
    tg = Translator("tg")
    user = emu.user("Сомон", language_code="tg")
    choose_language(emu, user, "tg")
    saved = remind(emu, user, tg, "🏠 Registration valid until…", "20 dekabr")
    assert format_date(dt.date(2026, 12, 20), "tg") in plain(saved)
    assert reminders_of(bot, user) == [("registration", "2026-12-20", None)]

    ru = Translator("ru")
    other = emu.user("Фарход", language_code="ru")
    choose_language(emu, other, "ru")
    taken = remind(emu, other, ru, "💳 Patent paid until…", "03.04.2027")  # 3 April, 4 March?
    april, march = dt.date(2027, 4, 3), dt.date(2027, 3, 4)
    assert ru.gettext("I read this as {date}.", date=format_date(april, "ru")) in plain(taken)
    swap = ru.gettext("I meant {date}", date=format_date(march, "ru"))
    press(emu, other, swap)
    assert reminders_of(bot, other) == [("patent", "2027-03-04", None)]
    # /cancel stops waiting for the date.
    ask(emu, other, "/remind")
    press(emu, other, ru.gettext("🏠 Registration valid until…"))
    [cancelled] = ask(emu, other, "/cancel")
    assert plain(cancelled) == ru.gettext("Cancelled: nothing was saved. Ask me anything.")
    [answer] = ask(emu, other, "20.12.2026")  # no longer read as the registration's date
    assert [r[0] for r in reminders_of(bot, other)] == ["patent"]
    # Neither a date nor a question: the date is asked again.
    ask(emu, other, "/remind")
    press(emu, other, ru.gettext("🏠 Registration valid until…"))
    [again] = ask(emu, other, "ааа")
    assert plain(again).startswith(ru.gettext("I could not read a date in this."))
    # A question instead of a date goes to the dialogue; nothing is stored.
    [answer] = ask(emu, other, "как продлить регистрацию после оплаты патента?")
    assert ru.gettext("I could not read a date in this.") not in plain(answer)
    assert [r[0] for r in reminders_of(bot, other)] == ["patent"]
    # Someone in danger while a date is awaited gets the emergency answer, never "a date?".
    ask(emu, other, "/remind")
    press(emu, other, ru.gettext("🏠 Registration valid until…"))
    seen = len(emu.received(other.id))
    emu.send_text(other, "меня избивают помогите")
    [urgent] = emu.wait_for(other.id, after=seen)
    assert ru.gettext("I could not read a date in this.") not in plain(urgent)
    assert "112" in plain(urgent)


def test_the_stay_calculator_counts_and_offers_a_reminder(
    emu: BotAPIEmulator, bot: BotProcess, clock: Clock
) -> None:
    clock.set("2026-11-30T09:00:00")
    t = Translator("ru")
    user = emu.user("Путник", language_code="ru")
    choose_language(emu, user, "ru")
    ask(emu, user, "/remind")
    question = press(emu, user, t.gettext("📅 Count my days in Russia"))
    assert "10.01.2026 – 28.02.2026" in plain(question)
    [result] = ask(emu, user, "10.01.2026 – 28.02.2026\n25.11.2026")
    text = plain(result)
    assert t.gettext(
        "Since 1 January {year} you have been in Russia {used} of {days} days.",
        year=2026, used=56, days=90,
    ) in text  # fmt: skip
    last = format_date(dt.date(2027, 2, 22), "ru")  # 90 days in a row from 25 November
    assert t.gettext("If you stay on, your last legal day is {date}.", date=last) in text
    assert t.gettext("Sources of this rule:") in text
    assert "https://ria.ru/20251020/mvd-2049411872.html" in text  # the rule's start date
    assert reminders_of(bot, user) == []  # the stays are not kept
    remind = next(label for label in labels(result) if label.startswith("⏰"))
    press(emu, user, remind)
    assert reminders_of(bot, user) == [("stay", "2027-02-22", None)]


def test_someone_who_blocked_the_bot_is_stopped_cleanly(
    emu: BotAPIEmulator, bot: BotProcess, clock: Clock
) -> None:
    clock.set("2026-11-30T09:00:00")
    t = Translator("en")
    user = emu.user("Gone", language_code="en")
    choose_language(emu, user, "en")
    remind(emu, user, t, "🏠 Registration valid until…", "in 10 days")
    assert reminders_of(bot, user) == [("registration", "2026-12-10", None)]
    emu.block(user)
    clock.set("2026-12-03T07:00:30")  # the 7-day reminder: Telegram refuses it
    emu.wait_until(lambda: reminders_of(bot, user) == [], timeout=30)


def test_privacy_shows_the_dates_and_deletes_them(
    emu: BotAPIEmulator, bot: BotProcess, clock: Clock
) -> None:
    clock.set("2026-11-30T09:00:00")
    t = Translator("en")
    user = emu.user("Private", language_code="en")
    choose_language(emu, user, "en")
    remind(emu, user, t, "💳 Patent paid until…", "December 5")
    [shown] = ask(emu, user, "/privacy")
    assert "⏰ Dates you gave for reminders: Patent paid until December 5, 2026." in plain(shown)
    ask(emu, user, "/deletemydata")
    press(emu, user, t.gettext("Yes, delete everything"))
    assert reminders_of(bot, user) == []
