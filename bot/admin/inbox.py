"""The unanswered inbox and the training phrases made from it."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from bot.admin import audit, unanswered
from bot.admin.accounts import ADMIN, EDITOR
from bot.admin.console import console_of, require, route, staff_of
from bot.i18n import LANGUAGES, Translator
from bot.nlu.retrain import COMPARED
from bot.topics import INTENTS, TOPIC_TITLES

DECISIONS = ("assigned", "new_article", "dismissed")


def _topic_names(language: str) -> list[tuple[str, str]]:
    t = Translator(language)
    return sorted(((k, t.gettext(v)) for k, v in TOPIC_TITLES.items()), key=lambda kv: kv[1])


@require(ADMIN, EDITOR)
async def inbox(request: Request) -> Response:
    """Messages the bot could not answer well, personal data masked."""
    console = console_of(request)
    language = request.query_params.get("language")
    language = language if language in LANGUAGES else None
    reason = request.query_params.get("reason")
    reason = reason if reason in unanswered.REASONS else None
    async with console.db.session() as session:
        found = await unanswered.items(session, language, reason)
        wanted = await unanswered.wanting_articles(session)
        titles = await unanswered.section_titles(session, console.language_of(request))
    context = {
        "items": found, "wanted": wanted, "filter_language": language, "reason": reason,
        "reasons": unanswered.REASON_NAMES, "all_languages": LANGUAGES,
        "topics": _topic_names(console.language_of(request)), "sections": titles,
    }  # fmt: skip
    return console.page(request, "inbox.html", context)


@require(ADMIN, EDITOR)
async def decide(request: Request) -> Response:
    """Assign a message to a topic (a new training phrase), ask for an article, or dismiss."""
    console = console_of(request)
    staff = staff_of(request)
    form = await request.form()
    decision = str(form.get("decision", ""))
    topic = str(form.get("topic", "")) or None
    phrase = str(form.get("phrase", ""))
    section = str(form.get("section", "")) or None
    if decision not in DECISIONS or (decision == "assigned" and topic not in INTENTS):
        return console.error(request, 400)
    message_id = request.path_params["message"]
    topic = topic if decision == "assigned" else None
    phrase = unanswered.mask(phrase)
    async with console.db.session() as session:
        known = (await unanswered.section_titles(session, "en")).get(topic or "", {})
        section = section if topic and section in known else None  # of the chosen topic only
        after = {"topic": topic, "section": section, "phrase": phrase} if topic else None
        message = await unanswered.decide(
            session, message_id, decision, staff.username, topic, phrase, section
        )
        if message is not None:
            await audit.record(
                session, staff.username, f"inbox.{decision}", "message", message_id, None, after
            )
    return RedirectResponse("/inbox", status_code=303)


@require(ADMIN, EDITOR)
async def training(request: Request) -> Response:
    """Training phrases added in the console, by topic and language."""
    console = console_of(request)
    async with console.db.session() as session:
        rows = await unanswered.phrases(session)
        titles = await unanswered.section_titles(session, console.language_of(request))
    retrainer = console.retrainer
    keys = sorted({key for topic in titles.values() for key in topic})
    context = {
        "phrases": rows, "all_languages": LANGUAGES, "section_keys": keys,
        "topics": _topic_names(console.language_of(request)), "intents": INTENTS,
        "retrainer": retrainer, "job": retrainer.job if retrainer else None,
        "compared": COMPARED, "notice": request.query_params.get("done"),
    }  # fmt: skip
    return console.page(request, "training.html", context)


@require(ADMIN, EDITOR)
async def retrain(request: Request) -> Response:
    """Start a retraining in the background (an admin may load the result even if worse)."""
    console = console_of(request)
    staff = staff_of(request)
    form = await request.form()
    override = form.get("override") == "on" and staff.role == ADMIN
    if console.retrainer is None:
        return RedirectResponse("/training?done=no_server", status_code=303)
    if console.retrainer.running:
        return RedirectResponse("/training?done=busy", status_code=303)
    console.retrainer.start(staff.username, override)
    async with console.db.session() as session:
        await audit.record(session, staff.username, "nlu.retrain", "model", "candidate", None,
                           {"override": override})  # fmt: skip
    return RedirectResponse("/training", status_code=303)


@require(ADMIN)
async def rollback(request: Request) -> Response:
    """Serve the previous model again."""
    console = console_of(request)
    staff = staff_of(request)
    retrainer = console.retrainer
    if retrainer is None or retrainer.running:
        return RedirectResponse("/training?done=busy", status_code=303)
    current = retrainer.current.name
    previous = await retrainer.rollback()
    if previous is None:
        return RedirectResponse("/training?done=no_previous", status_code=303)
    async with console.db.session() as session:
        await audit.record(session, staff.username, "nlu.rollback", "model", previous.name,
                           {"model": current}, {"model": previous.name})  # fmt: skip
    return RedirectResponse("/training?done=rolled_back", status_code=303)


@require(ADMIN, EDITOR)
async def add_training(request: Request) -> Response:
    console = console_of(request)
    staff = staff_of(request)
    form = await request.form()
    intent, language = str(form.get("intent", "")), str(form.get("language", ""))
    text = unanswered.mask(str(form.get("text", "")))
    section = str(form.get("section", "")).strip() or None
    if intent not in INTENTS or language not in LANGUAGES or not text.strip():
        return console.error(request, 400)
    async with console.db.session() as session:
        if section is not None:
            known = (await unanswered.section_titles(session, "en")).get(intent, {})
            if section not in known:
                return console.error(request, 400)
        phrase = await unanswered.add_phrase(
            session, intent, language, text, staff.username, section
        )
        if phrase is not None:
            after = {"intent": intent, "section": section, "language": language,
                     "text": phrase.text}  # fmt: skip
            await audit.record(
                session, staff.username, "training.add", "phrase", phrase.id, None, after
            )
    return RedirectResponse("/training", status_code=303)


@require(ADMIN, EDITOR)
async def export_training(request: Request) -> Response:
    """The phrases as a Rasa NLU file, to put into ``nlu/`` (``mrc nlu phrases`` does it)."""
    console = console_of(request)
    async with console.db.session() as session:
        text = unanswered.to_rasa_yaml(await unanswered.phrases(session))
    return Response(
        text,
        media_type="application/x-yaml; charset=utf-8",
        headers={"content-disposition": 'attachment; filename="console_phrases.yml"'},
    )


routes = [
    route("/inbox", inbox),
    route("/inbox/{message:int}", decide, ("POST",)),
    route("/training", training),
    route("/training/add", add_training, ("POST",)),
    route("/training/export", export_training),
    route("/training/retrain", retrain, ("POST",)),
    route("/training/rollback", rollback, ("POST",)),
]
