"""``mrc kb validate``: the articles are complete, sourced and showable on Telegram.

Checks, one problem per line, named by topic and language:

- every required topic (``topics.yml``, ``bot.topics``) has an article with a published
  translation in tg, ru and en;
- sources: at least one, each with a well-formed ``url`` or a ``document`` that exists under
  ``knowledge_base/`` (``sources/<file>``); every
  fact names a known source; every group of digits in a body (numbers, phones, fees, years,
  law numbers) belongs to a fact; uncertain facts mean ``needs_staff_review``;
- related topics exist; review dates are present and in order;
- bodies use only the Markdown that is converted for Telegram (bold, bullets, links), with
  well-formed links, and have a sensible length; each translation is in its own language.
"""

from __future__ import annotations

import re
from pathlib import Path
from urllib.parse import urlsplit

from bot.i18n import LANGUAGES
from bot.kb.files import KB_DIR, Article, load_all
from bot.lang import detect_language
from bot.topics import TOPICS

MIN_BODY, MAX_BODY, MAX_TITLE = 200, 4000, 120
_DIGITS = re.compile(r"\d+")
_LINK = re.compile(r"\[([^\]]*)\]\(([^)]*)\)")
_HTML_TAG = re.compile(r"</?[a-zA-Z][^>]*>")


def _url_ok(url: str) -> bool:
    parts = urlsplit(url)
    return parts.scheme in {"http", "https"} and bool(parts.netloc) and " " not in url


def _document_ok(kb_dir: Path, document: str) -> bool:
    """A cited document exists inside the knowledge base (never a path leading out of it)."""
    path = (kb_dir / document).resolve()
    return path.is_file() and path.is_relative_to(kb_dir.resolve())


def _markdown_problems(body: str) -> list[str]:
    problems = []
    for number, line in enumerate(body.splitlines(), 1):
        stripped = line.lstrip()
        if stripped.startswith("#"):
            problems.append(f"line {number}: '#' headings are not shown on Telegram; use **bold**")
        if stripped.startswith("|"):
            problems.append(f"line {number}: tables are not shown on Telegram")
        if line.startswith((" -", "  -", "\t-")):
            problems.append(f"line {number}: nested lists are not shown on Telegram")
        if line.count("**") % 2:
            problems.append(f"line {number}: unbalanced ** (bold)")
        if "```" in line or "![" in line:
            problems.append(f"line {number}: code blocks and images are not allowed")
    if _HTML_TAG.search(body):
        problems.append("contains HTML tags")
    for text, url in _LINK.findall(body):
        if not text.strip() or not _url_ok(url):
            problems.append(f"malformed link [{text}]({url})")
    return problems


def validate(
    articles: dict[str, Article],
    required: tuple[str, ...] = TOPICS,
    kb_dir: Path = KB_DIR,
) -> list[str]:
    """Every problem found, one line each; an empty list means the knowledge base is valid."""
    problems = [f"{topic}: no article" for topic in required if topic not in articles]
    for topic, article in sorted(articles.items()):
        problems += [f"{topic}: {p}" for p in article_problems(article, articles, kb_dir)]
    return problems


def check(kb_dir: Path = KB_DIR) -> tuple[dict[str, Article], list[str]]:
    """Read the articles under ``kb_dir`` and validate them: ``(articles, problems)``."""
    articles, problems = load_all(kb_dir)
    return articles, problems + validate(articles, kb_dir=kb_dir)


def article_problems(
    article: Article, articles: dict[str, Article], kb_dir: Path = KB_DIR
) -> list[str]:
    """The problems of one article (``articles``: every article, for related topics)."""
    problems = []
    if article.topic not in TOPICS:
        problems.append("not a topic of bot.topics (add it there and to the NLU first)")
    source_ids = {s.id for s in article.sources}
    if not article.sources:
        problems.append("no sources")
    for source in article.sources:
        if source.url is None and source.document is None:
            problems.append(f"source {source.id}: needs a url or a document")
        if source.url is not None and not _url_ok(source.url):
            problems.append(f"source {source.id}: malformed url {source.url!r}")
        if source.document is not None and not _document_ok(kb_dir, source.document):
            problems.append(f"source {source.id}: document {source.document} not found")
    covered: set[str] = set()
    for fact in article.facts:
        covered.update(_DIGITS.findall(fact.value))
        if fact.source not in source_ids:
            problems.append(f"fact {fact.value!r}: unknown source {fact.source!r}")
        if not fact.certain and not article.needs_staff_review:
            problems.append(f"fact {fact.value!r} is uncertain: set needs_staff_review")
    for related in article.related:
        if related == article.topic or related not in articles:
            problems.append(f"related topic {related!r} does not exist")
    if article.last_reviewed is None or article.review_due is None:
        problems.append("last_reviewed and review_due are required")
    elif article.review_due <= article.last_reviewed:
        problems.append("review_due must come after last_reviewed")
    if article.topic == "emergency_help" and not article.urgent:
        problems.append("emergency_help must be marked urgent")
    for language in LANGUAGES:
        translation = article.translations.get(language)
        if translation is None:
            problems.append(f"{language}: missing")
            continue
        where = f"{language}: "
        if translation.status != "published":
            problems.append(where + f"status is {translation.status!r}, not 'published'")
        if not translation.title or len(translation.title) > MAX_TITLE:
            problems.append(where + f"title must have 1-{MAX_TITLE} characters")
        if not MIN_BODY <= len(translation.body) <= MAX_BODY:
            problems.append(where + f"body has {len(translation.body)} characters, "
                            f"not {MIN_BODY}-{MAX_BODY}")  # fmt: skip
        for number in sorted(set(_DIGITS.findall(translation.body)) - covered):
            problems.append(where + f"the number {number} is not listed in facts with a source")
        problems += [where + p for p in _markdown_problems(translation.body)]
        detected = detect_language(translation.body).language
        if detected not in (None, language):
            problems.append(where + f"the text reads as {detected!r}")
    return problems
