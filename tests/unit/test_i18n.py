"""The gettext catalogs: complete, not fuzzy, no obsolete entries, placeholders intact."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from babel.messages.catalog import Catalog
from babel.messages.pofile import read_po

from bot import PROJECT_DIR
from bot.i18n import (
    LANGUAGES,
    SOURCE_DIR,
    CatalogsMissing,
    Translator,
    check_catalogs,
    compiled_catalog,
    translations,
)

PLACEHOLDER = re.compile(r"\{[a-z_]*\}")


def catalog(language: str) -> Catalog:
    with (SOURCE_DIR / language / "LC_MESSAGES" / "messages.po").open("rb") as f:
        return read_po(f, locale=language)


@pytest.fixture(scope="module")
def template(tmp_path_factory: pytest.TempPathFactory) -> Catalog:
    """The messages in the code now, extracted as ``make i18n`` does."""
    pot = tmp_path_factory.mktemp("pot") / "messages.pot"
    subprocess.run(
        [sys.executable, "-m", "babel.messages.frontend", "extract", "-F", "babel.cfg",
         "-k", "N_", "--add-comments=TRANSLATORS:", "--no-location", "-o", str(pot), "bot"],
        cwd=PROJECT_DIR, check=True, capture_output=True,
    )  # fmt: skip
    with pot.open("rb") as f:
        return read_po(f)


def _keys(catalog: Catalog) -> set[tuple[str | None, str]]:
    return {(m.context, str(m.id)) for m in catalog if m.id}


@pytest.mark.parametrize("language", LANGUAGES)
def test_catalog_matches_the_code(language: str, template: Catalog) -> None:
    extracted, ids = _keys(template), _keys(catalog(language))
    assert not extracted - ids, f"missing in {language}: run make i18n and translate"
    assert not ids - extracted, f"obsolete in {language}: run make i18n"
    assert not catalog(language).obsolete


def test_short_messages_have_a_context_or_a_comment_for_translators(template: Catalog) -> None:
    """ "Topics", "Back" or "Yes" alone can be translated several ways: a msgctxt ("button")
    or a translator comment says which is meant."""
    bare = [
        str(m.id)
        for m in template
        if m.id
        and not isinstance(m.id, tuple)
        and len(_words(str(m.id))) <= 2
        and not m.context
        and not m.auto_comments
    ]
    assert not bare, bare


def _words(message: str) -> list[str]:
    """The words of ``message``, without placeholders and emoji."""
    return [w for w in PLACEHOLDER.sub("", message).split() if re.search(r"\w", w)]


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


def test_translator_formats_placeholders_and_contexts() -> None:
    ru = Translator("ru")
    template = ru.gettext("The language is now: {language}.")
    assert "{language}" in template
    assert template != "The language is now: {language}."
    assert ru.gettext("The language is now: {language}.", language="x") == template.format(
        language="x"
    )
    assert Translator("en").pgettext("button", "Topics") == "Topics"
    assert ru.pgettext("button", "Topics") != "Topics"  # translated in its context


def test_unknown_language_is_refused() -> None:
    with pytest.raises(ValueError, match="unsupported language"):
        Translator("de")


def test_compiled_catalogs_are_current_package_data() -> None:
    """make compiles locales/*.po into the package; the bot never compiles them itself."""
    assert check_catalogs() == []  # none missing, none older than its source
    for language in LANGUAGES:
        mo = compiled_catalog(language)
        assert mo.is_relative_to(PROJECT_DIR / "bot")
        source = SOURCE_DIR / language / "LC_MESSAGES" / "messages.po"
        assert mo.stat().st_mtime >= source.stat().st_mtime


def test_missing_or_stale_catalogs_are_reported_never_written(tmp_path: Path) -> None:
    with pytest.raises(CatalogsMissing, match="not compiled"):
        check_catalogs(tmp_path / "compiled", SOURCE_DIR)
    for language in LANGUAGES:  # compiled long ago, sources newer
        mo = compiled_catalog(language, tmp_path / "compiled")
        mo.parent.mkdir(parents=True)
        mo.write_bytes(compiled_catalog(language).read_bytes())
        os.utime(mo, (0, 0))
    assert len(check_catalogs(tmp_path / "compiled", SOURCE_DIR)) == len(LANGUAGES)
    translations.cache_clear()
    try:
        assert translations("ru", tmp_path / "compiled").gettext("Choose a subject:") != (
            "Choose a subject:"
        )
        assert os.stat(compiled_catalog("ru", tmp_path / "compiled")).st_mtime == 0  # untouched
        missing = translations("ru", tmp_path / "nowhere")  # logged, English meanwhile
        assert missing.gettext("Choose a subject:") == "Choose a subject:"
    finally:
        translations.cache_clear()
