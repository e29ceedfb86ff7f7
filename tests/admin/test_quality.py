"""Staff-graded answer quality and saved replies in the console (issue 16): the sample mixes
flagged and random answers, masked; grades make the pass rate; a wrong grade leads to the
article and to a training phrase; saved replies are offered on a ticket's page."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy import func, select

from bot.admin.quality import figures, grade, sample
from bot.db.base import utcnow
from bot.db.models import AnswerGrade, Feedback, Message, SavedReply, Ticket, User
from bot.escalation.hours import OfficeHours
from tests.admin.conftest import Env

ALWAYS = OfficeHours("Mon-Sun 00:00-24:00")


async def _answers(env: Env, n: int = 6) -> list[int]:
    """``n`` answers by one migrant; the first got 👎, the second was followed by a ticket."""
    now = utcnow() - timedelta(hours=2)
    async with env.db.session() as session:
        user = User(channel="telegram", external_id="42", language="ru")
        session.add(user)
        await session.flush()
        ids = []
        for i in range(n):
            m = Message(user_id=user.id, text=f"вопрос {i} мой телефон +7 912 345 67 89",
                        language="ru", action="answer", article="work_patent",
                        created_at=now + timedelta(minutes=10 * i))  # fmt: skip
            session.add(m)
            await session.flush()
            ids.append(m.id)
        session.add(Feedback(user_id=user.id, topic="work_patent", language="ru", helpful=False,
                             created_at=now + timedelta(minutes=1)))  # fmt: skip
        session.add(Ticket(user_id=user.id, language="ru", reason="request", question="q",
                           opened_at=now + timedelta(minutes=11), status="closed"))  # fmt: skip
    return ids


async def test_the_sample_puts_flagged_answers_first_and_masks_words(env: Env) -> None:
    ids = await _answers(env)
    async with env.db.session() as session:
        got = await sample(session, size=4, seed=1)
    assert [g.flagged for g in got[:2]] == [True, True]
    assert {g.id for g in got[:2]} == {ids[0], ids[1]}  # 👎 after it; a ticket soon after
    assert not any(g.flagged for g in got[2:])
    assert all("+7 912" not in g.text for g in got)  # masked as in the inbox
    async with env.db.session() as session:
        await grade(session, ids[0], "wrong", "old fee", "eddie")
        again = await sample(session, size=10, seed=1)
    assert ids[0] not in {g.id for g in again}  # graded answers leave the sample


async def test_grades_make_the_pass_rate_and_the_other_figures(env: Env) -> None:
    ids = await _answers(env)
    async with env.db.session() as session:
        for message_id, value in zip(ids[:3], ("right", "partly", "wrong"), strict=True):
            await grade(session, message_id, value, "", "olga")
        await grade(session, ids[2], "right", "second look", "ada")  # a new grade replaces
        start = datetime.now(UTC) - timedelta(days=1)
        q = await figures(session, start, start + timedelta(days=2), ALWAYS, 60)
        assert await session.scalar(select(func.count(AnswerGrade.id))) == 3
    assert (q.passed, q.graded) == (2, 3)
    assert q.by_language == {"ru": (2, 3)}
    assert q.by_topic == {"work_patent": (2, 3)}
    assert (q.without_person, q.conversations) == (0, 1)  # 👎 and a ticket
    assert (q.replies_in_time, q.replies) == (0, 1)  # the ticket was never answered


async def test_an_editor_grades_in_the_console_and_a_wrong_answer_leads_on(env: Env) -> None:
    ids = await _answers(env, 2)
    await env.login("eddie")
    page = (await env.client.get("/quality")).text
    assert "+7 912" not in page
    assert f'action="/quality/{ids[0]}"' in page
    response = await env.post(f"/quality/{ids[0]}", {"grade": "wrong", "reason": "old fee"},
                              "/quality")  # fmt: skip
    assert response.status_code == 303
    follow = (await env.client.get(response.headers["location"])).text
    assert 'href="/articles/work_patent"' in follow
    assert f'action="/inbox/{ids[0]}"' in follow  # add it as a training phrase
    bad = await env.post(f"/quality/{ids[1]}", {"grade": "excellent"}, "/quality")
    assert bad.headers["location"].endswith("done=no_grade")
    dashboard = (await env.client.get("/")).text
    assert 'id="pass-rate"' in dashboard
    assert "0% of 1 graded answers" in dashboard
    assert "Definitions" in dashboard


async def test_saved_replies_are_kept_and_offered_on_a_ticket(env: Env) -> None:
    await env.login("olga")
    added = await env.post("/replies/add", {"title": "Office hours", "text_ru": "Мы работаем "
                           "с 9 до 18.", "text_en": "We work 9 to 18."}, "/replies")  # fmt: skip
    assert added.headers["location"].endswith("done=added")
    empty = await env.post("/replies/add", {"title": "Nothing"}, "/replies")
    assert empty.headers["location"].endswith("done=empty")
    async with env.db.session() as session:
        user = User(channel="telegram", external_id="77", language="ru")
        session.add(user)
        await session.flush()
        ticket = Ticket(user_id=user.id, language="ru", reason="request",
                        question="Сколько стоит патент в месяц?", status="waiting")  # fmt: skip
        session.add(ticket)
        await session.flush()
        number = ticket.id
        [reply] = (await session.scalars(select(SavedReply))).all()
    page = (await env.client.get(f"/tickets/{number}")).text
    assert 'id="suggestions"' in page
    assert "Мы работаем с 9 до 18." in page  # the saved reply in the migrant's language
    assert "We work 9 to 18." not in page
    async with env.db.session() as session:
        seen = await session.get(Ticket, number)
        assert seen is not None
        assert seen.seen_at is not None  # opening the page counts as seen
    sent = await env.post(f"/tickets/{number}/reply", {"text": "Мы работаем с 9 до 18."},
                          f"/tickets/{number}")  # fmt: skip
    assert sent.status_code == 303
    assert env.relay.replies[-1][1] == "Мы работаем с 9 до 18."
    changed = await env.post(f"/replies/{reply.id}", {"title": "Hours", "text_ru": "9-18"},
                             "/replies")  # fmt: skip
    assert changed.headers["location"].endswith("done=saved")
    deleted = await env.post(f"/replies/{reply.id}", {"delete": "1"}, "/replies")
    assert deleted.headers["location"].endswith("done=deleted")
