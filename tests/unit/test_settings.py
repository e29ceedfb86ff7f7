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


@pytest.mark.parametrize(
    ("name", "value", "secret"),
    [
        # An unparseable URL (the port is not a number): its password must not be printed.
        ("MRC_DATABASE_URL", "postgresql://mrc:S3cr3t-pass@db.example:port/mrc", "S3cr3t-pass"),
        ("MRC_DATABASE_URL", "oracle://mrc:S3cr3t-pass@db.example/mrc", "S3cr3t-pass"),
        ("MRC_DATABASE_URL", "postgresql://mrc@db.example/?password=S3cr3t-pass", "S3cr3t-pass"),
        ("MRC_WEBHOOK_SECRET", "S3cr3t pass with spaces", "S3cr3t"),
        ("MRC_NLU_URL", "ftp://user:S3cr3t-pass@nlu.example", "S3cr3t-pass"),
        ("MRC_WEBHOOK_URL", "ftp://bot:S3cr3t-pass@example.org/hook?key=S3cr3t", "S3cr3t"),
        ("MRC_TELEGRAM_BASE_URL", "x", None),  # a short value: shown, nothing secret in it
    ],
)
def test_a_configuration_error_never_prints_a_secret(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], name: str, value: str,
    secret: str | None,
) -> None:  # fmt: skip
    """What `mrc` prints, line by line, for a bad setting: the name and the problem, and the
    value only where it holds no secret (URLs without user, password or query)."""
    from bot.cli import main

    monkeypatch.setenv(name, value)
    with pytest.raises(SystemExit) as exited:
        main(["kb", "import"])
    assert exited.value.code == 2
    printed = capsys.readouterr()
    lines = (printed.err + printed.out).strip().splitlines()
    assert lines
    assert all(line.startswith(f"mrc: configuration error: {name}: ") for line in lines)
    if secret is not None:
        assert secret not in printed.err + printed.out
    else:
        assert repr(value) in printed.err


def test_urls_in_errors_keep_what_helps_and_hide_the_rest() -> None:
    from bot.settings import shown

    assert shown("database_url", "postgresql://u:pw@db:5432/mrc?sslmode=x") == (
        "'postgresql://…@db:5432/mrc?…'"
    )
    assert (
        shown("nlu_url", "http://a:b@h:5005,http://c:d@h:5006")
        == "'http://…@h:5005,http://…@h:5006'"
    )
    assert shown("telegram_token", "123:abc") is None
    assert shown("web_secret", "x") is None
    assert shown("staff_chat_id", "abc") == "'abc'"


def test_the_fallback_threshold_is_the_same_in_config_yml_and_the_dialogue() -> None:
    """The dialogue refuses to answer below MIN_CONFIDENCE; Rasa's FallbackClassifier turns the
    same messages into nlu_fallback. Tuned once (mrc nlu tune), kept equal here."""
    import yaml

    from bot import PROJECT_DIR
    from bot.dialogue.core import EMERGENCY_CONFIDENCE, MIN_CONFIDENCE

    config = yaml.safe_load((PROJECT_DIR / "config.yml").read_text())
    [fallback] = [c for c in config["pipeline"] if c["name"] == "FallbackClassifier"]
    assert fallback["threshold"] == MIN_CONFIDENCE
    assert EMERGENCY_CONFIDENCE < MIN_CONFIDENCE
