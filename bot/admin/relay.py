"""How the console answers migrants: through the bot, exactly like a reply in the staff group."""

from __future__ import annotations

from enum import Enum
from typing import Protocol


class Delivery(Enum):
    """What became of a reply sent from the console."""

    SENT = "sent"
    #: The migrant blocked the bot or deleted the chat: kept in the transcript, not delivered.
    UNDELIVERED = "undelivered"
    #: The ticket was closed meanwhile: nothing was sent.
    CLOSED = "closed"


class Relay(Protocol):
    """Implemented by the Telegram adapter (``bot.telegram.webrelay``)."""

    async def reply(self, ticket_id: int, text: str, operator: str) -> Delivery:
        """Send ``text`` to the ticket's migrant, signed "MRC operator", and log it."""
        ...

    async def close(self, ticket_id: int, resolution: str, operator: str) -> bool:
        """Close the ticket, tell the migrant and ask for a rating; whether it was open."""
        ...


class Notifier(Protocol):
    """Sends notification runs (implemented by ``bot.telegram.subscriptions``)."""

    def wake(self) -> None:
        """A run was started: send it now."""
        ...
