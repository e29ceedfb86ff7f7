"""Shared test set-up: markers by folder, and the project's paths."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot import PROJECT_DIR

_MARKERS = {"unit": "unit", "db": "db", "admin": "db", "integration": "integration"}


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Mark every test by its folder, so that ``pytest -m unit`` runs the fast tests alone."""
    for item in items:
        folder = Path(str(item.path)).relative_to(PROJECT_DIR / "tests").parts[0]
        if folder in _MARKERS:
            item.add_marker(getattr(pytest.mark, _MARKERS[folder]))


@pytest.fixture(autouse=True)
def _isolated_environment(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """Tests never read a developer's ``.env`` nor their MRC_ variables."""
    import os

    for name in list(os.environ):
        if name.startswith("MRC_") and name != "MRC_TEST_POSTGRES_URL":
            monkeypatch.delenv(name)
    monkeypatch.chdir(tmp_path)
