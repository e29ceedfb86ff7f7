"""The emulator's spec checker refuses what Telegram refuses and accepts what it accepts."""

from __future__ import annotations

import json

import pytest

from tests.botapi.spec import Upload, check_call, html_problems

pytestmark = pytest.mark.unit

KEYBOARD = json.dumps({"inline_keyboard": [[{"text": "OK", "callback_data": "topic:work_patent"}]]})


def test_a_valid_call_passes() -> None:
    params = {
        "chat_id": "42",
        "text": "<b>Hi</b> &amp; bye",
        "parse_mode": "HTML",
        "reply_markup": KEYBOARD,
    }
    assert check_call("sendMessage", params) == []
    assert check_call("sendDocument", {"chat_id": "42", "document": Upload("a.json", b"{}")}) == []
    assert check_call("getUpdates", {"offset": "5", "timeout": "10", "allowed_updates": "[]"}) == []


@pytest.mark.parametrize(
    ("method", "params", "problem"),
    [
        ("sendMesage", {"chat_id": "1", "text": "x"}, "Not Found: method not found"),
        (
            "sendMessage",
            {"chat_id": "1", "text": "x", "colour": "red"},
            'unknown parameter "colour"',
        ),
        ("sendMessage", {"text": "x"}, 'parameter "chat_id" is required'),
        (
            "sendMessage",
            {"chat_id": "abc", "text": "x", "message_thread_id": "1.5"},
            '"message_thread_id" of sendMessage must be Integer',
        ),
        (
            "sendMessage",
            {"chat_id": "1", "text": "x", "disable_notification": "yes"},
            "must be Boolean",
        ),
        (
            "sendMessage",
            {
                "chat_id": "1",
                "text": "x",
                "reply_markup": '{"inline_keyboard": [[{"label": "x"}]]}',
            },
            "reply_markup",
        ),
        ("sendMessage", {"chat_id": "1", "text": "x", "reply_markup": "not json"}, "reply_markup"),
        (
            "sendMessage",
            {
                "chat_id": "1",
                "text": "x",
                "reply_markup": json.dumps(
                    {"inline_keyboard": [[{"text": "x", "callback_data": "é" * 33}]]}
                ),
            },
            "BUTTON_DATA_INVALID",
        ),
        ("sendMessage", {"chat_id": "1", "text": "a" * 4097}, "message is too long"),
        ("sendMessage", {"chat_id": "1", "text": " "}, "message text is empty"),
        (
            "sendMessage",
            {"chat_id": "1", "text": "<script>x</script>", "parse_mode": "HTML"},
            'Unsupported start tag "script"',
        ),
        (
            "sendMessage",
            {"chat_id": "1", "text": "a < b", "parse_mode": "HTML"},
            "Unexpected character '<'",
        ),
        (
            "sendMessage",
            {"chat_id": "1", "text": "<b>x", "parse_mode": "HTML"},
            "Can't find end tag",
        ),
        ("answerCallbackQuery", {"callback_query_id": "1", "text": "x" * 201}, "MESSAGE_TOO_LONG"),
        (
            "setMyCommands",
            {"commands": json.dumps([{"command": "Start!", "description": "x"}])},
            "BOT_COMMAND_INVALID",
        ),
        (
            "sendDocument",
            {"chat_id": "1", "document": Upload("a", b""), "caption": "c" * 1025},
            "caption is too long",
        ),
    ],
)
def test_invalid_calls_are_refused(method: str, params: dict[str, object], problem: str) -> None:
    problems = check_call(method, params)
    assert any(problem in p for p in problems), problems


def test_html_is_checked_like_telegram() -> None:
    assert html_problems('<a href="https://x.org">x</a> <i><b>y</b></i> &lt; &#39;') == []
    assert html_problems("<b><i>x</b></i>")  # crossed tags
    assert html_problems("Tom & Jerry")
    assert html_problems("<a>x</a>")
