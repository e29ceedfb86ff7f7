"""Sections, facts and contacts in an article's text, as each language shows them."""

from __future__ import annotations

import datetime as dt

from bot.i18n import Translator, format_date
from bot.kb.files import Contact, Fact, Phone
from bot.kb.markup import (
    contact_block,
    display,
    expand,
    fact_value,
    for_country,
    malformed,
    references,
    sections,
)

BODY = """Apply within {{fact:days}} days.

**Money** {#payment}
- {{fact:fee}} roubles a month.

**In Kazakhstan** {#permit country=kazakhstan}
- A permit instead.

**Help** {#help}
{{contact:hotline}}"""

FACTS = {
    "days": Fact("30", "30 days", "law", key="days", kind="number"),
    "fee": Fact("10000", "fee", "law", key="fee", kind="number"),
    "since": Fact("2025-02-05", "since", "law", key="since", kind="date"),
}
HOTLINE = Contact(
    "hotline",
    {"tg": "Хатти боварӣ", "ru": "Горячая линия", "en": "Hotline"},
    phones=(Phone("+7 495 000-00-00", {"en": "9:00-18:00", "ru": "9:00-18:00"}),),
    verified=True,
)


def test_sections_have_keys_headings_and_countries() -> None:
    parts = sections(BODY)
    assert [(s.key, s.title, s.country) for s in parts] == [
        ("overview", "", None),
        ("payment", "Money", None),
        ("permit", "In Kazakhstan", "kazakhstan"),
        ("help", "Help", None),
    ]
    assert parts[1].text == "**Money**\n- {{fact:fee}} roubles a month."


def test_each_country_sees_its_own_sections() -> None:
    parts = sections(BODY)
    assert [s.key for s in for_country(parts, None)] == ["overview", "payment", "help"]
    assert [s.key for s in for_country(parts, "kazakhstan")] == [
        "overview", "payment", "permit", "help"
    ]  # fmt: skip


def test_facts_are_written_the_readers_way() -> None:
    assert fact_value(FACTS["fee"], "en") == "10,000"
    assert fact_value(FACTS["fee"], "ru") == "10\xa0000"
    assert fact_value(FACTS["since"], "tg") == format_date(dt.date(2025, 2, 5), "tg")
    assert format_date(dt.date(2025, 2, 5), "tg") == "5 феврал 2025"  # lower case, no 0
    assert fact_value(Fact("+7 495", "x", "s", kind="phone"), "en") == "+7 495"


def test_the_text_is_filled_in_and_keys_are_gone() -> None:
    text = expand(display(BODY), FACTS, {"hotline": HOTLINE}, Translator("en"))
    assert "Apply within 30 days." in text
    assert "- 10,000 roubles a month." in text
    assert "{#" not in text
    assert "**Hotline**\n📞 +7 495 000-00-00: 9:00-18:00" in text


def test_an_unverified_contact_is_never_shown_blank() -> None:
    t = Translator("ru")
    pending = contact_block(Contact("x", {"ru": "Посольство"}), t, "x")
    expected = t.gettext(
        "{name}: the contact details are being checked. Ask us with “Talk to a person” and we "
        "will give them to you.",
        name="Посольство",
    )
    assert pending == expected
    assert "Посольство" in contact_block(None, t, "x") or contact_block(None, t, "x")
    assert "+7" not in expand("{{contact:x}}", {}, {"x": Contact("x", {"ru": "П"},
                              phones=(Phone("+7 1"),))}, t)  # fmt: skip


def test_references_and_misspellings_are_found() -> None:
    assert references(BODY) == [("fact", "days"), ("fact", "fee"), ("contact", "hotline")]
    text = "{{fact: x}} {#Key} {{contact:ok}}\n**A** {#ok}\n- a {#stray}"
    assert malformed(text) == ["{{fact: x}}", "{#Key}", "{#stray}"]
