"""Pipeline choices and fallback thresholds, decided on a development split, never on the test set.

``mrc nlu tune`` holds out a deterministic part of ``nlu/`` (about 15% of every intent) plus the
SIB-200 ``dev`` sentences (general text in tg, ru, en: out of scope), trains on the rest with a
given ``config.yml``, serves that model, parses the held-out messages and reports accuracy and a
sweep of confidence thresholds. The held-out NLU test set (``tests/nlu``) is not touched.
"""

from __future__ import annotations

import asyncio
import hashlib
import json
import shutil
import tempfile
from collections import defaultdict
from dataclasses import asdict, dataclass
from pathlib import Path

from bot.nlu.client import NLUClient
from bot.nlu.data import Example, examples_under
from bot.nlu.evaldata import EVAL_DIR, SIB_LANGUAGES, sib_rows
from bot.nlu.server import serving
from bot.nlu.training import NLUProject, train

THRESHOLDS = [round(0.2 + 0.05 * i, 2) for i in range(16)]  # 0.20 ... 0.95


def is_dev(example: Example, percent: int) -> bool:
    """Whether ``example`` is held out for development (stable across runs and machines)."""
    digest = hashlib.sha1(f"{example.intent}\0{example.text.lower()}".encode()).digest()
    return digest[0] * 100 // 256 < percent


def sib_dev_sentences(eval_dir: Path = EVAL_DIR) -> list[Example]:
    """SIB-200 ``dev`` sentences as out-of-scope examples (never the ``test`` files)."""
    path = eval_dir / "sib200"
    return [
        Example("out_of_scope", row["text"], row["text"], path)
        for language in SIB_LANGUAGES
        for row in sib_rows(language, "dev", eval_dir)
    ]


def _write_split(project: NLUProject, config: Path, target: Path, percent: int) -> list[Example]:
    """A project in ``target`` trained on all but the dev part; returns the dev examples."""
    project.snapshot(target)
    shutil.copy2(config, target / "config.yml")
    train_by_intent: dict[str, list[str]] = defaultdict(list)
    dev: list[Example] = []
    for example in examples_under(project.project_dir / "nlu"):
        (dev.append(example) if is_dev(example, percent) else
         train_by_intent[example.intent].append(example.raw))  # fmt: skip
    for path in (target / "nlu").rglob("*.yml"):
        if "entities" not in path.parts:
            path.unlink()
    lines = ['version: "3.1"', "nlu:"]
    for intent, raws in sorted(train_by_intent.items()):
        lines += [f"- intent: {intent}", "  examples: |"] + [f"    - {raw}" for raw in raws]
    (target / "nlu" / "train.yml").write_text("\n".join(lines) + "\n", encoding="utf-8")
    return dev


@dataclass
class SweepRow:
    """Figures at one confidence threshold."""

    threshold: float
    in_scope_accuracy: float
    out_of_scope_recall: float
    balanced: float


def sweep(predictions: list[tuple[str, str, float]]) -> list[SweepRow]:
    """For each threshold: below it a message counts as not understood (= rejected)."""
    rows = []
    for t in THRESHOLDS:
        ins = [(gold, pred, c) for gold, pred, c in predictions if gold != "out_of_scope"]
        oos = [(gold, pred, c) for gold, pred, c in predictions if gold == "out_of_scope"]
        in_acc = sum(pred == gold and c >= t for gold, pred, c in ins) / max(len(ins), 1)
        oos_rec = sum(pred == "out_of_scope" or c < t for _, pred, c in oos) / max(len(oos), 1)
        rows.append(SweepRow(t, in_acc, oos_rec, (in_acc + oos_rec) / 2))
    return rows


async def _parse_all(url: str, token: str, examples: list[Example]) -> list[tuple[str, str, float]]:
    semaphore = asyncio.Semaphore(4)
    async with NLUClient(url, token, timeout=30) as nlu:

        async def one(example: Example) -> tuple[str, str, float]:
            async with semaphore:
                result = await nlu.parse(example.text)
            ranked = [(n, c) for n, c in result.ranking if n != "nlu_fallback"] or [("", 0.0)]
            return example.intent, ranked[0][0], ranked[0][1]

        return await asyncio.gather(*(one(e) for e in examples))


async def tune(
    project: NLUProject, config: Path, percent: int = 15, eval_dir: Path = EVAL_DIR
) -> dict[str, object]:
    """Train on the training part with ``config``, evaluate on the dev part; return a report."""
    with tempfile.TemporaryDirectory(prefix="mrc-tune-") as tmp:
        split = NLUProject(Path(tmp) / "project", project.venv, Path(tmp) / "models")
        dev = _write_split(project, config, split.project_dir, percent)
        sib = sib_dev_sentences(eval_dir)
        model, _ = await asyncio.to_thread(train, split, quiet=True)
        async with serving(model, split) as server:
            predictions = await _parse_all(server.url, server.token, dev + sib)
    dev_preds = predictions[: len(dev)]
    per_intent: dict[str, list[bool]] = defaultdict(list)
    for gold, pred, _ in dev_preds:
        per_intent[gold].append(gold == pred)
    sib_preds = predictions[len(dev) :]
    confusions: dict[str, int] = defaultdict(int)
    for gold, pred, _ in dev_preds:
        if gold != pred:
            confusions[f"{gold} -> {pred}"] += 1
    return {
        "config": str(config),
        "dev_examples": len(dev),
        "sib_dev_examples": len(sib),
        "dev_accuracy": sum(g == p for g, p, _ in dev_preds) / max(len(dev_preds), 1),
        "sib_dev_rejected_as_out_of_scope": sum(p == "out_of_scope" for _, p, _ in sib_preds)
        / max(len(sib_preds), 1),
        "per_intent_accuracy": {k: sum(v) / len(v) for k, v in sorted(per_intent.items())},
        "sweep": [asdict(row) for row in sweep(predictions)],
        "confusions": dict(sorted(confusions.items(), key=lambda kv: -kv[1])),
        "dev_errors": [
            {"text": e.text, "gold": g, "predicted": p, "confidence": round(c, 3)}
            for e, (g, p, c) in zip(dev, dev_preds, strict=True)
            if g != p
        ],
    }


def format_report(report: dict[str, object]) -> str:
    """The report as text for the terminal."""
    lines = [
        f"config {report['config']}: {report['dev_examples']} dev examples, "
        f"{report['sib_dev_examples']} SIB-200 dev sentences (out of scope)",
        f"dev accuracy (no threshold) {report['dev_accuracy']:.3f}; SIB-200 dev rejected "
        f"{report['sib_dev_rejected_as_out_of_scope']:.3f}",
        "threshold  in-scope acc  out-of-scope recall  balanced",
    ]
    for row in report["sweep"]:  # type: ignore[attr-defined]
        lines.append(
            f"{row['threshold']:>9.2f}  {row['in_scope_accuracy']:>12.3f}  "
            f"{row['out_of_scope_recall']:>19.3f}  {row['balanced']:>8.3f}"
        )
    weakest = sorted(report["per_intent_accuracy"].items(), key=lambda kv: kv[1])[:6]  # type: ignore[attr-defined]
    lines.append("weakest intents on dev: " + ", ".join(f"{k} {v:.2f}" for k, v in weakest))
    top = list(report["confusions"].items())[:8]  # type: ignore[attr-defined]
    lines.append("most frequent confusions: " + ", ".join(f"{k} ({v})" for k, v in top))
    return "\n".join(lines)


def save_report(report: dict[str, object], out: Path) -> None:
    """Write the report as JSON."""
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(report, indent=2, ensure_ascii=False))
