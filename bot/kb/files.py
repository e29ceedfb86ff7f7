"""Articles as files: ``knowledge_base/<topic>/meta.yml`` and ``<topic>/{tg,ru,en}.md``.

``meta.yml`` holds what is common to the three languages (sources, facts with their sources,
related topics, review dates); each ``<lang>.md`` has a YAML front matter (``title``,
``status``) and a Markdown body in the subset Telegram can show.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from bot import PROJECT_DIR
from bot.i18n import LANGUAGES

KB_DIR = PROJECT_DIR / "knowledge_base"
#: Copies of the documents facts cite (``document: sources/<file>``); not an article.
SOURCES = "sources"


class KBFormatError(ValueError):
    """An article file cannot be read; the message names the file."""


@dataclass(frozen=True)
class Source:
    """Where a fact comes from: a web page or a document."""

    id: str
    title: str
    url: str | None = None
    document: str | None = None


@dataclass(frozen=True)
class Fact:
    """A number, rule or contact in an article, and the source it comes from."""

    value: str
    claim: str
    source: str
    certain: bool = True


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
            "sources": [{k: v for k, v in vars(s).items() if v is not None} for s in self.sources],
            "facts": [vars(f) for f in self.facts],
        }


def _date(value: object, where: str) -> dt.date | None:
    if value is None or isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value))
    except ValueError:
        raise KBFormatError(f"{where}: not a date (YYYY-MM-DD): {value!r}") from None


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


def load_article(folder: Path) -> Article:
    """Read one topic's folder; raise ``KBFormatError`` if a file is malformed."""
    meta_path = folder / "meta.yml"
    where = (
        str(meta_path.relative_to(folder.parent.parent)) if folder.parent.parent else str(meta_path)
    )
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
            sources=[Source(**s) for s in meta.get("sources") or []],
            facts=[Fact(**{**f, "value": str(f["value"])}) for f in meta.get("facts") or []],
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
    for folder in sorted(p for p in kb_dir.iterdir() if p.is_dir() and p.name != SOURCES):
        try:
            article = load_article(folder)
        except KBFormatError as exc:
            problems.append(str(exc))
            continue
        articles[article.topic] = article
    return articles, problems


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
