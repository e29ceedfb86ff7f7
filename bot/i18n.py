"""Translations (gettext catalogs in ``locales/``) and locale-aware formatting with Babel.

Every user-facing string is marked with ``_`` (or ``N_`` where it is defined before a language
is known) and translated per user: there is no global "current language".
"""

from __future__ import annotations

import gettext
import logging
from functools import cache
from pathlib import Path

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po

from bot import PROJECT_DIR

log = logging.getLogger(__name__)

LANGUAGES = ("tg", "ru", "en")
LOCALES_DIR = PROJECT_DIR / "locales"
DOMAIN = "messages"


def N_(message: str) -> str:
    """Mark ``message`` for extraction without translating it yet."""
    return message


def _ensure_compiled(language: str, locales_dir: Path) -> Path | None:
    """Compile ``messages.po`` to ``messages.mo`` if the compiled file is missing or stale."""
    base = locales_dir / language / "LC_MESSAGES"
    po, mo = base / f"{DOMAIN}.po", base / f"{DOMAIN}.mo"
    if not po.exists():
        return None
    if not mo.exists() or mo.stat().st_mtime < po.stat().st_mtime:
        with po.open("rb") as src:
            catalog = read_po(src, locale=language)
        with mo.open("wb") as dst:
            write_mo(dst, catalog)
    return mo


@cache
def translations(language: str, locales_dir: Path = LOCALES_DIR) -> gettext.NullTranslations:
    """The catalog for ``language``; English is the source language."""
    if language not in LANGUAGES:
        raise ValueError(f"unsupported language {language!r}")
    mo = _ensure_compiled(language, locales_dir)
    if mo is None:
        if language != "en":
            log.warning("no catalog for %s; answering in English", language)
        return gettext.NullTranslations()
    with mo.open("rb") as fp:
        return gettext.GNUTranslations(fp)


class Translator:
    """The gettext functions for one language, as ``t.gettext`` / ``t.ngettext``."""

    def __init__(self, language: str) -> None:
        self.language = language
        self._t = translations(language)

    def gettext(self, message: str, **params: object) -> str:
        """Translate ``message`` and fill its ``{placeholders}``."""
        text = self._t.gettext(message)
        return text.format(**params) if params else text

    def ngettext(self, singular: str, plural: str, n: int, **params: object) -> str:
        """Translate a message with a number in it, in the right plural form."""
        text = self._t.ngettext(singular, plural, n)
        return text.format(n=n, **params)
