"""The repository runs on its own. A copy of its files alone, as anyone deploying it would clone
it (no steering folder beside it), validates and imports every article, starts and answers, and
evaluates its NLU on the evaluation data it carries. The product runs from that copy read-only,
with only ``var/`` and ``models/`` writable, as docs/deployment.md sets it up with systemd
(``ProtectSystem=strict``): here a mount namespace makes the whole file system read-only but
those two folders and a private temporary folder (this needs root, as CI has)."""

from __future__ import annotations

import json
import os
import shutil
import sqlite3
import subprocess
from pathlib import Path

import pytest

from bot import PROJECT_DIR
from bot.i18n import LANGUAGES
from bot.kb.files import split_front_matter
from bot.topics import TOPICS

pytestmark = pytest.mark.integration

PYTHON = str(PROJECT_DIR / ".venv" / "bin" / "python")
#: Writable in the read-only run (the private temporary folder stands for systemd's PrivateTmp).
WRITABLE = ("var", "models", "tmp")
#: Makes the whole file system read-only but WRITABLE, then runs the command (in its own mount
#: namespace: nothing outside the test's process is affected).
READ_ONLY = """set -e
mount --bind / /
mount -o remount,bind,ro /
for d in {dirs}; do mount --bind "$d" "$d"; mount -o remount,bind,rw "$d"; done
exec "$@"
"""


@pytest.fixture(scope="module")
def clone(tmp_path_factory: pytest.TempPathFactory, nlu_model: Path) -> Path:
    """The repository's files alone (what git tracks, and new files it does not ignore), set up
    as ``make`` would: catalogs compiled, the NLU environment and the trained model in place."""
    root = tmp_path_factory.mktemp("alone") / "main"
    listed = subprocess.run(
        ["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
        cwd=PROJECT_DIR, check=True, capture_output=True,
    ).stdout.decode().split("\0")  # fmt: skip
    for name in filter(None, listed):
        if (PROJECT_DIR / name).is_file():
            (root / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(PROJECT_DIR / name, root / name)
    for language in LANGUAGES:  # as make does
        mo = root / "bot" / "locales" / language / "LC_MESSAGES" / "messages.mo"
        mo.parent.mkdir(parents=True)
        subprocess.run(
            [str(PROJECT_DIR / ".venv" / "bin" / "pybabel"), "compile", "-D", "messages",
             "-i", str(root / "locales" / language / "LC_MESSAGES" / "messages.po"),
             "-o", str(mo), "-l", language],
            check=True, capture_output=True,
        )  # fmt: skip
    (root / ".venv-nlu").symlink_to(PROJECT_DIR / ".venv-nlu")  # an environment, not content
    for folder in WRITABLE:
        (root / folder).mkdir()
    shutil.copy2(nlu_model, root / "models" / nlu_model.name)  # the same inputs: the same name
    assert not (root.parent / "shared").exists()  # nothing beside it
    return root


def environment(root: Path) -> dict[str, str]:
    """``mrc`` run from the copy: its package first, its folders, a read-only home."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("MRC_")}
    env.update(
        PYTHONPATH=str(root),
        HOME=str(root),  # read-only like the service's home under ProtectSystem=strict
        TMPDIR=str(root / "tmp"),
        MRC_DATA_DIR=str(root / "var"),
        MRC_MODELS_DIR=str(root / "models"),
        MRC_DATABASE_URL=f"sqlite:///{root / 'var' / 'mrc.db'}",
        MRC_DEFAULT_LANGUAGE="en",
        MRC_WEB_PORT="0",
        MRC_NLU_STARTUP_TIMEOUT="540",
    )
    return env


def mrc(
    root: Path, *args: str, stdin: str = "", read_only: bool = False, timeout: float = 900
) -> subprocess.CompletedProcess[str]:
    command = [PYTHON, "-m", "bot", *args]
    if read_only:
        dirs = " ".join(f'"{root / d}"' for d in WRITABLE)
        command = ["unshare", "--mount", "sh", "-c", READ_ONLY.format(dirs=dirs), "sh", *command]
    return subprocess.run(
        command, cwd=root, env=environment(root), input=stdin, text=True,
        capture_output=True, timeout=timeout, check=False,
    )  # fmt: skip


def snapshot(root: Path) -> dict[str, tuple[int, int]]:
    """Every file of the copy outside the writable folders: size and modification time."""
    return {
        str(path.relative_to(root)): (path.stat().st_size, path.stat().st_mtime_ns)
        for path in root.rglob("*")
        if path.is_file()
        and not path.is_symlink()
        and path.relative_to(root).parts[0] not in WRITABLE
    }


def test_the_copy_is_the_package_python_imports(clone: Path) -> None:
    result = subprocess.run(
        [PYTHON, "-c", "import bot; print(bot.PROJECT_DIR)"],
        cwd=clone, env=environment(clone), capture_output=True, text=True, check=True,
    )  # fmt: skip
    assert result.stdout.strip() == str(clone)


def test_every_article_validates_and_is_imported(clone: Path) -> None:
    validated = mrc(clone, "kb", "validate")
    assert validated.returncode == 0, validated.stdout + validated.stderr
    imported = mrc(clone, "kb", "import")
    assert imported.returncode == 0, imported.stdout + imported.stderr
    with sqlite3.connect(clone / "var" / "mrc.db") as db:
        rows = db.execute(
            "SELECT a.topic, count(t.id) FROM articles a JOIN article_translations t "
            "ON t.article_id = a.id WHERE t.status = 'published' GROUP BY a.topic"
        ).fetchall()
    assert dict(rows) == dict.fromkeys(TOPICS, 3)  # the documents' topics among them


def test_the_product_runs_from_a_read_only_checkout(clone: Path) -> None:
    """``mrc run`` (the local demo, with the console) answers a question about the MRC, whose
    sources are documents kept in the repository; it writes nothing outside var/ and models/."""
    if os.geteuid() != 0:
        pytest.skip("making the checkout read-only needs root (CI runs as root)")
    shutil.rmtree(clone / "var")
    (clone / "var").mkdir()
    before = snapshot(clone)
    run = mrc(
        clone, "run", read_only=True,
        stdin="/lang en\nWhat services does the Migrant Resource Centre offer?\n/quit\n",
    )  # fmt: skip
    assert run.returncode == 0, run.stdout + run.stderr
    front, _ = split_front_matter(
        (clone / "knowledge_base" / "mrc_services" / "en.md").read_text(), "en.md"
    )
    assert front["title"] in run.stdout, run.stdout
    assert "not available in this version yet" not in run.stdout
    assert "Staff console: http://" in run.stdout  # it listened, and kept its key in var/
    assert snapshot(clone) == before, "nothing outside var/ and models/ was written"
    assert (clone / "var" / "mrc.db").exists()
    assert (clone / "var" / "web-secret").exists()


def test_the_nlu_is_evaluated_on_the_repositorys_own_data(clone: Path) -> None:
    evaluated = mrc(clone, "nlu", "eval")
    assert evaluated.returncode == 0, evaluated.stdout + evaluated.stderr
    report = json.loads((clone / "reports" / "nlu-eval.json").read_text())
    assert report["test_examples"] >= 400
    assert set(report["out_of_scope_false_accept"]) == {
        "clinc_oos_test", "sib_test_tg", "sib_test_ru", "sib_test_en"
    }  # fmt: skip
    assert set(report["language_id_accuracy_sib_test"]) == set(LANGUAGES)
