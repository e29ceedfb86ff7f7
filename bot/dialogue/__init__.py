"""The dialogue core: from a user's message to the bot's reply, independent of any channel."""

from bot.dialogue.core import Choice, Conversation, Dialogue, Reply

__all__ = ["Choice", "Conversation", "Dialogue", "Reply"]
