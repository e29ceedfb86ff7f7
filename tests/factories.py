"""Test data shared by several test modules."""

from __future__ import annotations

import datetime as dt

from bot.kb.files import Article, Contact, Fact, Phone, Source, Translation

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
        sources=[
            Source(
                "law",
                "Federal Law No. 115-FZ",
                url="http://pravo.gov.ru/proxy/ips/?docbody=&nd=102077921",
                kind="law",
                accessed=dt.date(2026, 11, 30),
            )
        ],
        facts=[
            Fact(
                "30",
                "Apply within 30 days of entry.",
                "law",
                key="patent_apply_days",
                kind="number",
                checked=dt.date(2026, 11, 30),
            )
        ],
        translations={
            lang: Translation(lang, "Work patent", body) for lang, body in BODIES.items()
        },
    )
    for name, value in changes.items():
        setattr(a, name, value)
    return a


def make_contacts() -> dict[str, Contact]:
    """A verified emergency contact and an embassy whose details are still being checked."""
    return {
        "emergency_russia": Contact(
            "emergency_russia",
            {"tg": "Хадамоти ёрии таъҷилӣ", "ru": "Экстренные службы", "en": "Emergency services"},
            group="emergency", country="russia", phones=(Phone("112", {"en": "all"}),),
            source_title="Municipal page", source_url="https://city.example/emergency",
            source_kind="official", checked=dt.date(2026, 11, 30), verified=True,
        ),
        "embassy_moscow": Contact(
            "embassy_moscow", {"tg": "Сафорат", "ru": "Посольство", "en": "Embassy"},
            group="embassy", country="russia",
        ),
    }  # fmt: skip
