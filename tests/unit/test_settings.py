"""Settings: defaults, async drivers, one clear line per problem."""

from __future__ import annotations

import pytest

from bot.settings import SettingsError, async_database_url, load_settings


def test_defaults_use_sqlite_with_aiosqlite() -> None:
    settings = load_settings()
    assert settings.database_url.startswith("sqlite+aiosqlite:///")
    assert settings.telegram_token is None
    assert settings.default_language == "tg"


@pytest.mark.parametrize(
    ("given", "expected"),
    [
        ("sqlite:///x.db", "sqlite+aiosqlite:///x.db"),
        ("postgresql://u:p@h/db", "postgresql+asyncpg://u:p@h/db"),
        ("postgres://u:p%25w@h:5433/db", "postgresql+asyncpg://u:p%25w@h:5433/db"),
        ("postgresql+asyncpg://h/db", "postgresql+asyncpg://h/db"),
    ],
)
def test_database_url_gets_an_async_driver(given: str, expected: str) -> None:
    assert async_database_url(given) == expected


def test_every_problem_is_reported_on_its_own_line(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("MRC_DATABASE_URL", "not a url")
    monkeypatch.setenv("MRC_STAFF_CHAT_ID", "abc")
    monkeypatch.setenv("MRC_NLU_URL", "ftp://x")
    with pytest.raises(SettingsError) as caught:
        load_settings()
    problems = caught.value.problems
    assert len(problems) == 3
    assert any(
        p.startswith("MRC_DATABASE_URL: not a valid SQLAlchemy database URL") for p in problems
    )
    assert "MRC_STAFF_CHAT_ID: must be an integer (got 'abc')" in problems
    assert any(p.startswith("MRC_NLU_URL: must be an http") for p in problems)


def test_secrets_are_never_echoed(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("MRC_TELEGRAM_TOKEN", "123:tokenvalue")
    monkeypatch.setenv("MRC_WEBHOOK_SECRET", "hookvalue")
    settings = load_settings()
    assert "tokenvalue" not in repr(settings)
    assert "hookvalue" not in repr(settings)
    assert settings.telegram_token is not None
    assert settings.telegram_token.get_secret_value() == "123:tokenvalue"


def test_webhook_settings_are_checked(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("MRC_WEBHOOK_URL", "ftp://example.org/hook")
    monkeypatch.setenv("MRC_WEBHOOK_SECRET", "has spaces!")
    with pytest.raises(SettingsError) as caught:
        load_settings()
    assert sorted(p.split(":")[0] for p in caught.value.problems) == [
        "MRC_WEBHOOK_SECRET",
        "MRC_WEBHOOK_URL",
    ]


def test_settings_come_from_a_dotenv_file(tmp_path, monkeypatch: pytest.MonkeyPatch) -> None:  # type: ignore[no-untyped-def]
    (tmp_path / ".env").write_text("MRC_STAFF_CHAT_ID=-1001234\nMRC_DEFAULT_LANGUAGE=ru\n")
    settings = load_settings()
    assert settings.staff_chat_id == -1001234
    assert settings.default_language == "ru"


def test_unsupported_database_is_refused() -> None:
    with pytest.raises(ValueError, match="unsupported database 'mysql'"):
        async_database_url("mysql://u@h/db")
    with pytest.raises(ValueError, match="must name a database"):
        async_database_url("postgresql://u@h")


def test_several_nlu_servers_are_listed_and_need_to_run_elsewhere(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("MRC_NLU_URL", " http://10.0.0.5:5005/ , http://10.0.0.6:5005")
    monkeypatch.setenv("MRC_NLU_MANAGE", "false")
    assert load_settings().nlu_urls == ["http://10.0.0.5:5005", "http://10.0.0.6:5005"]
    monkeypatch.setenv("MRC_NLU_MANAGE", "true")
    with pytest.raises(SettingsError) as caught:
        load_settings()
    [problem] = caught.value.problems
    assert problem.startswith("MRC_NLU_MANAGE: true starts one Rasa server")
    monkeypatch.setenv("MRC_NLU_URL", "http://10.0.0.5:5005,ftp://x")
    with pytest.raises(SettingsError):
        load_settings()
