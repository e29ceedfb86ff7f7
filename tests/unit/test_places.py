"""The destination country a message names by its words (the NLU's fallback for places)."""

from __future__ import annotations

import pytest

from bot.places import place_named


@pytest.mark.parametrize(
    ("text", "country"),
    [
        ("дар Алмато полиса ҳуҷҷат талаб кард", "kazakhstan"),  # Tajik spelling of Almaty
        ("akamro dar Almaty dastgir kardand", "kazakhstan"),
        ("Дар Қазоқистон чӣ?", "kazakhstan"),
        ("дар Казокистонда патент хаст", "kazakhstan"),  # no special letters, a Tajik ending
        ("а в Казахстане?", "kazakhstan"),
        ("a v kazahstane?", "kazakhstan"),
        ("what about Nur-Sultan", "kazakhstan"),
        ("Маскавда кор мекунам", "russia"),
        ("a dlya moskvy skolko?", "russia"),
        ("в Питере сколько", "russia"),
        ("St Petersburg patent price", "russia"),
        ("ба Русия рафтан мехоҳам", "russia"),
        ("в РФ", "russia"),
        ("Rossiyada ishlayman", "russia"),
    ],
)
def test_a_country_or_a_city_names_its_country(text: str, country: str) -> None:
    assert place_named(text) == country


@pytest.mark.parametrize(
    "text",
    [
        "имтиҳони забони русӣ",  # the Russian language is not Russia
        "imtihoni rusi kujo supurdan mumkin",
        "what about the fine?",
        "чанд пул",
        "",
    ],
)
def test_other_words_name_no_country(text: str) -> None:
    assert place_named(text) is None


def test_the_first_place_named_counts() -> None:
    assert place_named("аз Русия ба Қазоқистон рафтам") == "russia"
