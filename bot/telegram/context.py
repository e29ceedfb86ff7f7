"""A typed context: handlers reach the application's services as ``context.services``."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from telegram.ext import Application, CallbackContext, ExtBot

from bot.db import Database
from bot.dialogue import Conversation, Dialogue
from bot.escalation.hours import OfficeHours
from bot.settings import Settings
from bot.telegram.flood import FloodGuard, SharedFloodGuard
from bot.telegram.inbox import Inbox


@dataclass
class Services:
    """What the handlers need, built once at start-up."""

    settings: Settings
    db: Database
    dialogue: Dialogue
    inbox: Inbox = field(init=False)
    flood: FloodGuard | SharedFloodGuard = field(init=False)
    hours: OfficeHours = field(init=False)
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


class BotData:
    """``application.bot_data``: holds the services once they are attached."""

    services: Services | None = None


class Context(CallbackContext[ExtBot[None], dict[object, object], dict[object, object], BotData]):
    """The callback context of every handler."""

    @property
    def conversation(self) -> Conversation:
        """What the dialogue remembers of this user's conversation (kept in memory)."""
        data = self.user_data
        if data is None:
            return Conversation()
        conversation = data.get("conversation")
        if not isinstance(conversation, Conversation):
            conversation = data["conversation"] = Conversation()
        return conversation

    def forget_conversation(self) -> None:
        """Drop what is remembered of the conversation (after the user deletes their data)."""
        if self.user_data is not None:
            self.user_data.clear()

    @property
    def services(self) -> Services:
        """The application's services."""
        services = self.bot_data.services
        if services is None:
            raise RuntimeError("services are not attached to the application")
        return services


MRCApplication = Application[Any, Context, Any, Any, BotData, Any]
