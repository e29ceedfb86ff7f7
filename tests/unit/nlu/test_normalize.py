"""The normalisation shared by the NLU pipeline and the search."""

from __future__ import annotations

import pytest

from nlu_components.normalize import fold_tajik, normalize, normalize_token


@pytest.mark.parametrize(
    ("variants", "expected"),
    [
        (["Патентро чӣ тавр гирам?", "патентро чи тавр гирам", "patentro chi tavr giram"],
         "патентро чи тавр гирам"),
        (["как оплатить патент", "kak oplatit patent", "Как оплатить ПАТЕНТ!!!"],
         "как оплатит патент"),
        (["ҷавоб", "чавоб", "љавоб", "javob", "djavob"], "чавоб"),
        (["шаҳрвандӣ", "шахрванди", "shahrvandi", "shahrvandī"], "шахрванди"),
        (["манъи вуруд", "mani vurud", "man'i vurud", "man’i vurud"], "мани вуруд"),
        (["вы бот?", "vy bot", "vi bot"], "ви бот"),
    ],
)  # fmt: skip
def test_every_spelling_of_a_phrase_meets(variants: list[str], expected: str) -> None:
    assert {normalize(v) for v in variants} == {expected}


def test_legacy_font_letters_become_tajik_letters() -> None:
    assert normalize_token("њаќ") == normalize_token("ҳақ") == "хак"
    assert normalize_token("ѓамхорї") == normalize_token("ғамхорӣ")
    assert normalize_token("ўзбек") == normalize_token("ӯзбек")


def test_latin_lookalikes_inside_cyrillic_words() -> None:
    assert normalize_token("пaтeнт") == "патент"  # Latin a and e
    assert normalize_token("Mocква") == "москва"  # Latin M, o, c


def test_fold_keeps_other_text() -> None:
    assert fold_tajik("ҳҷқғӯӣ") == "хчкгуи"
    assert fold_tajik("ёэыьъй") == "ееий"
    assert fold_tajik("abc 123") == "abc 123"


def test_normalize_handles_odd_input() -> None:
    assert normalize("") == ""
    assert normalize("   \n\t ") == ""
    assert normalize("😀😀 !!!") == ""
    assert normalize("ｐａｔｅｎｔ") == "патент"  # full-width (NFKC)
    assert normalize("a" * 100_000)[:3] == "ааа"
