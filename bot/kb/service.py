"""The knowledge base as the dialogue sees it: published articles and a search over them."""

from __future__ import annotations

import asyncio
import math
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from rapidfuzz import fuzz, process
from sqlalchemy import func, select

from bot import PROJECT_DIR
from bot.db import Database
from bot.db.models import Article as ArticleRow
from bot.db.models import ArticleTranslation, TrainingPhrase
from bot.i18n import LANGUAGES, Translator
from bot.kb.editing import knowledge_version
from bot.kb.files import Contact
from bot.kb.section_choice import Phrase, SectionIndex, phrases_under
from bot.kb.store import Answer, export_contacts, published
from bot.topics import TOPIC_TITLES
from nlu_components.normalize import normalize

#: The sub-questions each section answers (also NLU training data for the topic)...
SECTION_PHRASES = PROJECT_DIR / "nlu" / "sections"
#: ...and more of them, used to choose the section only: trained on, they weakened the NLU's
#: out-of-scope rejection (docs/nlu.md, "Choosing the section").
SECTION_ONLY_PHRASES = PROJECT_DIR / "knowledge_base" / "phrases"

#: A topic must reach this BM25 score to be a search hit...
MIN_SEARCH_SCORE = 1.5
#: ...and at least this share of the best topic's score.
MIN_SHARE_OF_BEST = 0.5
#: A query word matches an article word with at least this similarity (0-100, rapidfuzz).
MIN_WORD_SIMILARITY = 82
_K1, _B = 1.2, 0.75


@dataclass
class _Index:
    """BM25 over each topic's published translations (all languages), normalised; titles count
    three times."""

    counts: dict[str, Counter[str]]
    idf: dict[str, float]
    average_length: float
    vocabulary: list[str]

    @classmethod
    def build(cls, texts: list[tuple[str, str, str]]) -> _Index:
        counts: dict[str, Counter[str]] = {}
        for topic, title, body in texts:
            words = [w for w in normalize(f"{title} {title} {title} {body}").split() if len(w) > 2]
            counts.setdefault(topic, Counter()).update(words)
        df: Counter[str] = Counter()
        for topic_counts in counts.values():
            df.update(topic_counts.keys())
        n = len(counts)
        idf = {w: math.log(1 + (n - d + 0.5) / (d + 0.5)) for w, d in df.items()}
        average = sum(sum(c.values()) for c in counts.values()) / max(n, 1)
        return cls(counts, idf, average, list(idf))

    def _variants(self, word: str) -> set[str]:
        """The article words that are ``word`` with a typo or another ending (for words of five
        letters or more: short words would match too much)."""
        if len(word) < 5:
            return {word} & self.idf.keys()
        found = process.extract(
            word, self.vocabulary, scorer=fuzz.ratio, score_cutoff=MIN_WORD_SIMILARITY, limit=8
        )
        return {str(variant) for variant, _, _ in found} | ({word} & self.idf.keys())

    def search(self, text: str, limit: int) -> list[str]:
        words = {w for w in normalize(text).split() if len(w) > 2}
        matched = set().union(*(self._variants(w) for w in words)) if words else set()
        scores: dict[str, float] = {}
        for topic, topic_counts in self.counts.items():
            length = sum(topic_counts.values())
            score = 0.0
            for word in matched:
                tf = topic_counts.get(word, 0)
                if tf:
                    norm = _K1 * (1 - _B + _B * length / self.average_length)
                    score += self.idf[word] * tf * (_K1 + 1) / (tf + norm)
            scores[topic] = score
        ranked = sorted(scores.items(), key=lambda kv: kv[1], reverse=True)
        if not ranked or ranked[0][1] < MIN_SEARCH_SCORE:
            return []
        floor = ranked[0][1] * MIN_SHARE_OF_BEST
        return [topic for topic, score in ranked if score >= max(floor, MIN_SEARCH_SCORE)][:limit]


class KnowledgeBase:
    """Published articles from the database, in the user's language or a fallback language."""

    def __init__(
        self,
        db: Database,
        section_phrases: Sequence[Path] = (SECTION_PHRASES, SECTION_ONLY_PHRASES),
    ) -> None:
        self.db = db
        self._index: _Index | None = None
        self._version = -1
        self._phrases = [p for folder in section_phrases for p in phrases_under(folder)]
        self._sections: SectionIndex | None = None
        self._sections_version: tuple[int, ...] = ()
        self._sections_lock = asyncio.Lock()

    async def contacts(self) -> list[Contact]:
        """The contacts registry (staff edits show at once)."""
        async with self.db.session() as session:
            return list((await export_contacts(session)).values())

    async def article(self, topic: str, language: str) -> Answer | None:
        """The published article of ``topic``, read fresh: staff edits show at once."""
        async with self.db.session() as session:
            return await published(session, topic, language)

    async def _current_index(self) -> _Index:
        """The index of the published articles, rebuilt when a revision was added (a publish
        in the console shows in the next search, in every bot process)."""
        async with self.db.session() as session:
            version = await knowledge_version(session)
            if self._index is None or version != self._version:
                rows = await session.execute(
                    select(ArticleRow.topic, ArticleTranslation.title, ArticleTranslation.body)
                    .join(ArticleTranslation)
                    .where(ArticleTranslation.status == "published")
                )
                texts = [(topic, title, body) for topic, title, body in rows]
                # Building takes seconds with a thousand articles: not on the event loop.
                self._index = await asyncio.to_thread(_Index.build, texts)
                self._version = version
        return self._index

    def invalidate(self) -> None:
        """Rebuild the search and section indexes before they are next used."""
        self._version = -1
        self._sections_version = ()

    async def sections(self) -> SectionIndex:
        """The index that picks the section answering a question: the published articles and
        the section phrases (the files' and the staff's), rebuilt when either changes."""
        async with self._sections_lock, self.db.session() as session:
            counted = (await session.execute(
                select(func.count(), func.coalesce(func.max(TrainingPhrase.id), 0))
                .where(TrainingPhrase.section.is_not(None))
            )).one()  # fmt: skip
            version = (await knowledge_version(session), int(counted[0]), int(counted[1]))
            if self._sections is None or version != self._sections_version:
                rows = await session.execute(
                    select(ArticleRow.topic, ArticleTranslation.title, ArticleTranslation.body)
                    .join(ArticleTranslation)
                    .where(ArticleTranslation.status == "published")
                )
                texts = [(topic, title, body) for topic, title, body in rows]
                added = await session.execute(
                    select(
                        TrainingPhrase.intent, TrainingPhrase.section, TrainingPhrase.text
                    ).where(TrainingPhrase.section.is_not(None))
                )
                phrases = self._phrases + [Phrase(i, str(s), t) for i, s, t in added]
                names = [(k, Translator(lang).gettext(v)) for k, v in TOPIC_TITLES.items()
                         for lang in LANGUAGES]  # fmt: skip
                self._sections = await asyncio.to_thread(SectionIndex, texts, phrases, names=names)
                self._sections_version = version
        return self._sections

    async def search(self, text: str, limit: int = 3) -> list[str]:
        """Topics whose published articles share the most telling words with ``text``, in any
        language and script, tolerating typos and Tajik suffixes."""
        return (await self._current_index()).search(text, limit)
