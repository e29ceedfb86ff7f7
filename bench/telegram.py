"""End to end on Telegram: from an update handed out by the Bot API emulator to the bot's reply
arriving there, with ``mrc run`` as its own process and the real Rasa server.

Each simulated user writes like a person: a message, then waits for the answer, then the next
(free questions in three languages, the menu, a category, an article button). Measured at
several numbers of concurrent users; flood control is raised out of the way (it would
otherwise slow the simulated users, by design).

The bot uses SQLite (the default); with ``MRC_BENCH_POSTGRES_URL`` set (a server and a role
that may create databases, e.g. the one ``.ci/run`` starts), a fresh PostgreSQL database is
created for the run and dropped after it.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import os
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Iterator
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


def _cpu_seconds(pid: int) -> float:
    """User and system CPU time of a process so far (``/proc/<pid>/stat``)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def _cpu_of(pids: dict[str, list[int]]) -> dict[str, float]:
    return {name: sum(_cpu_seconds(pid) for pid in group) for name, group in pids.items()}


def _user_session(emu: BotAPIEmulator, user: EmuUser, latencies: dict[str, list[float]]) -> None:
    for step in range(STEPS):
        time.sleep(THINK)
        before = len(emu.received(user.id))
        began = time.perf_counter()
        if step % 4 == 1:
            kind = "menu"
            emu.send_text(user, "/menu")
        elif step % 4 == 2 and emu.received(user.id):
            emu.press_data(user, "cat:legal:e")  # a category from the menu (edits it in place)
            emu.wait_until(lambda: emu.received(user.id)[-1].edited, 60)
            latencies["button"].append(time.perf_counter() - began)
            continue
        else:
            kind = "question"
            emu.send_text(user, QUESTIONS[(user.id + step) % len(QUESTIONS)])
        emu.wait_for(user.id, after=before, timeout=120)
        latencies[kind].append(time.perf_counter() - began)


def run_level(emu: BotAPIEmulator, users: int, pids: dict[str, list[int]]) -> dict[str, float]:
    """``users`` people at once, each going through ``STEPS`` turns; with the CPU time each of
    ``pids`` (bot, Rasa, this load generator with the emulator) spent per turn."""
    people = [emu.user(f"u{i}", language_code="ru") for i in range(users)]
    by_kind: dict[str, list[float]] = {"question": [], "menu": [], "button": []}
    # Every text gets exactly one new message; a category press edits the menu in place.
    expected = {p.id: sum(1 for step in range(STEPS) if step % 4 != 2) for p in people}
    threads = [threading.Thread(target=_user_session, args=(emu, p, by_kind)) for p in people]
    cpu_before = _cpu_of(pids)
    began = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.perf_counter() - began
    cpu = {name: seconds - cpu_before[name] for name, seconds in _cpu_of(pids).items()}
    time.sleep(3)  # anything sent twice would arrive by now
    got = {p.id: len(emu.received(p.id)) for p in people}
    latencies = [seconds for samples in by_kind.values() for seconds in samples]
    q = statistics.quantiles(sorted(latencies), n=100)
    kinds = {}
    for kind, samples in by_kind.items():
        kq = statistics.quantiles(sorted(samples), n=100)
        kinds[f"{kind}_p50_ms"], kinds[f"{kind}_p95_ms"] = kq[49] * 1000, kq[94] * 1000
    return {
        "lost": sum(max(0, expected[i] - got[i]) for i in expected),
        "extra": sum(max(0, got[i] - expected[i]) for i in expected),
        "users": users,
        "turns": len(latencies),
        "p50_ms": q[49] * 1000,
        "p95_ms": q[94] * 1000,
        "p99_ms": q[98] * 1000,
        "turns_per_s": len(latencies) / elapsed,
        **kinds,
        **{
            f"cpu_ms_per_turn_{name}": seconds * 1000 / len(latencies)
            for name, seconds in cpu.items()
        },
        **{f"cpu_share_{name}": seconds / elapsed for name, seconds in cpu.items()},
    }


@contextlib.contextmanager
def _database(tmp: str, backend: str) -> Iterator[str]:
    """The bot's database URL for a run: a file in ``tmp``, or a fresh PostgreSQL database."""
    from tests.db.conftest import fresh_database

    yield from fresh_database(backend, Path(tmp), os.environ.get("MRC_BENCH_POSTGRES_URL"))


def backends() -> tuple[str, ...]:
    """The databases to measure on: SQLite, and PostgreSQL when a server is given."""
    return ("sqlite", "postgresql") if os.environ.get("MRC_BENCH_POSTGRES_URL") else ("sqlite",)


def _start_bots(
    emu: BotAPIEmulator, env: dict[str, str], workers: int, stack: contextlib.ExitStack
) -> list[subprocess.Popen[bytes]]:
    """One bot polling, or ``workers`` bots in webhook mode behind a round-robin proxy (as
    behind a load balancer), started one after the other (the first migrates the database)."""
    mrc = str(PROJECT_DIR / ".venv" / "bin" / "mrc")
    if workers == 1:
        bots = [subprocess.Popen([mrc, "run"], env=env)]
        emu.wait_until(lambda: any(c.method == "getUpdates" for c in emu.calls), 120)
        return bots
    from bot.nlu.server import free_loopback_port
    from tests.integration.e2e.proxy import RoundRobinProxy

    ports = [free_loopback_port() for _ in range(workers)]
    proxy = stack.enter_context(RoundRobinProxy([f"http://127.0.0.1:{p}" for p in ports]))
    bots = []
    for i, port in enumerate(ports):
        hooked = sum(c.method == "setWebhook" for c in emu.calls)
        worker_env = {
            **env, "MRC_WORKERS": str(workers), "MRC_WEB_PORT": str(port),
            "MRC_WEBHOOK_URL": f"{proxy.url}/telegram/webhook",
            "MRC_WEBHOOK_SECRET": "bench-secret", "MRC_DATA_DIR": f"{env['MRC_DATA_DIR']}/w{i}",
        }  # fmt: skip
        bots.append(subprocess.Popen([mrc, "run"], env=worker_env))
        emu.wait_until(lambda h=hooked: sum(c.method == "setWebhook" for c in emu.calls) > h, 120)
    return bots


def main(
    rasa_url: str,
    rasa_token: str,
    rasa_pid: int,
    levels: tuple[int, ...] = (10, 50, 100),
    rate: float = 30.0,
    backend: str = "sqlite",
    workers: int = 1,
) -> list[dict[str, float]]:
    """Start the bot against an emulator and measure each level; print and return the rows.
    ``rate`` is the bot's overall sending limit (Telegram's is 30 a second; a higher one shows
    what the bot itself could do). ``workers`` > 1 runs that many bots in webhook mode behind a
    proxy (PostgreSQL only); their CPU and memory are added up. With ``MRC_BENCH_PYSPY`` set to
    a py-spy executable, the (first) bot is sampled during the levels and its stacks are
    written to ``reports/`` (py-spy's "raw" collapsed format: one stack per line with its
    count; speedscope and flamegraph.pl read it).
    """
    if workers > 1 and backend != "postgresql":
        raise ValueError("several workers need PostgreSQL")
    rows = []
    with (
        BotAPIEmulator() as emu,
        tempfile.TemporaryDirectory() as tmp,
        _database(tmp, backend) as database_url,
        contextlib.ExitStack() as stack,
    ):
        env = {k: v for k, v in os.environ.items() if not k.startswith("MRC_")}
        env.update(
            MRC_TELEGRAM_TOKEN=emu.token, MRC_TELEGRAM_BASE_URL=emu.base_url,
            MRC_DATABASE_URL=database_url, MRC_DATA_DIR=tmp,
            MRC_NLU_MANAGE="false", MRC_NLU_URL=rasa_url, MRC_NLU_TOKEN=rasa_token,
            MRC_FLOOD_LIMIT="1000", MRC_LOG_LEVEL="WARNING", MRC_TELEGRAM_RATE=str(rate),
            MRC_WEB_CONSOLE="false",
        )  # fmt: skip
        bots = _start_bots(emu, env, workers, stack)
        try:
            rows.append({"users": 0, "bot_rss_idle_mb": sum(_rss_mb(b.pid) for b in bots)})
            pids = {"bot": [b.pid for b in bots], "rasa": [rasa_pid], "load": [os.getpid()]}
            label = f"{backend}-{workers}-workers-{levels[-1]}-users-rate-{rate:.0f}"
            with _profiled(bots[0].pid, label):
                for users in levels:
                    row = run_level(emu, users, pids)
                    row["bot_rss_mb"] = sum(_rss_mb(b.pid) for b in bots)
                    rows.append(row)
            violations = len(emu.violations)
            for call in emu.violations:
                print(f"invalid {call.method} ({call.status}): {'; '.join(call.problems)}")
                print(f"  parameters: {sorted(call.params)}")
            if violations or any(r.get("lost") for r in rows):
                for log in Path(tmp).glob("**/log/mrc.log"):
                    lines = log.read_text().splitlines()
                    problems = [line for line in lines if " INFO " not in line]
                    print(f"warnings and errors in {log}:", *problems[-40:], sep="\n  ")
        finally:
            for bot in bots:
                bot.terminate()
            for bot in bots:
                bot.wait(60)
    header = ("users", "turns", "p50 ms", "p95 ms", "p99 ms", "turns/s", "bot MB", "lost", "extra")
    print(" ".join(f"{h:>8}" for h in header))
    for r in rows[1:]:
        cells = (r["users"], r["turns"], r["p50_ms"], r["p95_ms"], r["p99_ms"])
        extra = (r["turns_per_s"], r["bot_rss_mb"], r["lost"], r["extra"])
        print(" ".join(f"{c:>8.1f}" for c in (*cells, *extra)))
    print(
        f"{backend}, {workers} worker(s); sending limit {rate:.0f}/s; "
        f"bot idle RSS {rows[0]['bot_rss_idle_mb']:.0f} MB; invalid Bot API calls: {violations}"
    )
    _per_level(
        "p50/p95 ms by kind",
        rows[1:],
        ("question", "menu", "button"),
        lambda r, kind: f"{kind} {r[f'{kind}_p50_ms']:.0f}/{r[f'{kind}_p95_ms']:.0f}",
    )
    _per_level("CPU ms per turn (share of one core)", rows[1:], ("bot", "rasa", "load"),
               lambda r, name: f"{name} {r[f'cpu_ms_per_turn_{name}']:.1f} "
                               f"({r[f'cpu_share_{name}']:.2f})")  # fmt: skip
    return rows


def _per_level(
    title: str,
    rows: list[dict[str, float]],
    names: tuple[str, ...],
    cell: Callable[[dict[str, float], str], str],
) -> None:
    """One line: for each level, ``cell(row, name)`` for each name."""
    levels = (f"{r['users']:.0f} users: " + ", ".join(cell(r, n) for n in names) for r in rows)
    print(f"{title}: " + "; ".join(levels))


@contextlib.contextmanager
def _profiled(pid: int, label: str) -> Iterator[None]:
    """Sample ``pid`` with py-spy while the block runs, if ``MRC_BENCH_PYSPY`` names it."""
    pyspy = os.environ.get("MRC_BENCH_PYSPY")
    if not pyspy:
        yield
        return
    reports = PROJECT_DIR / "reports"
    reports.mkdir(exist_ok=True)
    out = reports / f"profile-bot-{label}.txt"
    sampler = subprocess.Popen(
        [pyspy, "record", "--pid", str(pid), "--output", str(out), "--format", "raw", "--threads"]
    )
    try:
        yield
    finally:
        sampler.send_signal(signal.SIGINT)
        sampler.wait(60)
        print(f"profile of the bot: {out}")


async def _standalone(levels: tuple[int, ...], rate: float, backend: str, workers: int) -> None:
    from bot.nlu.server import serving
    from bot.nlu.training import NLUProject, train

    model, _ = train(NLUProject(), quiet=True)
    async with serving(model) as server:
        assert server.pid is not None
        await asyncio.to_thread(
            main, server.url, server.token, server.pid, levels, rate, backend, workers
        )


if __name__ == "__main__":
    # Only this part: python -m bench.telegram [USERS ...] [--rate N] [--database D] [--workers N]
    parser = argparse.ArgumentParser(prog="python -m bench.telegram")
    parser.add_argument("users", type=int, nargs="*", default=[10, 50, 100])
    parser.add_argument("--rate", type=float, default=30.0)
    parser.add_argument("--database", choices=("sqlite", "postgresql"), default="sqlite")
    parser.add_argument("--workers", type=int, default=1, help="webhook workers (PostgreSQL)")
    arguments = parser.parse_args()
    asyncio.run(
        _standalone(tuple(arguments.users), arguments.rate, arguments.database, arguments.workers)
    )
