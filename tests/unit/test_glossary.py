"""The Tajik glossary (locales/tg/GLOSSARY.md) holds across the catalog and the articles: the
forms it bans appear in neither."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml
from babel.messages.pofile import read_po

from bot.i18n import SOURCE_DIR
from bot.kb.files import KB_DIR

#: Banned form -> what to write instead (see the glossary).
BANNED = {
    r"\bполиция": "политсия (Russia's police) / милитсия (Tajikistan's)",
    r"\bрегистрация": "бақайдгирии муҳоҷиратӣ (регистратсия)",
    r"захиравии": "Маркази иттилоотию машваратии муҳоҷирон",
    r"шӯъба": "шуъба",
    r"\bВИЧ\b": "ВНМО",
    r"\(МРЦ\)": "(nothing: no Russian abbreviation in Tajik)",
    r"\bФедерация": "Федератсия",
    r"операторҳо": "операторон",
}


def tajik_texts() -> list[tuple[str, str]]:
    """(where, text) of every Tajik translation, article and contact name."""
    with (SOURCE_DIR / "tg" / "LC_MESSAGES" / "messages.po").open("rb") as f:
        catalog = read_po(f, locale="tg")
    texts = [
        (f"messages.po: {m.id!r}", s)
        for m in catalog
        if m.id
        for s in (m.string if isinstance(m.string, tuple) else (m.string,))
    ]
    texts += [(str(p.relative_to(KB_DIR)), p.read_text("utf-8")) for p in KB_DIR.glob("*/tg.md")]
    contacts = yaml.safe_load((KB_DIR / "contacts.yml").read_text("utf-8"))["contacts"]
    for contact in contacts:
        for field in ("name", "address", "hours"):
            if (contact.get(field) or {}).get("tg"):
                texts.append((f"contacts.yml: {contact['key']}.{field}", contact[field]["tg"]))
    return texts


@pytest.mark.parametrize("form", sorted(BANNED))
def test_no_banned_form_in_tajik_texts(form: str) -> None:
    pattern = re.compile(form, re.IGNORECASE)
    found = [where for where, text in tajik_texts() if pattern.search(text)]
    assert not found, f"write {BANNED[form]!r} instead, in: {found}"


def test_the_glossary_names_every_banned_form() -> None:
    glossary = Path(SOURCE_DIR / "tg" / "GLOSSARY.md").read_text("utf-8")
    centre = "Маркази иттилоотию машваратии муҳоҷирон"
    for replacement in (
        "политсия",
        "бақайдгирии муҳоҷиратӣ",
        centre,
        "шуъба",
        "ВНМО",
        "операторон",
    ):
        assert replacement in glossary
