"""Waiting out a database that is busy or out of reach, and only that."""

from __future__ import annotations

import pytest
from sqlalchemy.exc import IntegrityError, InterfaceError, OperationalError, ProgrammingError

from bot.telegram.inbox import patiently

pytestmark = pytest.mark.unit


def failing(times: int, error: BaseException) -> tuple[list[int], object]:
    calls: list[int] = []

    async def work() -> str:
        calls.append(1)
        if len(calls) <= times:
            raise error
        return "done"

    return calls, work


@pytest.mark.parametrize(
    "error",
    [
        ConnectionRefusedError(111, "Connection refused"),  # asyncpg: no server at all
        ConnectionResetError(104, "Connection reset by peer"),
        OperationalError("SELECT 1", {}, Exception("database is locked")),
        InterfaceError("SELECT 1", {}, Exception("connection is closed")),
    ],
)
async def test_an_unreachable_or_locked_database_is_waited_out(error: BaseException) -> None:
    calls, work = failing(2, error)
    assert await patiently(work, patience=5) == "done"  # type: ignore[arg-type]
    assert len(calls) == 3


@pytest.mark.parametrize(
    "error",
    [
        IntegrityError("INSERT", {}, Exception("duplicate key")),
        ProgrammingError("SELEC", {}, Exception("syntax error")),
        ValueError("not a database problem"),
    ],
)
async def test_a_refusal_is_not_tried_again(error: BaseException) -> None:
    calls, work = failing(1, error)
    with pytest.raises(type(error)):
        await patiently(work, patience=5)  # type: ignore[arg-type]
    assert len(calls) == 1


async def test_patience_ends() -> None:
    calls, work = failing(1000, ConnectionRefusedError(111, "Connection refused"))
    with pytest.raises(ConnectionRefusedError):
        await patiently(work, patience=0.6)  # type: ignore[arg-type]
    assert 2 <= len(calls) <= 4
