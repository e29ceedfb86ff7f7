"""The dashboard's figures over a period, and its page."""

from __future__ import annotations

from datetime import timedelta

from bot.admin.stats import figures
from bot.db.base import utcnow
from bot.db.models import Feedback, Message, Ticket, User
from bot.i18n import local_today
from tests.admin.conftest import Env


async def _activity(env: Env) -> None:
    now = utcnow()
    async with env.db.session() as session:
        user = User(channel="telegram", external_id="7", language="tg")
        session.add(user)
        await session.flush()
        for language, action, article in [
            ("tg", "answer", "work_patent"), ("tg", "answer", "work_patent"),
            ("ru", "clarify", None), ("en", "fallback", None), ("tg", "escalate", "emergency_help"),
        ]:  # fmt: skip
            session.add(Message(user_id=user.id, text="q", language=language, action=action,
                                article=article, created_at=now))  # fmt: skip
        session.add(Message(user_id=user.id, text="old", language="ru", action="answer",
                            created_at=now - timedelta(days=90)))  # fmt: skip
        session.add(Feedback(user_id=user.id, topic="work_patent", language="tg", helpful=True))
        session.add(Feedback(user_id=user.id, topic="work_patent", language="tg", helpful=False))
        session.add(Ticket(user_id=user.id, language="tg", status="closed", reason="request",
                           question="q", opened_at=now - timedelta(minutes=30),
                           first_reply_at=now - timedelta(minutes=20), rating=5))  # fmt: skip


async def test_figures_count_the_period_only(env: Env) -> None:
    await _activity(env)
    today = local_today()  # the figures' days are Dushanbe's
    async with env.db.session() as session:
        f = await figures(session, today - timedelta(days=6), today)
    assert f.total == 5
    assert sum(f.per_day[today].values()) + sum(f.per_day[today - timedelta(days=1)].values()) == 5
    assert (f.outcomes["answer"], f.outcomes["clarify"], f.outcomes["fallback"]) == (2, 1, 1)
    assert f.outcomes["escalate"] == 1
    assert f.per_topic["work_patent"] == 2
    assert f.feedback == {"work_patent": [1, 1]}
    assert f.first_reply_median == timedelta(minutes=10)
    assert f.ratings[5] == 1
    assert len(f.days) == 7


async def test_the_dashboard_page_draws_its_charts(env: Env) -> None:
    await _activity(env)
    await env.login("olga")
    page = (await env.client.get("/")).text
    assert page.count("<rect") >= 3
    assert "Median time to an operator&#39;s first reply: 10 minutes." in page
    assert (await env.client.get("/?from=2026-13-40&to=garbage")).status_code == 200


async def test_the_dashboard_counts_reminders_and_shows_nobodys_date(env: Env) -> None:
    from bot.reminders import store

    async with env.db.session() as session:
        user = User(channel="telegram", external_id="8", language="ru")
        session.add(user)
        await session.flush()
        now = utcnow()
        due = local_today() + timedelta(days=20)
        patent = await store.set_date(session, user.id, "patent", due, now)
        await store.set_date(session, user.id, "stay", due + timedelta(days=40), now)
        patent.next_at = now - timedelta(minutes=1)  # its reminder is due: sent this week
        await session.flush()
        claimed = await store.claim(session, now)
        assert [d.kind for d in claimed] == ["patent"]
    await env.login("olga")
    page = (await env.client.get("/")).text
    section = page[page.index('id="reminders"') :]
    assert "<td>Patent paid until</td><td>1</td>" in section
    assert "<td>Registration valid until</td><td>0</td>" in section
    assert "<td>Last day of a legal stay</td><td>1</td>" in section
    assert "No reminders sent in this period." not in section
    assert due.isoformat() not in page  # counts only
