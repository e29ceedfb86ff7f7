"""A typed context: handlers reach the application's services as ``context.services``, and the
person behind the update as ``context.person`` and ``context.conversation``."""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import Any

from telegram.ext import Application, CallbackContext, ExtBot

from bot.db import Database
from bot.dialogue import Conversation, Dialogue
from bot.escalation.hours import OfficeHours
from bot.reminders.clock import Clock
from bot.settings import Settings
from bot.telegram.flood import FloodGuard, SharedFloodGuard
from bot.telegram.inbox import Inbox
from bot.telegram.memory import Person


@dataclass
class Services:
    """What the handlers need, built once at start-up."""

    settings: Settings
    db: Database
    dialogue: Dialogue
    inbox: Inbox = field(init=False)
    flood: FloodGuard | SharedFloodGuard = field(init=False)
    hours: OfficeHours = field(init=False)
    #: The time reminders are scheduled by (the real clock unless MRC_CLOCK_FILE is set).
    clock: Clock = field(init=False)
    #: user id -> (is an operator, when checked): staff group membership, cached.
    operators: dict[int, tuple[bool, float]] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.inbox = Inbox(self.db)
        limit, window = self.settings.flood_limit, self.settings.flood_window
        self.flood = (
            FloodGuard(limit, window)
            if self.settings.workers == 1
            else SharedFloodGuard(self.db, limit, window)
        )
        self.hours = OfficeHours(self.settings.office_hours, self.settings.holiday_dates)
        self.clock = Clock(self.settings.clock_file)


class BotData:
    """``application.bot_data``: holds the services once they are attached."""

    services: Services | None = None


class Context(CallbackContext[ExtBot[None], dict[object, object], dict[object, object], BotData]):
    """The callback context of every handler (one per update, shared by its handlers)."""

    #: The person behind the update, loaded when it is admitted (``None``: nothing is kept
    #: about them, or the update has no person).
    person: Person | None = None
    _conversation: Conversation | None = None
    _remembered: Conversation | None = None

    @property
    def conversation(self) -> Conversation:
        """What the dialogue remembers of this person's conversation."""
        if self._conversation is None:
            self._conversation = Conversation()
        return self._conversation

    def remember(self, person: Person | None, conversation: Conversation) -> None:
        """Set what was loaded for this update (``changed`` compares against it later)."""
        self.person = person
        self._conversation = conversation
        self._remembered = replace(conversation)

    @property
    def changed(self) -> bool:
        """Whether the conversation changed while the update was handled."""
        return self._conversation is not None and self._conversation != self._remembered

    def forget(self) -> None:
        """Nothing is kept about the person any more (after they deleted their data)."""
        self.remember(None, Conversation())

    @property
    def services(self) -> Services:
        """The application's services."""
        services = self.bot_data.services
        if services is None:
            raise RuntimeError("services are not attached to the application")
        return services


MRCApplication = Application[Any, Context, Any, Any, BotData, Any]
