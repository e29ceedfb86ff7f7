"""What an article's text may contain beyond Telegram's Markdown, and how it is shown.

- **Sections**: a line that is only a bold heading, with a key and optionally a country,
  starts a section: ``**Documents** {#documents}``, ``**In Kazakhstan** {#registration_kz
  country=kazakhstan}``. The keys are the same in every language. Text before the first heading
  is the overview. A section with a country is shown only to someone asking about that
  country; one without, to everyone.
- **Facts**: ``{{fact:key}}`` shows the value of the article's fact ``key``, formatted for the
  reader's language (a number with the locale's separators, a date in words). A fee changed in
  the console changes in every language at once.
- **Contacts**: a line ``{{contact:key}}`` shows a contact of the registry (name, phones,
  address, hours...) in the reader's language, or, while its details are not verified, a
  sentence saying to ask a person.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from babel.numbers import format_decimal

from bot.i18n import Translator, format_date
from bot.kb.files import Contact, Fact

SECTION = re.compile(
    r"^\*\*(?P<title>[^*\n]+)\*\*[ \t]*"
    r"\{#(?P<key>[a-z][a-z0-9_]{1,30})(?:[ \t]+country=(?P<country>[a-z]+))?\}[ \t]*$",
    re.MULTILINE,
)
PLACEHOLDER = re.compile(r"\{\{(?P<kind>fact|contact):(?P<key>[a-z0-9_]{1,64})\}\}")
#: Anything that looks like markup of ours, to catch misspelt forms.
_BRACES = re.compile(r"\{\{[^}]*\}\}|\{#[^}]*\}")
OVERVIEW = "overview"


@dataclass(frozen=True)
class Section:
    """One section of an article: its key, heading (empty for the overview) and text (the
    heading line included, without its ``{#...}``)."""

    key: str
    title: str
    country: str | None
    text: str


def sections(body: str) -> list[Section]:
    """The article's sections, in order (the overview first, when there is text before the
    first heading)."""
    found: list[Section] = []
    starts = list(SECTION.finditer(body))
    intro = body[: starts[0].start()] if starts else body
    if intro.strip():
        found.append(Section(OVERVIEW, "", None, intro.strip()))
    for i, match in enumerate(starts):
        end = starts[i + 1].start() if i + 1 < len(starts) else len(body)
        heading = f"**{match.group('title').strip()}**"
        rest = body[match.end() : end].strip("\n")
        text = f"{heading}\n{rest}".strip() if rest.strip() else heading
        found.append(Section(match.group("key"), match.group("title").strip(),
                             match.group("country"), text))  # fmt: skip
    return found


def malformed(body: str) -> list[str]:
    """Markup of ours that is written wrong (e.g. ``{{fact: key}}``, ``{#Key}``)."""
    good = {m.group(0) for m in PLACEHOLDER.finditer(body)}
    good |= {m.group(0)[m.group(0).index("{#") :] for m in SECTION.finditer(body)}
    return [m.group(0) for m in _BRACES.finditer(body) if m.group(0).strip() not in good]


def references(body: str) -> list[tuple[str, str]]:
    """The ``(kind, key)`` of every fact and contact the text shows."""
    return [(m.group("kind"), m.group("key")) for m in PLACEHOLDER.finditer(body)]


def for_country(
    parts: list[Section], country: str | None, default: str = "russia"
) -> list[Section]:
    """The sections someone asking about ``country`` (else ``default``) is shown."""
    wanted = country or default
    return [s for s in parts if s.country in (None, wanted)]


def fact_value(fact: Fact, language: str) -> str:
    """A fact's value as the reader's language writes it."""
    if fact.kind == "number":
        try:
            return format_decimal(Decimal(fact.value.replace(" ", "")), locale=language)
        except InvalidOperation:
            return fact.value
    if fact.kind == "date":
        try:
            return format_date(dt.date.fromisoformat(fact.value), language)
        except ValueError:
            return fact.value
    return fact.value


def contact_block(contact: Contact | None, t: Translator, key: str) -> str:
    """A contact as a few lines, or the sentence that replaces unverified details."""
    if contact is None or not contact.shown():
        name = contact.name.get(t.language) or contact.name.get("en") if contact else None
        if name:
            return t.gettext(
                "{name}: the contact details are being checked. Ask us with “Talk to a "
                "person” and we will give them to you.",
                name=name,
            )
        return t.gettext(
            "These contact details are being checked. Ask us with “Talk to a person” and we "
            "will give them to you."
        )
    lines = [f"**{contact.name.get(t.language) or contact.name.get('en') or key}**"]
    for phone in contact.phones:
        label = phone.label.get(t.language) or phone.label.get("en")
        lines.append(f"📞 {phone.number}" + (f": {label}" if label else ""))
    if address := contact.address.get(t.language) or contact.address.get("ru"):
        lines.append(f"📍 {address}")
    if hours := contact.hours.get(t.language) or contact.hours.get("ru"):
        lines.append(f"🕘 {hours}")
    if contact.telegram:
        lines.append(f"✈️ {contact.telegram}")
    if contact.email:
        lines.append(f"✉️ {contact.email}")
    if contact.website:
        lines.append(f"🌐 [{contact.website.split('://', 1)[-1].rstrip('/')}]({contact.website})")
    return "\n".join(lines)


def expand(
    text: str, facts: Mapping[str, Fact], contacts: Mapping[str, Contact], t: Translator
) -> str:
    """``text`` with every ``{{fact:...}}`` and ``{{contact:...}}`` filled in for ``t``'s
    language (an unknown fact shows nothing rather than a placeholder)."""

    def fill(match: re.Match[str]) -> str:
        key = match.group("key")
        if match.group("kind") == "fact":
            fact = facts.get(key)
            return fact_value(fact, t.language) if fact is not None else ""
        return contact_block(contacts.get(key), t, key)

    return PLACEHOLDER.sub(fill, text)


def display(body: str) -> str:
    """The body without section keys (``{#...}``), as readers see it."""
    return SECTION.sub(lambda m: f"**{m.group('title').strip()}**", body)
