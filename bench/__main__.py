"""Measure NLU parse latency and throughput against the real Rasa server, and its memory.

Prints a table and writes ``reports/bench-<time>.json``. The figures are measurements on this
machine, not assertions: tests assert behaviour, benchmarks measure speed.
"""

from __future__ import annotations

import asyncio
import json
import os
import statistics
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

from bot import PROJECT_DIR
from bot.assembly import prepare_database
from bot.db import Database
from bot.dialogue import Dialogue
from bot.kb.service import KnowledgeBase
from bot.nlu import NLUClient
from bot.nlu.server import serving
from bot.nlu.training import NLUProject, train
from bot.settings import load_settings

MESSAGES = [
    "салом",
    "патентро чи тавр гирам",
    "patent chi tavr giram",
    "как оплатить патент",
    "kak sdelat registraciyu",
    "how do I check an entry ban",
    "ман регистрация надорам штраф чанд аст",
    "где консульство в Екатеринбурге",
]
REQUESTS = 400
#: Specific questions and follow-ups (written for the benchmark; not from any test set).
SPECIFIC = [
    "патент дар Маскав моҳе чанд пул аст",
    "opozdal s oplatoi patenta na 3 dnya chto delat",
    "how long can police keep me at the station",
    "штраф за регистрацию сколько",
    "а в Казахстане?",
    "чанд пул?",
]


def _percentiles(samples: list[float]) -> dict[str, float]:
    ordered = sorted(samples)
    q = statistics.quantiles(ordered, n=100)
    return {"p50_ms": q[49] * 1000, "p95_ms": q[94] * 1000, "p99_ms": q[98] * 1000}


def _rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


async def _timed(fn, count: int, concurrency: int) -> dict[str, float]:  # type: ignore[no-untyped-def]
    samples: list[float] = []
    queue: asyncio.Queue[int] = asyncio.Queue()
    for i in range(count):
        queue.put_nowait(i)

    async def worker() -> None:
        while not queue.empty():
            i = queue.get_nowait()
            start = time.perf_counter()
            await fn(MESSAGES[i % len(MESSAGES)])
            samples.append(time.perf_counter() - start)

    began = time.perf_counter()
    await asyncio.gather(*(worker() for _ in range(concurrency)))
    elapsed = time.perf_counter() - began
    return {**_percentiles(samples), "throughput_per_s": count / elapsed}


async def _run_dialogue(nlu: NLUClient, dialogue: Dialogue) -> dict[str, dict[str, float]]:
    results = {}
    for _ in range(20):  # warm-up
        await nlu.parse("салом")
    results["nlu_parse_sequential"] = await _timed(nlu.parse, REQUESTS, 1)
    results["nlu_parse_8_clients"] = await _timed(nlu.parse, REQUESTS, 8)

    async def respond(text: str) -> None:
        await dialogue.respond(text, "tg")

    results["dialogue_sequential"] = await _timed(respond, REQUESTS, 1)
    results["dialogue_8_clients"] = await _timed(respond, REQUESTS, 8)
    return results


async def _jsonl_run(url: str, token: str, count: int) -> tuple[int, float]:
    """Run ``mrc ask --jsonl`` on ``count`` questions; (answers, seconds including start-up)."""
    lines = "\n".join(json.dumps({"text": MESSAGES[i % len(MESSAGES)]}) for i in range(count))
    with tempfile.TemporaryDirectory() as tmp:
        env = {**os.environ, "MRC_NLU_URL": url, "MRC_NLU_TOKEN": token,
               "MRC_DATABASE_URL": f"sqlite:///{tmp}/ask.db", "MRC_DATA_DIR": tmp}  # fmt: skip
        began = time.perf_counter()
        process = await asyncio.create_subprocess_exec(
            str(PROJECT_DIR / ".venv" / "bin" / "mrc"), "ask", "--jsonl", env=env,
            stdin=asyncio.subprocess.PIPE, stdout=asyncio.subprocess.PIPE,
            stderr=asyncio.subprocess.DEVNULL,
        )  # fmt: skip
        out, _ = await process.communicate(lines.encode())
        return len(out.decode().splitlines()), time.perf_counter() - began


async def _jsonl_batch(url: str, token: str) -> dict[str, float]:
    """``mrc ask --jsonl``: whole command on 400 questions, and the rate once it is up (the
    difference between 400 and 10 questions, which cancels the start-up)."""
    small, small_seconds = await _jsonl_run(url, token, 10)
    big, big_seconds = await _jsonl_run(url, token, REQUESTS)
    return {
        "throughput_per_s": big / big_seconds,
        "throughput_after_startup_per_s": (big - small) / (big_seconds - small_seconds),
        "startup_seconds": small_seconds,
    }


async def _section_overhead(nlu: NLUClient, db: Database) -> dict[str, dict[str, float]]:
    """What choosing the section (and reading a follow-up in context) adds to a reply: the
    dialogue over answers the NLU already gave (cached), with the section index and without
    it (articles shown whole), and the index's choice alone."""
    from bot.dialogue import Conversation
    from bot.kb.section_eval import CachingNLU

    class Whole(KnowledgeBase):
        async def sections(self) -> None:  # type: ignore[override]
            return None

    cached = CachingNLU(nlu)
    texts = MESSAGES + SPECIFIC
    for text in texts:
        await cached.parse(text)
    sections, whole = Dialogue(cached, KnowledgeBase(db)), Dialogue(cached, Whole(db))  # type: ignore[arg-type]
    index = await sections.articles.sections()  # type: ignore[attr-defined]
    results = {}
    for name, dialogue in (("with_sections", sections), ("articles_whole", whole)):
        samples = []
        conversation = Conversation()
        for i in range(REQUESTS):
            start = time.perf_counter()
            await dialogue.respond(texts[i % len(texts)], "tg", conversation=conversation)
            samples.append(time.perf_counter() - start)
        results[f"dialogue_own_{name}"] = _percentiles(samples)
    samples = []
    for i in range(REQUESTS):
        start = time.perf_counter()
        index.choose("work_patent", texts[i % len(texts)])
        samples.append(time.perf_counter() - start)
    results["section_choice_alone"] = _percentiles(samples)
    added = {
        k: results["dialogue_own_with_sections"][k] - results["dialogue_own_articles_whole"][k]
        for k in ("p50_ms", "p95_ms", "p99_ms")
    }
    results["section_added_latency"] = added
    return results


def _kb_search_1000() -> dict[str, float]:
    """Knowledge-base search latency with 1,000 articles: the 20 real ones in tg, ru and en,
    each copied 50 times with its paragraphs in another order (as many words as real ones)."""
    import random

    from bot.kb.files import load_all
    from bot.kb.service import _Index

    articles, _ = load_all()
    rng = random.Random(1)
    texts = []
    for copy in range(50):
        for topic, article in articles.items():
            for translation in article.translations.values():
                paragraphs = translation.body.split("\n\n")
                rng.shuffle(paragraphs)
                texts.append((f"{topic}-{copy}", translation.title, "\n\n".join(paragraphs)))
    began = time.perf_counter()
    index = _Index.build(texts)
    build_ms = (time.perf_counter() - began) * 1000
    samples = []
    for i in range(200):
        start = time.perf_counter()
        index.search(MESSAGES[i % len(MESSAGES)], 3)
        samples.append(time.perf_counter() - start)
    return {**_percentiles(samples), "index_build_ms": build_ms, "articles": len(index.counts)}


async def main() -> None:
    """Run the benchmarks and report."""
    model, _ = train(NLUProject(), quiet=True)
    results: dict[str, dict[str, float]] = {"kb_search_1000_articles": _kb_search_1000()}
    async with serving(model) as server:
        token = server.token
        assert server.pid is not None
        results["rasa_idle"] = {"rss_mb": _rss_mb(server.pid)}
        async with NLUClient(server.url, token, timeout=30) as nlu:
            with tempfile.TemporaryDirectory() as tmp:
                settings = load_settings(database_url=f"sqlite:///{tmp}/bench.db")
                db = Database(settings.database_url)
                await prepare_database(settings, db)
                dialogue = Dialogue(nlu, KnowledgeBase(db))
                results.update(await _run_dialogue(nlu, dialogue))
                results.update(await _section_overhead(nlu, db))
                from bench import suggestions

                results["suggested_replies_ranking"] = await suggestions.measure(db)
                await db.dispose()
        jsonl = await _jsonl_batch(server.url, token)
        results["mrc_ask_jsonl"] = {"throughput_per_s": jsonl["throughput_per_s"]}
        results["mrc_ask_jsonl_after_startup"] = {
            "throughput_per_s": jsonl["throughput_after_startup_per_s"]
        }
        from bench import telegram

        for backend in telegram.backends():
            suffix = "" if backend == "sqlite" else f"_{backend}"
            # Telegram's 30 messages/s, then the same 100 users with it lifted (the bot's own
            # ceiling).
            runs = (((10, 50, 100), 30.0, ""), ((100,), 1000.0, "_uncapped"))
            for levels, rate, label in runs:
                rows = await asyncio.to_thread(
                    telegram.main, server.url, token, server.pid, levels, rate, backend
                )
                for row in rows:
                    if "turns" not in row:
                        results[f"bot_idle{suffix}"] = {"rss_mb": row["bot_rss_idle_mb"]}
                        continue
                    name = f"telegram_e2e_{row['users']:.0f}_users{label}{suffix}"
                    results[name] = {
                        "p50_ms": row["p50_ms"], "p95_ms": row["p95_ms"],
                        "p99_ms": row["p99_ms"], "throughput_per_s": row["turns_per_s"],
                        "rss_mb": row["bot_rss_mb"], "lost": row["lost"], "extra": row["extra"],
                        **{k: v for k, v in row.items() if k.startswith(("cpu_", "question",
                                                                          "menu", "button"))},
                    }  # fmt: skip
        results["rasa_after_load"] = {"rss_mb": _rss_mb(server.pid)}

    print(f"{'benchmark':<44} {'p50 ms':>8} {'p95 ms':>8} {'p99 ms':>8} {'msg/s':>8} {'RSS MB':>8}")
    for name, r in results.items():
        cells = [r.get(k) for k in ("p50_ms", "p95_ms", "p99_ms", "throughput_per_s", "rss_mb")]
        print(
            f"{name:<44} " + " ".join(f"{c:>8.1f}" if c is not None else f"{'':>8}" for c in cells)
        )
    seq, par = results["nlu_parse_sequential"], results["nlu_parse_8_clients"]
    dseq, dpar = results["dialogue_sequential"], results["dialogue_8_clients"]
    results["bot_overhead_over_nlu"] = {
        "sequential_p50_pct": (dseq["p50_ms"] / seq["p50_ms"] - 1) * 100,
        "8_clients_p50_pct": (dpar["p50_ms"] / par["p50_ms"] - 1) * 100,
    }
    print(
        "the dialogue's own overhead over the bare NLU parse (p50): "
        f"{results['bot_overhead_over_nlu']['sequential_p50_pct']:.0f} % sequential, "
        f"{results['bot_overhead_over_nlu']['8_clients_p50_pct']:.0f} % with 8 clients"
    )
    added = results["section_added_latency"]
    print(
        "what choosing the section adds to the dialogue (target p95 <= 10 ms): "
        f"p50 {added['p50_ms']:.1f} ms, p95 {added['p95_ms']:.1f} ms"
    )
    ranking = results["suggested_replies_ranking"]
    print(
        "ranking suggested replies for an operator (target p95 <= 20 ms): "
        f"p50 {ranking['rank_p50_ms']:.1f} ms, p95 {ranking['rank_p95_ms']:.1f} ms; with the "
        f"articles read and rendered: p95 {ranking['p95_ms']:.1f} ms"
    )
    reports = PROJECT_DIR / "reports"
    reports.mkdir(exist_ok=True)
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    out = reports / f"bench-{stamp}.json"
    out.write_text(
        json.dumps({"model": model.name, "requests": REQUESTS, "results": results}, indent=2)
    )
    print(f"saved {out}")


if __name__ == "__main__":
    asyncio.run(main())
