"""The test's side of the emulator: users write, press buttons; the test reads what arrived."""

from __future__ import annotations

import copy
import itertools
import json
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Callable
from typing import Any

from tests.botapi.objects import EmuChat, EmuUser, SentMessage
from tests.botapi.server import BotAPIEmulatorServer, Hold, Topic

_ids = itertools.count(5_000_001)
_MEDIA: dict[str, dict[str, Any]] = {
    "photo": {"photo": [{"file_id": "ph1", "file_unique_id": "uph1", "width": 800, "height": 600}]},
    "voice": {"voice": {"file_id": "vo1", "file_unique_id": "uvo1", "duration": 4}},
    "document": {
        "document": {"file_id": "do1", "file_unique_id": "udo1", "file_name": "passport.pdf"}
    },
    "sticker": {
        "sticker": {
            "file_id": "st1",
            "file_unique_id": "ust1",
            "type": "regular",
            "width": 512,
            "height": 512,
            "is_animated": False,
            "is_video": False,
        }
    },
    "location": {"location": {"latitude": 55.75, "longitude": 37.62}},
    "contact": {"contact": {"phone_number": "+70000000000", "first_name": "Someone"}},
    "video": {
        "video": {
            "file_id": "vi1",
            "file_unique_id": "uvi1",
            "width": 640,
            "height": 480,
            "duration": 3,
        }
    },
}


def _text(text: str) -> dict[str, Any]:
    """A text message's content: the text, and a command's entity."""
    content: dict[str, Any] = {"text": text}
    if text.startswith("/"):
        command = text.split()[0]
        content["entities"] = [{"type": "bot_command", "offset": 0, "length": len(command)}]
    return content


class BotAPIEmulator(BotAPIEmulatorServer):
    """The emulator with its client side; use as a context manager."""

    def __enter__(self) -> BotAPIEmulator:
        self.start()
        self._delivery = threading.Thread(target=self._deliver_webhooks, daemon=True)
        self._running = True
        self._delivery.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._running = False
        self.stop()
        self._delivery.join(5)

    # --- people and chats ----------------------------------------------------------------------

    def user(self, first_name: str, language_code: str | None = None) -> EmuUser:
        """A new user (with a private chat with the bot)."""
        user = EmuUser(next(_ids), first_name, language_code)
        with self.lock:
            self.users[user.id] = user
        return user

    def group(
        self,
        title: str,
        forum: bool = True,
        members: list[EmuUser] = (),
        admins: list[EmuUser] = (),
    ) -> EmuChat:  # type: ignore[assignment]
        """A supergroup (a forum by default) with members and admins."""
        chat = EmuChat(
            -1_000_000_000_000 - next(_ids),
            title,
            forum,
            {m.id for m in members},
            {a.id for a in admins},
        )
        with self.lock:
            self.groups[chat.id] = chat
            self.topics[chat.id] = {}
        return chat

    def block(self, user: EmuUser) -> None:
        """The user blocks the bot: sends to them fail with 403."""
        with self.lock:
            self.blocked.add(user.id)

    def delete_topic(self, chat: EmuChat, thread_id: int) -> None:
        with self.lock:
            self.topics[chat.id][thread_id].deleted = True

    def fail_next(
        self, method: str, status: int = 429, retry_after: int | None = 1, times: int = 1
    ) -> None:
        """The next ``times`` calls of ``method`` fail with ``status``."""
        with self.lock:
            self.failures.extend([(method, status, retry_after)] * times)

    def hold_next(self, method: str) -> Hold:
        """The next call of ``method`` is held (Telegram is slow to do it) until the test
        sets ``release`` (or 60 s pass); ``arrived`` is set when the call comes in."""
        hold = Hold(threading.Event(), threading.Event())
        with self.lock:
            self.holds.append((method, hold))
        return hold

    def answer_late(self, method: str, seconds: float) -> None:
        """The next call of ``method`` is carried out at once, and answered ``seconds`` late."""
        with self.lock:
            self.late.append((method, seconds))

    # --- updates ---------------------------------------------------------------------------------

    def _new_update_id(self) -> int:
        with self.lock:
            self.next_update_id += 1
            return self.next_update_id

    def inject(self, update: dict[str, Any]) -> int:
        """Queue an update as it is (an id is given if it has none). The id is taken and the
        update queued at once: queued out of order, an update could fall below the offset the
        bot confirmed and be lost (Telegram's ids grow in the order updates are queued)."""
        update = dict(update)
        with self.lock:
            update.setdefault("update_id", self._new_update_id())
            self.updates.append(update)
            self.all_updates.setdefault(update["update_id"], copy.deepcopy(update))
            self.lock.notify_all()
        return int(update["update_id"])

    def update(self, update_id: int) -> dict[str, Any]:
        """An update queued earlier, as it was sent."""
        with self.lock:
            return copy.deepcopy(self.all_updates[update_id])

    def _message(
        self, user: EmuUser, chat: EmuChat | None, thread_id: int | None, **content: Any
    ) -> dict[str, Any]:
        chat_dict = chat.to_dict() if chat else user.private_chat()
        message: dict[str, Any] = {
            "message_id": next(_ids),
            "date": int(time.time()),
            "chat": chat_dict,
            "from": user.to_dict(),
            **content,
        }
        if thread_id is not None:
            message.update(message_thread_id=thread_id, is_topic_message=True)
        return message

    def build_text_update(
        self, user: EmuUser, text: str, chat: EmuChat | None = None, thread_id: int | None = None
    ) -> dict[str, Any]:
        """A text-message update with a new id, not queued."""
        return {
            "update_id": self._new_update_id(),
            "message": self._message(user, chat, thread_id, **_text(text)),
        }

    def send_text(
        self, user: EmuUser, text: str, chat: EmuChat | None = None, thread_id: int | None = None
    ) -> int:
        """The user writes ``text`` (to the bot, or in a group or forum topic); the update id."""
        return self.inject({"message": self._message(user, chat, thread_id, **_text(text))})

    def edit_text(self, user: EmuUser, message_id: int, text: str) -> int:
        """The user edits their message ``message_id``."""
        message = self._message(user, None, None, text=text)
        message.update(message_id=message_id, edit_date=int(time.time()))
        return self.inject({"edited_message": message})

    def send_media(
        self,
        user: EmuUser,
        kind: str,
        caption: str | None = None,
        chat: EmuChat | None = None,
        thread_id: int | None = None,
    ) -> int:
        """The user sends a photo, voice, document, sticker, location, contact or video."""
        content = copy.deepcopy(_MEDIA[kind])
        if caption is not None:
            content["caption"] = caption
        return self.inject({"message": self._message(user, chat, thread_id, **content)})

    def _last_with(self, chat_id: int, label: str) -> tuple[SentMessage, str]:
        with self.lock:
            for message in reversed(self.messages.get(chat_id, [])):
                data = message.callback_data(label)
                if data is not None:
                    return message, data
            offered = [b for m in self.messages.get(chat_id, []) for row in m.buttons for b in row]
        raise LookupError(f"no button {label!r} in chat {chat_id}; buttons seen: {offered}")

    def _press(self, user: EmuUser, message: SentMessage, data: str) -> int:
        with self.lock:
            message_dict = self.message_dict(message)
        query = {
            "id": str(next(_ids)),
            "from": user.to_dict(),
            "chat_instance": f"ci{message.chat_id}",
            "message": message_dict,
            "data": data,
        }
        return self.inject({"callback_query": query})

    def press(self, user: EmuUser, label: str, chat_id: int | None = None) -> int:
        """The user presses the newest button labelled ``label`` (its real callback_data)."""
        message, data = self._last_with(chat_id or user.id, label)
        return self._press(user, message, data)

    def press_data(self, user: EmuUser, data: str, message_id: int | None = None) -> int:
        """A forged press: ``data`` on the bot's last (or given) message to the user."""
        with self.lock:
            messages = self.messages.get(user.id, [])
            message = next(m for m in reversed(messages) if message_id in (None, m.message_id))
        return self._press(user, message, data)

    def pending_updates(self) -> int:
        """Updates not yet confirmed (polling) or delivered (webhook)."""
        with self.lock:
            return len(self.updates)

    # --- what arrived ------------------------------------------------------------------------------

    def received(self, chat_id: int, thread_id: int | None = None) -> list[SentMessage]:
        """What the bot sent to the chat (or one of its topics), in order, as now."""
        with self.lock:
            messages = list(self.messages.get(chat_id, []))
        if thread_id is not None:
            messages = [m for m in messages if m.thread_id == thread_id]
        return messages

    def wait_for(
        self,
        chat_id: int,
        count: int = 1,
        timeout: float = 60,
        after: int = 0,
        thread_id: int | None = None,
    ) -> list[SentMessage]:
        """Wait until the chat has ``after + count`` messages; return messages after ``after``."""
        deadline = time.monotonic() + timeout
        with self.lock:
            while len(self.received(chat_id, thread_id)) < after + count:
                left = deadline - time.monotonic()
                if left <= 0:
                    shown = "\n".join(
                        f"  {m.message_id}: {m.text[:300]!r} {m.buttons}"
                        for m in self.received(chat_id, thread_id)
                    )
                    raise AssertionError(
                        f"chat {chat_id} got {len(self.received(chat_id, thread_id))} messages, wanted {after + count} within {timeout} s:\n{shown}"
                    )
                self.lock.wait(min(left, 0.5))
        return self.received(chat_id, thread_id)[after : after + count]

    def wait_until(self, predicate: Callable[[], bool], timeout: float = 30) -> None:
        """Wait until ``predicate()`` is true."""
        deadline = time.monotonic() + timeout
        while not predicate():
            if time.monotonic() > deadline:
                raise AssertionError(f"condition not met within {timeout} s")
            time.sleep(0.05)

    def chat_actions(self, chat_id: int) -> list[str]:
        with self.lock:
            return list(self.actions.get(chat_id, []))

    def commands(
        self, language_code: str | None = None, scope: str | None = None
    ) -> list[dict[str, Any]]:
        with self.lock:
            return list(self.my_commands.get((scope, language_code), []))

    def forum_topics(self, chat: EmuChat) -> dict[int, Topic]:
        with self.lock:
            return dict(self.topics.get(chat.id, {}))

    # --- webhook -------------------------------------------------------------------------------------

    def post_to_webhook(self, update: dict[str, Any], secret: str | None) -> int:
        """POST one update to the webhook with ``secret`` (None: no header); the HTTP status."""
        with self.lock:
            assert self.webhook is not None, "no webhook is set"
            url = self.webhook["url"]
        request = urllib.request.Request(url, data=json.dumps(update).encode(), method="POST")
        request.add_header("Content-Type", "application/json")
        if secret is not None:
            request.add_header("X-Telegram-Bot-Api-Secret-Token", secret)
        try:
            with urllib.request.urlopen(request, timeout=10) as response:
                return int(response.status)
        except urllib.error.HTTPError as error:
            return int(error.code)

    def reset_webhook(self) -> None:
        """Forget the webhook (as if deleteWebhook was called)."""
        with self.lock:
            self.webhook = None

    def _deliver_webhooks(self) -> None:
        """Like Telegram: POST queued updates to the webhook in order; retry until a 2xx."""
        delay = 0.1
        while self._running:
            with self.lock:
                while self._running and (self.webhook is None or not self.updates):
                    self.lock.wait(0.5)
                if not self._running:
                    return
                assert self.webhook is not None
                update, secret = self.updates[0], self.webhook["secret"]
            status = 0
            try:
                status = self.post_to_webhook(update, secret)
            except (urllib.error.URLError, OSError, AssertionError):
                status = 0
            if 200 <= status < 300:
                with self.lock:
                    if self.updates and self.updates[0] is update:
                        self.updates.pop(0)
                delay = 0.1
            else:
                time.sleep(delay)
                delay = min(delay * 2, 2.0)
