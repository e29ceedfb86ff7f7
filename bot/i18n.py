"""Translations (gettext catalogs in ``locales/``, compiled into the package) with Babel.

Every user-facing string is marked with ``_`` (or ``N_`` where it is defined before a language
is known) and translated per user: there is no global "current language".
"""

from __future__ import annotations

import gettext
import logging
import re
from datetime import date, datetime
from functools import cache
from pathlib import Path
from typing import Literal, get_args
from zoneinfo import ZoneInfo

from babel import dates as babel_dates

from bot import PROJECT_DIR

log = logging.getLogger(__name__)

#: The languages the bot speaks (tg first: the default for Tajik migrants).
Language = Literal["tg", "ru", "en"]
LANGUAGES: tuple[Language, ...] = get_args(Language)
#: The MRC's time zone: office hours are in it, and times are shown in it.
TIMEZONE_NAME = "Asia/Dushanbe"
TIMEZONE = ZoneInfo(TIMEZONE_NAME)


def local_today() -> date:
    """Today in Dushanbe (the dashboard's days; the machine's own date can be yesterday's)."""
    return datetime.now(TIMEZONE).date()


DOMAIN = "messages"
#: The catalogs translators edit (``messages.po``): in the checkout, not needed at run time.
SOURCE_DIR = PROJECT_DIR / "locales"
#: The compiled catalogs (``messages.mo``), package data built by ``make`` from ``SOURCE_DIR``;
#: the bot never writes them (it may run from a read-only checkout or an installed package).
COMPILED_DIR = Path(__file__).resolve().parent / "locales"


class CatalogsMissing(RuntimeError):
    """The compiled catalogs are missing (``make`` compiles them)."""


def N_(message: str) -> str:
    """Mark ``message`` for extraction without translating it yet."""
    return message


def compiled_catalog(language: str, compiled_dir: Path = COMPILED_DIR) -> Path:
    """The compiled catalog of ``language``."""
    return compiled_dir / language / "LC_MESSAGES" / f"{DOMAIN}.mo"


def check_catalogs(compiled_dir: Path = COMPILED_DIR, source_dir: Path = SOURCE_DIR) -> list[str]:
    """Start-up check: raise ``CatalogsMissing`` if a translation is not compiled; return a
    warning for each compiled catalog older than its source (the bot then speaks the old one)."""
    missing = [lang for lang in LANGUAGES if not compiled_catalog(lang, compiled_dir).is_file()]
    if missing:
        raise CatalogsMissing(
            f"the translations ({', '.join(missing)}) are not compiled: run 'make setup' "
            "(or 'make i18n' after editing locales/)"
        )
    stale = []
    for language in LANGUAGES:
        source = source_dir / language / "LC_MESSAGES" / f"{DOMAIN}.po"
        mo = compiled_catalog(language, compiled_dir)
        if source.is_file() and mo.stat().st_mtime < source.stat().st_mtime:
            stale.append(f"the compiled {language} catalog is older than {source}: run 'make'")
    return stale


@cache
def translations(language: str, compiled_dir: Path = COMPILED_DIR) -> gettext.NullTranslations:
    """The catalog for ``language``; English is the source language."""
    if language not in LANGUAGES:
        raise ValueError(f"unsupported language {language!r}")
    mo = compiled_catalog(language, compiled_dir)
    if not mo.is_file():
        if language != "en":
            log.error("no compiled catalog for %s (run make); answering in English", language)
        return gettext.NullTranslations()
    with mo.open("rb") as fp:
        return gettext.GNUTranslations(fp)


def format_date(value: date | datetime, language: str, form: str = "long") -> str:
    """A date in words in ``language``. Tajik as it is written: month and weekday names in lower
    case and the day without a leading zero ("1 декабр 2026", not Babel's "01 Декабр 2026")."""
    text = babel_dates.format_date(value, form, locale=language)
    return _tajik_date(text) if language == "tg" else text


def format_datetime(value: datetime, language: str, form: str = "short") -> str:
    """A moment in ``language``, in the time zone ``value`` carries (see ``format_date``)."""
    text = babel_dates.format_datetime(value, form, tzinfo=value.tzinfo, locale=language)
    return _tajik_date(text) if language == "tg" else text


def _tajik_date(text: str) -> str:
    return re.sub(r"(?<![\d:])0(\d)(?![\d:])", r"\1", text.lower())


class Translator:
    """The gettext functions for one language, as ``t.gettext`` / ``t.ngettext``."""

    def __init__(self, language: str) -> None:
        self.language = language
        self._t = translations(language)

    def gettext(self, message: str, **params: object) -> str:
        """Translate ``message`` and fill its ``{placeholders}``."""
        text = self._t.gettext(message)
        return text.format(**params) if params else text

    def pgettext(self, context: str, message: str, **params: object) -> str:
        """Translate a short or ambiguous ``message`` in its ``context`` (e.g. "button")."""
        text = self._t.pgettext(context, message)
        return text.format(**params) if params else text

    def ngettext(self, singular: str, plural: str, n: int, **params: object) -> str:
        """Translate a message with a number in it, in the right plural form."""
        text = self._t.ngettext(singular, plural, n)
        return text.format(n=n, **params)
