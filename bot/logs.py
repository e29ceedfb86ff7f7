"""Logging set-up. Message text is never logged at INFO: it may identify a migrant."""

from __future__ import annotations

import logging
import sys
from pathlib import Path

#: Loggers that would print request URLs (which carry the bot token) at INFO.
_NOISY = ("httpx", "httpcore", "telegram.ext.Updater", "apscheduler", "aiosqlite", "asyncio")


def setup_logging(
    level: str, log_file: Path | None = None, console_level: str | None = None
) -> None:
    """Log to stderr (at ``console_level``, default ``level``) and optionally to a file."""
    root = logging.getLogger()
    root.handlers.clear()
    root.setLevel(level)
    fmt = logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s")
    console = logging.StreamHandler(sys.stderr)
    console.setLevel(console_level or level)
    console.setFormatter(fmt)
    root.addHandler(console)
    if log_file is not None:
        log_file.parent.mkdir(parents=True, exist_ok=True)
        file_handler = logging.FileHandler(log_file, encoding="utf-8")
        file_handler.setFormatter(fmt)
        root.addHandler(file_handler)
    for name in _NOISY:
        logging.getLogger(name).setLevel(max(logging.WARNING, root.level))
