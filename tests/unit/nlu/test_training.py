"""Training is skipped for unchanged inputs; a failed training leaves no model behind.

A stand-in ``rasa`` executable records its calls and writes a model file, as the real one does.
"""

from __future__ import annotations

import stat
from pathlib import Path

import pytest

from bot.nlu.training import NLUEnvironmentMissing, NLUProject, TrainingFailed, train

FAKE_RASA = """#!/bin/sh
echo "$@" >> "{calls}"
[ -n "$FAIL" ] && exit 3
while [ $# -gt 0 ]; do
  case "$1" in
    --out) out="$2"; shift ;;
    --fixed-model-name) name="$2"; shift ;;
  esac
  shift
done
echo model > "$out/$name.tar.gz"
"""


@pytest.fixture
def project(tmp_path: Path) -> NLUProject:
    root = tmp_path / "project"
    (root / "nlu" / "topics").mkdir(parents=True)
    (root / "config.yml").write_text("pipeline: []\n")
    (root / "domain.yml").write_text("intents: [greet]\n")
    (root / "nlu" / "topics" / "greet.yml").write_text("nlu: []\n")
    venv = tmp_path / "venv"
    (venv / "bin").mkdir(parents=True)
    rasa = venv / "bin" / "rasa"
    rasa.write_text(FAKE_RASA.format(calls=tmp_path / "calls"))
    rasa.chmod(rasa.stat().st_mode | stat.S_IEXEC)
    return NLUProject(project_dir=root, venv=venv, models_dir=root / "models")


def calls(project: NLUProject) -> list[str]:
    path = project.venv.parent / "calls"
    return path.read_text().splitlines() if path.exists() else []


def test_trains_once_for_the_same_inputs(project: NLUProject) -> None:
    path, trained = train(project, quiet=True)
    assert trained
    assert path.exists()
    assert path.name.startswith("nlu-")
    again, trained_again = train(project, quiet=True)
    assert (again, trained_again) == (path, False)
    assert len(calls(project)) == 1
    assert "--config" in calls(project)[0]
    assert "--domain" in calls(project)[0]
    # Rasa reads a snapshot of the inputs, never the files staff may be editing.
    assert f"--data {project.project_dir / 'nlu'} " not in calls(project)[0]


def test_a_changed_input_trains_a_new_model(project: NLUProject) -> None:
    first, _ = train(project, quiet=True)
    (project.project_dir / "nlu" / "topics" / "greet.yml").write_text("nlu: [changed]\n")
    second, trained = train(project, quiet=True)
    assert trained
    assert second != first
    assert project.current_model() == second


def test_the_hash_depends_on_names_and_contents_only(project: NLUProject) -> None:
    before = project.inputs_hash()
    (project.project_dir / "nlu" / "notes.md").write_text("not training data")
    assert project.inputs_hash() == before
    (project.project_dir / "config.yml").write_text("pipeline: [x]\n")
    assert project.inputs_hash() != before


def test_a_failed_training_leaves_no_model(
    project: NLUProject, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("FAIL", "1")
    with pytest.raises(TrainingFailed, match="exited with 3"):
        train(project, quiet=True)
    assert project.current_model() is None
    assert not list(project.models_dir.glob("*.tar.gz"))


def test_force_retrains(project: NLUProject) -> None:
    train(project, quiet=True)
    _, trained = train(project, quiet=True, force=True)
    assert trained
    assert len(calls(project)) == 2


def test_missing_environment_says_how_to_create_it(project: NLUProject, tmp_path: Path) -> None:
    broken = NLUProject(project.project_dir, tmp_path / "nowhere", project.models_dir)
    with pytest.raises(NLUEnvironmentMissing, match="make setup"):
        train(broken, quiet=True)


def test_old_models_are_pruned(project: NLUProject) -> None:
    greet = project.project_dir / "nlu" / "topics" / "greet.yml"
    for i in range(7):
        greet.write_text(f"nlu: [{i}]\n")
        train(project, quiet=True)
    assert len(list(project.models_dir.glob("nlu-*.tar.gz"))) == 5
    assert project.current_model() is not None
