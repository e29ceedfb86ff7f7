"""The webhook receiver against hostile and malformed requests: refused or dropped, never a
server error, never queued twice (real database, the real Starlette route)."""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator
from dataclasses import dataclass
from typing import Any

import httpx
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from starlette.applications import Starlette
from telegram import Bot

from bot.db import Database
from bot.telegram.inbox import Inbox
from bot.telegram.webhook import SECRET_HEADER, webhook_route

SECRET = "s3cret-token"


@dataclass
class FakeApplication:
    """What the route uses of the application: a bot to parse updates, and the queue."""

    bot: Bot
    update_queue: asyncio.Queue[Any]


@dataclass
class FakeServices:
    inbox: Inbox


@pytest.fixture
async def hook(db: Database) -> AsyncIterator[tuple[httpx.AsyncClient, FakeApplication]]:
    application = FakeApplication(Bot("123:abc"), asyncio.Queue())
    route = webhook_route("/hook", application, FakeServices(Inbox(db)), SECRET)  # type: ignore[arg-type]
    transport = httpx.ASGITransport(app=Starlette(routes=[route]))
    async with httpx.AsyncClient(transport=transport, base_url="http://bot") as client:
        yield client, application


def message(update_id: int, text: str = "салом") -> dict[str, Any]:
    return {
        "update_id": update_id,
        "message": {
            "message_id": 1, "date": 1_700_000_000, "text": text,
            "chat": {"id": 42, "type": "private"},
            "from": {"id": 42, "is_bot": False, "first_name": "A"},
        },
    }  # fmt: skip


async def post(client: httpx.AsyncClient, body: bytes, secret: str | None = SECRET) -> int:
    headers = {SECRET_HEADER: secret} if secret is not None else {}
    return (await client.post("/hook", content=body, headers=headers)).status_code


async def test_requests_without_the_secret_are_refused(hook: Any) -> None:
    client, application = hook
    body = json.dumps(message(1)).encode()
    assert await post(client, body, None) == 403
    assert await post(client, body, "wrong") == 403
    assert application.update_queue.empty()


async def test_malformed_bodies_are_refused_or_dropped_and_a_duplicate_is_queued_once(
    hook: Any,
) -> None:
    client, application = hook
    assert await post(client, b"not json") == 400
    assert await post(client, b"[1, 2]") == 400
    assert await post(client, b'{"message": {}}') == 400
    assert await post(client, b"{" + b" " * 1_000_001 + b"}") == 413
    assert await post(client, b'{"update_id": 5, "message": "x"}') == 200  # dropped
    assert application.update_queue.empty()
    body = json.dumps(message(6)).encode()
    assert await post(client, body) == 200
    assert await post(client, body) == 200  # Telegram's redelivery
    assert application.update_queue.qsize() == 1


json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=30),
    lambda children: (
        st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=10), children, max_size=4)
    ),
    max_leaves=20,
)


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    body=st.one_of(
        json_values.map(lambda v: json.dumps(v).encode()),
        st.fixed_dictionaries(
            {"update_id": st.integers(-(2**40), 2**40)},
            optional={
                "message": json_values,
                "callback_query": json_values,
                "edited_message": json_values,
            },
        ).map(lambda v: json.dumps(v).encode()),
        st.binary(max_size=200),
    )
)
async def test_any_body_gets_an_answer_never_a_server_error(hook: Any, body: bytes) -> None:
    client, _ = hook
    assert await post(client, body) in {200, 400, 413}
