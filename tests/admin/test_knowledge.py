"""Sources, facts and contacts kept current from the console: the same checks as the files,
nothing deleted (retired), every change audited, what is due for checking listed."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select

from bot.db.models import ArticleFact, AuditEntry
from bot.i18n import Translator, format_date
from bot.kb.curation import CHECK_EVERY
from bot.kb.service import KnowledgeBase
from bot.kb.store import export_contacts
from tests.admin.conftest import Env
from tests.factories import BODIES

PAGE = "/articles/work_patent"
TODAY = dt.date.today().isoformat()


async def _audit(env: Env) -> list[str]:
    async with env.db.session() as session:
        return list((await session.scalars(select(AuditEntry.action))).all())


async def test_a_new_fee_as_a_sourced_fact_reaches_migrants_in_three_languages(env: Env) -> None:
    await env.login("eddie")
    source = {"id": "fee-law", "title": "Regional law on the patent fee", "kind": "law",
              "url": "https://law.example/region/2026-fee", "published": "2025-11-20"}  # fmt: skip
    response = await env.post(f"{PAGE}/sources", source, PAGE)
    assert response.headers["location"] == f"{PAGE}?done=facts#facts"
    fact = {"key": "patent_fee_2026", "value": "10000", "kind": "number", "source": "fee-law",
            "certain": "on", "checked": TODAY, "country": "russia",
            "claim": "The monthly patent payment in 2026 is 10,000 roubles."}  # fmt: skip
    assert (await env.post(f"{PAGE}/facts", fact, PAGE)).status_code == 303
    texts = {
        "en": ("Work patent", BODIES["en"] + " The fee is {{fact:patent_fee_2026}} roubles."),
        "ru": ("Патент", BODIES["ru"] + " Платёж: {{fact:patent_fee_2026}} рублей в месяц."),
        "tg": ("Патент", BODIES["tg"] + " Пардохт: {{fact:patent_fee_2026}} рубл дар як моҳ."),
    }
    form = {f"{k}_{lang}": v for lang, (title, body) in texts.items()
            for k, v in (("title", title), ("body", body))}  # fmt: skip
    response = await env.post(f"{PAGE}/save", {"action": "publish", **form}, PAGE)
    assert response.headers["location"] == f"{PAGE}?done=published"
    answer = await KnowledgeBase(env.db).article("work_patent", "en")
    assert answer is not None
    assert [f.key for f in answer.facts if f.key == "patent_fee_2026"] == ["patent_fee_2026"]
    page = (await env.client.get(PAGE)).text
    assert "The fee is 10,000 roubles." in page  # the preview, as Telegram shows it
    assert "Платёж: 10\xa0000 рублей в месяц." in page
    assert {"source.save", "fact.save", "article.publish"} <= set(await _audit(env))


async def test_changes_that_break_the_rules_are_refused_and_nothing_is_saved(env: Env) -> None:
    await env.login("eddie")
    root = {"id": "mvd", "title": "МВД", "url": "https://мвд.рф", "kind": "official",
            "accessed": TODAY}  # fmt: skip
    response = await env.post(f"{PAGE}/sources", root, PAGE)
    assert response.status_code == 422
    assert "link the page itself, not the site" in response.text
    news = {"id": "news", "title": "A news site", "url": "https://news.example/a",
            "kind": "news", "accessed": TODAY}  # fmt: skip
    assert (await env.post(f"{PAGE}/sources", news, PAGE)).status_code == 303
    certain = {"key": "rumour", "value": "5", "kind": "number", "source": "news",
               "certain": "on", "claim": "Something a news page says."}  # fmt: skip
    response = await env.post(f"{PAGE}/facts", certain, PAGE)
    assert response.status_code == 422
    assert "certain, but its source is a news page" in response.text
    async with env.db.session() as session:
        keys = (await session.scalars(select(ArticleFact.key))).all()
    assert "rumour" not in keys
    uncertain = {**certain, "certain": ""}  # allowed: staff must check it (flagged)
    assert (await env.post(f"{PAGE}/facts", uncertain, PAGE)).status_code == 303
    # The text needs the 30 of the fact "patent_apply_days": it cannot be retired.
    async with env.db.session() as session:
        position = await session.scalar(
            select(ArticleFact.position).where(ArticleFact.key == "patent_apply_days")
        )
    response = await env.post(f"{PAGE}/facts/retire", {"position": str(position)}, PAGE)
    assert response.status_code == 422
    assert "the number 30 is not listed in facts" in response.text


async def test_a_fact_no_text_uses_is_retired_not_deleted(env: Env) -> None:
    await env.login("eddie")
    fact = {"key": "spare", "value": "spare fact", "source": "law", "certain": "on",
            "checked": TODAY, "claim": "Not used in any text."}  # fmt: skip
    await env.post(f"{PAGE}/facts", fact, PAGE)
    async with env.db.session() as session:
        position = await session.scalar(
            select(ArticleFact.position).where(ArticleFact.key == "spare")
        )
    assert (
        await env.post(f"{PAGE}/facts/retire", {"position": str(position)}, PAGE)
    ).status_code == 303
    async with env.db.session() as session:
        retired = await session.scalar(
            select(ArticleFact.retired).where(ArticleFact.key == "spare")
        )
    assert retired is True
    assert "fact.retire" in await _audit(env)


async def test_contacts_are_added_verified_and_retired_from_the_console(env: Env) -> None:
    await env.login("eddie")
    assert "Emergency services" in (await env.client.get("/contacts")).text
    form = {
        "key": "consulate_test", "name_tg": "Консулгарӣ", "name_ru": "Консульство",
        "name_en": "Consulate", "group": "consulate", "country": "russia",
        "phones": "+7 000 000-00-00 | телефон | телефон | phone",
        "source_title": "Consulate's page", "source_url": "https://consulate.example/contacts",
        "source_kind": "official", "checked": TODAY, "verified": "on",
    }  # fmt: skip
    response = await env.post("/contacts/new", form, "/contacts/new")
    assert response.headers["location"] == "/contacts/consulate_test?done=saved"
    async with env.db.session() as session:
        contact = (await export_contacts(session))["consulate_test"]
    assert contact.shown()
    assert contact.phones[0].label == {"tg": "телефон", "ru": "телефон", "en": "phone"}
    # Verified details need their page: refused without it, nothing changes.
    bad = {**form, "source_url": "https://consulate.example"}
    response = await env.post("/contacts/consulate_test", bad, "/contacts/consulate_test")
    assert response.status_code == 422
    assert "the source must be a page itself" in response.text
    retire = {**form, "retired": "on"}
    await env.post("/contacts/consulate_test", retire, "/contacts/consulate_test")
    async with env.db.session() as session:
        assert (await export_contacts(session))["consulate_test"].retired
    assert (await _audit(env)).count("contact.save") == 2


async def test_the_dashboard_lists_what_needs_checking_oldest_first(env: Env) -> None:
    await env.login("eddie")
    async with env.db.session() as session:
        fact = await session.scalar(
            select(ArticleFact).where(ArticleFact.key == "patent_apply_days")
        )
        assert fact is not None
        fact.checked = dt.date(2020, 1, 1)
    page = (await env.client.get("/")).text
    section = page[page.index('id="needs-checking"') :]
    assert "patent_apply_days" in section
    assert "embassy_moscow" in section  # not verified
    assert section.index("embassy_moscow") < section.index(
        "patent_apply_days"
    )  # never checked first
    due = dt.date(2020, 1, 1) + CHECK_EVERY
    assert format_date(due, "en", "medium") in section


async def test_each_article_has_a_link_and_a_qr_code(env: Env) -> None:
    env.console.bot_username = "mrc_test_bot"
    await env.login("eddie")
    page = (await env.client.get(PAGE)).text
    assert "https://t.me/mrc_test_bot?start=work_patent" in page
    svg = await env.client.get(f"{PAGE}/qr.svg")
    assert svg.headers["content-type"].startswith("image/svg+xml")
    assert svg.text.lstrip().startswith("<?xml") or "<svg" in svg.text
    png = await env.client.get(f"{PAGE}/qr.png")
    assert png.content.startswith(b"\x89PNG")
    assert (await env.client.get("/articles/nowhere/qr.png")).status_code == 404
    env.console.bot_username = None
    assert (await env.client.get(f"{PAGE}/qr.png")).status_code == 404


async def test_the_preview_says_when_the_article_was_checked(env: Env) -> None:
    await env.login("eddie")
    page = (await env.client.get(PAGE)).text
    t = Translator("ru")
    assert t.gettext("Checked {date}.", date=format_date(dt.date(2026, 11, 23), "ru")) in page


async def test_an_editor_marks_the_article_checked_today(env: Env) -> None:
    await env.login("eddie")
    assert (await env.post(f"{PAGE}/checked", {}, PAGE)).status_code == 303
    answer = await KnowledgeBase(env.db).article("work_patent", "en")
    assert answer is not None
    assert answer.last_reviewed == dt.date.today()
    assert "article.checked" in await _audit(env)
