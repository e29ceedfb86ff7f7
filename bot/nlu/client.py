"""An async HTTP client for the Rasa server's ``/model/parse`` and ``/status`` endpoints."""

from __future__ import annotations

import itertools
import logging
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from types import TracebackType
from typing import Any, Self

import httpx

from bot.nlu.errors import NLUBadResponse, NLUError, NLUTimeout, NLUUnavailable

log = logging.getLogger(__name__)

#: Rasa refuses nothing, but parsing a novel costs time: longer input is cut before parsing.
MAX_PARSE_CHARS = 2000


@dataclass(frozen=True, slots=True)
class Entity:
    """An entity found in a message, with its normalised value (e.g. ``city`` = ``moscow``)."""

    entity: str
    value: str
    start: int | None = None
    end: int | None = None


@dataclass(frozen=True, slots=True)
class NLUResult:
    """What the model understood of one message."""

    text: str
    intent: str | None
    confidence: float
    ranking: tuple[tuple[str, float], ...] = ()
    entities: tuple[Entity, ...] = field(default=())

    @classmethod
    def from_rasa(cls, data: Any) -> NLUResult:
        """Read Rasa's parse result; raise ``NLUBadResponse`` if it is not one."""
        try:
            intent = data.get("intent") or {}
            ranking = tuple(
                (str(r["name"]), float(r["confidence"])) for r in data.get("intent_ranking") or []
            )
            entities = tuple(
                Entity(str(e["entity"]), str(e["value"]), e.get("start"), e.get("end"))
                for e in data.get("entities") or []
            )
            return cls(
                text=str(data.get("text", "")),
                intent=intent.get("name"),
                confidence=float(intent.get("confidence") or 0.0),
                ranking=ranking,
                entities=entities,
            )
        except (AttributeError, KeyError, TypeError, ValueError) as exc:
            raise NLUBadResponse(f"unexpected parse result: {exc!r}") from exc


class NLUClient:
    """Talks to a Rasa server (``rasa run --enable-api``) over HTTP, or to several in turn.

    With several servers (``MRC_NLU_URL`` lists them, comma-separated) each request goes to the
    next one; a server that cannot be reached or answers with an error is skipped for
    ``rest`` seconds and the request goes to another at once. A timeout is not tried again
    elsewhere: the message waited long enough, and the dialogue answers without the model.
    """

    def __init__(
        self,
        base_url: str | Sequence[str],
        token: str | None = None,
        timeout: float = 3.0,
        transport: httpx.AsyncBaseTransport | None = None,
        rest: float = 5.0,
    ) -> None:
        urls = [base_url] if isinstance(base_url, str) else list(base_url)
        if not urls:
            raise ValueError("at least one NLU server URL is needed")
        self.base_urls = [url.rstrip("/") for url in urls]
        self.rest = rest
        self._params = {"token": token} if token else {}
        self._turn = itertools.count()
        self._resting: dict[str, float] = {}
        self._http = httpx.AsyncClient(
            timeout=httpx.Timeout(timeout),
            transport=transport,
            limits=httpx.Limits(max_connections=32, max_keepalive_connections=16),
        )

    async def __aenter__(self) -> Self:
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.aclose()

    async def aclose(self) -> None:
        """Close the connection pool."""
        await self._http.aclose()

    def _order(self) -> list[str]:
        """The servers to try: the next in turn first, the resting ones last."""
        start = next(self._turn) % len(self.base_urls)
        urls = self.base_urls[start:] + self.base_urls[:start]
        now = time.monotonic()
        return sorted(urls, key=lambda url: self._resting.get(url, 0.0) > now)

    async def _request(self, method: str, path: str, **kwargs: Any) -> Any:
        failure: NLUUnavailable | None = None
        for url in self._order():
            try:
                answer = await self._request_one(url, method, path, **kwargs)
            except NLUUnavailable as exc:
                failure = exc
                if len(self.base_urls) > 1:
                    log.warning("NLU server %s: %s; trying another", url, exc)
                    self._resting[url] = time.monotonic() + self.rest
                continue
            self._resting.pop(url, None)
            return answer
        assert failure is not None
        raise failure

    async def _request_one(self, url: str, method: str, path: str, **kwargs: Any) -> Any:
        try:
            response = await self._http.request(method, url + path, params=self._params, **kwargs)
        except httpx.TimeoutException as exc:
            raise NLUTimeout(f"{path}: no answer in time") from exc
        except httpx.HTTPError as exc:
            raise NLUUnavailable(f"{path}: {type(exc).__name__}") from exc
        if response.status_code in (401, 403):
            raise NLUUnavailable(f"{path}: the server refused the token ({response.status_code})")
        if response.status_code >= 400:
            raise NLUUnavailable(f"{path}: HTTP {response.status_code}")
        try:
            return response.json()
        except ValueError as exc:
            raise NLUBadResponse(f"{path}: the answer is not JSON") from exc

    async def parse(self, text: str) -> NLUResult:
        """Understand one message; raise an ``NLUError`` if the server cannot."""
        data = await self._request("POST", "/model/parse", json={"text": text[:MAX_PARSE_CHARS]})
        if not isinstance(data, dict):
            raise NLUBadResponse("/model/parse: the answer is not an object")
        return NLUResult.from_rasa(data)

    async def status(self) -> dict[str, Any]:
        """The server's status (which model it has loaded)."""
        data = await self._request("GET", "/status")
        if not isinstance(data, dict):
            raise NLUBadResponse("/status: the answer is not an object")
        return data

    async def is_ready(self) -> bool:
        """Whether the server answers and has a model loaded."""
        try:
            status = await self.status()
        except NLUError:
            return False
        return bool(status.get("model_file"))


__all__ = ["Entity", "NLUClient", "NLUError", "NLUResult"]
