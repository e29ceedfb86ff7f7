"""The evaluation's arithmetic on a small hand-made case."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot import PROJECT_DIR
from bot.nlu import report
from bot.nlu.evaldata import EvalDataMissing
from bot.nlu.evaluation import Item, Prediction, load_items, metrics
from bot.nlu.tuning import sib_dev_sentences


def test_metrics_count_fallbacks_as_not_answered(tmp_path: Path) -> None:
    items = [
        Item("патент", "work_patent", "test", "tg_cyrl", frozenset({("city", "moscow")})),
        Item("patent", "work_patent", "test", "tg_latn"),
        Item("weather", "out_of_scope", "test", "en"),
        Item("помогите", "emergency_help", "test", "ru_cyrl"),
        Item("football", "out_of_scope", "clinc_oos_test"),
        Item("films", "out_of_scope", "clinc_oos_test"),
    ]
    predictions = [
        Prediction("work_patent", 0.9, frozenset({("city", "moscow"), ("country", "russia")})),
        Prediction("nlu_fallback", 0.3),
        Prediction("nlu_fallback", 0.2),  # a rejected out-of-scope message is right
        Prediction("emergency_help", 0.8),
        Prediction("work_patent", 0.7),  # answered with a topic: a false accept
        Prediction("out_of_scope", 0.9),
    ]
    r = metrics(items, predictions, eval_dir=None)  # no language-ID figures
    assert r["accuracy"] == pytest.approx(3 / 4)
    assert r["per_form_accuracy"] == {"en": 1.0, "ru_cyrl": 1.0, "tg_cyrl": 1.0, "tg_latn": 0.0}
    assert r["per_language_accuracy"] == {"en": 1.0, "ru": 1.0, "tg": 0.5}
    assert r["urgent_recall"] == r["urgent_recall_dialogue"] == 1.0
    assert r["out_of_scope_false_accept"] == {"clinc_oos_test": 0.5}
    assert r["per_intent"]["work_patent"]["recall"] == 0.5
    assert r["per_intent"]["work_patent"]["precision"] == 1.0
    assert r["entities"]["precision"] == 0.5
    assert r["entities"]["recall"] == 1.0
    assert r["confusion"]["work_patent"]["out_of_scope"] == 1
    assert [e["text"] for e in r["errors"]] == ["patent"]
    r.update(model="m.tar.gz", date="today")
    written = report.write(r, tmp_path / "reports")
    assert (tmp_path / "reports" / "nlu-eval.md").read_text().startswith("# NLU evaluation")
    assert tmp_path / "reports" / "nlu-confusion.png" in written


def test_the_evaluation_data_is_complete() -> None:
    items = load_items(PROJECT_DIR)
    datasets = {i.dataset for i in items}
    assert datasets == {"test", "clinc_oos_test", "sib_test_tg", "sib_test_ru", "sib_test_en"}
    test = [i for i in items if i.dataset == "test"]
    assert len(test) >= 400
    assert {i.form for i in test} == {
        "tg_cyrl", "tg_plain", "tg_latn", "ru_cyrl", "ru_latn", "en", "tg_ru_mixed"
    }  # fmt: skip
    assert sum(bool(i.entities) for i in test) > 50


def test_missing_evaluation_data_is_an_error_not_a_smaller_test(tmp_path: Path) -> None:
    """An evaluation on less data would be compared with the last one as if it were the same."""
    with pytest.raises(EvalDataMissing, match=r"oos_test\.txt"):
        load_items(PROJECT_DIR, tmp_path)
    with pytest.raises(EvalDataMissing, match=r"tgk_Cyrl\.dev\.tsv"):
        sib_dev_sentences(tmp_path)
