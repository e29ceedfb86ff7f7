"""The evaluation report: a one-screen summary, a Markdown file, a confusion-matrix PNG."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

#: The targets of the multilingual-understanding issue, to show next to what was reached.
TARGETS = {"form_accuracy": 0.92, "false_accept": 0.05, "urgent_recall": 0.98, "language_id": 0.97}


def summary(r: dict[str, Any]) -> str:
    """A one-screen summary."""
    lines = [
        f"model {r['model']}  ({r['test_examples']} test messages, {r['date']})",
        f"intent accuracy {r['accuracy']:.3f}   macro F1 {r['macro_f1']:.3f}   "
        f"urgent recall {r['urgent_recall']:.3f} (target {TARGETS['urgent_recall']}; "
        f"{r['urgent_recall_dialogue']:.3f} as the dialogue acts on it)",
        "accuracy per form (target {:.2f}): ".format(TARGETS["form_accuracy"])
        + "  ".join(f"{k} {v:.3f}" for k, v in r["per_form_accuracy"].items()),
        "accuracy per language: "
        + "  ".join(f"{k} {v:.3f}" for k, v in r["per_language_accuracy"].items()),
        "out-of-scope false-accept (target <= {:.2f}): ".format(TARGETS["false_accept"])
        + "  ".join(f"{k} {v:.3f}" for k, v in r["out_of_scope_false_accept"].items()),
        "language ID on SIB-200 test (target {:.2f}): ".format(TARGETS["language_id"])
        + "  ".join(f"{k} {v:.3f}" for k, v in r["language_id_accuracy_sib_test"].items()),
        "entities: P {precision:.3f} R {recall:.3f} F1 {f1:.3f}".format(**r["entities"]),
    ]
    weakest = sorted(r["per_intent"].items(), key=lambda kv: kv[1]["f1"])[:5]
    lines.append("weakest intents: " + ", ".join(f"{k} F1 {v['f1']:.2f}" for k, v in weakest))
    return "\n".join(lines)


def markdown(r: dict[str, Any]) -> str:
    """The full report in Markdown."""
    out = [
        "# NLU evaluation",
        "",
        "```",
        summary(r),
        "```",
        "",
        "## Per intent",
        "",
        "| intent | precision | recall | F1 | support |",
        "| --- | --- | --- | --- | --- |",
    ]
    for name, m in sorted(r["per_intent"].items()):
        out.append(
            f"| {name} | {m['precision']:.3f} | {m['recall']:.3f} | {m['f1']:.3f} | "
            f"{m['support']} |"
        )
    out += ["", "## Confusions (gold -> predicted, count)", ""]
    pairs = sorted(
        ((g, p, n) for g, row in r["confusion"].items() for p, n in row.items() if g != p),
        key=lambda t: -t[2],
    )
    out += [f"- {g} -> {p}: {n}" for g, p, n in pairs] or ["- none"]
    out += [
        "",
        "## Errors on the test set",
        "",
        "| form | gold | predicted | confidence | text |",
        "| --- | --- | --- | --- | --- |",
    ]
    for e in r["errors"]:
        text = e["text"].replace("|", "\\|")
        out.append(f"| {e['form']} | {e['gold']} | {e['predicted']} | {e['confidence']} | {text} |")
    return "\n".join(out) + "\n"  # fmt: skip


def confusion_png(r: dict[str, Any], path: Path) -> bool:
    """Draw the confusion matrix; False when matplotlib is not installed."""
    try:
        import matplotlib

        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError:
        return False
    labels = sorted(r["confusion"])
    matrix = [[r["confusion"][g].get(p, 0) for p in labels] for g in labels]
    fig, ax = plt.subplots(figsize=(12, 11))
    ax.imshow(matrix, cmap="Blues")
    ax.set_xticks(range(len(labels)), labels, rotation=90, fontsize=8)
    ax.set_yticks(range(len(labels)), labels, fontsize=8)
    ax.set_xlabel("predicted (a fallback counts as out_of_scope)")
    ax.set_ylabel("gold")
    for y, row in enumerate(matrix):
        for x, n in enumerate(row):
            if n:
                ax.text(x, y, str(n), ha="center", va="center", fontsize=7,
                        color="white" if n > 10 else "black")  # fmt: skip
    ax.set_title(f"NLU confusion matrix, {r['model']}")
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)
    return True


def write(r: dict[str, Any], reports: Path) -> list[Path]:
    """Write the JSON, Markdown and PNG reports into ``reports``; return their paths."""
    reports.mkdir(parents=True, exist_ok=True)
    paths = [reports / "nlu-eval.json", reports / "nlu-eval.md"]
    paths[0].write_text(json.dumps(r, indent=2, ensure_ascii=False))
    paths[1].write_text(markdown(r), encoding="utf-8")
    if confusion_png(r, reports / "nlu-confusion.png"):
        paths.append(reports / "nlu-confusion.png")
    return paths
