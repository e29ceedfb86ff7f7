"""Outbound rate limits: python-telegram-bot's limiter, plus a limit per private chat.

``AIORateLimiter`` keeps the bot within about 30 messages a second overall and 20 a minute per
group, and retries on 429 after ``retry_after``. Telegram also asks for about one message a
second per chat; this adds that for private chats, allowing a short burst (a long answer in a
few parts arrives at once).
"""

from __future__ import annotations

import contextlib
from collections import OrderedDict
from collections.abc import Callable, Coroutine
from typing import Any

from aiolimiter import AsyncLimiter
from telegram.ext import AIORateLimiter

JSONDict = dict[str, Any]
#: Methods that put something in the chat (a typing action or an answer to a button does not).
_SENDS = ("send", "copy", "forward", "edit")
#: Calls that put no message in a chat: the global 30/s bucket is for messages, and a typing
#: action or a button's answer must never wait behind them (measured: with them counted, the
#: bot topped out at 20 answers a second).
_NOT_MESSAGES = frozenset({"sendChatAction", "answerCallbackQuery"})


class ChatRateLimiter(AIORateLimiter):
    """``AIORateLimiter`` with a bucket of ``chat_burst`` messages, refilled one a second, per
    private chat."""

    def __init__(
        self,
        *,
        chat_burst: int = 3,
        max_retries: int = 3,
        chats: int = 10_000,
        overall_per_second: float = 30.0,
    ) -> None:
        super().__init__(overall_max_rate=overall_per_second, max_retries=max_retries)
        self._chat_burst = chat_burst
        self._chats = chats
        self._limiters: OrderedDict[int, AsyncLimiter] = OrderedDict()

    def _limiter(self, chat_id: int) -> AsyncLimiter:
        limiter = self._limiters.pop(chat_id, None) or AsyncLimiter(
            self._chat_burst, self._chat_burst
        )
        self._limiters[chat_id] = limiter
        while len(self._limiters) > self._chats:
            self._limiters.popitem(last=False)
        return limiter

    async def process_request(
        self,
        callback: Callable[..., Coroutine[Any, Any, bool | JSONDict | list[JSONDict]]],
        args: Any,
        kwargs: dict[str, Any],
        endpoint: str,
        data: dict[str, Any],
        rate_limit_args: int | None,
    ) -> bool | JSONDict | list[JSONDict]:
        """Wait for the chat's own bucket, then for the global ones."""
        chat_id: Any = data.get("chat_id")
        with contextlib.suppress(TypeError, ValueError):
            chat_id = int(chat_id)
        if endpoint in _NOT_MESSAGES:  # outside Telegram's message limits; never delayed
            return await callback(*args, **kwargs)
        message = endpoint.startswith(_SENDS)
        if isinstance(chat_id, int) and chat_id > 0 and message:
            async with self._limiter(chat_id):
                return await super().process_request(
                    callback, args, kwargs, endpoint, data, rate_limit_args
                )
        return await super().process_request(
            callback, args, kwargs, endpoint, data, rate_limit_args
        )
