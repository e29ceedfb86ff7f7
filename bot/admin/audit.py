"""The audit log: every change made in the console, with who, when, before and after."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.db.models import AuditEntry


async def record(
    session: AsyncSession,
    actor: str,
    action: str,
    object_type: str,
    object_id: str | int,
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None,
) -> None:
    """Add an entry (in the same transaction as the change it describes)."""
    session.add(
        AuditEntry(
            actor=actor, action=action, object_type=object_type, object_id=str(object_id),
            before=before, after=after,
        )
    )  # fmt: skip


async def recent(session: AsyncSession, limit: int = 200, offset: int = 0) -> Sequence[AuditEntry]:
    """The newest entries first."""
    query = select(AuditEntry).order_by(AuditEntry.id.desc()).limit(limit).offset(offset)
    return (await session.scalars(query)).all()
