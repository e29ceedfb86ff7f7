"""The knowledge base as files: ``knowledge_base/<topic>/meta.yml`` and ``<topic>/{tg,ru,en}.md``,
and the contacts registry ``knowledge_base/contacts.yml``.

``meta.yml`` holds what is common to the three languages: the sources (each a page itself, with
the date it states or the day it was read, and what kind of page it is), the facts (every
number, deadline, fee or rule an article states, each with its source, whether it is certain,
and when it was last checked), related topics and review dates. Each ``<lang>.md`` has a YAML
front matter (``title``, ``status``) and a Markdown body in the subset Telegram can show, with
``{{fact:key}}`` and ``{{contact:key}}`` where a fact's value or a contact is shown.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import Any

import yaml

from bot import PROJECT_DIR
from bot.i18n import LANGUAGES

KB_DIR = PROJECT_DIR / "knowledge_base"
#: Copies of the documents facts cite (``document: sources/<file>``); not an article.
SOURCES = "sources"
#: The folder of sub-questions used to choose a section (not an article).
PHRASES = "phrases"
CONTACTS_FILE = "contacts.yml"

#: What kind of page a source is. Facts only a news or lawyer's page supports stay uncertain.
SOURCE_KINDS = ("law", "official", "international", "news", "lawyer", "document", "other")
#: Kinds whose word is enough for a fact to be certain.
AUTHORITATIVE = frozenset({"law", "official", "international", "document"})
#: How a fact's value is shown: as written, a number in the reader's locale, or a date.
FACT_KINDS = ("text", "number", "date", "phone")
COUNTRIES = ("russia", "kazakhstan", "tajikistan")


#: A fact's fields written to meta.yml even when they have their default.
FACT_FIELDS_ALWAYS = frozenset({"value", "claim", "source", "certain"})


class KBFormatError(ValueError):
    """An article file cannot be read; the message names the file."""


@dataclass(frozen=True)
class Source:
    """Where facts come from: one web page (never a site's root) or a document in ``sources/``."""

    id: str
    title: str
    url: str | None = None
    document: str | None = None
    kind: str = "other"
    #: The date the page states (publication, edition), if it states one.
    published: dt.date | None = None
    #: The day the page was read.
    accessed: dt.date | None = None
    retired: bool = False


@dataclass(frozen=True)
class Fact:
    """A number, deadline, fee, rule or contact detail in an article, and its source."""

    value: str
    claim: str
    source: str
    certain: bool = True
    #: The name ``{{fact:key}}`` uses in the text (unique in the knowledge base).
    key: str | None = None
    kind: str = "text"
    #: When it was last checked against its source.
    checked: dt.date | None = None
    #: The country it is about, if it is about one.
    country: str | None = None
    retired: bool = False


@dataclass(frozen=True)
class Translation:
    """An article in one language."""

    language: str
    title: str
    body: str
    status: str = "published"


@dataclass
class Article:
    """One topic's article, in up to three languages."""

    topic: str
    urgent: bool = False
    countries: list[str] = field(default_factory=list)
    related: list[str] = field(default_factory=list)
    last_reviewed: dt.date | None = None
    review_due: dt.date | None = None
    needs_staff_review: bool = False
    review_notes: list[str] = field(default_factory=list)
    sources: list[Source] = field(default_factory=list)
    facts: list[Fact] = field(default_factory=list)
    translations: dict[str, Translation] = field(default_factory=dict)

    def meta(self) -> dict[str, Any]:
        """``meta.yml`` as a mapping (for writing files back)."""
        return {
            "topic": self.topic,
            "urgent": self.urgent,
            "countries": self.countries,
            "related": self.related,
            "last_reviewed": self.last_reviewed,
            "review_due": self.review_due,
            "needs_staff_review": self.needs_staff_review,
            "review_notes": self.review_notes,
            "sources": [_mapping(s, keep={"id", "title"}) for s in self.sources],
            "facts": [_mapping(f, keep=FACT_FIELDS_ALWAYS) for f in self.facts],
        }


@dataclass(frozen=True)
class Phone:
    """A phone number, with what it is for in tg, ru and en (e.g. "police")."""

    number: str
    label: dict[str, str] = field(default_factory=dict)

    def as_data(self) -> str | dict[str, Any]:
        return {"number": self.number, "label": self.label} if self.label else self.number

    @classmethod
    def of(cls, data: object, where: str) -> Phone:
        if isinstance(data, dict):
            return cls(str(data["number"]), _texts(data.get("label"), where))
        return cls(str(data))


@dataclass(frozen=True)
class Contact:
    """An organisation's contact details (the registry articles name by key). A contact whose
    details are not verified is never shown: the text says to ask a person instead."""

    key: str
    #: Its name in tg, ru and en.
    name: dict[str, str]
    group: str = "other"
    country: str | None = None
    phones: tuple[Phone, ...] = ()
    #: Address and opening hours in tg, ru and en (each may be missing).
    address: dict[str, str] = field(default_factory=dict)
    hours: dict[str, str] = field(default_factory=dict)
    email: str | None = None
    website: str | None = None
    telegram: str | None = None
    #: Where the details come from: the page itself, what kind of page, its date.
    source_title: str = ""
    source_url: str | None = None
    source_kind: str = "other"
    checked: dt.date | None = None
    review_due: dt.date | None = None
    verified: bool = False
    retired: bool = False
    notes: tuple[str, ...] = ()

    def details(self) -> bool:
        """Whether there is anything to show besides the name."""
        return bool(
            self.phones or self.address or self.hours or self.email or self.website
            or self.telegram
        )  # fmt: skip

    def shown(self) -> bool:
        """Whether migrants are shown these details."""
        return self.verified and not self.retired and self.details()

    def as_mapping(self) -> dict[str, Any]:
        data = _mapping(self, keep={"key", "name", "verified"})
        if "phones" in data:
            data["phones"] = [p.as_data() for p in self.phones]
        if "notes" in data:
            data["notes"] = list(data["notes"])
        return data


def _mapping(item: Any, keep: set[str] | frozenset[str]) -> dict[str, Any]:
    """The item's fields for YAML: defaults left out (but those in ``keep``)."""
    out = {}
    for f in fields(item):
        value = getattr(item, f.name)
        if f.name in keep or (value != f.default and value not in ((), {}, None)):
            out[f.name] = value
    return out


def _date(value: object, where: str) -> dt.date | None:
    if value is None or isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value))
    except ValueError:
        raise KBFormatError(f"{where}: not a date (YYYY-MM-DD): {value!r}") from None


def _texts(value: object, where: str) -> dict[str, str]:
    if value is None:
        return {}
    if not isinstance(value, dict) or any(k not in LANGUAGES for k in value):
        raise KBFormatError(f"{where}: must map tg, ru, en to texts")
    return {str(k): str(v) for k, v in value.items() if v}


def split_front_matter(text: str, where: str) -> tuple[dict[str, Any], str]:
    """``(front matter, body)`` of a Markdown file that starts with ``---``."""
    if not text.startswith("---\n"):
        raise KBFormatError(f"{where}: must start with a '---' front matter")
    end = text.find("\n---\n", 4)
    if end < 0:
        raise KBFormatError(f"{where}: the front matter is not closed with '---'")
    try:
        front = yaml.safe_load(text[4:end]) or {}
    except yaml.YAMLError as exc:
        raise KBFormatError(f"{where}: front matter is not valid YAML ({exc})") from None
    if not isinstance(front, dict):
        raise KBFormatError(f"{where}: front matter must be a mapping")
    return front, text[end + 5 :].strip()


def _source(data: dict[str, Any], where: str) -> Source:
    return Source(
        **{
            **data,
            "published": _date(data.get("published"), where),
            "accessed": _date(data.get("accessed"), where),
        }
    )


def _fact(data: dict[str, Any], where: str) -> Fact:
    checked = _date(data.get("checked"), where)
    return Fact(**{**data, "value": str(data["value"]), "checked": checked})


def load_article(folder: Path) -> Article:
    """Read one topic's folder; raise ``KBFormatError`` if a file is malformed."""
    meta_path = folder / "meta.yml"
    where = f"{folder.name}/meta.yml"
    try:
        meta = yaml.safe_load(meta_path.read_text(encoding="utf-8")) or {}
    except FileNotFoundError:
        raise KBFormatError(f"{folder.name}: meta.yml is missing") from None
    except yaml.YAMLError as exc:
        raise KBFormatError(f"{where}: not valid YAML ({exc})") from None
    if not isinstance(meta, dict):
        raise KBFormatError(f"{where}: must be a mapping")
    try:
        article = Article(
            topic=str(meta.get("topic") or folder.name),
            urgent=bool(meta.get("urgent", False)),
            countries=[str(c) for c in meta.get("countries") or []],
            related=[str(r) for r in meta.get("related") or []],
            last_reviewed=_date(meta.get("last_reviewed"), where),
            review_due=_date(meta.get("review_due"), where),
            needs_staff_review=bool(meta.get("needs_staff_review", False)),
            review_notes=[str(n) for n in meta.get("review_notes") or []],
            sources=[_source(s, where) for s in meta.get("sources") or []],
            facts=[_fact(f, where) for f in meta.get("facts") or []],
        )
    except (TypeError, KeyError) as exc:
        raise KBFormatError(f"{where}: unexpected or missing field ({exc})") from None
    for language in LANGUAGES:
        path = folder / f"{language}.md"
        if path.exists():
            front, body = split_front_matter(
                path.read_text(encoding="utf-8"), f"{folder.name}/{path.name}"
            )
            article.translations[language] = Translation(
                language, str(front.get("title", "")), body, str(front.get("status", "draft"))
            )
    return article


def load_all(kb_dir: Path = KB_DIR) -> tuple[dict[str, Article], list[str]]:
    """Every article under ``kb_dir`` by topic, and the problems of files that could not be read."""
    articles: dict[str, Article] = {}
    problems: list[str] = []
    folders = (p for p in kb_dir.iterdir() if p.is_dir() and p.name not in (SOURCES, PHRASES))
    for folder in sorted(folders):
        try:
            article = load_article(folder)
        except KBFormatError as exc:
            problems.append(str(exc))
            continue
        articles[article.topic] = article
    return articles, problems


def load_contacts(kb_dir: Path = KB_DIR) -> dict[str, Contact]:
    """The contacts registry (empty when there is no file); ``KBFormatError`` if malformed."""
    path = kb_dir / CONTACTS_FILE
    if not path.exists():
        return {}
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    except yaml.YAMLError as exc:
        raise KBFormatError(f"{CONTACTS_FILE}: not valid YAML ({exc})") from None
    contacts: dict[str, Contact] = {}
    for entry in data.get("contacts") or []:
        where = f"{CONTACTS_FILE}: {entry.get('key', '?') if isinstance(entry, dict) else '?'}"
        try:
            contact = Contact(
                **{
                    **entry,
                    "name": _texts(entry.get("name"), where),
                    "address": _texts(entry.get("address"), where),
                    "hours": _texts(entry.get("hours"), where),
                    "phones": tuple(Phone.of(p, where) for p in entry.get("phones") or ()),
                    "notes": tuple(str(n) for n in entry.get("notes") or ()),
                    "checked": _date(entry.get("checked"), where),
                    "review_due": _date(entry.get("review_due"), where),
                }
            )
        except (TypeError, AttributeError, KeyError) as exc:
            raise KBFormatError(f"{where}: unexpected or missing field ({exc})") from None
        if contact.key in contacts:
            raise KBFormatError(f"{where}: the key is used twice")
        contacts[contact.key] = contact
    return contacts


def write_contacts(contacts: dict[str, Contact], kb_dir: Path = KB_DIR) -> Path:
    """Write the registry back (``mrc kb export``)."""
    path = kb_dir / CONTACTS_FILE
    header = (
        "# The contacts registry: organisations' contact details, named in articles as\n"
        "# {{contact:key}}. Only verified details are shown to migrants; every value has its\n"
        "# source (the page itself) and the day it was checked. Edited in the staff console;\n"
        "# `mrc kb export` writes it back here.\n"
    )
    body = yaml.safe_dump(
        {"contacts": [c.as_mapping() for c in contacts.values()]},
        allow_unicode=True, sort_keys=False, width=100,
    )  # fmt: skip
    path.write_text(header + body, encoding="utf-8")
    return path


def write_article(article: Article, kb_dir: Path = KB_DIR) -> Path:
    """Write ``article`` back as files (``mrc kb export``); return its folder."""
    folder = kb_dir / article.topic
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "meta.yml").write_text(
        yaml.safe_dump(article.meta(), allow_unicode=True, sort_keys=False, width=100),
        encoding="utf-8",
    )
    for language, translation in article.translations.items():
        front = yaml.safe_dump(
            {"title": translation.title, "status": translation.status},
            allow_unicode=True, sort_keys=False, width=1000,
        )  # fmt: skip
        text = f"---\n{front}---\n{translation.body.strip()}\n"
        (folder / f"{language}.md").write_text(text, encoding="utf-8")
    return folder
