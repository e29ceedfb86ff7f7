"""``mrc kb validate``: the articles are complete, sourced and showable on Telegram.

Checks, one problem per line, named by topic and language (and used again before the console
publishes an edit):

- every required topic (``topics.yml``, ``bot.topics``) has an article with a published
  translation in tg, ru and en;
- sources: at least one; each a page itself (a deep link, not a site's root) or a document
  under ``knowledge_base/``; with the date the page states or the day it was read (not in the
  future); of a known kind;
- facts: each names a live source; a certain fact needs a law, an official or international
  page or a document (a news or lawyer's page leaves it uncertain, which needs
  ``needs_staff_review``); keys are unique in the knowledge base; every group of digits in a
  text (numbers, phones, fees, years, law numbers) is a fact's value;
- the text's ``{{fact:...}}`` name the article's live facts and its ``{{contact:...}}`` the
  registry's live contacts; no misspelt markup; the same section keys in every language;
- related topics exist; review dates are present and in order;
- bodies use only the Markdown that is converted for Telegram (bold, bullets, links), with
  well-formed links, and have a sensible length; each translation is in its own language;
- contacts: a name in tg, ru and en; verified details need their source page, a check date and
  an authoritative kind.
"""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path
from urllib.parse import urlsplit

from bot.i18n import LANGUAGES
from bot.kb.files import (
    AUTHORITATIVE,
    COUNTRIES,
    FACT_KINDS,
    KB_DIR,
    SOURCE_KINDS,
    Article,
    Contact,
    KBFormatError,
    load_all,
    load_contacts,
)
from bot.kb.markup import PLACEHOLDER, SECTION, malformed, references, sections
from bot.lang import detect_language
from bot.topics import TOPICS

MIN_BODY, MAX_BODY, MAX_TITLE = 200, 6000, 120
_DIGITS = re.compile(r"\d+")
_LINK = re.compile(r"\[([^\]]*)\]\(([^)]*)\)")
_HTML_TAG = re.compile(r"</?[a-zA-Z][^>]*>")
_KEY = re.compile(r"[a-z0-9_]{1,64}")


def _url_ok(url: str) -> bool:
    parts = urlsplit(url)
    return parts.scheme in {"http", "https"} and bool(parts.netloc) and " " not in url


def deep_link(url: str) -> bool:
    """Whether ``url`` names a page, not only a site (``https://мвд.рф`` is not a source)."""
    parts = urlsplit(url)
    return parts.path.strip("/") != "" or bool(parts.query)


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
    contacts: dict[str, Contact] | None = None,
    today: dt.date | None = None,
) -> list[str]:
    """Every problem found, one line each; an empty list means the knowledge base is valid."""
    contacts = contacts if contacts is not None else {}
    problems = [f"{topic}: no article" for topic in required if topic not in articles]
    for topic, article in sorted(articles.items()):
        found = article_problems(article, articles, kb_dir, contacts, today)
        problems += [f"{topic}: {p}" for p in found]
    problems += [f"contacts: {p}" for p in contact_problems(contacts, today)]
    return problems


def check(kb_dir: Path = KB_DIR) -> tuple[dict[str, Article], list[str]]:
    """Read the articles and contacts under ``kb_dir`` and validate them: ``(articles,
    problems)``."""
    articles, problems = load_all(kb_dir)
    try:
        contacts = load_contacts(kb_dir)
    except KBFormatError as exc:
        return articles, [*problems, str(exc)]
    return articles, problems + validate(articles, kb_dir=kb_dir, contacts=contacts)


def _source_problems(article: Article, kb_dir: Path, today: dt.date) -> list[str]:
    problems = []
    if not [s for s in article.sources if not s.retired]:
        problems.append("no sources")
    ids = [s.id for s in article.sources]
    for duplicate in sorted({i for i in ids if ids.count(i) > 1}):
        problems.append(f"source {duplicate}: the id is used twice")
    for source in article.sources:
        where = f"source {source.id}: "
        if source.url is None and source.document is None:
            problems.append(where + "needs a url or a document")
        if source.url is not None and not _url_ok(source.url):
            problems.append(where + f"malformed url {source.url!r}")
        elif source.url is not None and not deep_link(source.url):
            problems.append(where + f"link the page itself, not the site: {source.url}")
        if source.document is not None and not _document_ok(kb_dir, source.document):
            problems.append(where + f"document {source.document} not found")
        if source.kind not in SOURCE_KINDS:
            problems.append(where + f"kind must be one of {', '.join(SOURCE_KINDS)}")
        if source.published is None and source.accessed is None:
            problems.append(where + "needs the date the page states (published) or the day it "
                            "was read (accessed)")  # fmt: skip
        for name in ("published", "accessed"):
            day = getattr(source, name)
            if day is not None and day > today:
                problems.append(where + f"{name} {day} is in the future")
    return problems


def _fact_problems(article: Article, today: dt.date) -> list[str]:
    problems = []
    sources = {s.id: s for s in article.sources}
    for fact in article.facts:
        where = f"fact {fact.key or repr(fact.value)}: "
        source = sources.get(fact.source)
        if source is None:
            problems.append(where + f"unknown source {fact.source!r}")
        elif source.retired and not fact.retired:
            problems.append(where + f"its source {fact.source!r} is retired")
        elif fact.certain and source.kind not in AUTHORITATIVE:
            problems.append(
                where + f"certain, but its source is a {source.kind} page: a law, an official "
                "page or a document must say it (else certain: false)"
            )
        if not fact.certain and not fact.retired and not article.needs_staff_review:
            problems.append(where + "uncertain: set needs_staff_review")
        if fact.key is not None and not _KEY.fullmatch(fact.key):
            problems.append(where + "a key has only a-z, 0-9 and _")
        if fact.kind not in FACT_KINDS:
            problems.append(where + f"kind must be one of {', '.join(FACT_KINDS)}")
        if fact.kind == "number" and not re.fullmatch(r"-?\d[\d ]*(\.\d+)?", fact.value):
            problems.append(where + "a number fact's value is digits (e.g. 10000 or 2.842)")
        if fact.kind == "date":
            try:
                dt.date.fromisoformat(fact.value)
            except ValueError:
                problems.append(where + "a date fact's value is YYYY-MM-DD")
        if fact.country is not None and fact.country not in COUNTRIES:
            problems.append(where + f"country must be one of {', '.join(COUNTRIES)}")
        if fact.checked is not None and fact.checked > today:
            problems.append(where + f"checked {fact.checked} is in the future")
    return problems


def article_problems(
    article: Article,
    articles: dict[str, Article],
    kb_dir: Path = KB_DIR,
    contacts: dict[str, Contact] | None = None,
    today: dt.date | None = None,
) -> list[str]:
    """The problems of one article (``articles``: every article, for related topics and the
    uniqueness of fact keys; ``contacts``: the registry)."""
    today = today or dt.date.today()
    contacts = contacts if contacts is not None else {}
    problems = []
    if article.topic not in TOPICS:
        problems.append("not a topic of bot.topics (add it there and to the NLU first)")
    problems += _source_problems(article, kb_dir, today)
    problems += _fact_problems(article, today)
    keys = [f.key for f in article.facts if f.key]
    elsewhere = {f.key for a in articles.values() if a.topic != article.topic for f in a.facts}
    for key in sorted({k for k in keys if keys.count(k) > 1 or k in elsewhere}):
        problems.append(f"fact {key}: the key is used by another fact")
    live_facts = {f.key for f in article.facts if f.key and not f.retired}
    covered = {d for f in article.facts if not f.retired for d in _DIGITS.findall(f.value)}
    for related in article.related:
        if related == article.topic or related not in articles:
            problems.append(f"related topic {related!r} does not exist")
    if article.last_reviewed is None or article.review_due is None:
        problems.append("last_reviewed and review_due are required")
    elif article.review_due <= article.last_reviewed:
        problems.append("review_due must come after last_reviewed")
    if article.topic == "emergency_help" and not article.urgent:
        problems.append("emergency_help must be marked urgent")
    section_keys: dict[str, list[str]] = {}
    for language in LANGUAGES:
        translation = article.translations.get(language)
        if translation is None:
            problems.append(f"{language}: missing")
            continue
        where = f"{language}: "
        body = translation.body
        if translation.status != "published":
            problems.append(where + f"status is {translation.status!r}, not 'published'")
        if not translation.title or len(translation.title) > MAX_TITLE:
            problems.append(where + f"title must have 1-{MAX_TITLE} characters")
        if not MIN_BODY <= len(body) <= MAX_BODY:
            problems.append(where + f"body has {len(body)} characters, not {MIN_BODY}-{MAX_BODY}")
        text = PLACEHOLDER.sub(" ", SECTION.sub(lambda m: f"**{m.group('title')}**", body))
        visible = _LINK.sub(lambda m: m.group(1), text)  # a link's address is not read out
        for number in sorted(set(_DIGITS.findall(visible)) - covered):
            problems.append(where + f"the number {number} is not listed in facts with a source")
        for kind, key in references(body):
            if kind == "fact" and key not in live_facts:
                problems.append(where + f"{{{{fact:{key}}}}} is not one of the article's facts")
            if kind == "contact" and (key not in contacts or contacts[key].retired):
                problems.append(where + f"{{{{contact:{key}}}}} is not in the contacts registry")
        problems += [where + f"markup not understood: {bad}" for bad in malformed(body)]
        problems += [where + p for p in _markdown_problems(text)]
        parts = sections(body)
        keys_here = [s.key for s in parts]
        for duplicate in sorted({k for k in keys_here if keys_here.count(k) > 1}):
            problems.append(where + f"section {duplicate!r} appears twice")
        problems += [
            where + f"section {s.key!r}: country must be one of {', '.join(COUNTRIES)}"
            for s in parts
            if s.country is not None and s.country not in COUNTRIES
        ]
        section_keys[language] = keys_here
        detected = detect_language(text).language
        if detected not in (None, language):
            problems.append(where + f"the text reads as {detected!r}")
    if len({tuple(sorted(k)) for k in section_keys.values()}) > 1:
        shown = "; ".join(f"{lang}: {', '.join(k) or '-'}" for lang, k in section_keys.items())
        problems.append(f"the languages have different sections ({shown})")
    return problems


def contact_problems(contacts: dict[str, Contact], today: dt.date | None = None) -> list[str]:
    """The registry's problems, one line each."""
    today = today or dt.date.today()
    problems = []
    for key, contact in sorted(contacts.items()):
        where = f"{key}: "
        if not _KEY.fullmatch(key):
            problems.append(where + "a key has only a-z, 0-9 and _")
        if set(contact.name) != set(LANGUAGES):
            problems.append(where + "needs a name in tg, ru and en")
        if contact.source_url is not None and (
            not _url_ok(contact.source_url) or not deep_link(contact.source_url)
        ):
            problems.append(where + f"the source must be a page itself: {contact.source_url}")
        if contact.source_kind not in SOURCE_KINDS:
            problems.append(where + f"source_kind must be one of {', '.join(SOURCE_KINDS)}")
        if contact.country is not None and contact.country not in COUNTRIES:
            problems.append(where + f"country must be one of {', '.join(COUNTRIES)}")
        if contact.checked is not None and contact.checked > today:
            problems.append(where + f"checked {contact.checked} is in the future")
        if contact.website is not None and not _url_ok(contact.website):
            problems.append(where + f"malformed website {contact.website!r}")
        if contact.verified and not (
            contact.source_url and contact.checked and contact.source_kind in AUTHORITATIVE
        ):
            problems.append(where + "verified details need their source page (law, official or "
                            "international), and the day they were checked")  # fmt: skip
    return problems
