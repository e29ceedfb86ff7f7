"""The Bot: python-telegram-bot's ExtBot, tolerant of an update it cannot parse.

python-telegram-bot parses the whole batch that ``getUpdates`` returns at once: one malformed
update would fail every poll, for every user, for ever. Here each update is parsed alone; one
that cannot be parsed is logged by its id and replaced by an empty update with that id, so that
polling confirms it and goes on.
"""

from __future__ import annotations

import logging
from typing import Any

from telegram import Update
from telegram.ext import ExtBot
from telegram.request import HTTPXRequest

log = logging.getLogger(__name__)


class TolerantBot(ExtBot[None]):
    """``ExtBot`` whose ``getUpdates`` drops what it cannot parse (and says so)."""

    async def _post(self, endpoint: str, data: Any = None, **kwargs: Any) -> Any:
        result = await super()._post(endpoint, data, **kwargs)
        if endpoint != "getUpdates" or not isinstance(result, list):
            return result
        return [self._parsable(item) for item in result]

    def _parsable(self, item: Any) -> Any:
        try:
            Update.de_json(item, self)
        except Exception:  # any parse error: the rest of the batch must go through
            update_id = item.get("update_id") if isinstance(item, dict) else None
            if not isinstance(update_id, int):
                raise
            log.warning("dropped update %d: not a valid Telegram update", update_id)
            return {"update_id": update_id}
        return item


def build_bot(token: str, base_url: str, rate_limiter: Any, timeout: float = 10.0) -> TolerantBot:
    """The bot with python-telegram-bot's usual connection pools (256 for calls, 1 for polls);
    ``timeout``: seconds to wait for the answer to a call (long polls wait longer by
    themselves)."""
    return TolerantBot(
        token=token,
        base_url=base_url,
        rate_limiter=rate_limiter,
        request=HTTPXRequest(connection_pool_size=256, read_timeout=timeout),
        get_updates_request=HTTPXRequest(connection_pool_size=1),
    )
