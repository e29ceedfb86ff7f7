"""The knowledge-base editor: drafts, publishing, review flags, history, diff and restore."""

from __future__ import annotations

from sqlalchemy import select

from bot.db.models import ArticleTranslation, AuditEntry
from bot.kb.service import KnowledgeBase
from nlu_components.normalize import normalize
from tests.admin.conftest import Env
from tests.factories import BODIES

PAGE = "/articles/work_patent"
NEW_EN = BODIES["en"].replace("Keep every receipt", "Keep every single receipt")


async def _review_flags(env: Env) -> dict[str, bool]:
    async with env.db.session() as session:
        rows = await session.execute(
            select(ArticleTranslation.language, ArticleTranslation.needs_review)
        )
        return {language: flag for language, flag in rows}


async def test_a_draft_changes_nothing_for_migrants_until_it_is_published(env: Env) -> None:
    kb = KnowledgeBase(env.db)
    await env.login("eddie")
    response = await env.post(
        f"{PAGE}/save",
        {"action": "save", "title_en": "Work patent", "body_en": NEW_EN},
        PAGE,
    )
    assert response.headers["location"] == f"{PAGE}?done=saved"
    answer = await kb.article("work_patent", "en")
    assert answer is not None
    assert "single receipt" not in answer.body
    page = (await env.client.get(response.headers["location"])).text
    assert "single receipt" in page
    assert "Draft saved" in page
    assert normalize("single") not in (await kb._current_index()).idf, "drafts are not searched"

    response = await env.post(f"{PAGE}/save", {"action": "publish"}, PAGE)
    assert response.headers["location"] == f"{PAGE}?done=published"
    answer = await kb.article("work_patent", "en")
    assert answer is not None
    assert "single receipt" in answer.body
    assert normalize("single") in (await kb._current_index()).idf, (
        "the search index follows at once"
    )
    assert await _review_flags(env) == {"en": False, "ru": True, "tg": True}
    async with env.db.session() as session:
        actions = (await session.scalars(select(AuditEntry.action))).all()
    assert actions.count("article.publish") == 3  # en published, ru and tg flagged
    assert "article.draft" in actions


async def test_an_editor_confirms_the_other_languages(env: Env) -> None:
    await env.login("eddie")
    await env.post(
        f"{PAGE}/save", {"action": "publish", "title_en": "Work patent", "body_en": NEW_EN}, PAGE
    )
    page = (await env.client.get("/articles?status=needs_review")).text
    assert "work_patent" in page
    await env.post(f"{PAGE}/ru/confirm", {}, PAGE)
    assert await _review_flags(env) == {"en": False, "ru": False, "tg": True}


async def test_publishing_an_unsourced_number_is_refused_and_keeps_the_text(env: Env) -> None:
    await env.login("eddie")
    body = NEW_EN + "\n\nCall 8 800 555 35 35."
    response = await env.post(
        f"{PAGE}/save", {"action": "publish", "title_en": "Work patent", "body_en": body}, PAGE
    )
    assert response.status_code == 422
    assert "the number 800 is not listed in facts with a source" in response.text
    assert "Call 8 800 555 35 35." in response.text, "the editor's text is shown back"
    async with env.db.session() as session:
        drafts = (await session.scalars(select(ArticleTranslation.draft_body))).all()
    assert drafts == [None, None, None], "nothing was saved"


async def test_history_shows_a_diff_and_restores_as_a_draft(env: Env) -> None:
    await env.login("eddie")
    await env.post(
        f"{PAGE}/save", {"action": "publish", "title_en": "Work patent", "body_en": NEW_EN}, PAGE
    )
    history = (await env.client.get(f"{PAGE}/history")).text
    assert "eddie" in history
    assert "import" in history
    revisions = await _revision_ids(env)
    first_en, draft, published = revisions  # the import, the draft, its publication
    diff = (await env.client.get(f"{PAGE}/revisions/{draft}")).text
    assert 'class="del"' in diff
    assert 'class="add"' in diff
    assert "single receipt" in diff
    unchanged = (await env.client.get(f"{PAGE}/revisions/{published}")).text
    assert 'class="del"' not in unchanged
    assert 'class="add"' not in unchanged
    await env.post(f"{PAGE}/revisions/{first_en}/restore", {}, f"{PAGE}/history")
    async with env.db.session() as session:
        draft = await session.scalar(
            select(ArticleTranslation.draft_body).where(ArticleTranslation.language == "en")
        )
    assert draft == BODIES["en"]
    async with env.db.session() as session:
        actions = (await session.scalars(select(AuditEntry.action))).all()
    assert "article.restore" in actions


async def _revision_ids(env: Env) -> list[int]:
    from bot.db.models import ArticleRevision

    async with env.db.session() as session:
        rows = await session.execute(
            select(ArticleRevision.id)
            .join(ArticleTranslation)
            .where(ArticleTranslation.language == "en")
            .order_by(ArticleRevision.id)
        )
        return list(rows.scalars())


async def test_a_revision_of_another_article_is_not_found(env: Env) -> None:
    await env.login("eddie")
    response = await env.client.get("/articles/work_patent/revisions/999999")
    assert response.status_code == 404
    assert (await env.client.get("/articles/no_such_topic")).status_code == 404


async def test_the_list_filters_and_shows_review_dates(env: Env) -> None:
    await env.login("eddie")
    page = (await env.client.get("/articles")).text
    assert "work_patent" in page
    assert "1 of 1 articles" in page
    assert "work_patent" not in (await env.client.get("/articles?q=nothing+like+it")).text
    assert "work_patent" in (await env.client.get("/articles?q=receipt&language=en")).text
    assert "work_patent" not in (await env.client.get("/articles?status=draft")).text
