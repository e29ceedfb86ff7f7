"""Splitting Telegram HTML under 4,096 visible characters, and keyboards within 64 bytes."""

from __future__ import annotations

import re
from html.parser import HTMLParser

import httpx
import pytest
from telegram.error import NetworkError, TimedOut

from bot.dialogue import Choice
from bot.dialogue.payloads import OpenSection, OpenTopic, TalkToPerson, Vote
from bot.dialogue.render import to_telegram_html
from bot.telegram.send import _retrying, keyboard, may_have_arrived, split_html, visible_length

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


def test_keyboard_encodes_each_payload_one_button_a_row() -> None:
    markup = keyboard((Choice("ok", OpenTopic("work_patent")), Choice("person", TalkToPerson())))
    assert markup is not None
    data = [[b.callback_data for b in row] for row in markup.inline_keyboard]
    assert data == [["topic:work_patent"], ["human"]]
    assert keyboard(()) is None


def test_votes_share_a_row_and_sections_go_two_to_a_row() -> None:
    choices = (
        Choice("whole", OpenTopic("work_patent")),
        *(Choice(k, OpenSection("work_patent", k), row="sections") for k in ("a1", "b2", "c3")),
        Choice("👍", Vote("work_patent", True), row="vote"),
        Choice("👎", Vote("work_patent", False), row="vote"),
        Choice("person", TalkToPerson()),
    )
    markup = keyboard(choices)
    assert markup is not None
    shape = [[b.text for b in row] for row in markup.inline_keyboard]
    assert shape == [["whole"], ["a1", "b2"], ["c3"], ["👍", "👎"], ["person"]]


def _timed_out(cause: Exception) -> TimedOut:
    error = TimedOut()
    error.__cause__ = cause  # as python-telegram-bot raises it from httpx's error
    return error


def test_a_request_that_may_have_reached_telegram_is_told_apart() -> None:
    assert may_have_arrived(_timed_out(httpx.ReadTimeout("no answer in time")))
    assert may_have_arrived(_timed_out(httpx.WriteTimeout("sent in part")))
    assert may_have_arrived(TimedOut())  # cause unknown: assume it arrived
    assert not may_have_arrived(_timed_out(httpx.ConnectTimeout("no connection")))
    assert not may_have_arrived(_timed_out(httpx.PoolTimeout("no free connection")))
    assert not may_have_arrived(NetworkError("Bad Gateway"))


@pytest.mark.parametrize(
    ("error", "calls", "result"),
    [
        (_timed_out(httpx.ReadTimeout("late")), 1, None),  # not sent again, not an error
        (_timed_out(httpx.ConnectTimeout("no connection")), 2, "sent"),  # sent again
        (NetworkError("Bad Gateway"), 2, "sent"),  # Telegram said it failed: sent again
    ],
)
async def test_only_what_surely_did_not_arrive_is_sent_again(
    error: Exception, calls: int, result: str | None
) -> None:
    made: list[int] = []

    async def call() -> str:
        made.append(1)
        if len(made) == 1:
            raise error
        return "sent"

    assert await _retrying(call, "sendMessage") == result
    assert len(made) == calls
