"""Bot API objects as Telegram returns them (what python-telegram-bot parses)."""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import Any

from tests.botapi.spec import types


@dataclass
class EmuUser:
    """A Telegram user; their private chat with the bot has the same id."""

    id: int
    first_name: str
    language_code: str | None = None

    def to_dict(self) -> dict[str, Any]:
        data: dict[str, Any] = {"id": self.id, "is_bot": False, "first_name": self.first_name}
        if self.language_code:
            data["language_code"] = self.language_code
        return data

    def private_chat(self) -> dict[str, Any]:
        return {"id": self.id, "type": "private", "first_name": self.first_name}


@dataclass
class EmuChat:
    """A group (a supergroup, a forum when ``forum``)."""

    id: int
    title: str
    forum: bool = False
    members: set[int] = field(default_factory=set)
    admins: set[int] = field(default_factory=set)

    def to_dict(self) -> dict[str, Any]:
        data: dict[str, Any] = {"id": self.id, "type": "supergroup", "title": self.title}
        if self.forum:
            data["is_forum"] = True
        return data


@dataclass
class SentMessage:
    """A message the bot sent (its current state, after any edits)."""

    message_id: int
    chat_id: int
    text: str = ""
    parse_mode: str | None = None
    reply_markup: dict[str, Any] | None = None
    thread_id: int | None = None
    kind: str = "text"
    caption: str | None = None
    document: bytes | None = None
    filename: str | None = None
    edited: bool = False
    date: int = field(default_factory=lambda: int(time.time()))

    @property
    def buttons(self) -> list[list[str]]:
        """The inline keyboard's labels, row by row."""
        rows = (self.reply_markup or {}).get("inline_keyboard", [])
        return [[str(b.get("text", "")) for b in row] for row in rows]

    def callback_data(self, label: str) -> str | None:
        """The data of the button labelled ``label`` (exactly, else by prefix)."""
        buttons = [b for row in (self.reply_markup or {}).get("inline_keyboard", []) for b in row]
        for match in (
            lambda b: b.get("text") == label,
            lambda b: str(b.get("text", "")).startswith(label),
        ):
            for button in buttons:
                if match(button) and "callback_data" in button:
                    return str(button["callback_data"])
        return None


def defaults(kind: str, **given: Any) -> dict[str, Any]:
    """An object of spec type ``kind`` with every required field: given values, else zero ones."""
    data = dict(given)
    for f in types()[kind].get("fields", []):
        if not f["required"] or f["name"] in data:
            continue
        first = f["types"][0]
        data[f["name"]] = {"Boolean": False, "Integer": 0, "String": "", "Float": 0.0}.get(
            first, {} if not first.startswith("Array") else []
        )
        if first in types() and types()[first].get("fields"):
            data[f["name"]] = defaults(first)
    return data
