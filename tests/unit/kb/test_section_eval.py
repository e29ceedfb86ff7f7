"""The section evaluation's sets and pairs (bot.kb.section_eval)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from bot.kb.files import KB_DIR
from bot.kb.section_eval import SECTIONS_DEV, SECTIONS_TEST, load, topic_switches


@pytest.mark.parametrize(
    ("path", "split"),
    [(SECTIONS_DEV[0], "dev"), (SECTIONS_DEV[1], "dev"), (SECTIONS_TEST, "test")],
    ids=["dev", "dev-b", "test"],
)
def test_every_label_is_a_section_of_its_article(path: Path, split: str) -> None:
    data = load(path, split)
    keys = {
        folder.name: set(re.findall(r"\{#([a-z0-9_]+)", (folder / "en.md").read_text()))
        for folder in KB_DIR.iterdir()
        if (folder / "en.md").exists()
    }
    labelled = [(q.topic, q.section) for q in data.questions] + [
        (f.topic, f.section) for f in data.followups
    ]
    unknown = [pair for pair in labelled if pair[1] not in keys.get(pair[0], set())]
    assert not unknown, unknown[:5]


def test_a_topic_switch_pairs_questions_of_two_topics() -> None:
    data = load(SECTIONS_DEV, "dev")
    pairs = topic_switches(data)
    assert len(pairs) == len(data.general)
    assert all(first.topic != then.topic for first, then in pairs)
    assert pairs == topic_switches(data)  # the same pairs every run


def test_each_split_takes_its_own_out_of_scope_sentences() -> None:
    dev = load(SECTIONS_DEV, "dev").out_of_scope
    test = load(SECTIONS_TEST, "test").out_of_scope
    assert dev
    assert test
    assert not set(dev) & set(test)
    # Requests about other things: the untrained ones in development, CLINC150 held out.
    dev_requests = load(SECTIONS_DEV, "dev").requests
    test_requests = load(SECTIONS_TEST, "test").requests
    assert len(dev_requests) >= 300
    assert len(test_requests) == 1000
    assert not set(dev_requests) & set(test_requests)
    with pytest.raises(ValueError, match="unknown split"):
        load(SECTIONS_DEV, "train")


def test_the_development_split_joins_its_files() -> None:
    each = [load(path, "dev") for path in SECTIONS_DEV]
    both = load(SECTIONS_DEV, "dev")
    assert len(both.questions) == sum(len(d.questions) for d in each)
    assert len(both.followups) == sum(len(d.followups) for d in each)
    assert len(both.general) == sum(len(d.general) for d in each)
    assert both.out_of_scope == each[0].out_of_scope
    assert all(d.followups for d in each)


def test_the_tuning_grid_names_real_settings_and_holds_the_chosen_ones() -> None:
    from bot.kb.section_eval import GRID

    for (module, name), values in GRID.items():
        assert getattr(module, name) in values, name
