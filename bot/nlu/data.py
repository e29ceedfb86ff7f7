"""Reading Rasa NLU YAML files as plain examples (text without entity markup, intent)."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import yaml

#: ``[Маскав]{"entity": "city", "value": "moscow"}`` or ``[Маскав](city)`` -> ``Маскав``.
_ANNOTATION = re.compile(r"\[([^\]]+)\](?:\{[^}]*\}|\([^)]*\))")


@dataclass(frozen=True, slots=True)
class Example:
    """One training or test utterance."""

    intent: str
    text: str
    #: The line as written, with entity annotations.
    raw: str
    source: Path


def plain_text(annotated: str) -> str:
    """The utterance without Rasa's entity annotations."""
    return _ANNOTATION.sub(r"\1", annotated).strip()


def examples_in(path: Path) -> Iterator[Example]:
    """The intent examples of one Rasa YAML file, in file order."""
    data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    for block in data.get("nlu") or []:
        if "intent" not in block:
            continue
        for line in str(block.get("examples", "")).splitlines():
            stripped = line.strip()
            if stripped.startswith("- "):
                raw = stripped[2:].strip()
                yield Example(block["intent"], plain_text(raw), raw, path)


def examples_under(folder: Path) -> list[Example]:
    """Every intent example in the YAML files under ``folder``."""
    return [ex for path in sorted(folder.rglob("*.yml")) for ex in examples_in(path)]
