"""An async HTTP client for the Rasa server's ``/model/parse`` and ``/status`` endpoints."""

from __future__ import annotations

from dataclasses import dataclass, field
from types import TracebackType
from typing import Any, Self

import httpx

from bot.nlu.errors import NLUBadResponse, NLUError, NLUTimeout, NLUUnavailable

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
    """Talks to one Rasa server (``rasa run --enable-api``) over HTTP."""

    def __init__(
        self,
        base_url: str,
        token: str | None = None,
        timeout: float = 3.0,
        transport: httpx.AsyncBaseTransport | None = None,
    ) -> None:
        self.base_url = base_url.rstrip("/")
        self._params = {"token": token} if token else {}
        self._http = httpx.AsyncClient(
            base_url=self.base_url,
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

    async def _request(self, method: str, path: str, **kwargs: Any) -> Any:
        try:
            response = await self._http.request(method, path, params=self._params, **kwargs)
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
