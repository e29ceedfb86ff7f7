"""Which language a message is written in: tg, ru or en, in Cyrillic or Latin letters.

Two kinds of evidence are combined:

- ``py3langid`` (its model ships inside the package; it knows Tajik and also recognises Tajik
  typed without its special letters), restricted to our three languages for Cyrillic text; on
  Latin text it is asked about all its languages, since it calls Latin Tajik "Uzbek" and Russian
  translit "Polish" or "Czech" more often than anything else;
- the project's own signals: the Tajik-only letters ҳ ҷ қ ғ ӯ ӣ, and frequent Tajik and Russian
  words, matched after the shared normalisation, so that "chi tavr", "чи тавр" and "чӣ тавр" all
  count as Tajik and "kak", "как" as Russian.

The result decides the reply language when the user has not chosen one.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from typing import Literal

from bot.i18n import LANGUAGES, Language
from nlu_components.normalize import normalize

TAJIK_LETTERS = re.compile("[ҳҷқғӯӣҲҶҚҒӮӢљњїќўѓ]")
_LATIN = re.compile("[a-zA-Z]")
_CYRILLIC = re.compile("[\u0400-\u04ff]")

#: Frequent words, in normalised form (see nlu_components.normalize).
TAJIK_WORDS = frozenset(
    """ман ту мо шумо онхо вай чи чиро чанд куча кучо кай барои аз ба бо ки ва аст нест хаст
    шуд шудам шуда мешавад кунам кунед кунем мекунам мекунад мехохам метавонам метавонад лозим
    даркор намедонам агар вале лекин чаро тавр чихел читавр бояд гирам гирифтам гирифтан дорам
    надорам доранд кор пул хуччат хуччатхо ердам кумак рахмат ташаккур салом хайр бародар ака
    апа модарам падарам писарам духтарам шавхарам занам хамсарам хонум бачам кудак фарзанд
    мехохем меравам рафтам омадам бозгашт ватан дигар хам хамаи хеч оила таваллуд шахрванди
    шиноснома хабар нависед гуед медихад намедихад мегиранд мумкин хаст-ми чист кист""".split()
)
RUSSIAN_WORDS = frozenset(
    """как что где мне меня я не нет да можно нужно надо есть сколько почему когда если ето
    или в на с по за от до для помогите здравствуйте привет спасибо пожалуйста хочу могу
    работаю работа работу получит сделат оплатит какие какой какая кто мой моя мои брат сестра
    жена муж сын дочь ребенок документи паспорт уже еще очень тоже только чтоби ли же бил била
    были будет был здесь там сейчас подскажите скажите знаю знает пока
    свидания добрий день""".split()
)
ENGLISH_WORDS = frozenset(
    """the is are am was were how what where when why who which my me i you your we our they
    to do does did can could should would will of for and with from in on at get need help
    hello hi thanks thank please about have has not no yes this that there work job""".split()
)
#: py3langid's answers on Latin text that point to Latin Tajik or to Russian translit.
_LATIN_TAJIK_LIKE = {"uz", "tr", "az", "tk", "tg", "id", "ms", "sw"}
_LATIN_RUSSIAN_LIKE = {"pl", "cs", "sk", "sl", "hr", "sr", "bs", "lt", "lv", "ru", "uk", "be"}


@dataclass(frozen=True, slots=True)
class LanguageGuess:
    """The most likely language of a message and how sure the guess is (0-1)."""

    language: Language | None
    confidence: float
    script: Literal["cyrillic", "latin", "mixed", "none"]


@cache
def _identifier(languages: tuple[str, ...] | None):  # type: ignore[no-untyped-def]
    from py3langid.langid import MODEL_DIR, MODEL_FILE, LanguageIdentifier

    identifier = LanguageIdentifier.from_modelpath(MODEL_DIR / MODEL_FILE, norm_probs=True)
    if languages:
        identifier.set_languages(list(languages))
    return identifier


def _langid(text: str, languages: tuple[str, ...] | None) -> tuple[str, float]:
    language, probability = _identifier(languages).classify(text)
    return str(language), float(probability)


def _script(text: str) -> Literal["cyrillic", "latin", "mixed", "none"]:
    latin, cyrillic = len(_LATIN.findall(text)), len(_CYRILLIC.findall(text))
    if not latin and not cyrillic:
        return "none"
    if latin and cyrillic:
        share = cyrillic / (latin + cyrillic)
        return "cyrillic" if share > 0.8 else "latin" if share < 0.2 else "mixed"
    return "cyrillic" if cyrillic else "latin"


def detect_language(text: str) -> LanguageGuess:
    """Guess the language of ``text``; ``language`` is None when there is no evidence."""
    script = _script(text)
    if script == "none":
        return LanguageGuess(None, 0.0, script)
    words = normalize(text).split()
    scores: dict[Language, float] = {
        "tg": sum(w in TAJIK_WORDS for w in words)
        + sum(len(w) > 4 and w.endswith("ро") for w in words),
        "ru": float(sum(w in RUSSIAN_WORDS for w in words)),
        "en": 0.0,
    }
    if TAJIK_LETTERS.search(text):
        scores["tg"] += 3.0
    if script == "latin":
        raw_words = re.findall(r"[a-z']+", text.lower())
        scores["en"] += sum(w in ENGLISH_WORDS for w in raw_words)
        guess, probability = _langid(text, None)
        if guess == "en":
            scores["en"] += 2.0 * probability
        elif guess in _LATIN_TAJIK_LIKE:
            scores["tg"] += probability
        elif guess in _LATIN_RUSSIAN_LIKE:
            scores["ru"] += probability
    else:
        guess, probability = _langid(text, LANGUAGES)
        # py3langid is unreliable on a few words ("оператор лозим"): trust it less there.
        weight = 2.0 if len(words) >= 4 else 1.0
        scores[guess] += weight * probability  # type: ignore[index]
    ranked = sorted(scores.items(), key=lambda kv: kv[1], reverse=True)
    (best, top), (_, second) = ranked[0], ranked[1]
    if top <= 0.5:
        return LanguageGuess(None, 0.0, script)
    return LanguageGuess(best, round((top - second) / top, 3), script)
