"""Escalation with bots of their own: out of hours and reminders, restarts, no staff group."""

from __future__ import annotations

import time
from datetime import timedelta
from pathlib import Path

import pytest
from babel.dates import format_datetime

from bot.db.base import utcnow
from bot.escalation.hours import DAYS, OfficeHours
from bot.i18n import Translator
from tests.botapi import BotAPIEmulator
from tests.integration.conftest import RasaEndpoint
from tests.integration.e2e.conftest import BotProcess, bot_environment, choose_language, plain
from tests.integration.e2e.staffing import ALWAYS_OPEN, Staff, request_number, ticket, topic_of

pytestmark = pytest.mark.integration


@pytest.fixture(scope="module")
def staff(emu: BotAPIEmulator) -> Staff:
    return Staff(emu)


def _other_day_hours() -> tuple[str, str]:
    """Office hours on the day after tomorrow only (Dushanbe), and that day's name."""
    hours = OfficeHours(ALWAYS_OPEN)
    local = utcnow().astimezone(hours.zone)
    day = DAYS[(local.weekday() + 2) % 7]
    return f"{day.title()} 09:00-18:00", day


def test_out_of_hours_the_migrant_is_told_when_in_their_time_and_reminders_come(
    emu: BotAPIEmulator, staff: Staff, rasa_server: RasaEndpoint, tmp_path: Path
) -> None:
    spec, _ = _other_day_hours()
    env, database = bot_environment(
        emu, rasa_server, tmp_path,
        MRC_STAFF_CHAT_ID=str(staff.group.id), MRC_OFFICE_HOURS=spec,
        MRC_ESCALATION_REMIND_MINUTES="0.05",  # 3 seconds
    )  # fmt: skip
    bot = BotProcess(env, database, staff.group.id)
    bot.start(emu)
    try:
        user = emu.user("Night", language_code="ru")
        choose_language(emu, user, "ru")
        emu.send_text(user, "соедините с оператором")
        [handed] = emu.wait_for(user.id, after=3)
        hours = OfficeHours(spec)
        opening = hours.next_opening(utcnow())
        assert opening is not None
        assert opening - utcnow() < timedelta(days=3)
        when = format_datetime(opening, "EEEE, d MMMM, HH:mm", tzinfo=hours.zone, locale="ru")
        assert when in plain(handed)
        assert "09:00" in when
        number = request_number(plain(handed))
        thread = topic_of(emu, bot, user)
        emu.wait_until(
            lambda: any("⏰" in plain(m) for m in emu.received(staff.group.id, thread)), 30
        )
        assert ticket(bot, number)["priority"] >= 1  # raised while it waits
        # Out of hours the promise starts at the opening: no apology now, and /status says when.
        t = Translator("ru")
        emu.send_text(user, "/status")
        [status] = emu.wait_for(user.id, after=4)
        assert f"#{number}" in plain(status)
        assert t.gettext("⏳ An operator has not opened your request yet.") in plain(status)
        due = hours.after_open_minutes(opening, 120)
        assert due is not None
        expected = format_datetime(due, "EEEE, d MMMM, HH:mm", tzinfo=hours.zone, locale="ru")
        assert t.gettext(
            "An answer can be expected by {when} (Dushanbe time).", when=expected
        ) in plain(status)
        assert len(emu.received(user.id)) == 5  # nothing else: not late yet
    finally:
        assert bot.stop() == 0


def test_a_late_answer_brings_one_apology_with_a_new_estimate(
    emu: BotAPIEmulator, staff: Staff, rasa_server: RasaEndpoint, tmp_path: Path
) -> None:
    env, database = bot_environment(
        emu, rasa_server, tmp_path,
        MRC_STAFF_CHAT_ID=str(staff.group.id), MRC_OFFICE_HOURS=ALWAYS_OPEN,
        MRC_ESCALATION_REMIND_MINUTES="600", MRC_REPLY_PROMISE_MINUTES="0.05",  # 3 seconds
    )  # fmt: skip
    bot = BotProcess(env, database, staff.group.id)
    bot.start(emu)
    try:
        t = Translator("en")
        user = emu.user("Late", language_code="en")
        choose_language(emu, user, "en")
        emu.send_text(user, "/human")
        [handed] = emu.wait_for(user.id, after=3)
        number = request_number(plain(handed))
        [apology] = emu.wait_for(user.id, after=4, timeout=30)
        assert plain(apology).startswith(
            f"Sorry: your request #{number} has waited longer than we promised."
        )
        assert "New estimate" in plain(apology)
        thread = topic_of(emu, bot, user)
        emu.wait_until(
            lambda: any(
                "past the promised" in plain(m) or "просрочила" in plain(m)
                for m in emu.received(staff.group.id, thread)
            ),
            30,
        )
        assert ticket(bot, number)["priority"] >= 1
        time.sleep(6)  # the job runs every 1.5 s: the apology is not repeated
        assert len(emu.received(user.id)) == 5
        emu.send_text(user, "/status")
        [status] = emu.wait_for(user.id, after=5)
        assert "New estimate" in plain(status)
        assert t.gettext("⏳ An operator has not opened your request yet.") in plain(status)
    finally:
        assert bot.stop() == 0


def test_tickets_and_topics_survive_a_restart(
    emu: BotAPIEmulator, staff: Staff, rasa_server: RasaEndpoint, tmp_path: Path
) -> None:
    env, database = bot_environment(
        emu, rasa_server, tmp_path,
        MRC_STAFF_CHAT_ID=str(staff.group.id), MRC_OFFICE_HOURS=ALWAYS_OPEN,
    )  # fmt: skip
    bot = BotProcess(env, database, staff.group.id)
    bot.start(emu)
    user = emu.user("Patient", language_code="en")
    choose_language(emu, user, "en")
    emu.send_text(user, "/human")
    [handed] = emu.wait_for(user.id, after=3)
    assert request_number(plain(handed)) >= 1
    thread = topic_of(emu, bot, user)
    assert bot.stop() == 0
    bot.start(emu)
    try:
        emu.send_text(
            staff.operator, "Still here after the restart", chat=staff.group, thread_id=thread
        )
        [relayed] = emu.wait_for(user.id, after=4)
        assert plain(relayed).endswith("Still here after the restart")
        emu.block(user)
        emu.send_text(staff.operator, "Are you there?", chat=staff.group, thread_id=thread)
        emu.wait_until(
            lambda: any(
                "Not delivered" in plain(m) or "Не доставлено" in plain(m)
                for m in emu.received(staff.group.id, thread)
            ),
            10,
        )
    finally:
        assert bot.stop() == 0


def test_without_a_staff_group_tickets_are_kept_and_the_migrant_is_told(
    emu: BotAPIEmulator, rasa_server: RasaEndpoint, tmp_path: Path
) -> None:
    env, database = bot_environment(emu, rasa_server, tmp_path, MRC_OFFICE_HOURS=ALWAYS_OPEN)
    bot = BotProcess(env, database)
    bot.start(emu)
    try:
        user = emu.user("Alone", language_code="en")
        choose_language(emu, user, "en")
        emu.send_text(user, "I want to talk to a real person")
        [handed] = emu.wait_for(user.id, after=3)
        number = request_number(plain(handed))
        assert plain(handed).startswith(f"Your question is saved as request #{number}.")
        assert ticket(bot, number)["status"] == "waiting"
    finally:
        assert bot.stop() == 0
