"""The knowledge base as the dialogue sees it: published articles and a search over them."""

from __future__ import annotations

import math
import time
from dataclasses import dataclass

from rapidfuzz import fuzz, process
from sqlalchemy import select

from bot.db import Database
from bot.db.models import Article as ArticleRow
from bot.db.models import ArticleTranslation
from bot.kb.store import Answer, published
from nlu_components.normalize import normalize

#: A topic must reach this score (a sum of the matched words' IDF) to be a search hit.
MIN_SEARCH_SCORE = 2.5
#: A query word matches an article word with at least this similarity (0-100, rapidfuzz).
MIN_WORD_SIMILARITY = 82
#: The search index is rebuilt from the database at most this often (seconds).
INDEX_TTL = 30.0


@dataclass
class _Index:
    """Normalised words of every topic's published translations, with their IDF."""

    words: dict[str, set[str]]
    idf: dict[str, float]

    @classmethod
    def build(cls, texts: list[tuple[str, str]]) -> _Index:
        words: dict[str, set[str]] = {}
        for topic, text in texts:
            words.setdefault(topic, set()).update(w for w in normalize(text).split() if len(w) > 2)
        df: dict[str, int] = {}
        for topic_words in words.values():
            for word in topic_words:
                df[word] = df.get(word, 0) + 1
        n = len(words)
        return cls(words, {w: math.log((n + 1) / (d + 0.5)) for w, d in df.items()})

    def search(self, text: str, limit: int) -> list[str]:
        vocabulary = list(self.idf)
        matched: set[str] = set()
        for word in {w for w in normalize(text).split() if len(w) > 2}:
            if word in self.idf:
                matched.add(word)
            elif vocabulary:
                best = process.extractOne(
                    word, vocabulary, scorer=fuzz.ratio, score_cutoff=MIN_WORD_SIMILARITY
                )
                if best is not None:
                    matched.add(best[0])
        scores = {
            topic: sum(self.idf[w] for w in matched & topic_words)
            for topic, topic_words in self.words.items()
        }
        ranked = sorted(scores.items(), key=lambda kv: kv[1], reverse=True)
        return [topic for topic, score in ranked if score >= MIN_SEARCH_SCORE][:limit]


class KnowledgeBase:
    """Published articles from the database, in the user's language or a fallback language."""

    def __init__(self, db: Database) -> None:
        self.db = db
        self._index: _Index | None = None
        self._built_at = float("-inf")

    async def article(self, topic: str, language: str) -> Answer | None:
        """The published article of ``topic``, read fresh: staff edits show at once."""
        async with self.db.session() as session:
            return await published(session, topic, language)

    async def _current_index(self) -> _Index:
        if self._index is None or time.monotonic() - self._built_at > INDEX_TTL:
            async with self.db.session() as session:
                rows = await session.execute(
                    select(ArticleRow.topic, ArticleTranslation.title, ArticleTranslation.body)
                    .join(ArticleTranslation)
                    .where(ArticleTranslation.status == "published")
                )
                texts = [(topic, f"{title} {body}") for topic, title, body in rows]
            self._index = _Index.build(texts)
            self._built_at = time.monotonic()
        return self._index

    def invalidate(self) -> None:
        """Rebuild the search index before the next search (after an edit)."""
        self._built_at = float("-inf")

    async def search(self, text: str, limit: int = 3) -> list[str]:
        """Topics whose published articles share the most telling words with ``text``, in any
        language and script, tolerating typos and Tajik suffixes."""
        return (await self._current_index()).search(text, limit)
