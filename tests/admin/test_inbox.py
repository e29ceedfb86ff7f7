"""The unanswered inbox: what goes in, masking, and what staff decide."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from bot.admin.unanswered import mask, to_rasa_yaml
from bot.db.models import Feedback, InboxDecision, Message, TrainingPhrase, User
from tests.admin.conftest import Env


@pytest.mark.parametrize(
    ("text", "masked"),
    [
        ("my phone +7 (999) 123-45-67 please", "my phone [☎] please"),
        ("write to ali.v@mail.ru", "write to [✉]"),
        ("passport AB1234567 lost", "passport [№] lost"),
        ("паспорт № 4509 123456", "паспорт [№]"),
        ("patent for 3 months costs 5000", "patent for 3 months costs 5000"),
    ],
)
def test_personal_data_is_masked(text: str, masked: str) -> None:
    assert mask(text) == masked


async def _messages(env: Env) -> dict[str, int]:
    """One message of each kind; returns their ids by name."""
    async with env.db.session() as session:
        user = User(channel="telegram", external_id="42", language="ru")
        session.add(user)
        await session.flush()
        rows = {
            "fallback": Message(user_id=user.id, text="как вернуть долг за квартиру",
                                language="ru", action="fallback"),
            "unsure": Message(user_id=user.id, text="патент продлить можно?", language="ru",
                              action="answer", intent="work_patent", confidence=0.45,
                              article="work_patent"),
            "sure": Message(user_id=user.id, text="как получить патент", language="ru",
                            action="answer", intent="work_patent", confidence=0.97,
                            article="work_patent"),
            "disliked": Message(user_id=user.id, text="регистрация для ребенка", language="ru",
                                action="answer", intent="migration_registration",
                                confidence=0.9, article="migration_registration"),
        }  # fmt: skip
        session.add_all(rows.values())
        await session.flush()
        session.add(
            Feedback(user_id=user.id, topic="migration_registration", language="ru", helpful=False)
        )
        return {name: m.id for name, m in rows.items()}


async def test_the_inbox_holds_fallbacks_unsure_answers_and_dislikes(env: Env) -> None:
    ids = await _messages(env)
    await env.login("eddie")
    page = (await env.client.get("/inbox")).text
    for name in ("fallback", "unsure", "disliked"):
        assert f'id="m{ids[name]}"' in page
    assert f'id="m{ids["sure"]}"' not in page
    only = (await env.client.get("/inbox?reason=disliked")).text
    assert f'id="m{ids["disliked"]}"' in only
    assert f'id="m{ids["fallback"]}"' not in only


async def test_assigning_makes_a_training_phrase_and_clears_the_item(env: Env) -> None:
    ids = await _messages(env)
    await env.login("eddie")
    response = await env.post(
        f"/inbox/{ids['unsure']}",
        {"decision": "assigned", "topic": "work_patent", "phrase": "патент продлить можно?"},
        "/inbox",
    )
    assert response.status_code == 303
    await env.post(f"/inbox/{ids['fallback']}", {"decision": "dismissed"}, "/inbox")
    await env.post(f"/inbox/{ids['disliked']}", {"decision": "new_article"}, "/inbox")
    page = (await env.client.get("/inbox")).text
    wanted = page.split('class="wanted"', 1)[1]
    assert "регистрация для ребенка" in wanted, "listed under 'waiting for a new article'"
    assert f'id="m{ids["unsure"]}"' not in page
    assert f'id="m{ids["fallback"]}"' not in page
    async with env.db.session() as session:
        phrase = await session.scalar(select(TrainingPhrase))
        decisions = (await session.scalars(select(InboxDecision.decision))).all()
    assert phrase is not None
    assert (phrase.intent, phrase.language, phrase.text) == (
        "work_patent", "ru", "патент продлить можно?",
    )  # fmt: skip
    assert sorted(decisions) == ["assigned", "dismissed", "new_article"]
    training = (await env.client.get("/training")).text
    assert "патент продлить можно?" in training
    export = await env.client.get("/training/export")
    assert "  - intent: work_patent\n    examples: |\n      - патент продлить можно?" in export.text


async def test_a_decision_cannot_be_forged_with_an_unknown_topic(env: Env) -> None:
    ids = await _messages(env)
    await env.login("eddie")
    response = await env.post(
        f"/inbox/{ids['fallback']}", {"decision": "assigned", "topic": "drop_tables"}, "/inbox"
    )
    assert response.status_code == 400


def test_phrases_export_as_rasa_yaml() -> None:
    import yaml

    rows = [
        TrainingPhrase(intent="work_patent", language="tg", text="patent chi tavr giram"),
        TrainingPhrase(intent="work_patent", language="ru", text="патент: сколько стоит?"),
    ]
    data = yaml.safe_load(to_rasa_yaml(rows))
    assert data["nlu"][0]["intent"] == "work_patent"
    assert data["nlu"][0]["examples"].splitlines() == [
        "- patent chi tavr giram", "- патент: сколько стоит?",
    ]  # fmt: skip
