"""``mrc nlu eval``: the served model on the held-out test set and the evaluation data.

Everything goes through the Rasa server's HTTP API, as the bot uses it. Reported:

- per-intent precision, recall and F1, and a confusion matrix (text, and PNG if matplotlib is
  installed), on ``tests/nlu`` (written separately from the training data);
- accuracy per form (tg_cyrl, tg_plain, tg_latn, ru_cyrl, ru_latn, en, tg_ru_mixed) and per
  language, and the urgent recall (emergency_help and request_human recognised);
- the out-of-scope false-accept rate (inputs answered with a topic) on CLINC150 ``oos_test``
  and SIB-200 ``test`` (tg, ru, en; travel left out), which are for evaluation only
  (``tests/nlu/eval-data``, :mod:`bot.nlu.evaldata`);
- language identification accuracy on SIB-200 ``test``;
- entity precision, recall and F1 (country, city) on the test set's annotations.

A fallback (``nlu_fallback``, below the confidence threshold) counts as "not answered": right
for an out-of-scope message, wrong for any other.
"""

from __future__ import annotations

import asyncio
import csv
import json
import re
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from bot.dialogue.core import EMERGENCY_CONFIDENCE
from bot.lang import detect_language
from bot.nlu.client import NLUClient
from bot.nlu.data import examples_in
from bot.nlu.evaldata import EVAL_DIR, SIB_LANGUAGES, clinc_oos_test, sib_rows
from bot.nlu.server import serving
from bot.nlu.training import NLUProject
from bot.topics import INTENTS, TOPICS

TEST_SET = Path("tests") / "nlu" / "test_nlu.yml"
#: The form of every test utterance (see tests/nlu/README.md).
TEST_FORMS = Path("tests") / "nlu" / "test_forms.tsv"
FORM_LANGUAGE = {"tg_cyrl": "tg", "tg_plain": "tg", "tg_latn": "tg", "ru_cyrl": "ru",
                 "ru_latn": "ru", "en": "en", "tg_ru_mixed": "mixed"}  # fmt: skip
URGENT = ("emergency_help", "request_human")
_ENTITY = re.compile(r"\[([^\]]+)\]\{([^}]*)\}")


@dataclass(frozen=True)
class Item:
    """One evaluation message."""

    text: str
    gold: str
    dataset: str
    form: str | None = None
    entities: frozenset[tuple[str, str]] = frozenset()


@dataclass
class Prediction:
    """What the served model said."""

    intent: str
    confidence: float
    entities: frozenset[tuple[str, str]] = field(default_factory=frozenset)
    #: The best real intent and its confidence, even when the result is a fallback.
    best: tuple[str, float] = ("", 0.0)

    @property
    def effective(self) -> str:
        """The intent as the bot acts on it: a fallback is "not answered" = out of scope."""
        return "out_of_scope" if self.intent == "nlu_fallback" else self.intent


def load_items(project_dir: Path, eval_dir: Path = EVAL_DIR) -> list[Item]:
    """The held-out test set, then the out-of-scope evaluation data (all of it, or an error)."""
    gold_entities: dict[str, frozenset[tuple[str, str]]] = {}
    for example in examples_in(project_dir / TEST_SET):
        pairs = set()
        for _, spec in _ENTITY.findall(example.raw):
            data = json.loads("{" + spec + "}")
            pairs.add((data["entity"], data["value"]))
        gold_entities[example.text] = frozenset(pairs)
    items = []
    with (project_dir / TEST_FORMS).open(encoding="utf-8") as f:
        for row in csv.DictReader(f, delimiter="\t"):
            entities = gold_entities.get(row["text"], frozenset())
            items.append(Item(row["text"], row["intent"], "test", row["form"], entities))
    items += [Item(line, "out_of_scope", "clinc_oos_test") for line in clinc_oos_test(eval_dir)]
    for language in SIB_LANGUAGES:
        for row in sib_rows(language, "test", eval_dir):
            if row["category"] != "travel":
                items.append(Item(row["text"], "out_of_scope", f"sib_test_{language}"))
    return items


async def predict(url: str, token: str, items: list[Item]) -> list[Prediction]:
    """Parse every item through the Rasa server (four requests at a time)."""
    semaphore = asyncio.Semaphore(4)
    async with NLUClient(url, token, timeout=30) as nlu:

        async def one(item: Item) -> Prediction:
            async with semaphore:
                result = await nlu.parse(item.text)
            entities = frozenset((e.entity, e.value) for e in result.entities)
            ranked = [(n, c) for n, c in result.ranking if n != "nlu_fallback"] or [("", 0.0)]
            return Prediction(
                result.intent or "nlu_fallback", result.confidence, entities, ranked[0]
            )

        return list(await asyncio.gather(*(one(item) for item in items)))


def _ratio(numerator: float, denominator: float) -> float:
    return numerator / denominator if denominator else 0.0


def metrics(
    items: list[Item], predictions: list[Prediction], eval_dir: Path | None = EVAL_DIR
) -> dict[str, object]:
    """Every figure of the report."""
    pairs = list(zip(items, predictions, strict=True))
    test = [(i, p) for i, p in pairs if i.dataset == "test"]
    labels = sorted(INTENTS)
    confusion: dict[str, Counter[str]] = {label: Counter() for label in labels}
    for item, pred in test:
        confusion[item.gold][pred.effective] += 1
    per_intent = {}
    for label in labels:
        tp = confusion[label][label]
        predicted = sum(confusion[g][label] for g in labels)
        actual = sum(confusion[label].values())
        precision, recall = _ratio(tp, predicted), _ratio(tp, actual)
        f1 = _ratio(2 * precision * recall, precision + recall)
        per_intent[label] = {"precision": precision, "recall": recall, "f1": f1, "support": actual}
    by_form: dict[str, list[bool]] = defaultdict(list)
    by_language: dict[str, list[bool]] = defaultdict(list)
    for item, pred in test:
        ok = item.gold == pred.effective
        by_form[item.form or "?"].append(ok)
        by_language[FORM_LANGUAGE.get(item.form or "", "?")].append(ok)
    urgent = [item.gold == pred.intent for item, pred in test if item.gold in URGENT]
    # The dialogue acts on an emergency even below the fallback threshold (EMERGENCY_CONFIDENCE).
    acted = [
        item.gold == pred.intent
        or (item.gold == pred.best[0] == "emergency_help" and pred.best[1] >= EMERGENCY_CONFIDENCE)
        for item, pred in test
        if item.gold in URGENT
    ]
    false_accept = {}
    for dataset in sorted({i.dataset for i in items} - {"test"}):
        chosen = [p for i, p in pairs if i.dataset == dataset]
        false_accept[dataset] = _ratio(sum(p.effective in TOPICS for p in chosen), len(chosen))
    tp = sum(len(i.entities & p.entities) for i, p in test)
    found = sum(len(p.entities) for _, p in test)
    gold = sum(len(i.entities) for i, _ in test)
    entity_p, entity_r = _ratio(tp, found), _ratio(tp, gold)
    return {
        "test_examples": len(test),
        "accuracy": _ratio(sum(i.gold == p.effective for i, p in test), len(test)),
        "macro_f1": sum(v["f1"] for v in per_intent.values()) / len(per_intent),
        "per_intent": per_intent,
        "per_form_accuracy": {k: _ratio(sum(v), len(v)) for k, v in sorted(by_form.items())},
        "per_language_accuracy": {
            k: _ratio(sum(v), len(v)) for k, v in sorted(by_language.items())
        },
        "urgent_recall": _ratio(sum(urgent), len(urgent)),
        "urgent_recall_dialogue": _ratio(sum(acted), len(acted)),
        "out_of_scope_false_accept": false_accept,
        "language_id_accuracy_sib_test": language_id_accuracy(eval_dir) if eval_dir else {},
        "entities": {"precision": entity_p, "recall": entity_r,
                     "f1": _ratio(2 * entity_p * entity_r, entity_p + entity_r)},
        "confusion": {g: dict(row) for g, row in confusion.items()},
        "errors": [
            {"text": i.text, "gold": i.gold, "predicted": p.intent,
             "confidence": round(p.confidence, 3), "form": i.form}
            for i, p in test if i.gold != p.effective
        ],
    }  # fmt: skip


def language_id_accuracy(eval_dir: Path = EVAL_DIR) -> dict[str, float]:
    """``detect_language`` on SIB-200 ``test`` (every category), per language."""
    accuracy = {}
    for language in SIB_LANGUAGES:
        rows = sib_rows(language, "test", eval_dir)
        right = sum(detect_language(r["text"]).language == language for r in rows)
        accuracy[language] = _ratio(right, len(rows))
    return accuracy


async def evaluate(
    project: NLUProject, model: Path, eval_dir: Path = EVAL_DIR
) -> dict[str, object]:
    """Serve ``model`` on a free loopback port and compute the figures."""
    items = load_items(project.project_dir, eval_dir)
    async with serving(model, project) as server:
        predictions = await predict(server.url, server.token, items)
    result = metrics(items, predictions, eval_dir)
    result["model"] = model.name
    result["date"] = datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")
    return result
