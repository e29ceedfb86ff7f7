"""Words that tie a short message to the answer before it (issue 14: follow-ups in context).

"Ҷаримааш чанд?" (*its* fine), "Ӯ шаҳрванди Русия мешавад?" (*he*), "а если опоздаю?",
"so I pay for it?": a pronoun, a Tajik possessive ending or a leading "and"/"а" says the
message continues the conversation, even when its words alone look like another topic's (the
fine looks like the police's, the citizenship like the passport's). The words are compared
after the shared normalisation, so Tajik with or without its special letters, in Latin
letters, Russian and English (transliterated the same way) meet.
"""

from __future__ import annotations

import re

from nlu_components.normalize import normalize

#: A message starting with one of these continues the one before ("а если...", "a v Karagande?",
#: "and for my wife?", "so I pay?", "тогда...", "ва барои бачаҳо?", "и сколько?", "агар дер
#: монам?").
LEADING = frozenset(normalize("а анд со тогда потом ва и если агар").split())
#: Pronouns and words of reference anywhere in the message: Russian, English, Tajik.
REFERRING = frozenset(
    normalize(
        "он она оно его её ему ей им их это этот эта этого этом эту там туда тоже "
        "it he she they him her them that this there also too its his "
        "вай вайро инро он онро ҳамин ҳаминро ҳам боз онҳо инҳо"
    ).split()
)
#: Not Tajik "ин" (this) nor "ӯ" (he) after normalising: they become English "in" and Russian
#: "у". So they are looked for in the text as written, in Cyrillic.
_TAJIK_WRITTEN = re.compile(r"(?<!\w)(?:ӯ|ӯро|ин)(?!\w)", re.IGNORECASE)
#: A Tajik word ending in a possessive "his/her/its" (-аш, -яш), with a case ending after it.
_POSSESSIVE = re.compile(r"^\w{3,}(?:аш|яш)(?:ро|ба|да|и)?$")
#: Russian words the possessive pattern would otherwise take.
_NOT_POSSESSIVE = frozenset(normalize("ваш наш карандаш").split())


def continues(text: str) -> bool:
    """Whether ``text`` refers back to what came before (by a pronoun, a possessive ending or
    a leading "and")."""
    words = normalize(text).split()
    if not words:
        return False
    if _TAJIK_WRITTEN.search(text):
        return True
    if words[0] in LEADING:
        return True
    return any(w in REFERRING or (w not in _NOT_POSSESSIVE and _POSSESSIVE.match(w)) for w in words)
