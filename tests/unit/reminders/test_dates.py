"""Dates as people type them (bot.reminders.dates): Tajik, Russian and English, in Cyrillic
and Latin letters, numeric, named and counted from today; and what is not a date."""

from __future__ import annotations

import datetime as dt
import random
import time

import pytest

from bot.reminders.dates import (
    MAX_CHARS,
    Direction,
    Parsed,
    Problem,
    Rejected,
    parse_date,
)

TODAY = dt.date(2026, 11, 30)
F = Direction.FUTURE
P = Direction.PAST
D = dt.date


def guessed(date: dt.date, swapped: dt.date | None = None) -> Parsed:
    """A date whose year was not typed."""
    return Parsed(date, swapped=swapped, year_guessed=True)


def rejected(problem: Problem, date: dt.date | None = None) -> Rejected:
    """No usable date, and the one understood if any."""
    return Rejected(problem, date)


Case = tuple[str, str, Direction, Parsed | Rejected]


def cases(*rows: Case) -> pytest.MarkDecorator:
    """Parametrize (text, direction, expected) by readable ids."""
    return pytest.mark.parametrize(
        ("text", "direction", "expected"),
        [row[1:] for row in rows],
        ids=[row[0] for row in rows],
    )


def check(text: str, direction: Direction, expected: Parsed | Rejected) -> None:
    assert parse_date(text, TODAY, direction) == expected


@cases(
    ("dd.mm.yyyy", "05.12.2026", F, Parsed(D(2026, 12, 5))),
    ("d.mm.yyyy", "5.12.2026", F, Parsed(D(2026, 12, 5))),
    ("two-digit-year", "5.12.26", F, Parsed(D(2026, 12, 5))),
    ("two-digit-year-next", "25.01.27", F, Parsed(D(2027, 1, 25))),
    ("slashes", "05/12/2026", F, Parsed(D(2026, 12, 5))),
    ("hyphens", "5-12-2026", F, Parsed(D(2026, 12, 5))),
    ("en-dashes", "5\u201312\u20132026", F, Parsed(D(2026, 12, 5))),
    ("commas-with-year", "05,12,2026", F, Parsed(D(2026, 12, 5))),
    ("iso", "2026-12-05", F, Parsed(D(2026, 12, 5))),
    ("iso-slashes", "2026/12/05", F, Parsed(D(2026, 12, 5))),
    ("ru-words-around", "Патент оплачен до 05.12.2026г.", F, Parsed(D(2026, 12, 5))),
    ("tj-words-around", "пардохт шуд то 25.01.2027", F, Parsed(D(2027, 1, 25))),
    ("en-words-around", "Patent paid until 25.01.2027.", F, Parsed(D(2027, 1, 25))),
    ("with-a-time", "до 5.12.2026 18:00", F, Parsed(D(2026, 12, 5))),
    ("spaces-are-not-separators", "5 12 2026", F, rejected(Problem.NOT_A_DATE)),
    ("month-and-year-only", "12.2026", F, rejected(Problem.NOT_A_DATE)),
    ("three-digit-year", "5.12.202", F, rejected(Problem.NOT_A_DATE)),
    ("phone-number", "+992-93-123-45-67", F, rejected(Problem.NOT_A_DATE)),
)
def test_numeric_forms(text: str, direction: Direction, expected: Parsed | Rejected) -> None:
    check(text, direction, expected)


@cases(
    ("future-this-year", "5.12", F, guessed(D(2026, 12, 5), swapped=D(2027, 5, 12))),
    ("future-next-year", "5.11", F, guessed(D(2027, 11, 5), swapped=D(2027, 5, 11))),
    ("past-last-year", "5.12", P, guessed(D(2025, 12, 5), swapped=D(2026, 5, 12))),
    ("past-this-year", "1.06", P, guessed(D(2026, 6, 1), swapped=D(2026, 1, 6))),
    ("future-today", "30.11", F, guessed(D(2026, 11, 30))),
    ("past-today", "30.11", P, guessed(D(2026, 11, 30))),
    ("future-name", "5 мая", F, guessed(D(2027, 5, 5))),
    ("past-name", "5 мая", P, guessed(D(2026, 5, 5))),
    ("past-name-last-year", "5 декабря", P, guessed(D(2025, 12, 5))),
    ("29-february-too-far-future", "29.02", F, rejected(Problem.IMPOSSIBLE)),
    ("29-february-too-far-past", "29 февраля", P, rejected(Problem.IMPOSSIBLE)),
)
def test_a_year_not_typed_is_guessed(
    text: str, direction: Direction, expected: Parsed | Rejected
) -> None:
    check(text, direction, expected)


@pytest.mark.parametrize(
    ("today", "direction", "expected"),
    [(D(2027, 6, 1), F, D(2028, 2, 29)), (D(2025, 6, 1), P, D(2024, 2, 29))],
    ids=["next-leap-year", "last-leap-year"],
)
def test_29_february_without_a_year_is_the_nearest_leap_years(
    today: dt.date, direction: Direction, expected: dt.date
) -> None:
    assert parse_date("29.02", today, direction) == guessed(expected)


@cases(
    ("ru-genitive", "5 декабря", F, guessed(D(2026, 12, 5))),
    ("ru-nominative", "5 декабрь", F, guessed(D(2026, 12, 5))),
    ("ru-abbreviated", "5 дек", F, guessed(D(2026, 12, 5))),
    ("ru-abbreviated-dot", "до 5 дек.", F, guessed(D(2026, 12, 5))),
    ("ru-capitals-year", "5 ДЕКАБРЯ 2026", F, Parsed(D(2026, 12, 5))),
    ("ru-ordinal-goda", "5-го декабря 2026 года", F, Parsed(D(2026, 12, 5))),
    ("ru-may-genitive", "5 мая", F, guessed(D(2027, 5, 5))),
    ("ru-may-nominative", "5 май", F, guessed(D(2027, 5, 5))),
    ("ru-january", "до 10 января", F, guessed(D(2027, 1, 10))),
    ("ru-january-abbr-year", "10 янв 2027", F, Parsed(D(2027, 1, 10))),
    ("ru-march", "8 марта", F, guessed(D(2027, 3, 8))),
    ("ru-two-digit-year", "5 мая 27", F, Parsed(D(2027, 5, 5))),
    ("ru-latin-genitive", "5 dekabrya", F, guessed(D(2026, 12, 5))),
    ("ru-latin-nominative", "5 dekabr", F, guessed(D(2026, 12, 5))),
    ("ru-latin-may", "5 maya", F, guessed(D(2027, 5, 5))),
    ("ru-latin-june", "5 iyunya", F, guessed(D(2027, 6, 5))),
    ("ru-latin-september", "5 sentyabrya", F, guessed(D(2027, 9, 5))),
    ("ru-latin-february", "5 fevralya", F, guessed(D(2027, 2, 5))),
    ("ru-latin-year", "1 yanvarya 2027", F, Parsed(D(2027, 1, 1))),
    ("tj-stem", "5 декабр", F, guessed(D(2026, 12, 5))),
    ("tj-ordinal", "5-уми декабр", F, guessed(D(2026, 12, 5))),
    ("tj-ordinal-izofa-year", "5 уми декабри 2026", F, Parsed(D(2026, 12, 5))),
    ("tj-soli", "5-уми декабри соли 2026", F, Parsed(D(2026, 12, 5))),
    ("tj-special-letters-around", "мӯҳлати патент то 5-уми декабр", F, guessed(D(2026, 12, 5))),
    ("tj-without-special-letters", "мухлати патент то 5-уми декабр", F, guessed(D(2026, 12, 5))),
    ("tj-april-izofa", "то 15 апрели", F, guessed(D(2027, 4, 15))),
    ("tj-july", "1-уми июл", F, guessed(D(2027, 7, 1))),
    ("tj-entry-past", "Санаи воридшавӣ: 5 уми сентябри 2026", P, Parsed(D(2026, 9, 5))),
    ("tj-latin", "5-umi dekabr", F, guessed(D(2026, 12, 5))),
    ("tj-latin-izofa-year", "5 umi dekabri 2026", F, Parsed(D(2026, 12, 5))),
    ("en-month-day", "December 5", F, guessed(D(2026, 12, 5))),
    ("en-day-month", "5 December", F, guessed(D(2026, 12, 5))),
    ("en-ordinal-of", "5th of December", F, guessed(D(2026, 12, 5))),
    ("en-abbr-comma-year", "Dec 5, 2026", F, Parsed(D(2026, 12, 5))),
    ("en-day-abbr-year", "5 Dec 2026", F, Parsed(D(2026, 12, 5))),
    ("en-month-ordinal", "december 5th", F, guessed(D(2026, 12, 5))),
    ("en-first", "until May 1st", F, guessed(D(2027, 5, 1))),
    ("typo-ru", "5 сентебря", F, guessed(D(2027, 9, 5))),
    ("typo-en", "5 febuary", F, guessed(D(2027, 2, 5))),
    ("month-without-day-tj", "декабри 2026", F, rejected(Problem.NOT_A_DATE)),
    ("month-without-day-ru", "декабрь", F, rejected(Problem.NOT_A_DATE)),
)
def test_month_names(text: str, direction: Direction, expected: Parsed | Rejected) -> None:
    check(text, direction, expected)


@cases(
    ("ru-months", "через 3 месяца", F, Parsed(D(2027, 2, 28))),
    ("ru-months-abbr", "через 3 мес", F, Parsed(D(2027, 2, 28))),
    ("tj-months", "пас аз 3 моҳ", F, Parsed(D(2027, 2, 28))),
    ("tj-latin-months", "pas az 3 moh", F, Parsed(D(2027, 2, 28))),
    ("tj-badi-months", "баъди 3 моҳ", F, Parsed(D(2027, 2, 28))),
    ("tj-digar-months", "3 моҳи дигар", F, Parsed(D(2027, 2, 28))),
    ("en-months", "in 3 months", F, Parsed(D(2027, 2, 28))),
    ("en-days", "in 10 days", F, Parsed(D(2026, 12, 10))),
    ("ru-days", "через 10 дней", F, Parsed(D(2026, 12, 10))),
    ("tj-days", "пас аз 10 рӯз", F, Parsed(D(2026, 12, 10))),
    ("tj-latin-days", "pas az 10 ruz", F, Parsed(D(2026, 12, 10))),
    ("ru-weeks", "через 2 недели", F, Parsed(D(2026, 12, 14))),
    ("tj-weeks", "пас аз 2 ҳафта", F, Parsed(D(2026, 12, 14))),
    ("tj-weeks-plain", "пас аз 2 хафта", F, Parsed(D(2026, 12, 14))),
    ("en-weeks", "in 2 weeks", F, Parsed(D(2026, 12, 14))),
    ("ru-a-week", "через неделю", F, Parsed(D(2026, 12, 7))),
    ("en-a-week", "in a week", F, Parsed(D(2026, 12, 7))),
    ("tj-one-month", "пас аз як моҳ", F, Parsed(D(2026, 12, 30))),
    ("ru-a-year", "через год", F, Parsed(D(2027, 11, 30))),
    ("en-tomorrow", "tomorrow", F, Parsed(D(2026, 12, 1))),
    ("ru-tomorrow", "завтра", F, Parsed(D(2026, 12, 1))),
    ("tj-pagoh", "пагоҳ", F, Parsed(D(2026, 12, 1))),
    ("tj-pagoh-plain", "пагох", F, Parsed(D(2026, 12, 1))),
    ("tj-fardo", "фардо", F, Parsed(D(2026, 12, 1))),
    ("tj-latin-paghoh", "paghoh", F, Parsed(D(2026, 12, 1))),
    ("tj-latin-fardo", "fardo", F, Parsed(D(2026, 12, 1))),
    ("tj-pasfardo", "пас фардо", F, Parsed(D(2026, 12, 2))),
    ("en-today", "today", F, Parsed(TODAY)),
    ("ru-today", "сегодня", F, Parsed(TODAY)),
    ("tj-today", "имрӯз", P, Parsed(TODAY)),
    ("tj-latin-today", "imruz", P, Parsed(TODAY)),
    ("en-days-ago", "3 days ago", P, Parsed(D(2026, 11, 27))),
    ("ru-days-ago", "3 дня назад", P, Parsed(D(2026, 11, 27))),
    ("tj-days-ago", "3 рӯз пеш", P, Parsed(D(2026, 11, 27))),
    ("tj-days-ago-plain", "3 руз пеш", P, Parsed(D(2026, 11, 27))),
    ("tj-latin-days-ago", "3 ruz pesh", P, Parsed(D(2026, 11, 27))),
    ("en-months-ago", "2 months ago", P, Parsed(D(2026, 9, 30))),
    ("ru-months-ago", "2 месяца назад", P, Parsed(D(2026, 9, 30))),
    ("tj-months-ago", "2 моҳ пеш", P, Parsed(D(2026, 9, 30))),
    ("ru-a-week-ago", "неделю назад", P, Parsed(D(2026, 11, 23))),
    ("en-yesterday", "yesterday", P, Parsed(D(2026, 11, 29))),
    ("ru-yesterday", "вчера", P, Parsed(D(2026, 11, 29))),
    ("tj-yesterday", "дирӯз", P, Parsed(D(2026, 11, 29))),
    ("tj-yesterday-plain", "дируз", P, Parsed(D(2026, 11, 29))),
    ("tj-latin-yesterday", "diruz", P, Parsed(D(2026, 11, 29))),
    ("ago-for-a-deadline", "3 days ago", F, rejected(Problem.PAST, D(2026, 11, 27))),
    ("in-for-an-entry", "in 3 months", P, rejected(Problem.FUTURE, D(2027, 2, 28))),
    ("yesterday-for-a-deadline", "вчера", F, rejected(Problem.PAST, D(2026, 11, 29))),
    ("tomorrow-for-an-entry", "завтра", P, rejected(Problem.FUTURE, D(2026, 12, 1))),
    ("count-without-direction", "3 месяца", F, rejected(Problem.NOT_A_DATE)),
    ("a-day-word-yields", "сегодня оплатил до 5 декабря", F, guessed(D(2026, 12, 5))),
    ("beyond-the-calendar", "через 99999 лет", F, rejected(Problem.TOO_FAR)),
)
def test_counted_from_today(text: str, direction: Direction, expected: Parsed | Rejected) -> None:
    check(text, direction, expected)


@pytest.mark.parametrize(
    ("today", "text", "direction", "expected"),
    [
        (D(2027, 1, 31), "через 1 месяц", F, D(2027, 2, 28)),
        (D(2028, 1, 31), "через месяц", F, D(2028, 2, 29)),
        (D(2026, 5, 31), "in 1 month", F, D(2026, 6, 30)),
        (D(2026, 8, 31), "пас аз 6 моҳ", F, D(2027, 2, 28)),
        (D(2026, 3, 31), "1 месяц назад", P, D(2026, 2, 28)),
        (D(2024, 2, 29), "через 1 год", F, D(2025, 2, 28)),
    ],
    ids=[
        "jan31-plus-1",
        "jan31-leap",
        "may31-plus-1",
        "aug31-plus-6",
        "mar31-minus-1",
        "feb29-year",
    ],
)
def test_months_end_on_the_last_day_of_a_shorter_month(
    today: dt.date, text: str, direction: Direction, expected: dt.date
) -> None:
    assert parse_date(text, today, direction) == Parsed(expected)


@cases(
    ("31-february", "31.02.2027", F, rejected(Problem.IMPOSSIBLE)),
    ("31-february-no-year", "31.02", F, rejected(Problem.IMPOSSIBLE)),
    ("30-february-name", "30 февраля", F, rejected(Problem.IMPOSSIBLE)),
    ("29-february-not-leap", "29.02.2027", F, rejected(Problem.IMPOSSIBLE)),
    ("day-32", "32.01", F, rejected(Problem.IMPOSSIBLE)),
    ("month-13", "15.13", F, rejected(Problem.IMPOSSIBLE)),
    ("day-0", "00.12.2026", F, rejected(Problem.IMPOSSIBLE)),
    ("31-november", "31 ноября", F, rejected(Problem.IMPOSSIBLE)),
    ("future-in-the-past", "05.11.2026", F, rejected(Problem.PAST, D(2026, 11, 5))),
    ("future-last-year", "1 января 2026", F, rejected(Problem.PAST, D(2026, 1, 1))),
    ("past-in-the-future", "5.12.2026", P, rejected(Problem.FUTURE, D(2026, 12, 5))),
    ("too-far-ahead", "1.1.2030", F, rejected(Problem.TOO_FAR, D(2030, 1, 1))),
    ("too-far-ahead-by-a-day", "05.01.2028", F, rejected(Problem.TOO_FAR, D(2028, 1, 5))),
    ("limit-ahead", "04.01.2028", F, Parsed(D(2028, 1, 4))),
    ("too-far-ahead-counted", "через 14 месяцев", F, rejected(Problem.TOO_FAR, D(2028, 1, 30))),
    ("too-far-back", "1.1.2020", P, rejected(Problem.TOO_FAR, D(2020, 1, 1))),
    ("too-far-back-by-a-day", "20.09.2024", P, rejected(Problem.TOO_FAR, D(2024, 9, 20))),
    ("limit-back", "21.09.2024", P, Parsed(D(2024, 9, 21))),
    ("empty", "", F, rejected(Problem.EMPTY)),
    ("spaces", "   ", F, rejected(Problem.EMPTY)),
    ("whitespace", "\n\t ", P, rejected(Problem.EMPTY)),
    ("punctuation", " ...?! ", F, rejected(Problem.EMPTY)),
    ("control-characters", "\x00\x01", F, rejected(Problem.EMPTY)),
    ("emoji", "🙂", F, rejected(Problem.NOT_A_DATE)),
    ("emoji-and-binary", "🙂\x00\xff\ufffd", F, rejected(Problem.NOT_A_DATE)),
    ("tj-greeting", "салом", F, rejected(Problem.NOT_A_DATE)),
    ("en-greeting", "hello", F, rejected(Problem.NOT_A_DATE)),
    ("ru-dont-know", "не знаю", F, rejected(Problem.NOT_A_DATE)),
    ("a-number", "5", F, rejected(Problem.NOT_A_DATE)),
    ("two-numeric-dates", "5.12 или 6.12", F, rejected(Problem.NOT_A_DATE)),
    ("two-named-dates", "с 1 декабря по 5 декабря", F, rejected(Problem.NOT_A_DATE)),
    ("a-date-and-a-count", "5.12.2026 or in 3 days", F, rejected(Problem.NOT_A_DATE)),
    ("one-date-twice", "5.12.2026 (5 декабря)", F, Parsed(D(2026, 12, 5))),
)
def test_bad_and_borderline_inputs(
    text: str, direction: Direction, expected: Parsed | Rejected
) -> None:
    check(text, direction, expected)


def test_a_smaller_limit_is_kept() -> None:
    assert parse_date("5.12.2026", TODAY, F, max_days=3) == rejected(
        Problem.TOO_FAR, D(2026, 12, 5)
    )
    assert parse_date("через 3 дня", TODAY, F, max_days=3) == Parsed(D(2026, 12, 3))


@cases(
    ("3-april-or-4-march", "03.04.2027", F, Parsed(D(2027, 4, 3), swapped=D(2027, 3, 4))),
    ("4-march-or-3-april", "04.03.2027", F, Parsed(D(2027, 3, 4), swapped=D(2027, 4, 3))),
    ("day-over-12", "13.04.2027", F, Parsed(D(2027, 4, 13))),
    ("day-equals-month", "05.05.2027", F, Parsed(D(2027, 5, 5))),
    ("other-reading-past", "01.12.2026", F, Parsed(D(2026, 12, 1))),
    ("other-reading-too-far", "04.01.2028", F, Parsed(D(2028, 1, 4))),
    ("other-reading-future", "12.01.2026", P, Parsed(D(2026, 1, 12))),
    ("no-year", "03.04", F, guessed(D(2027, 4, 3), swapped=D(2027, 3, 4))),
    ("iso-is-unambiguous", "2027-04-03", F, Parsed(D(2027, 4, 3))),
    ("name-is-unambiguous", "3 апреля 2027", F, Parsed(D(2027, 4, 3))),
    ("name-settles-numeric", "03.04.2027 (3 апреля)", F, Parsed(D(2027, 4, 3))),
)
def test_day_and_month_that_could_swap(
    text: str, direction: Direction, expected: Parsed | Rejected
) -> None:
    check(text, direction, expected)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("a" * 10_000, rejected(Problem.NOT_A_DATE)),
        ("до 5.12.2026 " + "ф" * 10_000, Parsed(D(2026, 12, 5))),
        ("x " * 5_000 + "5.12.2026", rejected(Problem.NOT_A_DATE)),
        (" " * 10_000, rejected(Problem.EMPTY)),
        ("x" * (MAX_CHARS - 5) + " 5.12.2026", rejected(Problem.NOT_A_DATE)),
    ],
    ids=["letters", "date-first", "date-after-the-cap", "spaces", "date-cut-by-the-cap"],
)
def test_a_long_text_is_read_only_at_its_start(text: str, expected: Parsed | Rejected) -> None:
    started = time.perf_counter()
    assert parse_date(text, TODAY) == expected
    assert time.perf_counter() - started < 0.5


def test_the_parser_never_raises() -> None:
    rng = random.Random(0)
    alphabet = (
        "0123456789" * 3 + " .,/-:–" * 3 + "абвгдежзийклмнопрстуфхцчшщъыьэюяҳҷқғӯӣё"
        "abcdefghijklmnopqrstuvwxyz" + "ДЕКАБРЯ" + "\x00\x01\ufffd🙂\u200b\n\t'"
    )
    words = ["декабря", "моҳ", "пас", "аз", "через", "назад", "ago", "in", "29.02", "31", "пеш"]
    for _ in range(500):
        pieces = [
            rng.choice(words)
            if rng.random() < 0.3
            else "".join(rng.choices(alphabet, k=rng.randint(0, 12)))
            for _ in range(rng.randint(0, 8))
        ]
        text = rng.choice([" ", ""]).join(pieces)
        for direction in Direction:
            result = parse_date(text, TODAY, direction, max_days=rng.choice([None, 0, 10**6]))
            assert isinstance(result, Parsed | Rejected), text
            if isinstance(result, Parsed):
                assert result.swapped != result.date
