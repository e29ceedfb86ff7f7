"""The evaluation data kept in the repository (``tests/nlu/eval-data``, see its README).

CLINC150's out-of-scope test queries and SIB-200's sentences in tg, ru and en. ``*test*`` files
are for evaluation only; ``*dev*`` files belong to ``mrc nlu tune``'s development split. A missing
file is an error, never skipped: an evaluation on less data than the last one would be compared
with it as if it were the same test.
"""

from __future__ import annotations

import csv
from pathlib import Path

from bot import PROJECT_DIR

EVAL_DIR = PROJECT_DIR / "tests" / "nlu" / "eval-data"
#: Language -> SIB-200's name for it.
SIB_LANGUAGES = {"tg": "tgk_Cyrl", "ru": "rus_Cyrl", "en": "eng_Latn"}


class EvalDataMissing(FileNotFoundError):
    """An evaluation file is not where it belongs (a broken checkout)."""


def _path(eval_dir: Path, *parts: str) -> Path:
    path = eval_dir.joinpath(*parts)
    if not path.is_file():
        raise EvalDataMissing(
            f"evaluation data missing: {path} (see tests/nlu/eval-data/README.md)"
        )
    return path


def clinc_oos_test(eval_dir: Path = EVAL_DIR) -> list[str]:
    """CLINC150's out-of-scope test queries (English)."""
    lines = _path(eval_dir, "clinc150", "oos_test.txt").read_text(encoding="utf-8").splitlines()
    return [line.strip() for line in lines if line.strip()]


def sib_rows(language: str, split: str, eval_dir: Path = EVAL_DIR) -> list[dict[str, str]]:
    """SIB-200 rows (``index_id``, ``category``, ``text``) of ``split`` (dev or test)."""
    if split not in {"dev", "test"}:
        raise ValueError(f"only the dev and test splits are kept here, not {split!r}")
    path = _path(eval_dir, "sib200", f"{SIB_LANGUAGES[language]}.{split}.tsv")
    with path.open(encoding="utf-8") as f:
        return list(csv.DictReader(f, delimiter="\t"))
