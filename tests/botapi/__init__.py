"""A Telegram Bot API emulator for end-to-end tests, checking every call against the spec."""

from tests.botapi.client import BotAPIEmulator
from tests.botapi.objects import EmuChat, EmuUser, SentMessage
from tests.botapi.server import Call, SpecViolation

__all__ = ["BotAPIEmulator", "Call", "EmuChat", "EmuUser", "SentMessage", "SpecViolation"]
