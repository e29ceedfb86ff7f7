"""Retraining decisions: a candidate is loaded only if it is not worse, unless overridden; a
failure leaves the current model answering; rollback returns to the previous one."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import httpx

from bot.nlu.retrain import Retrainer, active_model, not_worse
from bot.nlu.server import RasaServer
from bot.nlu.training import NLUProject

GOOD = {"accuracy": 0.96, "macro_f1": 0.96, "urgent_recall": 0.97}
WORSE = {"accuracy": 0.95, "macro_f1": 0.95, "urgent_recall": 0.97}


def test_not_worse_needs_every_figure() -> None:
    assert not_worse(GOOD, GOOD)
    assert not not_worse(WORSE, GOOD)
    assert not_worse(GOOD, WORSE)
    assert not not_worse({**GOOD, "urgent_recall": 0.9}, GOOD), "emergencies count on their own"


class FakeRasa:
    """Records ``PUT /model`` calls (the integration test uses the real server)."""

    def __init__(self, status: int = 204) -> None:
        self.loaded: list[str] = []
        self.status = status

    def handler(self, request: httpx.Request) -> httpx.Response:
        assert request.method == "PUT"
        assert request.url.path == "/model"
        assert request.url.params["token"] == "t"
        self.loaded.append(json.loads(request.content)["model_file"])
        return httpx.Response(self.status)


def _retrainer(
    tmp_path: Path, figures: dict[str, dict[str, float]], rasa: FakeRasa, fail: bool = False
) -> tuple[Retrainer, Path]:
    current = tmp_path / "models" / "nlu-current.tar.gz"
    current.parent.mkdir()
    current.write_text("current")
    project_dir = tmp_path / "project"
    (project_dir / "nlu").mkdir(parents=True)
    (project_dir / "nlu" / "data.yml").write_text("nlu: []\n")
    seen: dict[str, Any] = {}

    def trainer(project: NLUProject) -> Path:
        if fail:
            raise RuntimeError("rasa train exited with 1")
        seen["phrases"] = (project.project_dir / "nlu" / "console_phrases.yml").read_text()
        seen["data"] = (project.project_dir / "nlu" / "data.yml").exists()
        candidate = current.with_name("nlu-candidate.tar.gz")
        candidate.write_text("candidate")
        return candidate

    async def evaluator(model: Path) -> dict[str, Any]:
        return figures[model.name]

    async def phrases() -> str:
        return "nlu:\n  - intent: work_patent\n    examples: |\n      - patent chi tavr giram\n"

    server = RasaServer(current, "http://127.0.0.1:5999", "t")
    retrainer = Retrainer(
        server, current.parent, phrases, project=NLUProject(project_dir),
        evaluator=evaluator, trainer=trainer, transport=httpx.MockTransport(rasa.handler),
    )  # fmt: skip
    retrainer.seen = seen  # type: ignore[attr-defined]
    return retrainer, current


async def test_a_better_model_is_loaded_and_can_be_rolled_back(tmp_path: Path) -> None:
    rasa = FakeRasa()
    figures = {"nlu-candidate.tar.gz": GOOD, "nlu-current.tar.gz": WORSE}
    retrainer, current = _retrainer(tmp_path, figures, rasa)
    job = retrainer.start("eddie")
    await retrainer.wait()
    assert job.state == "loaded", job.steps
    assert "patent chi tavr giram" in retrainer.seen["phrases"]  # type: ignore[attr-defined]
    assert retrainer.seen["data"]  # type: ignore[attr-defined]
    assert retrainer.current.name == "nlu-candidate.tar.gz"
    assert rasa.loaded == [str(retrainer.current)]
    assert active_model(current.parent, current) == retrainer.current
    assert await retrainer.rollback() == current
    assert retrainer.current == current
    assert rasa.loaded[-1] == str(current)


async def test_a_worse_model_is_kept_out_unless_an_admin_overrides(tmp_path: Path) -> None:
    rasa = FakeRasa()
    figures = {"nlu-candidate.tar.gz": WORSE, "nlu-current.tar.gz": GOOD}
    retrainer, current = _retrainer(tmp_path, figures, rasa)
    job = retrainer.start("eddie")
    await retrainer.wait()
    assert job.state == "kept"
    assert job.candidate_figures == WORSE
    assert job.current_figures == GOOD
    assert rasa.loaded == []
    assert retrainer.current == current
    job = retrainer.start("ada", override=True)
    await retrainer.wait()
    assert job.state == "loaded"


async def test_a_failed_training_leaves_the_current_model(tmp_path: Path) -> None:
    rasa = FakeRasa()
    retrainer, current = _retrainer(tmp_path, {}, rasa, fail=True)
    job = retrainer.start("eddie")
    await retrainer.wait()
    assert job.state == "failed"
    assert job.error == "rasa train exited with 1"
    assert retrainer.current == current
    assert rasa.loaded == []


async def test_a_model_rasa_refuses_is_not_made_current(tmp_path: Path) -> None:
    rasa = FakeRasa(status=400)
    figures = {"nlu-candidate.tar.gz": GOOD, "nlu-current.tar.gz": GOOD}
    retrainer, current = _retrainer(tmp_path, figures, rasa)
    job = retrainer.start("eddie")
    await retrainer.wait()
    assert job.state == "failed"
    assert retrainer.current == current
