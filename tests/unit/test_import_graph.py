"""The console's modules import each other without a cycle (``scripts/import-graph.py``), and
nothing in the project reaches outside the repository."""

from __future__ import annotations

import subprocess
import sys

from bot import PROJECT_DIR


def test_the_console_has_no_import_cycle() -> None:
    result = subprocess.run(
        [sys.executable, "scripts/import-graph.py", "bot/admin"],
        cwd=PROJECT_DIR, capture_output=True, text=True, check=False,
    )  # fmt: skip
    assert result.returncode == 0, result.stdout
    assert result.stdout.rstrip().endswith("0 cycle(s)")
    assert "bot.admin.app -> " in result.stdout  # it read the package


def test_the_cycle_finder_finds_a_cycle(tmp_path) -> None:  # type: ignore[no-untyped-def]
    package = tmp_path / "pkg"
    package.mkdir()
    (package / "__init__.py").write_text("")
    (package / "a.py").write_text("def f():\n    from pkg import b\n")
    (package / "b.py").write_text("from pkg.a import f\n")
    result = subprocess.run(
        [sys.executable, str(PROJECT_DIR / "scripts" / "import-graph.py"), "pkg"],
        cwd=tmp_path, capture_output=True, text=True, check=False,
    )  # fmt: skip
    assert result.returncode == 1
    assert "cycle: pkg.a <-> pkg.b" in result.stdout


def test_nothing_reads_outside_the_repository() -> None:
    """A deployed clone has no steering folder beside it."""
    found = subprocess.run(
        ["git", "grep", "-nE", r"\.\./shared|PROJECT_DIR\.parent|parents\[[2-9]\]\.parent",
         "--", "bot", "nlu_components", "tests", "bench", "scripts", "Makefile", ".ci"],
        cwd=PROJECT_DIR, capture_output=True, text=True, check=False,
    )  # fmt: skip
    assert found.stdout == "", found.stdout
