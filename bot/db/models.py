"""The models. Store the minimum: migrants' data is sensitive."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import CheckConstraint, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from bot.db.base import Base, utcnow


class User(Base):
    """Someone who talks to the bot, on one channel (Telegram, the terminal demo...)."""

    __tablename__ = "users"
    __table_args__ = (
        UniqueConstraint("channel", "external_id"),
        CheckConstraint("language IN ('tg', 'ru', 'en')", name="language"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    channel: Mapped[str] = mapped_column(String(16))
    #: The id on that channel (a Telegram user id as text); never a name or phone number.
    external_id: Mapped[str] = mapped_column(String(64))
    #: The reply language the user chose; ``None`` until they choose.
    language: Mapped[str | None] = mapped_column(String(2))
    #: When the user accepted the privacy notice; ``None`` until they do.
    consent_at: Mapped[datetime | None]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    last_seen_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    def __repr__(self) -> str:
        return f"User(id={self.id}, channel={self.channel!r}, language={self.language!r})"
