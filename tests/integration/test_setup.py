"""A second set-up on the same clone installs nothing and trains nothing."""

from __future__ import annotations

import subprocess
from pathlib import Path

from bot import PROJECT_DIR
from bot.nlu.training import NLUProject, train


def test_environments_and_catalogs_are_up_to_date() -> None:
    # `make -q` exits 0 only when every target of `setup` is up to date (nothing would run).
    result = subprocess.run(["make", "-q", "setup"], cwd=PROJECT_DIR, capture_output=True)
    assert result.returncode == 0, "a second `make setup` would reinstall or recompile"


def test_the_model_is_not_trained_again(nlu_model: Path) -> None:
    path, trained = train(NLUProject(), quiet=True)
    assert path == nlu_model
    assert not trained
