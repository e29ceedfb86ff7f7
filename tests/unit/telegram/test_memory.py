"""The conversation memory kept in the person's row: kept a day, never trusted blindly."""

from __future__ import annotations

from datetime import timedelta

import pytest

from bot.db.base import utcnow
from bot.dialogue import Conversation
from bot.telegram.memory import from_json, to_json


def test_a_conversation_survives_the_round_trip() -> None:
    conversation = Conversation(1, "patent?", "work_patent")
    assert from_json(to_json(conversation)) == conversation


def test_an_old_memory_is_forgotten() -> None:
    data = to_json(Conversation(1, "patent?"))
    data["at"] = (utcnow() - timedelta(days=2)).isoformat()
    assert from_json(data) == Conversation()


@pytest.mark.parametrize(
    "data", [None, {}, {"at": "yesterday"}, {"at": utcnow().isoformat(), "failed_in_row": "x"},
             {"at": utcnow().isoformat(), "failed_in_row": [1]}],
)  # fmt: skip
def test_unreadable_memory_starts_afresh(data: dict[str, object] | None) -> None:
    assert from_json(data) == Conversation()
