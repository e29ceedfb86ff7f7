"""Measure how long ranking suggested replies for an operator takes (issue 16; target p95
<= 20 ms): ``python -m bench.suggestions`` alone, or as part of ``make bench``.

The knowledge base's shipped articles in a fresh SQLite database; the section index is built
first (as at start-up), then each question is ranked and its suggestions' texts rendered.
"""

from __future__ import annotations

import asyncio
import statistics
import tempfile
import time

from bot.assembly import prepare_database
from bot.db import Database
from bot.escalation.suggest import ranked, suggest
from bot.kb.service import KnowledgeBase
from bot.settings import load_settings

#: Questions migrants hand to operators (written for the benchmark; not from any test set).
QUESTIONS = [
    ("ru", "работодатель не платит зарплату третий месяц, что делать"),
    ("tg", "Пули патентро як рӯз дер супоридам, чӣ мешавад?"),
    ("tg", "registratsiya chand ruz meshavad"),
    ("en", "my employer took my passport, how do I get it back"),
    ("ru", "как проверить запрет на въезд и что делать если он есть"),
    ("tg", "кудакам дар Маскав таваллуд шуд, шаходатнома аз кучо гирам"),
    ("en", "how much is the patent per month in St Petersburg"),
    ("ru", "потерял паспорт в Москве, куда обращаться"),
]
REQUESTS = 200


def _cuts(samples: list[float]) -> dict[str, float]:
    cuts = statistics.quantiles(samples, n=100)
    return {"p50_ms": cuts[49] * 1000, "p95_ms": cuts[94] * 1000, "p99_ms": cuts[98] * 1000}


async def measure(db: Database) -> dict[str, float]:
    """p50/p95/p99 in ms of ranking every topic's sections for a question (``rank_*``), and of
    the whole suggestion: ranking, reading the articles from the database, rendering."""
    kb = KnowledgeBase(db)
    index = await kb.sections()  # built at start-up in the product
    ranking, whole = [], []
    for i in range(REQUESTS):
        language, question = QUESTIONS[i % len(QUESTIONS)]
        start = time.perf_counter()
        ranked(index, question, None)
        ranking.append(time.perf_counter() - start)
        start = time.perf_counter()
        await suggest(kb, question, language)
        whole.append(time.perf_counter() - start)
    rank = {f"rank_{k}": v for k, v in _cuts(ranking).items()}
    return {**rank, **_cuts(whole)}


async def main() -> dict[str, float]:
    with tempfile.TemporaryDirectory() as tmp:
        settings = load_settings(database_url=f"sqlite:///{tmp}/bench.db")
        db = Database(settings.database_url)
        await prepare_database(settings, db)
        try:
            result = await measure(db)
        finally:
            await db.dispose()
    print(
        "ranking suggested replies (target p95 <= 20 ms): "
        f"p50 {result['rank_p50_ms']:.1f} ms, p95 {result['rank_p95_ms']:.1f} ms, "
        f"p99 {result['rank_p99_ms']:.1f} ms; with reading and rendering the articles: "
        f"p50 {result['p50_ms']:.1f} ms, p95 {result['p95_ms']:.1f} ms"
    )
    return result


if __name__ == "__main__":
    asyncio.run(main())
