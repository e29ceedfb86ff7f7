"""Settings from the environment (and a ``.env`` file), validated once at start-up.

Every setting is listed, with a comment, in ``.env.example``. A problem is reported as one line
per setting, e.g. ``MRC_STAFF_CHAT_ID: must be an integer (got 'abc')``.
"""

from __future__ import annotations

import re
from datetime import date
from ipaddress import IPv4Network, IPv6Network, ip_network
from pathlib import Path
from typing import Any, Literal

from pydantic import Field, SecretStr, ValidationError, ValidationInfo, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError

from bot import PROJECT_DIR
from bot.i18n import Language

#: Synchronous driver names replaced by their asyncio counterparts.
_ASYNC_DRIVERS = {
    "sqlite": "sqlite+aiosqlite",
    "sqlite+pysqlite": "sqlite+aiosqlite",
    "postgresql": "postgresql+asyncpg",
    "postgres": "postgresql+asyncpg",
    "postgresql+psycopg2": "postgresql+asyncpg",
    "postgresql+psycopg": "postgresql+asyncpg",
}
_SUPPORTED_DRIVERS = {"sqlite+aiosqlite", "postgresql+asyncpg"}


class SettingsError(Exception):
    """The configuration is invalid; ``problems`` holds one line per problem."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__("\n".join(problems))
        self.problems = problems


def async_database_url(url: str) -> str:
    """Return ``url`` with an asyncio driver (aiosqlite, asyncpg); raise ``ValueError`` if bad."""
    try:
        parsed = make_url(url)
    except ArgumentError:  # its message repeats the URL, password and all
        raise ValueError("not a valid SQLAlchemy database URL") from None
    driver = _ASYNC_DRIVERS.get(parsed.drivername, parsed.drivername)
    if driver not in _SUPPORTED_DRIVERS:
        raise ValueError(
            f"unsupported database '{parsed.drivername}'; use sqlite:///path or "
            "postgresql://user:password@host/dbname"
        )
    if driver.startswith("postgresql") and not parsed.database:
        raise ValueError("a PostgreSQL URL must name a database")
    return parsed.set(drivername=driver).render_as_string(hide_password=False)


class Settings(BaseSettings):
    """All of MRC Assistant's settings; environment variables are prefixed with ``MRC_``."""

    model_config = SettingsConfigDict(
        env_prefix="MRC_", env_file=".env", env_file_encoding="utf-8", extra="ignore"
    )

    database_url: str = Field(default=f"sqlite:///{PROJECT_DIR / 'var' / 'mrc.db'}")
    data_dir: Path = Field(default=PROJECT_DIR / "var")
    models_dir: Path = Field(default=PROJECT_DIR / "models")
    log_level: Literal["DEBUG", "INFO", "WARNING", "ERROR"] = "INFO"
    default_language: Language = "tg"
    message_retention_days: int = Field(default=30, ge=1, le=3650)

    telegram_token: SecretStr | None = None
    telegram_base_url: str = "https://api.telegram.org/bot"
    #: The bot's username (without @), for the console's links and QR codes when the console
    #: runs without the bot (with the bot, Telegram tells it).
    bot_username: str | None = None
    staff_chat_id: int | None = None
    #: The language of the staff group (handoff cards, commands' answers): tg, ru or en.
    staff_language: Language = "ru"
    #: When operators answer (Dushanbe time), e.g. "Mon-Fri 09:00-18:00; Sat 10:00-14:00".
    office_hours: str = "Mon-Fri 09:00-18:00"
    #: Days the office is closed, as ISO dates separated by commas.
    holidays: str = ""
    #: A ticket without an operator's answer is raised again after this many minutes.
    escalation_remind_minutes: float = Field(default=15.0, gt=0, le=24 * 60)
    #: Operators answer within this many minutes of office hours: what /status promises; a
    #: ticket past it gets one apology to the migrant, with a new estimate.
    reply_promise_minutes: float = Field(default=120.0, gt=0, le=7 * 24 * 60)
    #: Webhook mode when set: the public HTTPS address Telegram posts updates to.
    webhook_url: str | None = None
    #: Telegram sends it with every webhook request; a random one per run when unset.
    webhook_secret: SecretStr | None = None
    #: The local web server (the webhook receiver) listens here.
    web_host: str = "127.0.0.1"
    web_port: int = Field(default=8080, ge=0, le=65535)
    #: How many bot processes share this token and database (webhook mode behind a load
    #: balancer): each sends at most 30/workers messages a second, and unfinished updates of a
    #: stopped worker are taken over by the others.
    workers: int = Field(default=1, ge=1, le=64)
    #: Messages a second the bot may send in all (Telegram's limit is about 30; raise it only
    #: against a test server, e.g. to measure the bot's own capacity in the benchmarks).
    telegram_rate: float = Field(default=30.0, gt=0, le=10_000)
    #: Signs the console's session cookies; one is kept in the data folder when unset.
    web_secret: SecretStr | None = None
    #: Send the console's cookie only over HTTPS (set it when a TLS proxy is in front).
    web_https_only: bool = False
    #: Proxies in front of the console whose X-Forwarded-For is believed (addresses or
    #: networks, comma-separated).
    web_trusted_proxies: str = ""
    #: Serve the staff console (and the webhook) on web_host:web_port.
    web_console: bool = True
    #: Inbound flood control: at most this many messages and button presses per user ...
    flood_limit: int = Field(default=8, ge=1, le=1000)
    #: ... in this many seconds.
    flood_window: float = Field(default=10.0, gt=0, le=3600)
    #: Articles longer than this many characters are shown in parts, with "Show more".
    article_part_chars: int = Field(default=1500, ge=200, le=100_000)
    #: Seconds to wait for Telegram's answer to a call. A message whose answer does not come in
    #: time is not sent again (it may have arrived): keep this well above Telegram's usual
    #: answer time.
    telegram_timeout: float = Field(default=10.0, gt=0, le=120)
    #: "typing…" is shown only when an answer takes longer than this many seconds.
    typing_delay: float = Field(default=0.5, ge=0, le=10)
    #: How often (seconds) due reminders are looked for and sent.
    reminder_poll: float = Field(default=60.0, gt=0, le=3600)
    #: For tests and drills only: a file holding an ISO date and time (with its zone) that the
    #: reminders take as "now", read at each poll. Unset: the real clock.
    clock_file: Path | None = None

    nlu_url: str = "http://127.0.0.1:5005"
    nlu_token: SecretStr | None = None
    nlu_manage: bool = True
    nlu_timeout: float = Field(default=3.0, gt=0, le=60)
    nlu_startup_timeout: float = Field(default=180.0, gt=0)

    @field_validator("database_url")
    @classmethod
    def _database_url(cls, value: str) -> str:
        return async_database_url(value)

    @field_validator(
        "telegram_token",
        "nlu_token",
        "webhook_secret",
        "webhook_url",
        "web_secret",
        "bot_username",
        "clock_file",
        mode="before",
    )
    @classmethod
    def _empty_secret_is_none(cls, value: object) -> object:
        return None if value == "" else value

    @field_validator("staff_chat_id", mode="before")
    @classmethod
    def _empty_chat_is_none(cls, value: object) -> object:
        return None if value == "" else value

    @field_validator("office_hours")
    @classmethod
    def _office_hours(cls, value: str) -> str:
        from bot.escalation.hours import parse_windows

        parse_windows(value)  # raises OfficeHoursError, a ValueError, with the reason
        return value

    @field_validator("holidays")
    @classmethod
    def _holidays(cls, value: str) -> str:
        for day in filter(None, (d.strip() for d in value.split(","))):
            date.fromisoformat(day)
        return value

    @field_validator("web_trusted_proxies")
    @classmethod
    def _trusted_proxies(cls, value: str) -> str:
        for part in filter(None, (p.strip() for p in value.split(","))):
            try:
                ip_network(part, strict=False)
            except ValueError:
                raise ValueError(f"not an address or network: {part!r}") from None
        return value

    @property
    def trusted_proxies(self) -> tuple[IPv4Network | IPv6Network, ...]:
        """``web_trusted_proxies`` as networks."""
        return tuple(
            ip_network(p.strip(), strict=False)
            for p in self.web_trusted_proxies.split(",")
            if p.strip()
        )

    @property
    def holiday_dates(self) -> tuple[date, ...]:
        """``holidays`` as dates."""
        return tuple(date.fromisoformat(d.strip()) for d in self.holidays.split(",") if d.strip())

    @field_validator("webhook_url")
    @classmethod
    def _webhook_url(cls, value: str | None) -> str | None:
        if value is not None and not value.startswith(("https://", "http://")):
            raise ValueError("must be an https:// URL (Telegram only posts to HTTPS)")
        return value

    @field_validator("webhook_secret")
    @classmethod
    def _webhook_secret(cls, value: SecretStr | None) -> SecretStr | None:
        if value is not None and not re.fullmatch(
            r"[A-Za-z0-9_-]{1,256}", value.get_secret_value()
        ):
            raise ValueError("must be 1-256 characters of A-Z, a-z, 0-9, _ and -")
        return value

    @field_validator("telegram_base_url")
    @classmethod
    def _http_url(cls, value: str) -> str:
        if not value.startswith(("http://", "https://")) or len(value) < 10:
            raise ValueError("must be an http:// or https:// URL")
        return value.rstrip("/")

    @field_validator("nlu_url")
    @classmethod
    def _nlu_urls(cls, value: str) -> str:
        urls = [url.strip().rstrip("/") for url in value.split(",") if url.strip()]
        if not urls or any(
            not url.startswith(("http://", "https://")) or len(url) < 10 for url in urls
        ):
            raise ValueError("must be an http:// or https:// URL, or several separated by commas")
        return ",".join(urls)

    @field_validator("nlu_manage")
    @classmethod
    def _one_managed_server(cls, value: bool, info: ValidationInfo) -> bool:
        if value and "," in str(info.data.get("nlu_url", "")):
            raise ValueError(
                "true starts one Rasa server of the bot's own: with several MRC_NLU_URL "
                "servers (run elsewhere), set it to false"
            )
        return value

    @property
    def nlu_urls(self) -> list[str]:
        """The NLU servers: ``nlu_url`` may list several, separated by commas."""
        return self.nlu_url.split(",")


#: Settings whose value is never printed, even partly.
_SECRETS = frozenset(
    name for name, field in Settings.model_fields.items() if "SecretStr" in str(field.annotation)
)
#: Settings that are URLs: printed without their user, password and query.
_URLS = frozenset({"database_url", "nlu_url", "webhook_url", "telegram_base_url"})
_USERINFO = re.compile(r"(?P<scheme>[A-Za-z][A-Za-z0-9+.-]*://)[^/@\s]*@")
_QUERY = re.compile(r"\?[^,\s]*")


def shown(name: str, value: object) -> str | None:
    """How a configuration error may show ``value`` of setting ``name``: ``None`` for secrets,
    URLs without credentials or query, anything else as it is."""
    if name in _SECRETS or "token" in name or "secret" in name or "password" in name:
        return None
    if name in _URLS and isinstance(value, str):
        return repr(_QUERY.sub("?…", _USERINFO.sub(r"\g<scheme>…@", value)))
    return repr(value) if not isinstance(value, dict) else None


def _describe(error: dict[str, object]) -> str:
    loc = error.get("loc") or ("?",)
    field = str(loc[0]) if isinstance(loc, tuple) else str(loc)
    name = "MRC_" + field.upper()
    message = str(error.get("msg", "invalid value")).removeprefix("Value error, ")
    if error.get("type") in {"int_parsing", "int_from_float"}:
        message = "must be an integer"
    value = shown(field, error.get("input"))
    return f"{name}: {message}" + (f" (got {value})" if value is not None else "")


def load_settings(**overrides: Any) -> Settings:
    """Read and validate the settings; raise ``SettingsError`` with one line per problem."""
    try:
        return Settings(**overrides)
    except ValidationError as exc:
        raise SettingsError([_describe(dict(e)) for e in exc.errors()]) from None
