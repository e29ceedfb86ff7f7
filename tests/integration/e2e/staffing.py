"""What the escalation tests share: the staff group, topics, tickets."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

from tests.botapi import BotAPIEmulator, EmuChat, EmuUser
from tests.integration.conftest import RasaEndpoint
from tests.integration.e2e.conftest import BotProcess, bot_environment

ALWAYS_OPEN = "Mon-Sun 00:00-24:00"


class Staff:
    """The staff forum group with an operator, and someone who is not staff."""

    def __init__(self, emu: BotAPIEmulator) -> None:
        self.operator = emu.user("Operator Nodira")
        self.outsider = emu.user("Not staff")
        self.group: EmuChat = emu.group("MRC operators", forum=True, members=[self.operator])


def staffed_bot(
    emu: BotAPIEmulator, staff: Staff, rasa: RasaEndpoint, tmp: Path, **settings: str
) -> Iterator[BotProcess]:
    """A module's ``mrc run`` with the staff group, always open, reminders out of the way."""
    env, database = bot_environment(
        emu, rasa, tmp,
        MRC_STAFF_CHAT_ID=str(staff.group.id), MRC_OFFICE_HOURS=ALWAYS_OPEN,
        MRC_ESCALATION_REMIND_MINUTES="600", **settings,
    )  # fmt: skip
    process = BotProcess(env, database, staff.group.id)
    process.start(emu)
    yield process
    assert process.stop() == 0, process.output()


def topic_of(emu: BotAPIEmulator, bot: BotProcess, user: EmuUser) -> int:
    """The thread of the migrant's topic in the staff group (from the bot's database)."""

    def thread() -> int | None:
        rows = bot.query("SELECT staff_thread_id FROM users WHERE external_id = ?", str(user.id))
        return int(str(rows[0][0])) if rows and rows[0][0] is not None else None

    emu.wait_until(lambda: thread() is not None, 10)
    found = thread()
    assert found is not None
    return found


def ticket(bot: BotProcess, number: int) -> dict[str, object]:
    [row] = bot.query(
        "SELECT status, priority, language, question, rating, first_reply_at FROM tickets "
        "WHERE id = ?",
        number,
    )
    return dict(
        zip(
            ("status", "priority", "language", "question", "rating", "first_reply_at"),
            row,
            strict=True,
        )
    )


def request_number(text: str) -> int:
    return int(text.split("#", 1)[1].split()[0].strip(").,:"))
