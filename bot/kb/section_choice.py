"""Which section of an article answers a question (issue 14).

The NLU recognises the topic; this module picks, inside that topic, the section that answers
the question, or none (a general question gets the overview). It compares the question with
two things per section, after the shared normalisation that makes Tajik in Cyrillic, without
its special letters and in Latin letters meet (``nlu_components.normalize``):

- the section's **phrases**: sub-questions the section answers (``nlu/sections/<topic>.yml``,
  ``metadata: section: <key>``, plus phrases staff add in the console);
- the section's **text** in tg, ru and en (its heading counts three times).

Both are character n-gram TF-IDF vectors (n-grams survive typos and Tajik suffixes); a
section's score is a weighted sum of its best phrase similarity and its text similarity. The
weights, the n-gram sizes and the threshold between "a section" and "the overview" were chosen
on the development split ``tests/nlu/dev/sections.yml`` (``mrc kb tune-sections``), never on the
held-out test set; docs/nlu.md gives the figures.

Sections with a country are candidates only for someone asking about that country (Russia when
no country is known), as in :func:`bot.kb.markup.for_country`.
"""

from __future__ import annotations

import math
import re
from array import array
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from bot.kb.markup import OVERVIEW, PLACEHOLDER, display, sections
from nlu_components.normalize import normalize

#: Weight of the best phrase similarity (the text similarity gets the rest).
PHRASE_WEIGHT = 0.5
#: A section's phrase similarity is the mean of its this many best phrases (2 and 3 were worse
#: on the development split than the best phrase alone).
PHRASE_TOP_K = 1
#: Below this score the question is taken as general: the overview is shown.
MIN_SECTION_SCORE = 0.05
#: Added to the overview's score, so that a question must match a section better than the
#: article's title and overview by this much (0.0-0.06 tried; 0.0 was best on the
#: development split: the request-word rule already sends general questions to the overview).
OVERVIEW_BIAS = 0.0
#: Character n-gram sizes (inside words padded with spaces).
NGRAMS = (3, 4, 5, 6)
#: The dot products of this many recent questions with every vector are kept (a message is
#: scored several times; they are large).
DOTS_CACHE = 8
#: Heading words count this many times in a section's text.
HEADING_WEIGHT = 3

#: Words that ask for information without saying which ("tell me about", "маълумот диҳед",
#: "что такое", "how do I get"). A question with nothing else in it but the topic's own name
#: is general.
REQUEST_WORDS = """
    расскажи расскажите рассказать информация информацию инфо инфа про такое хочу знать узнать
    подробно подробнее вопрос вопросы объясни объясните тема теме нужна нужно
    бораи маълумот маълумоти диҳед диҳ дай диҳанд медиҳед медиҳӣ гап зан гӯед гӯ чист чист?
    ҳақида лозим мехоҳам донам донистан фаҳмонед фаҳмон савол саволҳо мавзӯъ
    tell about info information what explain know want please questions question topic more
    больше ещё еще бештар боз
    the and for
    тавр хел каким образом how гирам гирем гирифтан кунам кунем кардан получить оформить
    сделать get obtain apply make need
    нужно надо знать общем всё все обо всем general overview about should
    занед занӣ мегӯед гӯед бигӯед ҳамааш ҳамаашро умуман
    бораш борааш ҳама ҳамаи чизҳо чизҳое чизҳоро донем донед everything things
"""

#: Words that name no section: the places and people every article is about ("в России",
#: "за границей", "для мигрантов", "dar borai muhojiron"). A request made of these, request
#: words and the topic's own name is still a request for the overview ("расскажите про
#: медосмотр и страховку для мигрантов", "Дар бораи ҳуқуқҳои коргар дар Русия гап занед").
GENERIC_WORDS = """
    россия россии россию рф русия русияро руссия russia
    тоҷикистон таджикистан таджикистане tajikistan ватан ватанам home abroad
    границей границу граница хориҷ хориҷа хориҷӣ мигрант мигранты мигрантов мигрантам
    муҳоҷир муҳоҷирон муҳоҷирони муҳоҷират migrant migrants коргар коргари
    коргарон работник работников worker workers people одамон люди
"""
_ENTITY = re.compile(r"\[([^\]]+)\](?:\{[^}]*\}|\([^)]*\))")
Vector = dict[str, float]


#: Words that say nothing about which section is meant ("what happens now", "чӣ мешавад",
#: "что будет"): left out of the vectors, so that a phrase sharing only them with a question
#: does not win (no change on the development split; it undid such a match on "Пули патентро
#: ду рӯз дер додам, акнун чӣ мешавад?", which a reissue phrase ending "акнун чи мешавад" took).
FILLER_WORDS = """
    чи чӣ мешавад мешава шавад акнун ҳозир ҳоло холо хозир мекунам кунам бояд
    что будет теперь сейчас делать мне меня мой моя
    what happens happen now will then does do
"""


def features(text: str) -> Counter[str]:
    """The normalised text's character n-grams and whole words (numbers included), filler
    words left out."""
    counts: Counter[str] = Counter()
    for word in normalize(text).split():
        if word in _FILLER:
            continue
        counts[f"w:{word}"] += 1
        padded = f" {word} "
        for n in NGRAMS:
            if len(padded) >= n:
                counts.update(padded[i : i + n] for i in range(len(padded) - n + 1))
    return counts


def _unit(counts: Counter[str], idf: dict[str, float]) -> Vector:
    vector = {g: (1 + math.log(c)) * idf.get(g, 0.0) for g, c in counts.items()}
    norm = math.sqrt(sum(v * v for v in vector.values()))
    return {g: v / norm for g, v in vector.items()} if norm else {}


@dataclass(frozen=True, slots=True)
class Phrase:
    """A sub-question a section answers."""

    topic: str
    section: str
    text: str


@dataclass
class _Section:
    key: str
    country: str | None
    text: list[str] = field(default_factory=list)
    phrases: list[str] = field(default_factory=list)
    #: The ids of its text's vector and its phrases' vectors in the postings.
    ids: list[int] = field(default_factory=list)


@dataclass(frozen=True, slots=True)
class Choice:
    """The section chosen for a question, with its score and the runner-up's."""

    section: str | None
    score: float
    scores: tuple[tuple[str, float], ...] = ()


class SectionIndex:
    """The sections of every topic, ready to be compared with questions."""

    def __init__(
        self,
        articles: Iterable[tuple[str, str, str]],
        phrases: Iterable[Phrase] = (),
        phrase_weight: float | None = None,
        threshold: float | None = None,
        overview_bias: float | None = None,
        names: Iterable[tuple[str, str]] = (),
    ) -> None:
        """``articles``: ``(topic, title, body)`` of every published translation; ``names``:
        ``(topic, name)``, other names of a topic (its menu button in each language). The
        weights default to the module's tuned constants."""
        self.phrase_weight = PHRASE_WEIGHT if phrase_weight is None else phrase_weight
        self.threshold = MIN_SECTION_SCORE if threshold is None else threshold
        self.overview_bias = OVERVIEW_BIAS if overview_bias is None else overview_bias
        self._topics: dict[str, dict[str, _Section]] = defaultdict(dict)
        self._dotted: dict[str, dict[int, float]] = {}
        articles = list(articles)
        self._names: dict[str, set[str]] = defaultdict(set)
        self._titles: dict[str, list[set[str]]] = defaultdict(list)
        for topic, title in [*names, *((topic, title) for topic, title, _ in articles)]:
            words = {w for w in normalize(title).split() if len(w) >= 4 and w not in _REQUEST}
            self._names[topic].update(words)
            if words:
                self._titles[topic].append(words)
        for topic, title, body in articles:
            overview = self._topics[topic].setdefault(OVERVIEW, _Section(OVERVIEW, None))
            overview.text.append(" ".join([title] * HEADING_WEIGHT))
            for part in sections(body):
                entry = self._topics[topic].setdefault(part.key, _Section(part.key, part.country))
                plain = PLACEHOLDER.sub(" ", display(part.text))
                heading = PLACEHOLDER.sub(" ", part.title)
                entry.text.append(" ".join([heading] * (HEADING_WEIGHT - 1) + [plain]))
        for phrase in phrases:
            owner = self._topics.get(phrase.topic, {}).get(phrase.section)
            if owner is not None:  # a phrase of a section no article has any more is ignored
                owner.phrases.append(phrase.text)
        self._build()

    def _build(self) -> None:
        # Each text's features are counted once, for the document frequencies and its vector.
        counted: dict[str, Counter[str]] = {}
        df: Counter[str] = Counter()
        n = 0
        for entries in self._topics.values():
            for entry in entries.values():
                for text in (" ".join(entry.text), *entry.phrases):
                    if text not in counted:
                        counted[text] = features(text)
                    df.update(counted[text].keys())
                    n += 1
        n = max(n, 1)
        self._idf = {g: math.log((1 + n) / (1 + d)) + 1 for g, d in df.items()}
        # Postings (feature -> the vectors holding it and their weights, as compact arrays),
        # to score a question against every vector at once; the vectors are not kept.
        ids: dict[str, array[int]] = defaultdict(lambda: array("i"))
        weights: dict[str, array[float]] = defaultdict(lambda: array("d"))
        count = 0
        for entries in self._topics.values():
            for entry in entries.values():
                vectors = [
                    _unit(counted[text], self._idf)
                    for text in (" ".join(entry.text), *entry.phrases)
                ]
                entry.ids = list(range(count, count + len(vectors)))
                for vector_id, vector in zip(entry.ids, vectors, strict=True):
                    for gram, weight in vector.items():
                        ids[gram].append(vector_id)
                        weights[gram].append(weight)
                count += len(entry.ids)
        self._postings = {gram: (ids[gram], weights[gram]) for gram in ids}

    def general(self, topic: str, question: str) -> bool:
        """Whether ``question`` names only the topic (its title's words) and asks for
        information: "tell me about the patent", "регистратсия", "что такое запрет на въезд"."""
        names = self._names.get(topic, set())
        for word in normalize(question).split():
            if len(word) < 4 or word in _REQUEST or word in _GENERIC:
                continue
            if word.isdigit() or not any(_same_stem(word, name) for name in names):
                return False
        return True

    def named_topic(self, question: str) -> str | None:
        """The one topic a request names and nothing else ("расскажи про патент", "bozgasht
        ba vatan"): its name's words and request words only, at least one name word. None
        when no topic or several are named so."""
        words = [
            w
            for w in normalize(question).split()
            if len(w) >= 4 and w not in _REQUEST and w not in _GENERIC
        ]
        if not words:
            return None
        # Topics whose names hold every word, by how much of one of its names the words cover
        # ("патент" is all of "Патент", a part of "Имтиҳон барои патент").
        covered: dict[str, float] = {}
        for topic, names in self._names.items():
            if all(any(_same_stem(w, n) for n in names) for w in words):
                covered[topic] = max(
                    sum(any(_same_stem(w, n) for w in words) for n in title) / len(title)
                    for title in self._titles[topic]
                )
        ranked = sorted(covered.items(), key=lambda kv: kv[1], reverse=True)
        if not ranked or (len(ranked) > 1 and ranked[1][1] >= ranked[0][1]):
            return None
        return ranked[0][0]

    def request_only(self, question: str) -> bool:
        """Whether ``question`` holds nothing but request words ("tell me more", "и?"). Short
        words count unless they say nothing ("who pays?", "пул чанд?" are questions)."""
        return all(w in _REQUEST or w in _SHORT for w in normalize(question).split())

    def keys(self, topic: str) -> list[str]:
        """The topic's section keys, in article order (the overview excluded)."""
        return [k for k in self._topics.get(topic, {}) if k != OVERVIEW]

    def country_of(self, topic: str, section: str) -> str | None:
        entry = self._topics.get(topic, {}).get(section)
        return entry.country if entry else None

    def sections_for(self, topic: str, country: str | None) -> list[str]:
        """The topic's sections someone asking about ``country`` (else Russia) may be shown."""
        wanted = country or "russia"
        return [k for k, e in self._topics.get(topic, {}).items() if e.country in (None, wanted)]

    def _score(self, entry: _Section, dots: dict[int, float]) -> float:
        text = dots.get(entry.ids[0], 0.0)
        similar = sorted((dots.get(i, 0.0) for i in entry.ids[1:]), reverse=True)
        top = similar[:PHRASE_TOP_K]
        phrase = sum(top) / len(top) if top else text
        score = self.phrase_weight * phrase + (1 - self.phrase_weight) * text
        return score + self.overview_bias if entry.key == OVERVIEW else score

    def _dots(self, question: str) -> dict[int, float] | None:
        """The question's cosine with every vector that shares a feature with it, through the
        postings; kept for the next few calls (one message is scored several times: its
        topic, a follow-up's topic, another topic's overruling section). None: no features."""
        dots = self._dotted.get(question)
        if dots is not None:
            return dots
        query = _unit(features(question), self._idf)
        if not query:
            return None
        dots = defaultdict(float)
        for gram, weight in query.items():
            posting = self._postings.get(gram)
            if posting is not None:
                for vector_id, other in zip(*posting, strict=True):
                    dots[vector_id] += weight * other
        if len(self._dotted) >= DOTS_CACHE:
            self._dotted.pop(next(iter(self._dotted)))
        self._dotted[question] = dots
        return dots

    def scores(
        self, topic: str, question: str, country: str | None = None
    ) -> list[tuple[str, float]]:
        """Every candidate section of ``topic`` with its score, best first."""
        dots = self._dots(question)
        if dots is None:
            return []
        ranked = [
            (key, self._score(self._topics[topic][key], dots))
            for key in self.sections_for(topic, country)
        ]
        ranked.sort(key=lambda kv: kv[1], reverse=True)
        return ranked

    def scores_all(self, question: str, country: str | None = None) -> list[tuple[str, str, float]]:
        """Every topic's candidate sections with their scores, ``(topic, section, score)``,
        best first: the same scores as :meth:`scores`, for all topics (suggested replies rank
        every topic; an unsure NLU's topic may be overruled)."""
        dots = self._dots(question)
        if dots is None:
            return []
        ranked = [
            (topic, key, self._score(self._topics[topic][key], dots))
            for topic in self._topics
            for key in self.sections_for(topic, country)
        ]
        ranked.sort(key=lambda r: r[2], reverse=True)
        return ranked

    def best_of(
        self, topics: Iterable[str], question: str, country: str | None = None
    ) -> tuple[str, str, float] | None:
        """The best-matching section of any of ``topics``: ``(topic, section, score)``."""
        found = [
            (topic, *ranked[0])
            for topic in topics
            if topic in self._topics and (ranked := self.scores(topic, question, country))
        ]
        return max(found, key=lambda f: f[2], default=None)

    def choose(self, topic: str, question: str, country: str | None = None) -> Choice:
        """The section that answers ``question`` inside ``topic``, or none (the overview)."""
        if self.general(topic, question):
            return Choice(None, 0.0)
        ranked = self.scores(topic, question, country)
        if not ranked or ranked[0][0] == OVERVIEW or ranked[0][1] < self.threshold:
            return Choice(None, ranked[0][1] if ranked else 0.0, tuple(ranked[:3]))
        return Choice(ranked[0][0], ranked[0][1], tuple(ranked[:3]))


#: Short words that say nothing on their own: conjunctions, prepositions, pronouns.
SHORT_WORDS = """
    а и в во на с со к ко у о об от до за из по не ни ли же бы да нет ну то это
    ва ба дар аз то ки чи чӣ ин он ман ту мо шумо як ё ҳам боз ку
    a an the is it to of in on at and or do i me my you we so too any some
    как хел
"""
_REQUEST = frozenset(normalize(REQUEST_WORDS).split())
_GENERIC = frozenset(normalize(GENERIC_WORDS).split())
_SHORT = frozenset(normalize(SHORT_WORDS).split()) | frozenset(
    w for w in normalize(REQUEST_WORDS + FILLER_WORDS).split() if len(w) < 4
)
_FILLER = frozenset(normalize(FILLER_WORDS).split())
#: Two words share a stem when they agree on this many first letters (Tajik and Russian add
#: endings: патент, патентро, патента).
STEM = 5


def _same_stem(word: str, name: str) -> bool:
    n = min(len(word), len(name), STEM)
    return n >= 4 and word[:n] == name[:n]


def phrases_in(path: Path) -> list[Phrase]:
    """The section phrases of one Rasa NLU file (blocks with ``metadata: section:``)."""
    data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    found = []
    for block in data.get("nlu") or []:
        section = (block.get("metadata") or {}).get("section")
        if "intent" not in block or not section:
            continue
        for line in str(block.get("examples", "")).splitlines():
            if line.strip().startswith("- "):
                text = _ENTITY.sub(r"\1", line.strip()[2:]).strip()
                found.append(Phrase(block["intent"], str(section), text))
    return found


def phrases_under(folder: Path) -> list[Phrase]:
    """Every section phrase in the NLU files under ``folder`` (``nlu/sections``)."""
    if not folder.is_dir():
        return []
    return [p for path in sorted(folder.rglob("*.yml")) for p in phrases_in(path)]
