"""The time reminders are scheduled by: the real clock, or, for tests and drills, the time
written in a file (``MRC_CLOCK_FILE``), so that a week of reminders can be played without
waiting."""

from __future__ import annotations

import datetime as dt
import logging
from pathlib import Path

from bot.db.base import utcnow

log = logging.getLogger(__name__)


class Clock:
    """``now()``: the real time, or the file's when one is set and readable."""

    def __init__(self, path: Path | None = None) -> None:
        self.path = path

    def now(self) -> dt.datetime:
        """The current time (timezone-aware)."""
        if self.path is None:
            return utcnow()
        try:
            value = dt.datetime.fromisoformat(self.path.read_text(encoding="utf-8").strip())
        except (OSError, ValueError) as exc:
            log.warning("clock file unreadable (%s): using the real clock", exc)
            return utcnow()
        return value if value.tzinfo else value.replace(tzinfo=dt.UTC)
