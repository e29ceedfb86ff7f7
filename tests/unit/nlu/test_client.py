"""The NLU client against httpx's MockTransport: results and the exception tree."""

from __future__ import annotations

import asyncio
import json

import httpx
import pytest

from bot.nlu import NLUBadResponse, NLUClient, NLUError, NLUTimeout, NLUUnavailable

PARSE = {
    "text": "патент",
    "intent": {"name": "work_patent", "confidence": 0.93},
    "intent_ranking": [
        {"name": "work_patent", "confidence": 0.93},
        {"name": "migration_registration", "confidence": 0.04},
    ],
    "entities": [{"entity": "city", "value": "moscow", "start": 0, "end": 6}],
}


def client_for(handler, urls: str | list[str] = "http://nlu.test", rest: float = 60.0) -> NLUClient:  # type: ignore[no-untyped-def]
    return NLUClient(urls, token="t0k", transport=httpx.MockTransport(handler), rest=rest)


async def test_parse_sends_text_and_token_and_reads_the_result() -> None:
    seen: list[httpx.Request] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return httpx.Response(200, json=PARSE)

    async with client_for(handler) as client:
        result = await client.parse("патент")
    assert seen[0].url.path == "/model/parse"
    assert seen[0].url.params["token"] == "t0k"
    assert json.loads(seen[0].content) == {"text": "патент"}
    assert result.intent == "work_patent"
    assert result.confidence == pytest.approx(0.93)
    assert result.ranking[1] == ("migration_registration", 0.04)
    assert result.entities[0].value == "moscow"


async def test_long_text_is_cut_before_parsing() -> None:
    sizes: list[int] = []

    def handler(request: httpx.Request) -> httpx.Response:
        sizes.append(len(json.loads(request.content)["text"]))
        return httpx.Response(200, json=PARSE)

    async with client_for(handler) as client:
        await client.parse("а" * 50_000)
    assert sizes == [2000]


@pytest.mark.parametrize(
    ("response", "error"),
    [
        (httpx.Response(500), NLUUnavailable),
        (httpx.Response(401, json={"message": "bad token"}), NLUUnavailable),
        (httpx.Response(200, text="<html>"), NLUBadResponse),
        (httpx.Response(200, json=[1, 2]), NLUBadResponse),
        (httpx.Response(200, json={"intent": {"confidence": "high"}}), NLUBadResponse),
    ],
)
async def test_failures_map_to_the_exception_tree(response: httpx.Response, error: type) -> None:
    async with client_for(lambda request: response) as client:
        with pytest.raises(error) as caught:
            await client.parse("x")
    assert isinstance(caught.value, NLUError)


async def test_connection_errors_and_timeouts() -> None:
    def refuse(request: httpx.Request) -> httpx.Response:
        raise httpx.ConnectError("refused", request=request)

    def slow(request: httpx.Request) -> httpx.Response:
        raise httpx.ReadTimeout("slow", request=request)

    async with client_for(refuse) as client:
        with pytest.raises(NLUUnavailable):
            await client.parse("x")
        assert await client.is_ready() is False
    async with client_for(slow) as client:
        with pytest.raises(NLUTimeout):
            await client.parse("x")


async def test_is_ready_needs_a_loaded_model() -> None:
    async with client_for(lambda r: httpx.Response(200, json={"model_file": None})) as client:
        assert await client.is_ready() is False
    async with client_for(lambda r: httpx.Response(200, json={"model_file": "m.tar.gz"})) as c:
        assert await c.is_ready() is True


POOL = ["http://nlu-a.test", "http://nlu-b.test", "http://nlu-c.test"]


async def test_several_servers_take_the_requests_in_turn() -> None:
    hosts: list[str] = []

    def handler(request: httpx.Request) -> httpx.Response:
        hosts.append(request.url.host)
        return httpx.Response(200, json=PARSE)

    async with client_for(handler, POOL) as client:
        for _ in range(6):
            await client.parse("патент")
    assert hosts == ["nlu-a.test", "nlu-b.test", "nlu-c.test"] * 2


async def test_a_server_that_is_down_is_skipped_at_once_and_left_to_rest() -> None:
    hosts: list[str] = []

    def handler(request: httpx.Request) -> httpx.Response:
        hosts.append(request.url.host)
        if request.url.host == "nlu-b.test":
            raise httpx.ConnectError("connection refused")
        return httpx.Response(200, json=PARSE)

    async with client_for(handler, POOL) as client:
        results = [await client.parse("патент") for _ in range(9)]
    assert all(r.intent == "work_patent" for r in results)
    assert hosts.count("nlu-b.test") == 1, "tried once, then rested"
    assert len(hosts) == 10


async def test_a_rested_server_is_tried_again_after_its_rest() -> None:
    down = True
    hosts: list[str] = []

    def handler(request: httpx.Request) -> httpx.Response:
        hosts.append(request.url.host)
        if request.url.host != "nlu-a.test" and down:
            return httpx.Response(503)
        return httpx.Response(200, json=PARSE)

    async with client_for(handler, POOL, rest=0.05) as client:
        for _ in range(3):
            await client.parse("патент")
        down = False
        await asyncio.sleep(0.1)
        hosts.clear()
        for _ in range(3):
            await client.parse("патент")
    assert sorted(hosts) == ["nlu-a.test", "nlu-b.test", "nlu-c.test"]


async def test_all_servers_down_is_unavailable_and_a_timeout_is_not_retried_elsewhere() -> None:
    def refused(request: httpx.Request) -> httpx.Response:
        raise httpx.ConnectError("connection refused")

    async with client_for(refused, POOL) as client:
        with pytest.raises(NLUUnavailable):
            await client.parse("патент")

    hosts: list[str] = []

    def slow(request: httpx.Request) -> httpx.Response:
        hosts.append(request.url.host)
        raise httpx.ReadTimeout("no answer")

    async with client_for(slow, POOL) as client:
        with pytest.raises(NLUTimeout):
            await client.parse("патент")
    assert hosts == ["nlu-a.test"]
