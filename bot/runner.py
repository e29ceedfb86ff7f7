"""``mrc run`` and ``mrc chat``: migrate, train if needed, supervise Rasa, run the bot or demo."""

from __future__ import annotations

import asyncio
import logging
import secrets
import signal
import sys
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import AsyncExitStack, asynccontextmanager
from dataclasses import dataclass
from typing import TYPE_CHECKING, TextIO
from urllib.parse import urlsplit

from telegram import Update
from telegram.error import InvalidToken, TelegramError

from bot.assembly import (
    StartupError,
    build_dialogue,
    check_translations,
    configured_token,
    nlu_project,
    nlu_token,
    prepare_database,
)
from bot.db import Database
from bot.demo.chat import run_chat
from bot.dialogue import Dialogue
from bot.nlu import NLUClient
from bot.nlu.retrain import Retrainer, active_model
from bot.nlu.server import RasaServer, RasaStartError
from bot.nlu.training import NLUEnvironmentMissing, TrainingFailed, train
from bot.settings import Settings

if TYPE_CHECKING:
    from starlette.routing import BaseRoute

    from bot.admin.relay import Notifier, Relay
    from bot.kb.service import KnowledgeBase
    from bot.telegram.context import MRCApplication, Services
    from bot.web.server import WebServer

log = logging.getLogger(__name__)


@asynccontextmanager
async def nlu_service(
    settings: Settings, stack: AsyncExitStack
) -> AsyncIterator[RasaServer | None]:
    """Train if needed and start the supervised Rasa server (unless it is managed elsewhere)."""
    if not settings.nlu_manage:
        yield None
        return
    project = nlu_project(settings)
    model, _ = await asyncio.to_thread(train, project)
    server = RasaServer(
        active_model(project.models_dir, model),
        settings.nlu_url,
        nlu_token(settings),
        project=project,
        log_path=settings.data_dir / "log" / "rasa.log",
    )
    await server.start()
    stack.push_async_callback(server.stop)
    yield server


def _stop_on_signals(stop: asyncio.Event) -> None:
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stop.set)


async def run(settings: Settings, *, demo: bool = False, stdin: TextIO = sys.stdin) -> None:
    """Run the product until a signal (Telegram) or the end of the chat (demo)."""
    if settings.telegram_token is None and not demo:
        print(
            "MRC_TELEGRAM_TOKEN is not set: starting the local demo in this terminal.", flush=True
        )
    stop = asyncio.Event()
    _stop_on_signals(stop)
    async with AsyncExitStack() as stack:
        check_translations()
        db = Database(settings.database_url)
        stack.push_async_callback(db.dispose)
        await prepare_database(settings, db)
        server = await stack.enter_async_context(nlu_service(settings, stack))
        token = server.token if server else configured_token(settings)
        nlu = NLUClient(settings.nlu_urls, token, settings.nlu_timeout)
        stack.push_async_callback(nlu.aclose)
        telegram = settings.telegram_token is not None and not demo
        # Telegram can tell subscribers about updates (🔔 under answers).
        dialogue = build_dialogue(settings, nlu, db, bell=telegram)
        # The section index takes a second or two to build: now, while the NLU server starts,
        # rather than on the first person's message.
        await dialogue.articles.sections()
        if not telegram:
            if settings.web_console and not demo:
                await _first_admin(db)
                parts = ConsoleParts(server=server, knowledge=_knowledge_of(dialogue))
                await serve_web(settings, db, stack, parts, required=False)
            if server:
                print("Starting the NLU server…", file=sys.stderr)
                await server.wait_ready(settings.nlu_startup_timeout)
            await run_chat(dialogue, settings.default_language, stop, stdin=stdin)
            return
        await _run_telegram(settings, db, dialogue, server, stop, stack)


async def _first_admin(db: Database) -> None:
    """The local demo: without any staff account, create ``admin`` and print its password."""
    from bot.admin import accounts

    async with db.session() as session:
        if await accounts.count(session):
            return
        password = accounts.new_password()
        await accounts.create(session, "admin", accounts.ADMIN, password, "en")
    print(
        f"Staff console: a first account was created: user 'admin', one-time password {password}",
        flush=True,
    )


@dataclass(frozen=True)
class ConsoleParts:
    """What the console gets from the running product (all optional)."""

    relay: Relay | None = None
    server: RasaServer | None = None
    notifier: Notifier | None = None
    bot_username: str | None = None
    #: The dialogue's knowledge base: its section index serves the console's suggested replies
    #: too (one index per process, not two).
    knowledge: KnowledgeBase | None = None


def _knowledge_of(dialogue: Dialogue) -> KnowledgeBase | None:
    """The dialogue's knowledge base, when it is the database's (not a test's stand-in)."""
    from bot.kb.service import KnowledgeBase

    articles = dialogue.articles
    return articles if isinstance(articles, KnowledgeBase) else None


def _phrases_of(db: Database) -> Callable[[], Awaitable[str]]:
    """The console's training phrases as a Rasa file, read when a retraining starts."""

    async def read() -> str:
        from bot.admin.unanswered import phrases, to_rasa_yaml

        async with db.session() as session:
            return to_rasa_yaml(await phrases(session))

    return read


async def serve_web(
    settings: Settings,
    db: Database,
    stack: AsyncExitStack,
    parts: ConsoleParts,
    *,
    extra_routes: list[BaseRoute] | None = None,
    required: bool = True,
) -> WebServer | None:
    """Serve the staff console (and the webhook route, if given) on web_host:web_port.

    When the console cannot listen and nothing ``required`` it, the product runs without it.
    """
    from starlette.applications import Starlette

    from bot.admin.app import build_console
    from bot.admin.console import Console
    from bot.web.server import WebServer

    if settings.web_console:
        retrainer = None
        if parts.server is not None:
            retrainer = Retrainer(parts.server, settings.models_dir, _phrases_of(db))
        console = Console(
            settings, db, parts.relay, retrainer, parts.notifier,
            bot_username=parts.bot_username or settings.bot_username,
        )  # fmt: skip
        if parts.knowledge is not None:
            console.share_knowledge(parts.knowledge)
        app = build_console(console, extra_routes)
    elif extra_routes:
        app = Starlette(routes=extra_routes)
    else:
        return None
    web = WebServer(app, settings.web_host, settings.web_port)
    try:
        await web.start()
    except (OSError, SystemExit) as exc:
        message = f"cannot listen on {settings.web_host}:{settings.web_port} ({exc})"
        if required:
            raise StartupError(message) from None
        print(f"Staff console not started: {message}; set MRC_WEB_PORT", file=sys.stderr)
        return None
    stack.push_async_callback(web.stop)
    if settings.web_console:
        print(f"Staff console: http://{web.host}:{web.port}/", flush=True)
    return web


async def _run_telegram(
    settings: Settings,
    db: Database,
    dialogue: Dialogue,
    server: RasaServer | None,
    stop: asyncio.Event,
    stack: AsyncExitStack,
) -> None:
    from bot.telegram.app import build_application, replay_unfinished
    from bot.telegram.commands import register_commands
    from bot.telegram.context import Services
    from bot.telegram.reminders import ReminderSender
    from bot.telegram.subscriptions import TelegramNotifier
    from bot.telegram.webrelay import TelegramRelay

    services = Services(settings, db, dialogue)
    application = build_application(services)
    try:
        await application.initialize()  # calls getMe: a bad token or URL fails here, fast
    except InvalidToken:
        raise StartupError("the Telegram Bot API rejected MRC_TELEGRAM_TOKEN") from None
    except TelegramError as exc:
        raise StartupError(
            f"cannot reach the Telegram Bot API at {settings.telegram_base_url} ({exc})"
        ) from None
    stack.push_async_callback(application.shutdown)
    await register_commands(application.bot, settings.default_language)
    await services.inbox.purge()
    if server:
        await server.wait_ready(settings.nlu_startup_timeout)
    await application.start()
    stack.push_async_callback(application.stop)  # handles what is queued, then stops
    await replay_unfinished(application, services)
    notifier = TelegramNotifier(application.bot, services)
    notifier.start()  # also resumes runs a restart interrupted
    stack.push_async_callback(notifier.stop)
    reminders = ReminderSender(application.bot, services)
    reminders.start()  # each due reminder sent once, by whichever worker claims it
    stack.push_async_callback(reminders.stop)
    console = ConsoleParts(
        TelegramRelay(application.bot, services), server, notifier, application.bot.username,
        _knowledge_of(dialogue),
    )  # fmt: skip
    if settings.webhook_url:
        await _start_webhook(settings, application, services, stack, console)
    else:
        await serve_web(settings, db, stack, console, required=False)
        assert application.updater is not None
        await application.updater.start_polling(
            allowed_updates=Update.ALL_TYPES, drop_pending_updates=False
        )
        stack.push_async_callback(application.updater.stop)
        log.info("MRC Assistant is running on Telegram as @%s", application.bot.username)
    await stop.wait()
    log.info("stopping")


async def _start_webhook(
    settings: Settings,
    application: MRCApplication,
    services: Services,
    stack: AsyncExitStack,
    console: ConsoleParts,
) -> None:
    """Serve the webhook on the local web server and tell Telegram where it is."""
    from bot.telegram.webhook import webhook_route

    assert settings.webhook_url is not None
    secret = (
        settings.webhook_secret.get_secret_value()
        if settings.webhook_secret
        else secrets.token_urlsafe(32)
    )
    path = urlsplit(settings.webhook_url).path or "/"
    route = webhook_route(path, application, services, secret)
    web = await serve_web(settings, services.db, stack, console, extra_routes=[route])
    assert web is not None
    await application.bot.set_webhook(
        settings.webhook_url,
        secret_token=secret,
        allowed_updates=Update.ALL_TYPES,
        drop_pending_updates=False,
    )
    print(f"Webhook receiver listening on http://{web.host}:{web.port}{path}", flush=True)
    log.info(
        "MRC Assistant is running on Telegram as @%s (webhook %s)",
        application.bot.username,
        settings.webhook_url,
    )


def run_sync(settings: Settings, *, demo: bool = False) -> int:
    """``run`` for the command line: 0 on success, 1 with a one-line error otherwise."""
    try:
        asyncio.run(run(settings, demo=demo))
    except (StartupError, RasaStartError, TrainingFailed, NLUEnvironmentMissing) as exc:
        print(f"mrc: error: {exc}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:  # a second Ctrl-C during shutdown
        return 130
    return 0
