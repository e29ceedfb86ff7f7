"""Splitting Telegram HTML under 4,096 visible characters, and keyboards within 64 bytes."""

from __future__ import annotations

import re
from html.parser import HTMLParser

import pytest

from bot.dialogue import Choice
from bot.dialogue.render import to_telegram_html
from bot.telegram.send import keyboard, split_html, visible_length

pytestmark = pytest.mark.unit


class Balance(HTMLParser):
    """Fails on a tag closed that was not open, or left open."""

    def __init__(self) -> None:
        super().__init__()
        self.open: list[str] = []

    def handle_starttag(self, tag: str, attrs: object) -> None:
        self.open.append(tag)

    def handle_endtag(self, tag: str) -> None:
        assert self.open, f"</{tag}> without <{tag}>"
        assert self.open.pop() == tag, f"</{tag}> closes another tag"


def balanced(text: str) -> bool:
    parser = Balance()
    parser.feed(text)
    parser.close()
    return not parser.open


def test_a_5000_character_answer_is_split_between_paragraphs() -> None:
    paragraphs = [
        f"**Part {i}** " + "слово " * 150 + f"[link](https://example.org/{i})" for i in range(6)
    ]
    text = to_telegram_html("\n\n".join(paragraphs))
    assert visible_length(text) > 5000
    parts = split_html(text)
    assert len(parts) == 2
    assert all(visible_length(p) <= 4096 for p in parts)
    assert all(balanced(p) for p in parts)
    assert "\n\n".join(parts) == text  # cut only between paragraphs: nothing lost or changed


def test_a_line_longer_than_a_message_is_cut_at_spaces_without_breaking_entities() -> None:
    line = "<b>title</b> " + "a&amp;b " * 3000  # one line of 12,000 visible characters
    parts = split_html(line)
    assert len(parts) >= 3
    assert all(visible_length(p) <= 4096 for p in parts)
    assert all(balanced(p) for p in parts)
    for part in parts:
        assert not re.search(r"&(?![a-z]+;|#\d+;)", part), "an entity was cut"
    assert sum(p.count("a&amp;b") for p in parts) == 3000


def test_short_text_is_one_message() -> None:
    assert split_html("<b>hi</b>") == ["<b>hi</b>"]


def test_html_in_user_visible_text_is_escaped_by_the_renderer() -> None:
    html_text = to_telegram_html('<script>alert(1)</script> & <b onclick="x">')
    assert "<script>" not in html_text
    assert "&lt;script&gt;" in html_text
    assert balanced(html_text)


def test_keyboard_drops_payloads_over_64_bytes() -> None:
    markup = keyboard((Choice("ok", "topic:work_patent"), Choice("too long", "x" * 65)))
    assert markup is not None
    data = [b.callback_data for row in markup.inline_keyboard for b in row]
    assert data == ["topic:work_patent"]
    assert keyboard(()) is None
