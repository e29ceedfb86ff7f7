"""The per-chat bucket: a burst to one private chat waits; other chats are not held up."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest

from bot.telegram.ratelimit import ChatRateLimiter

pytestmark = pytest.mark.unit


async def test_one_busy_chat_does_not_hold_up_another() -> None:
    limiter = ChatRateLimiter(chat_burst=2)
    await limiter.initialize()
    done: list[str] = []

    def call_for(name: str) -> Any:
        async def callback(*args: Any, **kwargs: Any) -> bool:
            done.append(name)
            return True

        return callback

    async def send(chat_id: int, name: str, endpoint: str = "sendMessage") -> None:
        await limiter.process_request(call_for(name), (), {}, endpoint, {"chat_id": chat_id}, None)

    busy = [asyncio.create_task(send(1, f"busy{i}")) for i in range(4)]
    await asyncio.sleep(0)
    other = asyncio.create_task(send(2, "other"))
    action = asyncio.create_task(send(1, "typing", "sendChatAction"))
    await asyncio.wait_for(asyncio.gather(other, action), 1)
    assert done[:2] == ["busy0", "busy1"]  # the burst goes at once
    assert "other" in done
    assert "typing" in done  # a typing action is not a message
    assert "busy3" not in done  # the rest of the busy chat's burst waits for its bucket
    await asyncio.wait_for(asyncio.gather(*busy), 10)
    assert sorted(done) == ["busy0", "busy1", "busy2", "busy3", "other", "typing"]
    await limiter.shutdown()
