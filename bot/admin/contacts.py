"""The contacts registry in the console: every organisation's contact details, which of them are
verified (only those reach migrants), their sources and check dates; editors add, change and
retire contacts with the same checks as the files, and every change is audited."""

from __future__ import annotations

import datetime as dt

from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from bot.admin import audit
from bot.admin.accounts import ADMIN, EDITOR
from bot.admin.console import console_of, require, route, staff_of
from bot.admin.facts import form_date
from bot.i18n import LANGUAGES
from bot.kb import curation, editing
from bot.kb.files import COUNTRIES, SOURCE_KINDS, Contact, Phone
from bot.kb.store import export_contacts

GROUPS = ("emergency", "mrc", "ministry", "embassy", "consulate", "international", "other")


def _texts(form: dict[str, str], name: str) -> dict[str, str]:
    return {
        lang: value
        for lang in LANGUAGES
        if (value := form.get(f"{name}_{lang}", "").replace("\r\n", " ").strip()[:500])
    }


def phones_of(text: str) -> tuple[Phone, ...]:
    """Phones from the form: one a line, ``number | tg label | ru label | en label``."""
    phones = []
    for line in text.replace("\r\n", "\n").splitlines():
        parts = [p.strip() for p in line.split("|")]
        if not parts[0]:
            continue
        labels: dict[str, str] = {
            lang: p for lang, p in zip(LANGUAGES, parts[1:4], strict=False) if p
        }
        phones.append(Phone(parts[0][:40], labels))
    return tuple(phones)


def phones_text(contact: Contact | None) -> str:
    if contact is None:
        return ""
    return "\n".join(
        " | ".join([p.number, *(p.label.get(lang, "") for lang in LANGUAGES)]).rstrip(" |")
        for p in contact.phones
    )


def contact_of(form: dict[str, str], key: str) -> Contact:
    group, country = form.get("group", "other"), form.get("country", "")
    kind = form.get("source_kind", "other")
    return Contact(
        key=key,
        name=_texts(form, "name"),
        group=group if group in GROUPS else "other",
        country=country if country in COUNTRIES else None,
        phones=phones_of(form.get("phones", "")),
        address=_texts(form, "address"),
        hours=_texts(form, "hours"),
        email=form.get("email", "").strip()[:200] or None,
        website=form.get("website", "").strip()[:500] or None,
        telegram=form.get("telegram", "").strip()[:200] or None,
        source_title=form.get("source_title", "").strip()[:500],
        source_url=form.get("source_url", "").strip()[:1000] or None,
        source_kind=kind if kind in SOURCE_KINDS else "other",
        checked=form_date(form.get("checked", ""), "checked"),
        review_due=form_date(form.get("review_due", ""), "review due"),
        verified=form.get("verified") == "on",
        retired=form.get("retired") == "on",
        notes=tuple(n.strip() for n in form.get("notes", "").splitlines() if n.strip()),
    )


def _context(contact: Contact | None, problems: list[str] | None = None) -> dict[str, object]:
    return {
        "contact": contact,
        "phones": phones_text(contact),
        "groups": GROUPS,
        "countries": COUNTRIES,
        "source_kinds": SOURCE_KINDS,
        "all_languages": LANGUAGES,
        "problems": problems or [],
    }


@require(ADMIN, EDITOR)
async def contact_list(request: Request) -> Response:
    """Every contact: shown to migrants or not, and when it was checked."""
    console = console_of(request)
    async with console.db.session() as session:
        contacts = list((await export_contacts(session)).values())
    today = dt.date.today()
    rows = [
        (c, (c.review_due is not None and c.review_due <= today) or c.checked is None)
        for c in contacts
    ]
    return console.page(request, "contacts.html", {"rows": rows})


@require(ADMIN, EDITOR)
async def contact_page(request: Request) -> Response:
    """One contact's form (``new`` for a new one)."""
    console = console_of(request)
    key = request.path_params["key"]
    if key == "new":
        return console.page(request, "contact.html", _context(None))
    async with console.db.session() as session:
        contact = (await export_contacts(session)).get(key)
    if contact is None:
        return console.error(request, 404)
    context = _context(contact)
    context["request_done"] = request.query_params.get("done")
    return console.page(request, "contact.html", context)


@require(ADMIN, EDITOR)
async def contact_save(request: Request) -> Response:
    """Save a contact (new, changed, or retired), with the registry's checks."""
    console = console_of(request)
    staff = staff_of(request)
    form = {k: str(v) for k, v in (await request.form()).items()}
    new = request.path_params["key"] == "new"
    key = form.get("key", "").strip() if new else request.path_params["key"]
    try:
        contact = contact_of(form, key)
        async with console.db.session() as session:
            before, after = await curation.save_contact(session, contact, staff.username, new=new)
            await audit.record(
                session, staff.username, "contact.save", "contact", key, before, after
            )
    except editing.EditError as exc:
        context = _context(contact_of({**form, "checked": "", "review_due": ""}, key))
        context["problems"] = str(exc).splitlines()
        return console.page(request, "contact.html", context, status_code=422)
    return RedirectResponse(f"/contacts/{key}?done=saved", status_code=303)


routes = [
    route("/contacts", contact_list),
    route("/contacts/{key}", contact_page),
    route("/contacts/{key}", contact_save, ("POST",)),
]
