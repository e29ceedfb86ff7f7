"""The "typing…" indicator: none for a fast answer, shown (and repeated) for a slow one. Time
is a manual clock the test moves: nothing depends on how fast this machine is."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field
from typing import Any, cast

import pytest
from telegram import Bot
from telegram.error import NetworkError

from bot.telegram.busy import typing_when_slow

pytestmark = pytest.mark.unit


@dataclass
class ManualClock:
    """Waits that end when the test moves the clock past them (or their event comes)."""

    now: float = 0.0
    _waiting: list[tuple[float, asyncio.Event]] = field(default_factory=list)

    async def wait(self, stop: asyncio.Event, seconds: float) -> bool:
        timeout = asyncio.Event()
        self._waiting.append((self.now + seconds, timeout))
        if seconds <= 0:
            timeout.set()
        stopped = asyncio.ensure_future(stop.wait())
        timed_out = asyncio.ensure_future(timeout.wait())
        await asyncio.wait({stopped, timed_out}, return_when=asyncio.FIRST_COMPLETED)
        stopped.cancel()
        timed_out.cancel()
        return stop.is_set()

    async def advance(self, seconds: float) -> None:
        await settle()  # whatever is about to wait starts waiting first
        self.now += seconds
        for deadline, timeout in self._waiting:
            if deadline <= self.now:
                timeout.set()
        await settle()


async def settle() -> None:
    """Let every task that can run, run."""
    for _ in range(20):
        await asyncio.sleep(0)


@dataclass
class FakeBot:
    """Records chat actions; fails them when told to; holds them while ``gate`` is closed."""

    fail: bool = False
    gate: asyncio.Event | None = None
    actions: list[tuple[int, str]] = field(default_factory=list)
    finished: int = 0

    async def send_chat_action(self, chat_id: int, action: str, **_: Any) -> bool:
        self.actions.append((chat_id, action))
        if self.gate is not None:
            await self.gate.wait()
        self.finished += 1
        if self.fail:
            raise NetworkError("Telegram is unreachable")
        return True


async def test_a_fast_answer_costs_no_call_to_telegram() -> None:
    bot, clock = FakeBot(), ManualClock()
    async with typing_when_slow(cast(Bot, bot), 7, delay=0.5, wait=clock.wait):
        await clock.advance(0.4)  # answered before the delay
    await clock.advance(10)  # nothing left behind that would send it later
    assert bot.actions == []


async def test_a_slow_answer_shows_typing_and_repeats_it_while_it_lasts() -> None:
    bot, clock = FakeBot(), ManualClock()
    async with typing_when_slow(cast(Bot, bot), 7, delay=0.5, repeat=4.5, wait=clock.wait):
        await clock.advance(0.5)
        assert bot.actions == [(7, "typing")]
        await clock.advance(4.5)
        await clock.advance(4.5)
        assert bot.actions == [(7, "typing")] * 3
    await clock.advance(20)
    assert len(bot.actions) == 3, "stopped with the answer"


async def test_a_failing_indicator_does_not_fail_the_answer() -> None:
    bot, clock = FakeBot(fail=True), ManualClock()
    async with typing_when_slow(cast(Bot, bot), 7, delay=0.0, repeat=1.0, wait=clock.wait):
        await clock.advance(0)
        await clock.advance(1.0)
    assert len(bot.actions) == 2, "tried again after the failure"


async def test_an_error_in_the_answer_still_stops_the_indicator() -> None:
    bot, clock = FakeBot(), ManualClock()
    with pytest.raises(RuntimeError):
        async with typing_when_slow(cast(Bot, bot), 7, delay=0.5, wait=clock.wait):
            raise RuntimeError("the dialogue failed")
    await clock.advance(10)
    assert bot.actions == []


async def test_an_indicator_on_its_way_is_let_finish_before_the_answer() -> None:
    bot, clock = FakeBot(gate=asyncio.Event()), ManualClock()
    block = typing_when_slow(cast(Bot, bot), 7, delay=0.5, wait=clock.wait)
    await block.__aenter__()
    await clock.advance(0.5)  # the indicator is being sent when the answer is ready
    leaving = asyncio.ensure_future(block.__aexit__(None, None, None))
    await settle()
    assert not leaving.done(), "the answer waits for the indicator in flight"
    assert bot.gate is not None
    bot.gate.set()
    await asyncio.wait_for(leaving, 5)
    assert (bot.actions, bot.finished) == ([(7, "typing")], 1)
