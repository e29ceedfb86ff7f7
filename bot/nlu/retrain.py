"""Retraining from the console: train a candidate with the staff's training phrases, evaluate it
on the project's NLU test set beside the current model, and load it into the running Rasa server
only if it is not worse (or an admin overrides). The previous model is kept for a rollback.

One job at a time, in the background; its steps are kept for the console to show.
"""

from __future__ import annotations

import asyncio
import json
import logging
import tempfile
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

import httpx

from bot.db.base import utcnow
from bot.i18n import N_
from bot.nlu.evaluation import evaluate
from bot.nlu.server import RasaServer
from bot.nlu.training import NLUProject, train

log = logging.getLogger(__name__)

#: The figures compared -> their names in the console (higher is better for all).
COMPARED = {
    # TRANSLATORS: a figure comparing two NLU models in the staff console
    "accuracy": N_("intent accuracy"),
    # TRANSLATORS: a figure comparing two NLU models: the F1 score averaged over intents
    "macro_f1": N_("macro F1"),
    # TRANSLATORS: a figure comparing two NLU models
    "urgent_recall": N_("emergencies recognised (recall)"),
}
#: A candidate may lose this much on a figure and still count as "not worse" (noise).
TOLERANCE = 0.0
PHRASES_NAME = "console_phrases.yml"

Evaluator = Callable[[Path], Awaitable[dict[str, Any]]]
Trainer = Callable[[NLUProject], Path]
PhraseSource = Callable[[], Awaitable[str]]


@dataclass
class Job:
    """One retraining: its steps, the two evaluations and what was decided."""

    actor: str
    override: bool
    started_at: datetime = field(default_factory=utcnow)
    state: str = "running"  # running, loaded, kept, failed
    steps: list[tuple[datetime, str]] = field(default_factory=list)
    candidate: Path | None = None
    candidate_figures: dict[str, float] = field(default_factory=dict)
    current_figures: dict[str, float] = field(default_factory=dict)
    error: str | None = None

    def step(self, text: str) -> None:
        """Note a step (an English message id: the console translates it)."""
        self.steps.append((utcnow(), text))
        log.info("retraining: %s", text)

    @property
    def done(self) -> bool:
        return self.state != "running"


def not_worse(candidate: dict[str, float], current: dict[str, float]) -> bool:
    """Whether the candidate is at least as good on every compared figure."""
    return all(candidate.get(name, 0.0) >= current.get(name, 0.0) - TOLERANCE for name in COMPARED)


def _figures(result: dict[str, Any]) -> dict[str, float]:
    return {name: float(result.get(name, 0.0)) for name in COMPARED}


class Retrainer:
    """Owns the running server's model: retrain, compare, load, roll back."""

    def __init__(
        self,
        server: RasaServer,
        models_dir: Path,
        phrases: PhraseSource,
        *,
        project: NLUProject | None = None,
        evaluator: Evaluator | None = None,
        trainer: Trainer | None = None,
        transport: httpx.AsyncBaseTransport | None = None,
    ) -> None:
        self.server = server
        self.models_dir = models_dir
        self.phrases = phrases
        self.project = project or NLUProject()
        self.previous: Path | None = None
        self.job: Job | None = None
        self._task: asyncio.Task[None] | None = None
        self._evaluate = evaluator or self._evaluate_on_test_set
        self._train = trainer or (lambda p: train(p, quiet=True)[0])
        self._cache = models_dir / "evaluations"
        self._transport = transport

    @property
    def current(self) -> Path:
        return self.server.model

    @property
    def running(self) -> bool:
        return self._task is not None and not self._task.done()

    def start(self, actor: str, override: bool = False) -> Job:
        """Start a job in the background (raises ``RuntimeError`` if one is running)."""
        if self.running:
            raise RuntimeError("a retraining is already running")
        self.job = Job(actor, override)
        self._task = asyncio.create_task(self._run(self.job), name="retrain")
        return self.job

    async def wait(self) -> None:
        """Wait for the running job (tests, shutdown)."""
        if self._task is not None:
            await asyncio.shield(self._task)

    async def _evaluate_on_test_set(self, model: Path) -> dict[str, Any]:
        cached = self._cache / f"{model.name}.json"
        if cached.exists():
            return dict(json.loads(cached.read_text()))
        result = await evaluate(self.project, model)
        self._cache.mkdir(parents=True, exist_ok=True)
        cached.write_text(json.dumps({k: result[k] for k in COMPARED}))
        return result

    async def _run(self, job: Job) -> None:
        try:
            with tempfile.TemporaryDirectory(prefix="mrc-retrain-") as tmp:
                job.step(N_("copying the training data and adding the console's phrases"))
                inputs = self.project.snapshot(Path(tmp) / "inputs")
                (inputs / "nlu" / PHRASES_NAME).write_text(await self.phrases(), "utf-8")
                candidate_project = NLUProject(inputs, self.project.venv, self.models_dir)
                job.step(N_("training a new model (this takes several minutes)"))
                job.candidate = await asyncio.to_thread(self._train, candidate_project)
            job.step(N_("evaluating the new model on the NLU test set"))
            job.candidate_figures = _figures(await self._evaluate(job.candidate))
            job.step(N_("evaluating the current model on the same test set"))
            job.current_figures = _figures(await self._evaluate(self.current))
            if job.candidate == self.current:
                job.state = "kept"
                job.step(N_("the new model is the current one: nothing changed"))
            elif not_worse(job.candidate_figures, job.current_figures) or job.override:
                await self.load(job.candidate)
                job.state = "loaded"
                job.step(N_("the new model is answering now"))
            else:
                job.state = "kept"
                job.step(N_("the new model is worse on the test set: the current one stays"))
        except Exception as exc:  # the console shows it; the current model keeps answering
            log.exception("retraining failed")
            job.state, job.error = "failed", str(exc) or type(exc).__name__
            job.step(N_("failed; the current model keeps answering"))

    async def load(self, model: Path) -> None:
        """Replace the served model (Rasa's ``PUT /model``); remember the one before."""
        async with httpx.AsyncClient(timeout=300, transport=self._transport) as client:
            response = await client.put(
                f"{self.server.url}/model",
                params={"token": self.server.token},
                json={"model_file": str(model)},
            )
        if response.status_code >= 300:
            raise RuntimeError(
                f"Rasa refused the model ({response.status_code}): {response.text[:200]}"
            )
        self.previous, self.server.model = self.server.model, model
        (self.models_dir / "active-model").write_text(str(model))

    async def rollback(self) -> Path | None:
        """Go back to the previous model; return it (``None`` if there is none)."""
        if self.previous is None or not self.previous.exists():
            return None
        previous = self.previous
        await self.load(previous)
        return previous


def active_model(models_dir: Path, trained: Path) -> Path:
    """The model to serve at start: one loaded from the console if it is newer than ``trained``
    (the model of the project's files), else ``trained``."""
    marker = models_dir / "active-model"
    if marker.exists():
        chosen = Path(marker.read_text().strip())
        if chosen.exists() and chosen.stat().st_mtime > trained.stat().st_mtime:
            return chosen
    return trained
