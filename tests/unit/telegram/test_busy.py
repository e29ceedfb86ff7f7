"""The "typing…" indicator: none for a fast answer, shown (and repeated) for a slow one."""

from __future__ import annotations

import asyncio
from typing import Any, cast

import pytest
from telegram import Bot
from telegram.error import NetworkError

from bot.telegram.busy import typing_when_slow

pytestmark = pytest.mark.unit


class FakeBot:
    """Records chat actions (when each began and ended); fails them when told to."""

    def __init__(self, fail: bool = False, takes: float = 0.0) -> None:
        self.actions: list[tuple[int, str]] = []
        self.finished = 0
        self.fail = fail
        self.takes = takes

    async def send_chat_action(self, chat_id: int, action: str, **_: Any) -> bool:
        self.actions.append((chat_id, action))
        await asyncio.sleep(self.takes)
        self.finished += 1
        if self.fail:
            raise NetworkError("Telegram is unreachable")
        return True


async def test_a_fast_answer_costs_no_call_to_telegram() -> None:
    bot = FakeBot()
    async with typing_when_slow(cast(Bot, bot), 7, delay=0.3):
        await asyncio.sleep(0.02)
    await asyncio.sleep(0.4)  # nothing left behind that would send it later
    assert bot.actions == []


async def test_a_slow_answer_shows_typing_and_repeats_it_while_it_lasts() -> None:
    bot = FakeBot()
    async with typing_when_slow(cast(Bot, bot), 7, delay=0.05, repeat=0.1):
        await asyncio.sleep(0.32)
    sent = len(bot.actions)
    assert 2 <= sent <= 4
    assert set(bot.actions) == {(7, "typing")}
    await asyncio.sleep(0.25)
    assert len(bot.actions) == sent, "stopped with the answer"


async def test_a_failing_indicator_does_not_fail_the_answer() -> None:
    bot = FakeBot(fail=True)
    async with typing_when_slow(cast(Bot, bot), 7, delay=0.0, repeat=0.05):
        await asyncio.sleep(0.12)
    assert len(bot.actions) >= 2, "tried again after the failure"


async def test_an_error_in_the_answer_still_stops_the_indicator() -> None:
    bot = FakeBot()
    with pytest.raises(RuntimeError):
        async with typing_when_slow(cast(Bot, bot), 7, delay=0.05, repeat=0.05):
            raise RuntimeError("the dialogue failed")
    await asyncio.sleep(0.15)
    assert bot.actions == []


async def test_an_indicator_on_its_way_is_let_finish_before_the_answer() -> None:
    bot = FakeBot(takes=0.2)
    async with typing_when_slow(cast(Bot, bot), 7, delay=0.05):
        await asyncio.sleep(0.1)  # the answer is ready while the indicator is being sent
    assert bot.actions == [(7, "typing")]
    assert bot.finished == 1, "not cut off half-way, and done before the answer is sent"
