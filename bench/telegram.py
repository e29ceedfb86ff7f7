"""End to end on Telegram: from an update handed out by the Bot API emulator to the bot's reply
arriving there, with ``mrc run`` as its own process and the real Rasa server.

Each simulated user writes like a person: a message, then waits for the answer, then the next
(free questions in three languages, the menu, a category, an article button). Measured at
several numbers of concurrent users; flood control is raised out of the way (it would
otherwise slow the simulated users, by design).
"""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

from bot import PROJECT_DIR

sys.path.insert(0, str(PROJECT_DIR))
from tests.botapi import BotAPIEmulator, EmuUser

QUESTIONS = [
    "patent chi tavr giram",
    "Как получить патент на работу?",
    "How do I check if I have an entry ban?",
    "регистратсия чанд рӯз",
]
STEPS = 8  # messages and presses per user
#: Seconds a user takes to read an answer and write again (none would be faster; Telegram also
#: asks bots for about one message a second per chat, which the bot's limiter enforces).
THINK = 1.0


def _rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def _user_session(emu: BotAPIEmulator, user: EmuUser, latencies: list[float]) -> None:
    for step in range(STEPS):
        time.sleep(THINK)
        before = len(emu.received(user.id))
        began = time.perf_counter()
        if step % 4 == 1:
            emu.send_text(user, "/menu")
        elif step % 4 == 2 and emu.received(user.id):
            emu.press_data(user, "cat:legal")  # a category (edits the menu in place)
            emu.wait_until(lambda: emu.received(user.id)[-1].edited, 60)
            latencies.append(time.perf_counter() - began)
            continue
        else:
            emu.send_text(user, QUESTIONS[(user.id + step) % len(QUESTIONS)])
        emu.wait_for(user.id, after=before, timeout=120)
        latencies.append(time.perf_counter() - began)


def run_level(emu: BotAPIEmulator, users: int) -> dict[str, float]:
    """``users`` people at once, each going through ``STEPS`` turns."""
    people = [emu.user(f"u{i}", language_code="ru") for i in range(users)]
    latencies: list[float] = []
    # Every text gets exactly one new message; a category press edits the menu in place.
    expected = {p.id: sum(1 for step in range(STEPS) if step % 4 != 2) for p in people}
    threads = [threading.Thread(target=_user_session, args=(emu, p, latencies)) for p in people]
    began = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.perf_counter() - began
    time.sleep(3)  # anything sent twice would arrive by now
    got = {p.id: len(emu.received(p.id)) for p in people}
    q = statistics.quantiles(sorted(latencies), n=100)
    return {
        "lost": sum(max(0, expected[i] - got[i]) for i in expected),
        "extra": sum(max(0, got[i] - expected[i]) for i in expected),
        "users": users,
        "turns": len(latencies),
        "p50_ms": q[49] * 1000,
        "p95_ms": q[94] * 1000,
        "p99_ms": q[98] * 1000,
        "turns_per_s": len(latencies) / elapsed,
    }


def main(
    rasa_url: str, rasa_token: str, levels: tuple[int, ...] = (10, 50, 100), rate: float = 30.0
) -> list[dict[str, float]]:
    """Start the bot against an emulator and measure each level; print and return the rows.
    ``rate`` is the bot's overall sending limit (Telegram's is 30 a second; a higher one shows
    what the bot itself could do)."""
    rows = []
    with BotAPIEmulator() as emu, tempfile.TemporaryDirectory() as tmp:
        env = {k: v for k, v in os.environ.items() if not k.startswith("MRC_")}
        env.update(
            MRC_TELEGRAM_TOKEN=emu.token, MRC_TELEGRAM_BASE_URL=emu.base_url,
            MRC_DATABASE_URL=f"sqlite:///{tmp}/bench.db", MRC_DATA_DIR=tmp,
            MRC_NLU_MANAGE="false", MRC_NLU_URL=rasa_url, MRC_NLU_TOKEN=rasa_token,
            MRC_FLOOD_LIMIT="1000", MRC_LOG_LEVEL="WARNING", MRC_TELEGRAM_RATE=str(rate),
            MRC_WEB_CONSOLE="false",
        )  # fmt: skip
        bot = subprocess.Popen([str(PROJECT_DIR / ".venv" / "bin" / "mrc"), "run"], env=env)
        try:
            emu.wait_until(lambda: any(c.method == "getUpdates" for c in emu.calls), 120)
            rows.append({"users": 0, "bot_rss_idle_mb": _rss_mb(bot.pid)})
            for users in levels:
                row = run_level(emu, users)
                row["bot_rss_mb"] = _rss_mb(bot.pid)
                rows.append(row)
            violations = len(emu.violations)
        finally:
            bot.terminate()
            bot.wait(60)
    header = ("users", "turns", "p50 ms", "p95 ms", "p99 ms", "turns/s", "bot MB", "lost", "extra")
    print(" ".join(f"{h:>8}" for h in header))
    for r in rows[1:]:
        cells = (r["users"], r["turns"], r["p50_ms"], r["p95_ms"], r["p99_ms"])
        extra = (r["turns_per_s"], r["bot_rss_mb"], r["lost"], r["extra"])
        print(" ".join(f"{c:>8.1f}" for c in (*cells, *extra)))
    print(
        f"sending limit {rate:.0f}/s; bot idle RSS {rows[0]['bot_rss_idle_mb']:.0f} MB; "
        f"invalid Bot API calls: {violations}"
    )
    return rows
