"""Training the Rasa model in the NLU environment, skipped when the inputs have not changed.

A model is named after a hash of everything it is built from (``config.yml``, ``domain.yml``,
``nlu/``, the custom pipeline components and the pinned NLU environment), so an unchanged
project never trains twice and a changed one never serves a stale model.
"""

from __future__ import annotations

import hashlib
import logging
import os
import shutil
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

from bot import PROJECT_DIR

log = logging.getLogger(__name__)

#: What a model is built from, relative to the project directory (directories are walked).
TRAINING_INPUTS = ("config.yml", "domain.yml", "nlu", "nlu_components", "constraints-nlu.txt")
MODEL_PREFIX = "nlu-"
KEEP_MODELS = 5


class NLUEnvironmentMissing(RuntimeError):
    """The NLU environment (``.venv-nlu``) has not been created."""


class TrainingFailed(RuntimeError):
    """``rasa train`` failed."""


@dataclass(frozen=True)
class NLUProject:
    """Where the Rasa project, its environment and its models are."""

    project_dir: Path = PROJECT_DIR
    venv: Path = PROJECT_DIR / ".venv-nlu"
    models_dir: Path = PROJECT_DIR / "models"

    @property
    def rasa(self) -> Path:
        """The ``rasa`` executable of the NLU environment."""
        exe = self.venv / "bin" / "rasa"
        if not exe.exists():
            raise NLUEnvironmentMissing(
                f"{exe} not found: create the NLU environment with 'make setup' first"
            )
        return exe

    def input_files(self) -> list[Path]:
        """Every file the model is built from, in a stable order."""
        files: list[Path] = []
        for name in TRAINING_INPUTS:
            path = self.project_dir / name
            if path.is_file():
                files.append(path)
            elif path.is_dir():
                files.extend(
                    p
                    for p in sorted(path.rglob("*"))
                    if p.is_file() and p.suffix in {".yml", ".yaml", ".py", ".txt", ".json"}
                )
        return files

    def inputs_hash(self) -> str:
        """A hash of the names and contents of the training inputs."""
        digest = hashlib.sha256()
        for path in self.input_files():
            digest.update(path.relative_to(self.project_dir).as_posix().encode())
            digest.update(b"\0")
            digest.update(path.read_bytes())
            digest.update(b"\0")
        return digest.hexdigest()[:16]

    def model_path(self, inputs_hash: str | None = None) -> Path:
        """The model file for the current inputs (it may not exist yet)."""
        return self.models_dir / f"{MODEL_PREFIX}{inputs_hash or self.inputs_hash()}.tar.gz"

    def snapshot(self, into: Path) -> Path:
        """Copy the training inputs into ``into`` (a project directory of their own)."""
        for path in self.input_files():
            copy = into / path.relative_to(self.project_dir)
            copy.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(path, copy)
        return into

    def current_model(self) -> Path | None:
        """The model for the current inputs, if it has been trained."""
        path = self.model_path()
        return path if path.exists() else None


def rasa_environment(project_dir: Path) -> dict[str, str]:
    """Environment variables for a Rasa subprocess: quiet, no telemetry, components importable."""
    env = dict(os.environ)
    env.update(
        RASA_TELEMETRY_ENABLED="false",
        TF_CPP_MIN_LOG_LEVEL="2",
        SQLALCHEMY_SILENCE_UBER_WARNING="1",
        PYTHONWARNINGS="ignore",
        PYTHONPATH=str(project_dir),
    )
    # The bot's virtual environment must not leak into Rasa's interpreter.
    env.pop("VIRTUAL_ENV", None)
    env.pop("PYTHONHOME", None)
    return env


def train(
    project: NLUProject | None = None, *, force: bool = False, quiet: bool = False
) -> tuple[Path, bool]:
    """Train the model unless one for the same inputs exists; return ``(path, trained)``.

    Progress (Rasa's epoch bars) goes to the terminal unless ``quiet``; then it goes to
    ``models/train.log``. The model appears under its final name only once complete.
    """
    project = project or NLUProject()
    inputs_hash = project.inputs_hash()
    target = project.model_path(inputs_hash)
    if target.exists() and not force:
        log.info("NLU model %s is up to date; not training", target.name)
        return target, False

    project.models_dir.mkdir(parents=True, exist_ok=True)
    rasa = project.rasa
    with tempfile.TemporaryDirectory(dir=project.models_dir, prefix=".train-") as tmp:
        # Train from a snapshot of the inputs, so the model is exactly what its hash names even
        # if someone edits nlu/ meanwhile.
        snapshot = project.snapshot(Path(tmp) / "inputs")
        if NLUProject(snapshot).inputs_hash() != inputs_hash:
            raise TrainingFailed("the training inputs changed while they were copied; try again")
        out = Path(tmp) / "out"
        out.mkdir()
        cmd = [
            str(rasa),
            "train",
            "--config", str(snapshot / "config.yml"),
            "--domain", str(snapshot / "domain.yml"),
            "--data", str(snapshot / "nlu"),
            "--out", str(out),
            "--fixed-model-name", target.name.removesuffix(".tar.gz"),
        ]  # fmt: skip
        log.info("training the NLU model %s", target.name)
        if quiet:
            log_path = project.models_dir / "train.log"
            with log_path.open("wb") as output:
                result = subprocess.run(
                    cmd, cwd=snapshot, env=rasa_environment(snapshot),
                    stdout=output, stderr=subprocess.STDOUT, check=False,
                )  # fmt: skip
            detail = f"see {log_path}"
        else:
            result = subprocess.run(
                cmd, cwd=snapshot, env=rasa_environment(snapshot), stdout=sys.stderr, check=False
            )
            detail = "see the output above"
        built = out / target.name
        if result.returncode != 0 or not built.exists():
            raise TrainingFailed(f"rasa train exited with {result.returncode}; {detail}")
        shutil.move(str(built), target)
    prune_models(project)
    return target, True


def prune_models(project: NLUProject, keep: int = KEEP_MODELS) -> None:
    """Delete all but the ``keep`` newest models (older ones remain in version history)."""
    models = sorted(
        project.models_dir.glob(f"{MODEL_PREFIX}*.tar.gz"),
        key=lambda p: p.stat().st_mtime,
        reverse=True,
    )
    for old in models[keep:]:
        old.unlink(missing_ok=True)
