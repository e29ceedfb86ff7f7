"""The set-up scripts: finding the Pythons, and a second set-up doing nothing."""

from __future__ import annotations

import os
import subprocess

from bot import PROJECT_DIR

FIND = str(PROJECT_DIR / "scripts" / "find-python.sh")


def test_finds_python_311_or_newer() -> None:
    result = subprocess.run([FIND, "3.11+"], capture_output=True, text=True, check=True)
    version = subprocess.run(
        [result.stdout.strip(), "-c", "import sys; print(sys.version_info[:2] >= (3, 11))"],
        capture_output=True, text=True, check=True,
    )  # fmt: skip
    assert version.stdout.strip() == "True"


def test_a_missing_python_says_what_to_install() -> None:
    env = {**os.environ, "PATH": "/usr/bin:/bin", "PYENV_ROOT": "/nonexistent"}
    result = subprocess.run([FIND, "3.99"], capture_output=True, text=True, env=env)
    assert result.returncode == 1
    assert "Python 3.99 not found" in result.stderr
    assert "pyenv install 3.99" in result.stderr
