"""Test data shared by several test modules."""

from __future__ import annotations

import datetime as dt

from bot.kb.files import Article, Fact, Source, Translation

BODIES = {
    "en": "Apply for the patent within 30 days of entering Russia. Keep every receipt and "
    "a copy of your passport. Check the current rules on [мвд.рф](https://мвд.рф) or ask "
    "the MRC: write operator here and a specialist will answer you soon.",
    "ru": "Подайте документы на патент в течение 30 дней после въезда в Россию. Храните все "
    "квитанции и копию паспорта. Уточните правила на [мвд.рф](https://мвд.рф) или "
    "напишите здесь «оператор», и вам ответит специалист центра.",
    "tg": "Барои патент дар давоми 30 рӯз пас аз ворид шудан ба Русия ҳуҷҷат супоред. Ҳамаи "
    "квитансияҳо ва нусхаи шиносномаро нигоҳ доред. Қоидаҳоро дар [мвд.рф](https://мвд.рф) "
    "санҷед ё дар ин ҷо «оператор» нависед, мутахассис ба шумо ҷавоб медиҳад.",
}


def make_article(topic: str = "work_patent", **changes: object) -> Article:
    a = Article(
        topic=topic,
        related=[],
        last_reviewed=dt.date(2026, 11, 23),
        review_due=dt.date(2027, 2, 23),
        sources=[Source("law", "Federal Law No. 115-FZ", url="http://pravo.gov.ru")],
        facts=[Fact("30", "Apply within 30 days of entry.", "law")],
        translations={
            lang: Translation(lang, "Work patent", body) for lang, body in BODIES.items()
        },
    )
    for name, value in changes.items():
        setattr(a, name, value)
    return a
