"""The gettext catalogs: complete, not fuzzy, no obsolete entries, placeholders intact."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest
from babel.messages.catalog import Catalog
from babel.messages.pofile import read_po

from bot import PROJECT_DIR
from bot.i18n import LANGUAGES, Translator

PLACEHOLDER = re.compile(r"\{[a-z_]*\}")


def catalog(language: str) -> Catalog:
    with (PROJECT_DIR / "locales" / language / "LC_MESSAGES" / "messages.po").open("rb") as f:
        return read_po(f, locale=language)


@pytest.fixture(scope="module")
def extracted(tmp_path_factory: pytest.TempPathFactory) -> set[str]:
    """The message ids in the code now, extracted as ``make i18n`` does."""
    pot = tmp_path_factory.mktemp("pot") / "messages.pot"
    subprocess.run(
        [sys.executable, "-m", "babel.messages.frontend", "extract", "-F", "babel.cfg",
         "-k", "N_", "--no-location", "-o", str(pot), "bot"],
        cwd=PROJECT_DIR, check=True, capture_output=True,
    )  # fmt: skip
    with pot.open("rb") as f:
        return {str(m.id) for m in read_po(f) if m.id}


@pytest.mark.parametrize("language", LANGUAGES)
def test_catalog_matches_the_code(language: str, extracted: set[str]) -> None:
    ids = {str(m.id) for m in catalog(language) if m.id}
    assert not extracted - ids, f"missing in {language}: run make i18n and translate"
    assert not ids - extracted, f"obsolete in {language}: run make i18n"
    assert not catalog(language).obsolete


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_entry_is_translated_not_fuzzy_and_keeps_placeholders(language: str) -> None:
    problems = []
    for message in catalog(language):
        if not message.id:
            continue
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        if not all(strings):
            problems.append(f"untranslated: {message.id!r}")
        if message.fuzzy:
            problems.append(f"fuzzy: {message.id!r}")
        ids = message.id if isinstance(message.id, tuple) else (message.id,)
        wanted = set(PLACEHOLDER.findall(" ".join(ids)))
        for s in strings:
            if set(PLACEHOLDER.findall(s)) != wanted:
                problems.append(f"placeholders differ: {message.id!r} -> {s!r}")
    assert not problems, "\n".join(problems)


def test_russian_catalog_has_three_plural_forms() -> None:
    assert catalog("ru").num_plurals == 3


def test_translator_formats_placeholders() -> None:
    assert Translator("ru").gettext("The language is now: {language}.", language="x") == (
        "Язык изменён: x."
    )
    assert Translator("tg").gettext("Work patent") == "Патенти корӣ"


def test_unknown_language_is_refused() -> None:
    with pytest.raises(ValueError, match="unsupported language"):
        Translator("de")


def test_compiled_catalogs_are_current() -> None:
    for language in LANGUAGES:
        base = Path(PROJECT_DIR / "locales" / language / "LC_MESSAGES")
        Translator(language)  # compiles if stale
        assert (base / "messages.mo").stat().st_mtime >= (base / "messages.po").stat().st_mtime
