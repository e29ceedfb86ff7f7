"""Checks a Bot API call against the official spec, and against Telegram's own limits.

The spec is ``telegram-bot-api.json`` beside this module (Bot API 10.1, MIT-licensed: see
``telegram-bot-api.LICENSE``): every method with its
parameters (required or not, their types) and every type with its fields. A call is refused,
as Telegram would refuse it, when the method is unknown, a parameter is unknown or missing, a
value has the wrong type (objects are JSON and checked field by field), or a limit is broken:
text length, ``callback_data`` size, HTML that Telegram cannot parse, command names.
"""

from __future__ import annotations

import contextlib
import html
import json
import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

SPEC_PATH = Path(__file__).resolve().parent / "telegram-bot-api.json"


@dataclass(frozen=True)
class Upload:
    """A file sent as multipart/form-data."""

    filename: str
    content: bytes


@cache
def spec(path: Path = SPEC_PATH) -> dict[str, Any]:
    """The parsed spec."""
    return dict(json.loads(path.read_text(encoding="utf-8")))


def methods() -> dict[str, Any]:
    return dict(spec()["methods"])


def types() -> dict[str, Any]:
    return dict(spec()["types"])


# --- values in a form (strings) -------------------------------------------------------------

_BOOLEANS = {"true", "false", "True", "False", "1", "0"}


def _form_value_ok(kind: str, value: str | Upload) -> bool:
    if kind == "InputFile":
        return isinstance(value, Upload)
    if isinstance(value, Upload):
        return False
    if kind == "String":
        return True
    if kind == "Integer":
        return re.fullmatch(r"-?\d+", value) is not None
    if kind == "Float":
        try:
            float(value)
        except ValueError:
            return False
        return True
    if kind == "Boolean":
        return value in _BOOLEANS
    try:
        parsed = json.loads(value)
    except ValueError:
        return False
    return not json_problems(kind, parsed, "")


# --- values inside JSON -----------------------------------------------------------------------


def json_problems(kind: str, value: Any, where: str) -> list[str]:
    """Problems of a JSON ``value`` that should be of spec type ``kind``."""
    if kind.startswith("Array of "):
        if not isinstance(value, list):
            return [f"{where or 'value'} must be an array"]
        inner = kind.removeprefix("Array of ")
        return [
            p for i, item in enumerate(value) for p in json_problems(inner, item, f"{where}[{i}]")
        ]
    if kind == "Integer":
        return (
            []
            if isinstance(value, int) and not isinstance(value, bool)
            else [f"{where} must be an Integer"]
        )
    if kind == "Float":
        ok = isinstance(value, int | float) and not isinstance(value, bool)
        return [] if ok else [f"{where} must be a Float"]
    if kind == "Boolean":
        return [] if isinstance(value, bool) else [f"{where} must be a Boolean"]
    if kind in ("String", "InputFile"):
        return [] if isinstance(value, str) else [f"{where} must be a String"]
    definition = types().get(kind)
    if definition is None:
        return [f"{where}: unknown type {kind}"]
    if definition.get("subtypes"):
        results = [json_problems(sub, value, where) for sub in definition["subtypes"]]
        return [] if any(not r for r in results) else min(results, key=len)
    if not isinstance(value, dict):
        return [f"{where or kind} must be an object"]
    fields = {f["name"]: f for f in definition.get("fields", [])}
    problems = [
        f'{where}: unknown field "{name}" of {kind}' for name in value if name not in fields
    ]
    for name, field in fields.items():
        if name not in value:
            if field["required"]:
                problems.append(f'{where}: field "{name}" of {kind} is required')
            continue
        results = [json_problems(t, value[name], f"{where}.{name}") for t in field["types"]]
        if all(results):
            problems.extend(min(results, key=len))
    return problems


# --- Telegram's limits ----------------------------------------------------------------------

_ALLOWED_TAGS = {
    "b", "strong", "i", "em", "u", "ins", "s", "strike", "del", "span", "tg-spoiler", "a",
    "code", "pre", "blockquote", "tg-emoji",
}  # fmt: skip
_TAG = re.compile(r"<(/?)([a-zA-Z][a-zA-Z0-9-]*)((?:\s+[^<>]*)?)>")
_ENTITY = re.compile(r"&(?:lt|gt|amp|quot|#\d+|#x[0-9a-fA-F]+);")


def html_problems(text: str) -> list[str]:
    """Why Telegram could not parse ``text`` as HTML (empty when it can)."""
    stack: list[str] = []
    i = 0
    while i < len(text):
        char = text[i]
        if char == "<":
            match = _TAG.match(text, i)
            if match is None:
                return [
                    f"Bad Request: can't parse entities: Unexpected character '<' at byte offset {i}"
                ]
            closing, tag, attrs = match.group(1), match.group(2).lower(), match.group(3)
            if tag not in _ALLOWED_TAGS:
                kind = "end" if closing else "start"
                return [
                    f'Bad Request: can\'t parse entities: Unsupported {kind} tag "{tag}" at byte offset {i}'
                ]
            if closing:
                if not stack or stack.pop() != tag:
                    return [
                        f'Bad Request: can\'t parse entities: Unmatched end tag at byte offset {i}, expected "</{stack[-1] if stack else ""}>", found "</{tag}>"'
                    ]
            else:
                if tag == "a" and "href" not in attrs:
                    return [
                        f"Bad Request: can't parse entities: <a> without href at byte offset {i}"
                    ]
                if tag == "span" and "tg-spoiler" not in attrs:
                    return [
                        f'Bad Request: can\'t parse entities: Tag "span" must have class "tg-spoiler" at byte offset {i}'
                    ]
                stack.append(tag)
            i = match.end()
        elif char == "&":
            match = _ENTITY.match(text, i)
            if match is None:
                return [
                    f"Bad Request: can't parse entities: Character '&' is reserved at byte offset {i}"
                ]
            i = match.end()
        else:
            i += 1
    if stack:
        return [
            f"Bad Request: can't parse entities: Can't find end tag corresponding to start tag \"{stack[-1]}\""
        ]
    return []


def visible_text(text: str, parse_mode: str | None) -> str:
    """The text as the user sees it."""
    if parse_mode and parse_mode.upper() == "HTML":
        return html.unescape(re.sub(r"<[^>]+>", "", text))
    return text


def _callback_problems(markup: Any) -> list[str]:
    if not isinstance(markup, dict):
        return []
    problems = []
    for row in markup.get("inline_keyboard", []) or []:
        for button in row if isinstance(row, list) else []:
            data = button.get("callback_data") if isinstance(button, dict) else None
            if data is not None and not 1 <= len(str(data).encode()) <= 64:
                problems.append("Bad Request: BUTTON_DATA_INVALID")
            if isinstance(button, dict) and not str(button.get("text", "")).strip():
                problems.append("Bad Request: text buttons are unallowed in the inline keyboard")
    return problems


def _text_problems(params: dict[str, Any], key: str, limit: int) -> list[str]:
    if key not in params or isinstance(params[key], Upload):
        return []
    raw = str(params[key])
    mode = params.get("parse_mode")
    mode = str(mode) if isinstance(mode, str) else None
    if mode and mode.upper() == "HTML":
        problems = html_problems(raw)
        if problems:
            return problems
    shown = visible_text(raw, mode)
    if key == "text" and not shown.strip():
        return ["Bad Request: message text is empty"]
    if len(shown) > limit:
        return [
            "Bad Request: message is too long"
            if key == "text"
            else "Bad Request: message caption is too long"
        ]
    return []


def limit_problems(method: str, params: dict[str, Any]) -> list[str]:
    """Telegram's limits beyond the types."""
    problems: list[str] = []
    if method in ("sendMessage", "editMessageText"):
        problems += _text_problems(params, "text", 4096)
    if "caption" in params:
        problems += _text_problems(params, "caption", 1024)
    if "reply_markup" in params:
        with contextlib.suppress(ValueError):
            problems += _callback_problems(json.loads(str(params["reply_markup"])))
    if method == "answerCallbackQuery" and len(str(params.get("text", ""))) > 200:
        problems.append("Bad Request: MESSAGE_TOO_LONG")
    if method == "setMyCommands":
        try:
            commands = json.loads(str(params.get("commands", "[]")))
        except ValueError:
            commands = []
        if not 1 <= len(commands) <= 100:
            problems.append("Bad Request: BOT_COMMANDS_TOO_MUCH")
        for command in commands if isinstance(commands, list) else []:
            if not isinstance(command, dict):
                continue
            if not re.fullmatch(r"[a-z0-9_]{1,32}", str(command.get("command", ""))):
                problems.append("Bad Request: BOT_COMMAND_INVALID")
            if not 1 <= len(str(command.get("description", ""))) <= 256:
                problems.append("Bad Request: BOT_COMMAND_DESCRIPTION_INVALID")
    return problems


def check_call(method: str, params: dict[str, Any]) -> list[str]:
    """Why Telegram would refuse ``method`` with ``params`` (empty when it would accept it)."""
    definition = methods().get(method)
    if definition is None:
        return ["Not Found: method not found"]
    fields = {f["name"]: f for f in definition.get("fields", [])}
    problems = [
        f'Bad Request: unknown parameter "{name}" of {method}'
        for name in params
        if name not in fields
    ]
    for name, field in fields.items():
        if name not in params:
            if field["required"]:
                problems.append(f'Bad Request: parameter "{name}" is required')
            continue
        if not any(_form_value_ok(kind, params[name]) for kind in field["types"]):
            problems.append(
                f'Bad Request: parameter "{name}" of {method} must be {" or ".join(field["types"])}'
                f" (got {str(params[name])[:200]!r})"
            )
    if problems:
        return problems
    return limit_problems(method, params)
