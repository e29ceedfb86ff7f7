"""The Bot API emulator: the server side the bot calls, over real HTTP on loopback.

Requests arrive at ``POST /bot<token>/<method>``, form-encoded or multipart (as
python-telegram-bot sends them). Each is checked with :func:`tests.botapi.spec.check_call`;
an invalid one is answered like Telegram answers it (400 with a description) and recorded as a
violation, which fails the test that caused it. The client side (``client.py``) injects users'
messages and button presses and reads what each chat received.
"""

from __future__ import annotations

import json
import threading
import time
import urllib.parse
from dataclasses import dataclass, field
from email.parser import BytesParser
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from tests.botapi.objects import EmuChat, EmuUser, SentMessage, defaults
from tests.botapi.spec import Upload, check_call, visible_text


class SpecViolation(AssertionError):
    """The bot made calls that Telegram would have refused."""


class ApiError(Exception):
    """An error answer: HTTP status, description, and optional parameters."""

    def __init__(self, status: int, description: str, parameters: dict[str, Any] | None = None):
        super().__init__(description)
        self.status = status
        self.description = description
        self.parameters = parameters


@dataclass
class Call:
    """One request the bot made."""

    method: str
    params: dict[str, Any]
    status: int
    problems: list[str]
    #: When the request arrived (time.monotonic()).
    at: float = field(default_factory=time.monotonic)


@dataclass(frozen=True)
class Hold:
    """A call held by the emulator: ``arrived`` when it came in, ``release`` lets it go on."""

    arrived: threading.Event
    release: threading.Event


@dataclass
class Topic:
    """A forum topic."""

    name: str
    icon_color: int = 7322096
    closed: bool = False
    deleted: bool = False


def parse_body(content_type: str, body: bytes) -> dict[str, Any]:
    """The parameters of a request: form-encoded, multipart, or JSON."""
    if content_type.startswith("multipart/form-data"):
        message = BytesParser().parsebytes(f"Content-Type: {content_type}\r\n\r\n".encode() + body)
        params: dict[str, Any] = {}
        for part in message.get_payload():  # type: ignore[union-attr]
            name = part.get_param("name", header="content-disposition")
            filename = part.get_filename()
            payload = part.get_payload(decode=True) or b""
            params[str(name)] = Upload(filename, payload) if filename else payload.decode()
        return params
    if content_type.startswith("application/json"):
        data = json.loads(body or b"{}")
        return {k: v if isinstance(v, str) else json.dumps(v) for k, v in data.items()}
    return {
        k: v[-1] for k, v in urllib.parse.parse_qs(body.decode(), keep_blank_values=True).items()
    }


class _Handler(BaseHTTPRequestHandler):
    disable_nagle_algorithm = True  # else every answer waits ~40 ms for a delayed ACK
    protocol_version = "HTTP/1.1"
    emulator: BotAPIEmulatorServer

    def log_message(self, format: str, *args: Any) -> None:
        return

    def do_POST(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length)
        status, answer = self.emulator.handle(self.path, self.headers.get("Content-Type", ""), body)
        data = json.dumps(answer).encode()
        try:
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)
        except (BrokenPipeError, ConnectionResetError):
            pass  # the bot stopped while its long poll was waiting

    do_GET = do_POST


class BotAPIEmulatorServer:
    """The server half: state, request handling, and the methods the bot calls."""

    def __init__(self, token: str = "123456:TEST-token", bot_username: str = "mrc_test_bot"):
        self.token = token
        self.bot = {
            "id": int(token.split(":")[0]),
            "is_bot": True,
            "first_name": "MRC Assistant",
            "username": bot_username,
        }
        self.lock = threading.Condition()
        self.calls: list[Call] = []
        self.updates: list[dict[str, Any]] = []  # not yet confirmed
        self.all_updates: dict[int, dict[str, Any]] = {}
        self.next_update_id = 1000
        self.next_message_id: dict[int, int] = {}
        self.messages: dict[int, list[SentMessage]] = {}
        self.actions: dict[int, list[str]] = {}
        self.callback_answers: list[tuple[str, str | None, bool]] = []
        self.my_commands: dict[tuple[str | None, str | None], list[dict[str, Any]]] = {}
        self.webhook: dict[str, Any] | None = None
        self.failures: list[tuple[str, int, int | None]] = []
        #: Calls held until their event is set (method, event), taken in order.
        self.holds: list[tuple[str, Hold]] = []
        #: Calls carried out at once, then answered this many seconds late (method, seconds).
        self.late: list[tuple[str, float]] = []
        self.blocked: set[int] = set()
        self.users: dict[int, EmuUser] = {}
        self.groups: dict[int, EmuChat] = {}
        self.topics: dict[int, dict[int, Topic]] = {}
        self.copies: list[dict[str, Any]] = []
        self._server: ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None

    # --- lifecycle ---------------------------------------------------------------------------

    def start(self) -> None:
        handler = type("Handler", (_Handler,), {"emulator": self})
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
        self._server.daemon_threads = True
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)
        self._thread.start()

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
        with self.lock:
            self.webhook = None
            self.lock.notify_all()

    @property
    def url(self) -> str:
        assert self._server is not None
        return f"http://127.0.0.1:{self._server.server_address[1]}"

    @property
    def base_url(self) -> str:
        return f"{self.url}/bot"

    @property
    def violations(self) -> list[Call]:
        with self.lock:
            return [c for c in self.calls if c.problems]

    def assert_no_violations(self) -> None:
        if self.violations:
            raise SpecViolation(
                "\n".join(f"{c.method}: {'; '.join(c.problems)}" for c in self.violations)
            )

    # --- requests ----------------------------------------------------------------------------

    def handle(self, path: str, content_type: str, body: bytes) -> tuple[int, dict[str, Any]]:
        prefix = f"/bot{self.token}/"
        if not path.startswith(prefix):
            return 401, {"ok": False, "error_code": 401, "description": "Unauthorized"}
        method = path[len(prefix) :].split("?")[0]
        started = time.monotonic()
        try:
            params = parse_body(content_type, body)
        except (ValueError, UnicodeDecodeError):
            params = {}
        problems = check_call(method, params)
        if problems:
            status = 404 if problems[0].startswith("Not Found") else 400
            with self.lock:
                self.calls.append(Call(method, params, status, problems, started))
            return status, {"ok": False, "error_code": status, "description": problems[0]}
        failure = self._injected_failure(method)
        hold, late = self._taken(self.holds, method), self._taken(self.late, method)
        if hold is not None:
            hold.arrived.set()
            hold.release.wait(60)  # Telegram is slow to do it (the bot's other calls go on)
        try:
            if failure is not None:
                raise failure
            result = getattr(self, f"_api_{method}", self._api_other)(params)
            if late is not None:
                time.sleep(late)  # done, but the answer comes late: the bot may time out
        except ApiError as error:
            with self.lock:
                self.calls.append(Call(method, params, error.status, [], started))
            answer: dict[str, Any] = {
                "ok": False,
                "error_code": error.status,
                "description": error.description,
            }
            if error.parameters:
                answer["parameters"] = error.parameters
            return error.status, answer
        with self.lock:
            self.calls.append(Call(method, params, 200, [], started))
        return 200, {"ok": True, "result": result}

    def _taken(self, queue: list[tuple[str, Any]], method: str) -> Any:
        """The first entry of ``queue`` for ``method``, removed from it; else None."""
        with self.lock:
            for i, (name, value) in enumerate(queue):
                if name == method:
                    del queue[i]
                    return value
        return None

    def _injected_failure(self, method: str) -> ApiError | None:
        with self.lock:
            for i, (name, status, retry_after) in enumerate(self.failures):
                if name == method:
                    del self.failures[i]
                    if status == 429:
                        return ApiError(
                            429,
                            f"Too Many Requests: retry after {retry_after}",
                            {"retry_after": retry_after},
                        )
                    text = {500: "Internal Server Error", 502: "Bad Gateway"}.get(status, "Error")
                    return ApiError(status, text)
        return None

    # --- helpers -----------------------------------------------------------------------------

    def _chat(self, chat_id: Any) -> dict[str, Any]:
        chat = int(chat_id)
        if chat in self.groups:
            return self.groups[chat].to_dict()
        if chat in self.users:
            return self.users[chat].private_chat()
        raise ApiError(400, "Bad Request: chat not found")

    def _check_chat(self, params: dict[str, Any]) -> int:
        chat_id = int(params["chat_id"])
        self._chat(chat_id)
        if chat_id in self.blocked:
            raise ApiError(403, "Forbidden: bot was blocked by the user")
        thread = params.get("message_thread_id")
        if thread is not None:
            topic = self.topics.get(chat_id, {}).get(int(thread))
            if topic is None or topic.deleted:
                raise ApiError(400, "Bad Request: message thread not found")
        return chat_id

    def _store(self, chat_id: int, params: dict[str, Any], **fields: Any) -> SentMessage:
        with self.lock:
            number = self.next_message_id.get(chat_id, 1)
            self.next_message_id[chat_id] = number + 1
            thread = params.get("message_thread_id")
            markup = json.loads(params["reply_markup"]) if params.get("reply_markup") else None
            message = SentMessage(
                number,
                chat_id,
                parse_mode=params.get("parse_mode"),
                reply_markup=markup if markup and "inline_keyboard" in markup else None,
                thread_id=int(thread) if thread is not None else None,
                **fields,
            )
            self.messages.setdefault(chat_id, []).append(message)
            self.lock.notify_all()
            return message

    def message_dict(self, message: SentMessage) -> dict[str, Any]:
        """The Bot API Message object of a stored message."""
        data: dict[str, Any] = {
            "message_id": message.message_id,
            "date": message.date,
            "chat": self._chat(message.chat_id),
            "from": self.bot,
        }
        if message.kind == "text":
            data["text"] = visible_text(message.text, message.parse_mode)
        if message.caption is not None:
            data["caption"] = visible_text(message.caption, message.parse_mode)
        if message.kind == "photo":
            data["photo"] = [
                {
                    "file_id": f"photo-{message.message_id}",
                    "file_unique_id": f"p{message.message_id}",
                    "width": 90,
                    "height": 90,
                }
            ]
        if message.kind == "document":
            data["document"] = {
                "file_id": f"doc-{message.message_id}",
                "file_unique_id": f"d{message.message_id}",
                "file_name": message.filename or "file",
            }
        if message.reply_markup:
            data["reply_markup"] = message.reply_markup
        if message.thread_id is not None:
            data["message_thread_id"] = message.thread_id
            data["is_topic_message"] = True
        if message.edited:
            data["edit_date"] = int(time.time())
        return data

    def _find(self, params: dict[str, Any]) -> SentMessage:
        chat_id = int(params["chat_id"])
        message_id = int(params["message_id"])
        for message in self.messages.get(chat_id, []):
            if message.message_id == message_id:
                return message
        raise ApiError(400, "Bad Request: message to edit not found")

    # --- the methods ---------------------------------------------------------------------------

    def _api_getMe(self, params: dict[str, Any]) -> Any:
        return {
            **self.bot,
            "can_join_groups": True,
            "can_read_all_group_messages": False,
            "supports_inline_queries": False,
        }

    def _api_getUpdates(self, params: dict[str, Any]) -> Any:
        offset = int(params.get("offset", 0))
        limit = int(params.get("limit", 100))
        timeout = min(int(params.get("timeout", 0)), 30)
        deadline = time.monotonic() + timeout
        with self.lock:
            if self.webhook is not None:
                raise ApiError(
                    409,
                    "Conflict: can't use getUpdates method while webhook is active; use deleteWebhook to delete the webhook first",
                )
            if offset:
                self.updates = [u for u in self.updates if u["update_id"] >= offset]
            while not self.updates and time.monotonic() < deadline and self.webhook is None:
                self.lock.wait(deadline - time.monotonic())
            if self.webhook is not None:
                raise ApiError(409, "Conflict: terminated by setWebhook request")
            return self.updates[:limit]

    def _api_setWebhook(self, params: dict[str, Any]) -> Any:
        with self.lock:
            if params.get("drop_pending_updates") in ("true", "True"):
                self.updates.clear()
            self.webhook = {"url": params["url"], "secret": params.get("secret_token")}
            self.lock.notify_all()
        return True

    def _api_deleteWebhook(self, params: dict[str, Any]) -> Any:
        with self.lock:
            if params.get("drop_pending_updates") in ("true", "True"):
                self.updates.clear()
            self.webhook = None
        return True

    def _api_getWebhookInfo(self, params: dict[str, Any]) -> Any:
        with self.lock:
            url = self.webhook["url"] if self.webhook else ""
            return {
                "url": url,
                "has_custom_certificate": False,
                "pending_update_count": len(self.updates),
            }

    def _scope_key(self, params: dict[str, Any]) -> tuple[str | None, str | None]:
        scope = json.loads(params["scope"]).get("type") if params.get("scope") else None
        return (scope if scope != "default" else None, params.get("language_code") or None)

    def _api_setMyCommands(self, params: dict[str, Any]) -> Any:
        with self.lock:
            self.my_commands[self._scope_key(params)] = json.loads(params["commands"])
        return True

    def _api_getMyCommands(self, params: dict[str, Any]) -> Any:
        with self.lock:
            return self.my_commands.get(self._scope_key(params), [])

    def _api_deleteMyCommands(self, params: dict[str, Any]) -> Any:
        with self.lock:
            self.my_commands.pop(self._scope_key(params), None)
        return True

    def _api_sendMessage(self, params: dict[str, Any]) -> Any:
        chat_id = self._check_chat(params)
        return self.message_dict(self._store(chat_id, params, text=params["text"]))

    def _api_editMessageText(self, params: dict[str, Any]) -> Any:
        with self.lock:
            message = self._find(params)
            markup = json.loads(params["reply_markup"]) if params.get("reply_markup") else None
            if message.text == params["text"] and message.reply_markup == markup:
                raise ApiError(
                    400,
                    "Bad Request: message is not modified: specified new message content and reply markup are exactly the same as a current content and reply markup of the message",
                )
            message.text, message.reply_markup = params["text"], markup
            message.parse_mode, message.edited = params.get("parse_mode"), True
            self.lock.notify_all()
            return self.message_dict(message)

    def _api_editMessageReplyMarkup(self, params: dict[str, Any]) -> Any:
        with self.lock:
            message = self._find(params)
            message.reply_markup = (
                json.loads(params["reply_markup"]) if params.get("reply_markup") else None
            )
            message.edited = True
            self.lock.notify_all()
            return self.message_dict(message)

    def _api_answerCallbackQuery(self, params: dict[str, Any]) -> Any:
        with self.lock:
            show_alert = params.get("show_alert") in ("true", "True")
            self.callback_answers.append(
                (params["callback_query_id"], params.get("text"), show_alert)
            )
        return True

    def _api_sendChatAction(self, params: dict[str, Any]) -> Any:
        chat_id = self._check_chat(params)
        with self.lock:
            self.actions.setdefault(chat_id, []).append(params["action"])
        return True

    def _api_deleteMessage(self, params: dict[str, Any]) -> Any:
        with self.lock:
            chat = self.messages.get(int(params["chat_id"]), [])
            self.messages[int(params["chat_id"])] = [
                m for m in chat if m.message_id != int(params["message_id"])
            ]
        return True

    def _api_copyMessage(self, params: dict[str, Any]) -> Any:
        chat_id = self._check_chat(params)
        with self.lock:
            self.copies.append(dict(params))
        stored = self._store(chat_id, params, kind="copy", caption=params.get("caption"))
        return {"message_id": stored.message_id}

    def _api_forwardMessage(self, params: dict[str, Any]) -> Any:
        chat_id = self._check_chat(params)
        return self.message_dict(self._store(chat_id, params, kind="forward"))

    def _api_sendPhoto(self, params: dict[str, Any]) -> Any:
        chat_id = self._check_chat(params)
        photo = params["photo"]
        content = photo.content if isinstance(photo, Upload) else None
        return self.message_dict(
            self._store(
                chat_id, params, kind="photo", caption=params.get("caption"), document=content
            )
        )

    def _api_sendDocument(self, params: dict[str, Any]) -> Any:
        chat_id = self._check_chat(params)
        document = params["document"]
        content = document.content if isinstance(document, Upload) else None
        filename = document.filename if isinstance(document, Upload) else None
        stored = self._store(
            chat_id,
            params,
            kind="document",
            caption=params.get("caption"),
            document=content,
            filename=filename,
        )
        return self.message_dict(stored)

    def _api_createForumTopic(self, params: dict[str, Any]) -> Any:
        chat_id = int(params["chat_id"])
        group = self.groups.get(chat_id)
        if group is None or not group.forum:
            raise ApiError(400, "Bad Request: the chat is not a forum")
        with self.lock:
            topics = self.topics.setdefault(chat_id, {})
            thread = 100 + len(topics) * 10
            color = int(params.get("icon_color", 7322096))
            topics[thread] = Topic(params["name"], color)
            return {"message_thread_id": thread, "name": params["name"], "icon_color": color}

    def _topic(self, params: dict[str, Any]) -> Topic:
        topic = self.topics.get(int(params["chat_id"]), {}).get(int(params["message_thread_id"]))
        if topic is None or topic.deleted:
            raise ApiError(400, "Bad Request: TOPIC_ID_INVALID")
        return topic

    def _api_editForumTopic(self, params: dict[str, Any]) -> Any:
        with self.lock:
            topic = self._topic(params)
            if "name" in params:
                topic.name = params["name"]
        return True

    def _api_deleteForumTopic(self, params: dict[str, Any]) -> Any:
        with self.lock:
            self._topic(params).deleted = True
        return True

    def _api_closeForumTopic(self, params: dict[str, Any]) -> Any:
        with self.lock:
            self._topic(params).closed = True
        return True

    def _api_reopenForumTopic(self, params: dict[str, Any]) -> Any:
        with self.lock:
            self._topic(params).closed = False
        return True

    def _api_getChat(self, params: dict[str, Any]) -> Any:
        return defaults("ChatFullInfo", **self._chat(params["chat_id"]), max_reaction_count=11)

    def _api_getChatMember(self, params: dict[str, Any]) -> Any:
        chat_id, user_id = int(params["chat_id"]), int(params["user_id"])
        user = self.users.get(user_id)
        user_dict = user.to_dict() if user else {"id": user_id, "is_bot": False, "first_name": "?"}
        group = self.groups.get(chat_id)
        if group is not None and user_id in group.admins:
            return defaults("ChatMemberAdministrator", status="administrator", user=user_dict)
        if group is not None and user_id in group.members:
            return {"status": "member", "user": user_dict}
        return {"status": "left", "user": user_dict}

    def _api_other(self, params: dict[str, Any]) -> Any:
        return True
