"""Saved replies offered in the staff group (bot.escalation.suggest.best_saved): the one that
matches the migrant's question, in any script, and none when nothing matches."""

from __future__ import annotations

import pytest

from bot.escalation.suggest import best_saved, similarity

pytestmark = pytest.mark.unit

REPLIES = [
    (1, "Office hours", "We work Monday to Friday, 9 to 18, Dushanbe time."),
    (2, "Переводы денег", "Отправляйте деньги только через банк или лицензированный сервис."),
    (3, "Амина", "В приложении Амина включите геолокацию, иначе снимут с учёта."),
]


@pytest.mark.parametrize(
    ("question", "reply"),
    [
        ("как отправить деньги домой через банк", 2),
        ("kak otpravit dengi domoi", 2),
        ("what are your office hours", 1),
        ("приложение амина геолокация не работает", 3),
    ],
)
def test_the_matching_saved_reply_is_offered(question: str, reply: int) -> None:
    found = best_saved(question, REPLIES)
    assert found is not None
    assert found[0] == reply


def test_nothing_is_offered_when_nothing_matches() -> None:
    assert best_saved("дар Қазоқистон ҳуҷҷат гум шуд", REPLIES) is None
    assert best_saved("anything", []) is None
    assert similarity("", "text") == 0.0
