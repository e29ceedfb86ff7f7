"""Normalise messy migrant text to one comparable form.

Tajik arrives in three spellings: with its own letters (ҳ ҷ қ ғ ӯ ӣ), typed on a Russian
keyboard without them (х ч к г у и), and in Latin letters ("patent chi tavr giram"); Russian
arrives in Cyrillic and in Latin translit ("kak oplatit patent"); old fonts give look-alike
letters (љ for ҷ, њ for ҳ...) and Latin letters hide inside Cyrillic words. ``normalize_token``
maps all of these to one lower-case Cyrillic form without the Tajik-only letters, so that the
same word, however typed, looks the same to the model and to the search.

The mapping is for matching, not for display: it deliberately loses the distinction between
х and ҳ, between Latin and Cyrillic script, and between Tajik and Russian letters.
"""

from __future__ import annotations

import re
import unicodedata

__all__ = ["fold_tajik", "normalize", "normalize_token", "transliterate_latin"]

#: Letters of old Tajik fonts (Serbian/Macedonian/Ukrainian code points) -> Tajik letters.
LOOKALIKES = str.maketrans(
    {"љ": "ҷ", "Љ": "Ҷ", "њ": "ҳ", "Њ": "Ҳ", "ї": "ӣ", "Ї": "Ӣ", "ќ": "қ", "Ќ": "Қ",
     "ў": "ӯ", "Ў": "Ӯ", "ѓ": "ғ", "Ѓ": "Ғ", "ҫ": "с", "ӈ": "н"}
)  # fmt: skip

#: Tajik-only letters -> what a Russian keyboard gives; and the Cyrillic letters that Latin
#: typists cannot express: ё -> е, э -> е, ы -> и, soft and hard signs dropped.
TAJIK_FOLD = str.maketrans(
    {"ҳ": "х", "ҷ": "ч", "қ": "к", "ғ": "г", "ӯ": "у", "ӣ": "и",
     "ё": "е", "э": "е", "ы": "и", "ь": None, "ъ": None}
)  # fmt: skip

#: Latin letters that look like Cyrillic ones, for Latin letters inside Cyrillic words.
LATIN_IN_CYRILLIC = str.maketrans(
    {"a": "а", "b": "в", "c": "с", "e": "е", "h": "н", "k": "к", "m": "м", "o": "о",
     "p": "р", "t": "т", "x": "х", "y": "у"}
)  # fmt: skip

#: Latin -> Cyrillic, longest sequences first; tuned for Tajik and Russian as migrants type them.
_LATIN_SEQUENCES = [
    ("shch", "щ"), ("sch", "щ"), ("dzh", "ч"),
    ("sh", "ш"), ("ch", "ч"), ("zh", "ж"), ("kh", "х"), ("gh", "г"), ("ts", "ц"), ("dj", "ч"),
    ("ya", "я"), ("yu", "ю"), ("yo", "е"), ("ye", "е"),
    ("a", "а"), ("b", "б"), ("c", "ц"), ("d", "д"), ("e", "е"), ("f", "ф"), ("g", "г"),
    ("h", "х"), ("i", "и"), ("j", "ч"), ("k", "к"), ("l", "л"), ("m", "м"), ("n", "н"),
    ("o", "о"), ("p", "п"), ("q", "к"), ("r", "р"), ("s", "с"), ("t", "т"), ("u", "у"),
    ("v", "в"), ("w", "в"), ("x", "х"), ("y", "й"), ("z", "з"),
]  # fmt: skip
_LATIN_RE = re.compile("|".join(re.escape(latin) for latin, _ in _LATIN_SEQUENCES))
_LATIN_MAP = dict(_LATIN_SEQUENCES)
_APOSTROPHES = re.compile("[\u0027\u2018\u2019\u02bb\u02bc\u0060\u00b4]")
_SPACES = re.compile(r"\s+")


def _strip_latin_accents(word: str) -> str:
    """ā -> a, ş -> s, ö -> o: Latin letters with diacritics to their base letter."""
    return "".join(
        unicodedata.normalize("NFD", ch)[0]
        if "\u00c0" <= ch <= "\u024f" or "\u1e00" <= ch <= "\u1eff"
        else ch
        for ch in word
    )


def _is_latin(ch: str) -> bool:
    return "a" <= ch <= "z"


def _is_cyrillic(ch: str) -> bool:
    return "\u0400" <= ch <= "\u04ff"


_Y_AFTER_CONSONANT = re.compile("(?<=[бвгджзклмнпрстфхцчшщ])й")


def transliterate_latin(word: str) -> str:
    """A lower-case Latin word in Cyrillic letters ("chi tavr" -> "чи тавр")."""
    cyrillic = _LATIN_RE.sub(lambda m: _LATIN_MAP[m.group(0)], word)
    return _Y_AFTER_CONSONANT.sub("и", cyrillic)  # "ty" -> "ти" (ты), "kay" -> "кай"


def fold_tajik(text: str) -> str:
    """Tajik-only letters to their Russian-keyboard stand-ins (ҳ -> х, ҷ -> ч ...), ё -> е."""
    return text.translate(TAJIK_FOLD)


def normalize_token(token: str) -> str:
    """One word in its comparable form: lower-case Cyrillic without Tajik-only letters."""
    word = unicodedata.normalize("NFKC", token).translate(LOOKALIKES).lower()
    word = _strip_latin_accents(_APOSTROPHES.sub("", word))
    latin = sum(1 for ch in word if _is_latin(ch))
    cyrillic = sum(1 for ch in word if _is_cyrillic(ch))
    if cyrillic and latin:
        # A mixed word: look-alike Latin letters inside a Cyrillic word ("пaтeнт"), or a
        # Cyrillic word with a Latin suffix; map look-alikes, transliterate what remains.
        word = transliterate_latin(word.translate(LATIN_IN_CYRILLIC))
    elif latin:
        word = transliterate_latin(word)
    return fold_tajik(word)


def normalize(text: str) -> str:
    """A whole message in its comparable form, words separated by single spaces."""
    text = unicodedata.normalize("NFKC", text)
    words = re.findall(r"[\w'\u2018\u2019\u02bb\u02bc`´-]+", text)
    return _SPACES.sub(" ", " ".join(normalize_token(w) for w in words)).strip()
