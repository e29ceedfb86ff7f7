"""Swapping the model of a running Rasa server and rolling it back (the real ``PUT /model``)."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import httpx
import pytest

from bot.nlu import NLUClient
from bot.nlu.retrain import Retrainer
from bot.nlu.server import serving
from bot.nlu.training import NLUProject

pytestmark = pytest.mark.integration
SAME = {"accuracy": 0.9, "macro_f1": 0.9, "urgent_recall": 0.9}


async def served(url: str, token: str) -> str:
    """The name of the model file the server says it has loaded."""
    async with httpx.AsyncClient() as client:
        status = (await client.get(f"{url}/status", params={"token": token})).json()
    return Path(status["model_file"]).name


async def test_a_new_model_is_loaded_into_the_running_server_and_rolled_back(
    nlu_model: Path, tmp_path: Path
) -> None:
    models = tmp_path / "models"
    models.mkdir()
    candidate = models / "nlu-candidate.tar.gz"
    shutil.copy(nlu_model, candidate)

    async def evaluator(model: Path) -> dict[str, Any]:
        return SAME

    async def phrases() -> str:
        return "nlu: []\n"

    async with serving(nlu_model, NLUProject()) as server:
        retrainer = Retrainer(
            server, models, phrases, evaluator=evaluator, trainer=lambda project: candidate
        )
        job = retrainer.start("eddie")
        await retrainer.wait()
        assert job.state == "loaded", job.steps
        assert await served(server.url, server.token) == candidate.name
        async with NLUClient(server.url, server.token, timeout=30) as nlu:
            result = await nlu.parse("how do I get a work patent")
        assert result.intent == "work_patent"
        assert await retrainer.rollback() == nlu_model
        assert await served(server.url, server.token) == nlu_model.name
