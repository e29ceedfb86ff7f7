"""Article Markdown (bold, bullets, links) to Telegram HTML and to plain terminal text."""

from __future__ import annotations

import html
import re

_BOLD = re.compile(r"\*\*(.+?)\*\*")
_LINK = re.compile(r"\[([^\]]+)\]\(([^)\s]+)\)")


def to_telegram_html(markdown: str) -> str:
    """Telegram HTML: everything escaped, then bold, links and bullets restored."""
    out = []
    for line in html.escape(markdown, quote=False).splitlines():
        if line.startswith("- "):
            line = "• " + line[2:]
        line = _BOLD.sub(r"<b>\1</b>", line)
        line = _LINK.sub(lambda m: f'<a href="{html.escape(m.group(2))}">{m.group(1)}</a>', line)
        out.append(line)
    return "\n".join(out)


def to_plain(markdown: str) -> str:
    """Plain text for a terminal: no asterisks, links as "text (url)"."""
    out = []
    for line in markdown.splitlines():
        if line.startswith("- "):
            line = "• " + line[2:]
        line = _BOLD.sub(r"\1", line)
        line = _LINK.sub(
            lambda m: m.group(1) if m.group(1) == m.group(2) else f"{m.group(1)} ({m.group(2)})",
            line,
        )
        out.append(line)
    return "\n".join(out)
