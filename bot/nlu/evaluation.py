"""Evaluating a model on the held-out NLU test set with ``rasa test nlu``."""

from __future__ import annotations

import csv
import json
import subprocess
from dataclasses import dataclass
from pathlib import Path

from bot.nlu.training import NLUProject, TrainingFailed, rasa_environment

TEST_SET = Path("tests") / "nlu" / "test_nlu.yml"
#: The form (script and language) of every test utterance: tg_cyrl, tg_plain, tg_latn, ru_cyrl,
#: ru_latn, en, tg_ru_mixed.
TEST_FORMS = Path("tests") / "nlu" / "test_forms.tsv"


@dataclass(frozen=True)
class Evaluation:
    """The headline figures of one evaluation."""

    accuracy: float
    macro_f1: float
    weighted_f1: float
    per_intent_f1: dict[str, float]
    per_form_accuracy: dict[str, float]
    entity_f1: dict[str, float]
    report_dir: Path


def evaluate(
    project: NLUProject, model: Path, out: Path, test_set: Path | None = None
) -> Evaluation:
    """Run ``rasa test nlu`` on ``test_set`` and read its intent report."""
    test_set = test_set or project.project_dir / TEST_SET
    out.mkdir(parents=True, exist_ok=True)
    cmd = [
        str(project.rasa), "test", "nlu",
        "--nlu", str(test_set),
        "--model", str(model),
        "--out", str(out),
        "--no-plot",
    ]  # fmt: skip
    with (out / "rasa-test.log").open("wb") as log:
        result = subprocess.run(
            cmd, cwd=project.project_dir, env=rasa_environment(project.project_dir),
            stdout=log, stderr=subprocess.STDOUT, check=False,
        )  # fmt: skip
    report_path = out / "intent_report.json"
    if result.returncode != 0 or not report_path.exists():
        raise TrainingFailed(f"rasa test nlu exited with {result.returncode}; see {log.name}")
    report = json.loads(report_path.read_text())
    per_intent = {
        name: float(row["f1-score"])
        for name, row in report.items()
        if isinstance(row, dict)
        and "f1-score" in row
        and name not in {"macro avg", "weighted avg", "micro avg"}
    }
    errors = {e["text"] for e in json.loads((out / "intent_errors.json").read_text())}
    return Evaluation(
        accuracy=float(report.get("accuracy", report.get("micro avg", {}).get("f1-score", 0.0))),
        macro_f1=float(report["macro avg"]["f1-score"]),
        weighted_f1=float(report["weighted avg"]["f1-score"]),
        per_intent_f1=per_intent,
        per_form_accuracy=_per_form_accuracy(project.project_dir / TEST_FORMS, errors),
        entity_f1=_entity_f1(out / "DIETClassifier_report.json"),
        report_dir=out,
    )


def _per_form_accuracy(forms_file: Path, errors: set[str]) -> dict[str, float]:
    if not forms_file.exists():
        return {}
    right: dict[str, int] = {}
    total: dict[str, int] = {}
    with forms_file.open(encoding="utf-8") as f:
        for row in csv.DictReader(f, delimiter="\t"):
            form = row["form"]
            total[form] = total.get(form, 0) + 1
            right[form] = right.get(form, 0) + (row["text"] not in errors)
    return {form: right[form] / total[form] for form in total}


def _entity_f1(report_file: Path) -> dict[str, float]:
    if not report_file.exists():
        return {}
    report = json.loads(report_file.read_text())
    return {
        name: float(row["f1-score"])
        for name, row in report.items()
        if isinstance(row, dict) and "f1-score" in row and name not in {"macro avg", "weighted avg"}
    }
