"""The project's data files agree with the topic spec and with each other."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from bot import PROJECT_DIR
from bot.nlu.evaldata import EVAL_DIR
from bot.topics import CONVERSATION_INTENTS, INTENTS, TOPIC_TITLES

SPEC = PROJECT_DIR / "topics.yml"


@pytest.fixture(scope="module")
def spec() -> dict[str, dict[str, object]]:
    return yaml.safe_load(SPEC.read_text())  # type: ignore[no-any-return]


def nlu_intents() -> dict[str, int]:
    """Intent -> number of training examples, over every file in nlu/."""
    counts: dict[str, int] = {}
    for path in sorted((PROJECT_DIR / "nlu").rglob("*.yml")):
        for block in yaml.safe_load(path.read_text()).get("nlu") or []:
            if "intent" in block:
                lines = [x for x in block["examples"].splitlines() if x.strip().startswith("- ")]
                counts[block["intent"]] = counts.get(block["intent"], 0) + len(lines)
    return counts


def test_every_spec_key_is_a_known_intent(spec: dict[str, dict[str, object]]) -> None:
    assert set(spec["conversation"]) == set(CONVERSATION_INTENTS)
    assert len(spec["topics"]) >= 20
    assert set(spec["topics"]) <= set(TOPIC_TITLES)


def test_every_spec_topic_has_an_article_folder(spec: dict[str, dict[str, object]]) -> None:
    folders = {p.name for p in (PROJECT_DIR / "knowledge_base").iterdir() if p.is_dir()}
    assert set(spec["topics"]) <= folders


def test_domain_lists_exactly_the_intents() -> None:
    domain = yaml.safe_load((PROJECT_DIR / "domain.yml").read_text())
    assert set(domain["intents"]) == set(INTENTS)
    assert set(domain["entities"]) >= {"country", "city"}


def test_every_intent_has_training_data_and_no_other() -> None:
    counts = nlu_intents()
    assert set(counts) == set(INTENTS)
    assert all(n >= 10 for n in counts.values()), counts


def test_training_data_is_split_by_topic() -> None:
    for intent in INTENTS:
        folder = "conversation" if intent in CONVERSATION_INTENTS else "topics"
        assert (PROJECT_DIR / "nlu" / folder / f"{intent}.yml").exists(), intent


def test_no_evaluation_test_data_in_training() -> None:
    """Files named *test* under tests/nlu/eval-data are for evaluation only."""
    test_lines: set[str] = set()
    paths = sorted(EVAL_DIR.rglob("*test*"))
    assert len(paths) == 4, paths  # CLINC150 oos_test and SIB-200 test in tg, ru, en
    for path in paths:
        for line in path.read_text(encoding="utf-8").splitlines():
            text = line.split("\t")[-1].strip().lower()
            if len(text) > 20:
                test_lines.add(text)
    training = "\n".join(p.read_text().lower() for p in (PROJECT_DIR / "nlu").rglob("*.yml"))
    leaked = [t for t in test_lines if t in training]
    assert not leaked, leaked[:5]


def held_out_texts() -> dict[str, str]:
    """Every utterance of the repository's own held-out and development sets -> its file."""
    from bot.nlu.data import examples_in

    texts = {
        e.text: name
        for name in ("tests/nlu/test_nlu.yml", "tests/nlu/dev/out_of_scope.yml")
        for e in examples_in(PROJECT_DIR / name)
    }
    for name in (
        "tests/nlu/test_sections.yml",
        "tests/nlu/dev/sections.yml",
        "tests/nlu/dev/sections_b.yml",
        "tests/nlu/dev/sections_c.yml",
        "tests/nlu/test_facts.yml",
    ):
        data = yaml.safe_load((PROJECT_DIR / name).read_text())
        items = data if isinstance(data, list) else [i for v in data.values() for i in v]
        for item in items:
            for field in ("text", "question", "first", "then"):
                if isinstance(item.get(field), str):
                    texts[item[field]] = name
    return texts


def test_no_held_out_utterance_is_in_the_training_data() -> None:
    """A test or development utterance that is also trained on would flatter the figures."""
    from bot.nlu.data import examples_under

    trained = {
        e.text.strip().lower()
        for folder in ("nlu", "knowledge_base/phrases")  # trained on, or used to choose sections
        for e in examples_under(PROJECT_DIR / folder)
    }
    held_out = held_out_texts()
    assert len(held_out) > 1000
    leaked = [(f, t) for t, f in held_out.items() if t.strip().lower() in trained]
    assert not leaked, leaked[:5]


def test_env_example_lists_every_setting() -> None:
    from bot.settings import Settings

    example = Path(PROJECT_DIR / ".env.example").read_text()
    for name in Settings.model_fields:
        assert f"MRC_{name.upper()}=" in example, name
