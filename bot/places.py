"""Which destination country a message names, from its words (issue 14: follow-ups keep the
country the conversation is about).

The NLU extracts ``country`` and ``city`` entities, but a Tajik ending glued to a name
("Алматода", "Маскавда", "Қазоқистонро") or a spelling it has not seen ("Алмато", "Olmaota")
leaves a place without an entity. This module is the fallback: word beginnings, compared after
the shared normalisation (so Cyrillic with or without the special letters and Latin letters
meet), for the countries whose rules the articles tell apart and their main cities.
"""

from __future__ import annotations

from nlu_components.normalize import normalize

#: Country -> normalised word beginnings that name it (a word starting with one names the
#: country; the Tajik and Russian endings follow). "руси" alone is not one: "русӣ" is the
#: Russian language.
STEMS: dict[str, tuple[str, ...]] = {
    "russia": (
        "росси", "русия", "руссия", "руссиа", "москв", "маскав", "мосцов", "питер", "петер",
        "санкт", "екатеринбург", "новосибирск", "краснодар", "красноярск", "самар", "челябинск",
        "тюмен", "сургут", "ростов", "нижний", "подмосков",
    ),
    "kazakhstan": (
        "казах", "казок", "казак", "кызок", "алмат", "олмаот", "астан", "нур-султан", "нурсултан",
        "шимкент", "чимкент", "караганд", "актоб", "актау", "атырау", "тараз", "павлодар",
    ),
}  # fmt: skip
#: Whole words that name a country.
WORDS: dict[str, str] = {"рф": "russia", "спб": "russia", "мск": "russia", "уфа": "russia"}


def _country(word: str) -> str | None:
    word = word.strip("-")
    if word in WORDS:
        return WORDS[word]
    return next((c for c, stems in STEMS.items() if word.startswith(stems)), None)


def place_named(text: str) -> str | None:
    """The first destination country ``text`` names by a country's or a city's name, else
    None."""
    return next(filter(None, map(_country, normalize(text).split())), None)


def without_places(text: str) -> str:
    """``text`` (normalised) without the words that name a country or a city."""
    return " ".join(w for w in normalize(text).split() if _country(w) is None)
