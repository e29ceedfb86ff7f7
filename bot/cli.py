"""The ``mrc`` command: run the product, manage the NLU model, the database and the knowledge base.

mrc run                 the product (Telegram with a token, else the local demo)
mrc chat                the local demo in this terminal
mrc ask TEXT            one question, one answer (for scripts and quick checks)
mrc nlu train|serve|eval
mrc db upgrade
mrc kb ...              the knowledge base (see the knowledge-base issue)
mrc staff add NAME      a staff console account (prints a one-time password)
mrc tickets export      every ticket with its transcript
"""

from __future__ import annotations

import argparse
import asyncio
import sys
from collections.abc import Sequence
from pathlib import Path

from bot import __version__
from bot.i18n import LANGUAGES
from bot.logs import setup_logging
from bot.settings import Settings, SettingsError, load_settings


def _settings() -> Settings:
    try:
        return load_settings()
    except SettingsError as exc:
        for problem in exc.problems:
            print(f"mrc: configuration error: {problem}", file=sys.stderr)
        raise SystemExit(2) from None


def cmd_run(args: argparse.Namespace) -> int:
    """Run the product."""
    from bot.runner import run_sync

    settings = _settings()
    demo = args.command == "chat" or settings.telegram_token is None
    console = "WARNING" if demo else settings.log_level
    setup_logging(settings.log_level, settings.data_dir / "log" / "mrc.log", console)
    return run_sync(settings, demo=args.command == "chat")


def cmd_db_upgrade(args: argparse.Namespace) -> int:
    """Migrate the database to the newest schema."""
    from bot.db import migrate

    settings = _settings()
    setup_logging(settings.log_level)
    migrate.upgrade(settings.database_url, args.revision)
    print(f"database is at revision {args.revision}")
    return 0


def cmd_nlu_train(args: argparse.Namespace) -> int:
    """Train the NLU model unless it is up to date."""
    from bot.assembly import nlu_project
    from bot.nlu.training import NLUEnvironmentMissing, TrainingFailed, train

    settings = _settings()
    setup_logging(settings.log_level)
    try:
        path, trained = train(nlu_project(settings), force=args.force, quiet=args.quiet)
    except (NLUEnvironmentMissing, TrainingFailed) as exc:
        print(f"mrc: error: {exc}", file=sys.stderr)
        return 1
    print(f"{'trained' if trained else 'up to date'}: {path}")
    return 0


def cmd_nlu_serve(args: argparse.Namespace) -> int:
    """Serve the current model until Ctrl-C."""
    from bot.assembly import nlu_project, nlu_token
    from bot.nlu.server import RasaServer, RasaStartError
    from bot.nlu.training import NLUEnvironmentMissing, TrainingFailed, train

    settings = _settings()
    setup_logging(settings.log_level)

    async def serve() -> None:
        project = nlu_project(settings)
        model, _ = await asyncio.to_thread(train, project)
        server = RasaServer(model, settings.nlu_urls[0], nlu_token(settings), project=project)
        await server.start()
        try:
            await server.wait_ready(settings.nlu_startup_timeout)
            print(f"Rasa server ready on {server.url} (model {model.name}); Ctrl-C stops it")
            await asyncio.Event().wait()
        finally:
            await server.stop()

    try:
        asyncio.run(serve())
    except (NLUEnvironmentMissing, TrainingFailed, RasaStartError) as exc:
        print(f"mrc: error: {exc}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        return 0
    return 0


def cmd_nlu_eval(args: argparse.Namespace) -> int:
    """Evaluate the current model on the held-out test set and the evaluation data."""
    from bot import PROJECT_DIR
    from bot.assembly import nlu_project
    from bot.nlu import report
    from bot.nlu.evaldata import EvalDataMissing
    from bot.nlu.evaluation import evaluate
    from bot.nlu.server import RasaStartError
    from bot.nlu.training import NLUEnvironmentMissing, TrainingFailed, train

    settings = _settings()
    setup_logging(settings.log_level, console_level="WARNING")
    project = nlu_project(settings)
    try:
        model, _ = train(project)
        result = asyncio.run(evaluate(project, model))
    except (NLUEnvironmentMissing, TrainingFailed, RasaStartError, EvalDataMissing) as exc:
        print(f"mrc: error: {exc}", file=sys.stderr)
        return 1
    print(report.summary(result))
    for path in report.write(result, PROJECT_DIR / "reports"):
        print(f"wrote {path}")
    return 0


def cmd_nlu_tune(args: argparse.Namespace) -> int:
    """Train on a development split with a config and report accuracy and thresholds."""
    from bot import PROJECT_DIR
    from bot.assembly import nlu_project
    from bot.nlu.evaldata import EvalDataMissing
    from bot.nlu.training import NLUEnvironmentMissing, TrainingFailed
    from bot.nlu.tuning import format_report, save_report, tune

    settings = _settings()
    setup_logging(settings.log_level, console_level="WARNING")
    config = Path(args.config).resolve()
    try:
        report = asyncio.run(tune(nlu_project(settings), config))
    except (NLUEnvironmentMissing, TrainingFailed, EvalDataMissing) as exc:
        print(f"mrc: error: {exc}", file=sys.stderr)
        return 1
    print(format_report(report))
    save_report(report, PROJECT_DIR / "reports" / f"nlu-tune-{config.stem}.json")
    return 0


def cmd_ask(args: argparse.Namespace) -> int:
    """Answer questions: one from the command line, or JSON lines from stdin (``--jsonl``)."""
    from bot.ask import run_ask

    settings = _settings()
    setup_logging(settings.log_level, settings.data_dir / "log" / "mrc.log", "WARNING")
    if args.text is None and not args.jsonl:
        print("mrc ask: give a question, or --jsonl to read JSON lines from stdin", file=sys.stderr)
        return 2
    return asyncio.run(run_ask(settings, args.text, args.language, args.jsonl, args.json))


def cmd_kb(args: argparse.Namespace) -> int:
    """Knowledge-base commands: validate, import, export."""
    from bot.kb import cli as kb

    if args.action == "validate":
        return kb.validate_command()
    if args.action == "eval":
        return cmd_kb_eval(args)
    if args.action == "tune-sections":
        return cmd_kb_tune(args)
    settings = _settings()
    setup_logging(settings.log_level, console_level="WARNING")
    if args.action == "import":
        return kb.import_command(settings, force=args.force)
    return kb.export_command(settings)


def cmd_kb_eval(args: argparse.Namespace) -> int:
    """Answer quality on the held-out sets, through the real NLU and dialogue on the files'
    knowledge base: is the fact a specific question turns on in the first message
    (tests/nlu/test_facts.yml), is the right section shown first and a follow-up understood
    (tests/nlu/test_sections.yml)? ``--dev``: the sections' development split instead."""
    from bot import PROJECT_DIR
    from bot.kb import evaluation, section_eval
    from bot.nlu.server import RasaStartError
    from bot.nlu.training import NLUEnvironmentMissing, TrainingFailed

    settings = _settings()
    setup_logging(settings.log_level, console_level="WARNING")
    split = "dev" if args.dev else "test"
    sections_set: Path | tuple[Path, ...] = (
        section_eval.SECTIONS_DEV if args.dev else section_eval.SECTIONS_TEST
    )
    questions = evaluation.load_questions()

    async def job(make):  # type: ignore[no-untyped-def]
        result = {}
        if not args.dev:
            result["facts"] = await evaluation.evaluate_facts(make(), questions)
        result["sections"] = await section_eval.evaluate_sections(
            make(), section_eval.load(sections_set, split)
        )
        return result

    try:
        result = asyncio.run(evaluation.run(settings.models_dir, job))
    except (NLUEnvironmentMissing, TrainingFailed, RasaStartError, ValueError) as exc:
        print(f"mrc: error: {exc}", file=sys.stderr)
        return 1
    reports = PROJECT_DIR / "reports"
    if "facts" in result:
        result["facts"]["model"] = result["model"]
        print(evaluation.summary(result["facts"]))
        for path in evaluation.write(result["facts"], reports):
            print(f"wrote {path}")
    result["sections"]["model"] = result["model"]
    print(section_eval.summary(result["sections"]))
    name = "sections-dev" if args.dev else "sections-eval"
    for path in section_eval.write(result["sections"], reports, name):
        print(f"wrote {path}")
    return 0


def cmd_kb_tune(args: argparse.Namespace) -> int:
    """Choose the section weights and the follow-up threshold on the development split."""
    from bot.kb import evaluation, section_eval
    from bot.nlu.server import RasaStartError
    from bot.nlu.training import NLUEnvironmentMissing, TrainingFailed

    settings = _settings()
    setup_logging(settings.log_level, console_level="WARNING")
    data = section_eval.load(section_eval.SECTIONS_DEV, "dev")

    async def job(make):  # type: ignore[no-untyped-def]
        return {"grid": await section_eval.tune(make, data)}

    try:
        result = asyncio.run(evaluation.run(settings.models_dir, job))
    except (NLUEnvironmentMissing, TrainingFailed, RasaStartError, ValueError) as exc:
        print(f"mrc: error: {exc}", file=sys.stderr)
        return 1
    print("section  follow-up  overview  new topic  settings (best first, development split)")
    for values, scores in result["grid"][:15]:
        print(f"{scores['section_right']:.3f}    {scores['followup_right']:.3f}      "
              f"{scores['general_overview']:.3f}     {scores['switch_right']:.3f}      "
              f"{values}")  # fmt: skip
    return 0


def cmd_tickets(args: argparse.Namespace) -> int:
    """Tickets: export every ticket with its transcript (JSON or CSV) to stdout."""
    from bot.db import Database
    from bot.escalation.tickets import export

    settings = _settings()
    setup_logging(settings.log_level, console_level="WARNING")

    async def run() -> str:
        db = Database(settings.database_url)
        try:
            async with db.session() as session:
                return await export(session, args.format)
        finally:
            await db.dispose()

    sys.stdout.write(asyncio.run(run()))
    return 0


def cmd_staff(args: argparse.Namespace) -> int:
    """Staff console accounts."""
    from bot.admin.cli import add_staff

    settings = _settings()
    setup_logging(settings.log_level, console_level="WARNING")
    return add_staff(settings, args.username, args.role, args.language, args.password_stdin)


def cmd_nlu_phrases(args: argparse.Namespace) -> int:
    """Write the training phrases added in the console into nlu/."""
    from bot.admin.cli import PHRASES_FILE, export_phrases

    settings = _settings()
    setup_logging(settings.log_level, console_level="WARNING")
    return export_phrases(settings, args.out or PHRASES_FILE)


def build_parser() -> argparse.ArgumentParser:
    """The argument parser of ``mrc``."""
    parser = argparse.ArgumentParser(prog="mrc", description="MRC Assistant")
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    sub.add_parser("run", help="run the product (Telegram, or the local demo without a token)")
    sub.add_parser("chat", help="chat with the bot in this terminal")

    ask = sub.add_parser("ask", help="answer questions and print the decision")
    ask.add_argument("text", nargs="?")
    ask.add_argument("--language", choices=LANGUAGES)
    ask.add_argument("--json", action="store_true", help="print the decision as JSON")
    ask.add_argument(
        "--jsonl", action="store_true",
        help='read {"text": ..., "lang": ..., "user": ...} lines from stdin; one decision each',
    )  # fmt: skip

    nlu = sub.add_parser("nlu", help="the NLU model").add_subparsers(dest="nlu", required=True)
    train = nlu.add_parser("train", help="train the model unless it is up to date")
    train.add_argument("--force", action="store_true", help="train even if up to date")
    train.add_argument("--quiet", action="store_true", help="write Rasa's output to a log file")
    nlu.add_parser("serve", help="serve the model on MRC_NLU_URL until Ctrl-C")
    nlu.add_parser("eval", help="evaluate the model on the NLU test set")
    tune = nlu.add_parser("tune", help="evaluate a pipeline config on a development split")
    tune.add_argument("--config", default="config.yml", help="the pipeline to evaluate")

    phrases = nlu.add_parser("phrases", help="write the console's training phrases into nlu/")
    phrases.add_argument(
        "--out", type=Path, default=None, help="another file (default nlu/console_phrases.yml)"
    )

    staff = sub.add_parser("staff", help="staff console accounts")
    staff.add_argument("action", choices=("add",))
    staff.add_argument("username")
    staff.add_argument("--role", choices=("admin", "editor", "operator"), default="admin")
    staff.add_argument("--language", choices=LANGUAGES, default="ru")
    staff.add_argument(
        "--password-stdin", action="store_true",
        help="read the password (10+ characters) instead of generating a one-time one",
    )  # fmt: skip

    db = sub.add_parser("db", help="the database").add_subparsers(dest="db", required=True)
    upgrade = db.add_parser("upgrade", help="migrate the database to the newest schema")
    upgrade.add_argument("revision", nargs="?", default="head")

    kb = sub.add_parser("kb", help="the knowledge base")
    kb.add_argument("action", choices=("validate", "import", "export", "eval", "tune-sections"))
    kb.add_argument("--force", action="store_true", help="import: overwrite staff edits")
    kb.add_argument(
        "--dev", action="store_true", help="eval: the sections' development split (tuning)"
    )

    tickets = sub.add_parser("tickets", help="escalated conversations")
    tickets.add_argument("action", choices=("export",))
    tickets.add_argument("--format", choices=("json", "csv"), default="json")
    return parser


_COMMANDS = {
    ("run", None): cmd_run,
    ("chat", None): cmd_run,
    ("ask", None): cmd_ask,
    ("nlu", "train"): cmd_nlu_train,
    ("nlu", "serve"): cmd_nlu_serve,
    ("nlu", "eval"): cmd_nlu_eval,
    ("nlu", "tune"): cmd_nlu_tune,
    ("nlu", "phrases"): cmd_nlu_phrases,
    ("staff", None): cmd_staff,
    ("db", "upgrade"): cmd_db_upgrade,
    ("kb", None): cmd_kb,
    ("tickets", None): cmd_tickets,
}


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the ``mrc`` command."""
    args = build_parser().parse_args(argv)
    sub = getattr(args, args.command, None) if args.command in {"nlu", "db"} else None
    return _COMMANDS[(args.command, sub)](args)
