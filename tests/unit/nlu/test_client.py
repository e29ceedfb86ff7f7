"""The NLU client against httpx's MockTransport: results and the exception tree."""

from __future__ import annotations

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


def client_for(handler) -> NLUClient:  # type: ignore[no-untyped-def]
    return NLUClient("http://nlu.test", token="t0k", transport=httpx.MockTransport(handler))


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
