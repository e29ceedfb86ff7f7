"""A date as a person types it into the bot, in Tajik, Russian or English.

The reminders ask for a deadline (the patent is paid until, the registration is valid until:
``Direction.FUTURE``); the stay calculator asks for entry and exit dates (``Direction.PAST``).
People answer in many ways, with words around the date ("до 5.12", "пардохт шуд то 5-уми
декабр", "patent paid until Dec 5"); ``parse_date`` takes the one date in the message:

* numeric, day first as in Tajikistan and Russia: ``05.12.2026``, ``5.12.26`` (20xx),
  ``5.12``, ``05/12/2026``, ``5-12-2026``, ``05,12,2026`` (a comma only with a year), and ISO
  ``2026-12-05``. When day and month could swap ("03.04") the other reading is offered too.
  Digits separated by spaces ("5 12 2026") are not a date;
* a day and a month's name, with an optional year (four digits, or two after a day and a
  month): Russian in every case and abbreviated ("5 декабря", "5 декабрь", "5 дек.", "5-го
  мая 2026 г."), in Latin letters ("5 dekabrya", "5 iyunya"); Tajik with or without its own
  letters and its endings ("5 декабр", "5-уми декабри соли 2026", "5-umi dekabr"); English
  ("December 5th, 2026", "5th of Dec", "Dec 5"). A word one letter away from a month of five
  letters or more counts as that month ("сентебря", "febuary"). A month without a day is
  not a date;
* a count from today: "через 3 месяца", "через неделю", "in 2 weeks", "пас аз 10 рӯз",
  "баъди 3 моҳ", "3 моҳи дигар", "3 days ago", "2 месяца назад", "3 рӯз пеш"; days, weeks,
  months (the same day number, or the month's last day: 31 January + 1 month = 28 February)
  and years; the count in digits, or one ("a", "один", "як"; nothing before the Russian
  singular: "через месяц");
* a day word: today, tomorrow, the day after, yesterday, the day before ("сегодня", "пагоҳ",
  "фардо", "пасфардо", "вчера", "дирӯз", "парерӯз"...). A day word gives way to any other
  date in the message ("сегодня оплатил до 5.12" is 5 December).

Tajik without its special letters and in Latin letters is read through the project's
normaliser (``nlu_components.normalize``); English words are matched as typed. A year not
typed is the next such day (FUTURE) or the last (PAST). Only the first ``MAX_CHARS``
characters are read, so that any message costs little.
"""

from __future__ import annotations

import calendar
import datetime as dt
import re
import unicodedata
from dataclasses import dataclass, replace
from enum import StrEnum

from nlu_components.normalize import normalize_token

__all__ = [
    "MAX_CHARS",
    "MAX_DAYS_AHEAD",
    "MAX_DAYS_BACK",
    "Direction",
    "Parsed",
    "Problem",
    "Rejected",
    "parse_date",
]


class Direction(StrEnum):
    """Which side of today the asked date must be on."""

    FUTURE = "future"  # a deadline: today or later
    PAST = "past"  # an entry or exit date: today or earlier


class Problem(StrEnum):
    """Why a message gave no usable date."""

    EMPTY = "empty"  # nothing (or only spaces/punctuation) typed
    NOT_A_DATE = "not_a_date"  # text that is not a date
    IMPOSSIBLE = "impossible"  # 31.02, 30 February, 32.01, month 13
    PAST = "past"  # a FUTURE date before today
    FUTURE = "future"  # a PAST date after today
    TOO_FAR = "too_far"  # further than the limit from today (either direction)


@dataclass(frozen=True)
class Parsed:
    """A date understood, on the right side of today and within the limit."""

    date: dt.date
    #: The other reading of an ambiguous numeric form ("03.04": 3 April, or 4 March), when both
    #: readings are valid dates, differ, and satisfy the direction and limit; else None.
    swapped: dt.date | None = None
    #: True when the year was not typed and was chosen (the next such day for FUTURE, the last
    #: for PAST).
    year_guessed: bool = False


@dataclass(frozen=True)
class Rejected:
    """No usable date, and why."""

    problem: Problem
    #: The date that was understood, when there was one (for PAST / FUTURE / TOO_FAR), so the bot
    #: can show it.
    date: dt.date | None = None


#: How far from today a date may be (a patent is paid for at most 12 months; an entry date a
#: couple of years back is the most a stay count needs).
MAX_DAYS_AHEAD = 400
MAX_DAYS_BACK = 800

#: How much of a message is read: a date typed in answer to a question comes early.
MAX_CHARS = 200

# --- Words -------------------------------------------------------------------------------


def _forms(words: str) -> frozenset[str]:
    """Space-separated words in their normalised form (Tajik letters folded, Latin in Cyrillic)."""
    return frozenset(normalize_token(word) for word in words.split())


#: Months' stems as Russian and Tajik write them (normalised: no soft sign, no Tajik letters),
#: with the spellings of Latin typists ("sentabr", "ianvar"); each takes the endings below.
#: (май declines its own way: its forms are with the abbreviations.)
_MONTH_STEMS: dict[int, str] = {
    1: "январ йанвар ианвар",
    2: "феврал",
    3: "март",
    4: "апрел",
    6: "июн иун",
    7: "июл иул",
    8: "август",
    9: "сентябр сентабр",
    10: "октябр октабр",
    11: "ноябр ноабр",
    12: "декабр",
}
#: Endings: Russian genitive (декабря, марта), prepositional (декабре), Tajik izofa (декабри).
_MONTH_ENDINGS = ("", "я", "а", "е", "и")
#: Abbreviations and the forms of май.
_MONTH_EXTRA: dict[int, str] = {
    1: "янв",
    2: "фев февр",
    3: "мар",
    4: "апр",
    5: "май мая мае майи маи",
    8: "авг",
    9: "сен сент",
    10: "окт",
    11: "ноя нояб",
    12: "дек",
}
#: Every written form of a Russian or Tajik month name -> its number.
_MONTHS: dict[str, int] = {
    **{
        normalize_token(stem + ending): month
        for month, stems in _MONTH_STEMS.items()
        for stem in stems.split()
        for ending in _MONTH_ENDINGS
    },
    **{
        normalize_token(form): month
        for month, forms in _MONTH_EXTRA.items()
        for form in forms.split()
    },
}
#: English month names and abbreviations, as typed (lower case) -> number.
_ENGLISH_MONTHS: dict[str, int] = {
    name: number
    for number, names in enumerate(
        (
            "january jan",
            "february feb",
            "march mar",
            "april apr",
            "may",
            "june jun",
            "july jul",
            "august aug",
            "september sep sept",
            "october oct",
            "november nov",
            "december dec",
        ),
        start=1,
    )
    for name in names.split()
}
#: The shortest word read as a month despite a typo, and the forms it may be compared with.
_FUZZY_MIN = 5
_FUZZY_MONTHS = tuple((form, n) for form, n in _MONTHS.items() if len(form) >= _FUZZY_MIN)
_FUZZY_ENGLISH = tuple((form, n) for form, n in _ENGLISH_MONTHS.items() if len(form) >= _FUZZY_MIN)

#: Ordinal endings between a day and its month: Tajik "5-уми", Russian "5-го", "5-е".
_ORDINALS = _forms("уми ум ми го ого е ое")
_ENGLISH_ORDINALS = frozenset({"th", "st", "nd", "rd"})
_ENGLISH_OF = frozenset({"of", "the"})
#: Words between a month and its year: Tajik "соли 2026" (the year 2026), Russian "года".
_YEAR_FILLERS = _forms("соли сол года")

#: A unit of a count from today: (days, months) per unit.
_DAY, _WEEK, _MONTH, _YEAR = (1, 0), (7, 0), (0, 1), (0, 12)
_UNITS: dict[str, tuple[int, int]] = {
    **dict.fromkeys(_forms("день дня дней дн рӯз рӯзи роз рооз"), _DAY),
    **dict.fromkeys(_forms("неделя недели недель неделю нед ҳафта ҳафтаи"), _WEEK),
    **dict.fromkeys(_forms("месяц месяца месяцев мес моҳ моҳи"), _MONTH),
    **dict.fromkeys(_forms("год года лет сол"), _YEAR),
}
_ENGLISH_UNITS: dict[str, tuple[int, int]] = {
    **dict.fromkeys(("day", "days"), _DAY),
    **dict.fromkeys(("week", "weeks"), _WEEK),
    **dict.fromkeys(("month", "months"), _MONTH),
    **dict.fromkeys(("year", "years"), _YEAR),
}
#: Units that count one by themselves, after a direction word ("через месяц", "неделю назад").
_SINGULAR_UNITS = _forms("день неделю неделя месяц год")
_ENGLISH_SINGULAR_UNITS = frozenset({"day", "week", "month", "year"})
#: A count of one in words ("через один месяц", "пас аз як моҳ", "in a week").
_ONE = _forms("один одну одна як")
_ENGLISH_ONE = frozenset({"a", "an", "one"})

#: Words before a count that make it future ("через 3 дня", "баъди 3 моҳ", "in 3 days").
_AFTER = _forms("через спустя баъди")
_ENGLISH_AFTER = frozenset({"in", "after", "within"})
#: First words of two-word Tajik prepositions before "аз": "пас аз" / "баъд аз" (after),
#: "пеш аз" / "қабл аз" (before).
_AFTER_AZ = _forms("пас баъд")
_BEFORE_AZ = _forms("пеш қабл")
_AZ = normalize_token("аз")
#: Words after a count: past ("3 дня назад", "3 рӯз пеш") and future ("3 моҳ баъд", "3 моҳи дигар").
_AGO = _forms("назад пеш пештар қабл")
_ENGLISH_AGO = frozenset({"ago", "before", "earlier"})
_LATER = _forms("баъд пас дигар спустя")
_ENGLISH_LATER = frozenset({"later", "after"})

#: Day words -> days from today.
_DAY_WORDS: dict[str, int] = {
    **dict.fromkeys(_forms("сегодня имрӯз"), 0),
    **dict.fromkeys(_forms("завтра пагоҳ фардо"), 1),
    **dict.fromkeys(_forms("послезавтра пасфардо"), 2),
    **dict.fromkeys(_forms("вчера дирӯз"), -1),
    **dict.fromkeys(_forms("позавчера парерӯз"), -2),
}
_ENGLISH_DAY_WORDS = {"today": 0, "tomorrow": 1, "yesterday": -1}
_PAS = normalize_token("пас")
_FARDO = normalize_token("фардо")

# --- Tokens ------------------------------------------------------------------------------

#: The pieces of a message: a numeric date (ISO, or day first), a time (skipped), a number, a
#: word (apostrophes inside Latin Tajik: "ba'di"). A numeric date touches no other digits.
_TOKEN_RE = re.compile(
    r"(?P<iso>(?<![0-9.,/-])(?P<iy>[0-9]{4})(?P<isep>[-./])(?P<im>[0-9]{1,2})(?P=isep)"
    r"(?P<id>[0-9]{1,2})(?![0-9]|[-./,][0-9]))"
    r"|(?P<dmy>(?<![0-9.,/-])(?P<d>[0-9]{1,2})(?P<sep>[-./]|,(?=[0-9]{1,2},[0-9]{2}))"
    r"(?P<m>[0-9]{1,2})(?:(?P=sep)(?P<y>[0-9]{4}|[0-9]{2}))?(?![0-9]|[-./,][0-9]))"
    r"|(?P<time>[0-9]{1,2}:[0-9]{2})"
    r"|(?P<num>[0-9]+)"
    r"|(?P<word>[^\W\d_]+(?:['\u2018\u2019\u02bb\u02bc`\u00b4][^\W\d_]+)*)"
)
#: Dashes and minus signs -> "-", so that "5–12–2026" is "5-12-2026".
_DASHES = str.maketrans(dict.fromkeys("\u2010\u2011\u2012\u2013\u2014\u2212", "-"))
_ASCII_LETTERS = re.compile(r"[a-z]+")


@dataclass(frozen=True)
class _Calendar:
    """A day and a month (and a year) as typed."""

    day: int
    month: int
    year: int | None
    swappable: bool = False


@dataclass(frozen=True)
class _Shift:
    """A date counted from today; a day word is weak (it yields to any other date)."""

    days: int = 0
    months: int = 0
    weak: bool = False


@dataclass(frozen=True)
class _Token:
    """A piece of a message; a time has nothing set, so that it only separates."""

    word: str = ""  # a word, normalised
    latin: str = ""  # a word in Latin letters as typed, for English
    number: int | None = None
    digits: int = 0
    date: _Calendar | None = None


def _tokens(text: str) -> list[_Token]:
    """The pieces of a (lower-case, NFKC) text."""
    tokens = []
    for match in _TOKEN_RE.finditer(text):
        if match["iso"]:
            iso = _Calendar(int(match["id"]), int(match["im"]), int(match["iy"]))
            tokens.append(_Token(date=iso))
        elif match["dmy"]:
            year = None if match["y"] is None else int(match["y"])
            if year is not None and len(match["y"]) == 2:
                year += 2000
            tokens.append(_Token(date=_Calendar(int(match["d"]), int(match["m"]), year, True)))
        elif match["num"]:
            tokens.append(_Token(number=int(match["num"]), digits=len(match["num"])))
        elif match["word"]:
            word = match["word"]
            latin = word if _ASCII_LETTERS.fullmatch(word) else ""
            tokens.append(_Token(word=normalize_token(word), latin=latin))
        else:
            tokens.append(_Token())
    return tokens


def _one_edit_apart(a: str, b: str) -> bool:
    """Whether one letter replaced, added or removed turns a into b."""
    if len(a) == len(b):
        return sum(x != y for x, y in zip(a, b, strict=True)) == 1
    short, long = (a, b) if len(a) < len(b) else (b, a)
    if len(long) - len(short) != 1:
        return False
    return any(long[:k] + long[k + 1 :] == short for k in range(len(long)))


def _fuzzy_month(word: str, forms: tuple[tuple[str, int], ...]) -> int | None:
    """The one month a word is a typo of, if any."""
    if len(word) < _FUZZY_MIN:
        return None
    months = {month for form, month in forms if _one_edit_apart(word, form)}
    return months.pop() if len(months) == 1 else None


def _month(token: _Token) -> int | None:
    """The month a token names."""
    if not token.word:
        return None
    if token.latin in _ENGLISH_MONTHS:
        return _ENGLISH_MONTHS[token.latin]
    if token.word in _MONTHS:
        return _MONTHS[token.word]
    if token.latin and (month := _fuzzy_month(token.latin, _FUZZY_ENGLISH)):
        return month
    return _fuzzy_month(token.word, _FUZZY_MONTHS)


def _is(token: _Token, words: frozenset[str], english: frozenset[str] = frozenset()) -> bool:
    """Whether a token is one of the words (normalised) or of the English words (as typed)."""
    return bool(token.word) and (token.word in words or token.latin in english)


class _Reader:
    """Candidate dates in a list of tokens, read left to right."""

    def __init__(self, tokens: list[_Token]) -> None:
        self.tokens = tokens

    def at(self, i: int) -> _Token:
        """The token at i, or an empty one past the end."""
        return self.tokens[i] if i < len(self.tokens) else _Token()

    def skip(self, i: int, words: frozenset[str], english: frozenset[str]) -> int:
        """i, or past the token at i if it is one of the words."""
        return i + 1 if _is(self.at(i), words, english) else i

    def candidates(self) -> list[_Calendar | _Shift]:
        """Every date the text names, in order."""
        found: list[_Calendar | _Shift] = []
        i = 0
        while i < len(self.tokens):
            step = self.match(i)
            if step is None:
                i += 1
            else:
                found.append(step[0])
                i = step[1]
        return found

    def match(self, i: int) -> tuple[_Calendar | _Shift, int] | None:
        """A date that begins at token i, and the index after it."""
        token = self.at(i)
        if token.date is not None:
            return token.date, i + 1
        return (
            self.prefixed_shift(i)
            or self.day_month(i)
            or self.suffixed_shift(i)
            or self.month_day(i)
            or self.day_word(i)
        )

    def year(self, i: int, two_digits: bool) -> tuple[int | None, int]:
        """A year at i (after "соли", "года"), and the index after it; else None and i."""
        j = self.skip(i, _YEAR_FILLERS, _ENGLISH_OF)
        token = self.at(j)
        if token.number is not None and token.digits == 4:
            return token.number, j + 1
        if token.number is not None and token.digits == 2 and two_digits:
            return 2000 + token.number, j + 1
        return None, i

    def day_month(self, i: int) -> tuple[_Calendar, int] | None:
        """A day, then a month: "5 декабря 2026", "5-уми декабр", "5th of December"."""
        day = self.at(i)
        if day.number is None or day.digits > 2:
            return None
        j = self.skip(i + 1, _ORDINALS, _ENGLISH_ORDINALS)
        j = self.skip(j, frozenset(), _ENGLISH_OF)
        month = _month(self.at(j))
        if month is None:
            return None
        year, end = self.year(j + 1, two_digits=True)
        return _Calendar(day.number, month, year), end

    def month_day(self, i: int) -> tuple[_Calendar, int] | None:
        """A month, then a day: "December 5th, 2026", "Dec 5"."""
        day = self.at(i + 1)
        if day.number is None or day.digits > 2:
            return None
        month = _month(self.at(i))
        if month is None:
            return None
        j = self.skip(i + 2, frozenset(), _ENGLISH_ORDINALS)
        year, end = self.year(j, two_digits=False)
        return _Calendar(day.number, month, year), end

    def count(self, i: int) -> tuple[int, tuple[int, int], int] | None:
        """A count and its unit at i ("3 месяца", "як моҳ", "месяц"), and the index after them."""
        token = self.at(i)
        if token.number is not None:
            number, j = token.number, i + 1
        elif _is(token, _ONE, _ENGLISH_ONE):
            number, j = 1, i + 1
        else:
            number, j = 1, i
        unit = self.at(j)
        if j == i and not _is(unit, _SINGULAR_UNITS, _ENGLISH_SINGULAR_UNITS):
            return None
        per = _ENGLISH_UNITS.get(unit.latin) or _UNITS.get(unit.word)
        if not unit.word or per is None:
            return None
        return number, per, j + 1

    def prefixed_shift(self, i: int) -> tuple[_Shift, int] | None:
        """A direction, then a count: "через 3 месяца", "пас аз 10 рӯз", "in 2 weeks"."""
        token, following = self.at(i), self.at(i + 1)
        if _is(token, _AFTER, _ENGLISH_AFTER):
            sign, j = 1, i + 1
        elif _is(token, _AFTER_AZ) and following.word == _AZ:
            sign, j = 1, i + 2
        elif _is(token, _BEFORE_AZ) and following.word == _AZ:
            sign, j = -1, i + 2
        else:
            return None
        counted = self.count(j)
        if counted is None:
            return None
        number, (days, months), end = counted
        return _Shift(sign * number * days, sign * number * months), end

    def suffixed_shift(self, i: int) -> tuple[_Shift, int] | None:
        """A count, then a direction: "3 дня назад", "2 моҳ пеш", "3 моҳи дигар"."""
        counted = self.count(i)
        if counted is None:
            return None
        number, (days, months), j = counted
        if _is(self.at(j), _AGO, _ENGLISH_AGO):
            sign = -1
        elif _is(self.at(j), _LATER, _ENGLISH_LATER):
            sign = 1
        else:
            return None
        return _Shift(sign * number * days, sign * number * months), j + 1

    def day_word(self, i: int) -> tuple[_Shift, int] | None:
        """A day word: "завтра", "пагоҳ", "yesterday", "пас фардо" (the day after tomorrow)."""
        token = self.at(i)
        if token.word == _PAS:
            for j in (i + 1, i + 2):
                if self.at(j).word == _FARDO and (j == i + 1 or self.at(i + 1).word == _AZ):
                    return _Shift(days=2, weak=True), j + 1
        if token.latin in _ENGLISH_DAY_WORDS:
            return _Shift(days=_ENGLISH_DAY_WORDS[token.latin], weak=True), i + 1
        if token.word in _DAY_WORDS:
            return _Shift(days=_DAY_WORDS[token.word], weak=True), i + 1
        return None


# --- Dates -------------------------------------------------------------------------------


def _add_months(day: dt.date, months: int) -> dt.date:
    """The same day number months later (or earlier), or the month's last day."""
    year, month0 = divmod(day.year * 12 + day.month - 1 + months, 12)
    if not dt.MINYEAR <= year <= dt.MAXYEAR:
        raise OverflowError("beyond the calendar")
    return dt.date(year, month0 + 1, min(day.day, calendar.monthrange(year, month0 + 1)[1]))


def _problem(date: dt.date, today: dt.date, direction: Direction, limit: int) -> Problem | None:
    """What is wrong with a real date for the direction and the limit, if anything."""
    ahead = (date - today).days
    if direction is Direction.FUTURE:
        return Problem.PAST if ahead < 0 else Problem.TOO_FAR if ahead > limit else None
    return Problem.FUTURE if ahead > 0 else Problem.TOO_FAR if -ahead > limit else None


def _guess_year(day: int, month: int, today: dt.date, direction: Direction) -> dt.date | None:
    """The next (FUTURE) or last (PAST) such day from today; None if there is none."""
    step = 1 if direction is Direction.FUTURE else -1
    for offset in range(9):  # a 29 February comes back within 8 years
        try:
            date = dt.date(today.year + step * offset, month, day)
        except ValueError:
            continue
        if (date >= today) if direction is Direction.FUTURE else (date <= today):
            return date
    return None


def _reading(
    day: int, month: int, year: int | None, today: dt.date, direction: Direction, limit: int
) -> Parsed | Rejected:
    """One reading of a day, a month and a year."""
    if year is None:
        date = _guess_year(day, month, today, direction)
        if date is None:
            return Rejected(Problem.IMPOSSIBLE)
        problem = _problem(date, today, direction, limit)
        if problem is Problem.TOO_FAR and (month, day) == (2, 29):
            return Rejected(Problem.IMPOSSIBLE)  # no 29 February within the limit
        return Rejected(problem, date) if problem else Parsed(date, year_guessed=True)
    try:
        date = dt.date(year, month, day)
    except ValueError:
        return Rejected(Problem.IMPOSSIBLE)
    problem = _problem(date, today, direction, limit)
    return Rejected(problem, date) if problem else Parsed(date)


def _resolve(
    found: _Calendar | _Shift, today: dt.date, direction: Direction, limit: int
) -> Parsed | Rejected:
    """A candidate as a result."""
    if isinstance(found, _Shift):
        try:
            date = _add_months(today, found.months) + dt.timedelta(days=found.days)
        except (OverflowError, ValueError):
            return Rejected(Problem.TOO_FAR)  # beyond the calendar
        problem = _problem(date, today, direction, limit)
        return Rejected(problem, date) if problem else Parsed(date)
    result = _reading(found.day, found.month, found.year, today, direction, limit)
    if found.swappable and isinstance(result, Parsed):
        other = _reading(found.month, found.day, found.year, today, direction, limit)
        if isinstance(other, Parsed) and other.date != result.date:
            return replace(result, swapped=other.date)
    return result


def _head(text: str) -> str:
    """The first MAX_CHARS characters, without a word cut in two, lower-case and NFKC."""
    head = text[:MAX_CHARS]
    if len(text) > MAX_CHARS and not text[MAX_CHARS].isspace() and not head[-1:].isspace():
        parts = head.rsplit(maxsplit=1)
        head = parts[0] if len(parts) == 2 else ""
    return unicodedata.normalize("NFKC", head).translate(_DASHES).lower()


def _blank(text: str) -> bool:
    """Whether a text holds only spaces, punctuation and control characters."""
    return all(unicodedata.category(ch)[0] in "ZPC" for ch in text)


def _key(result: Parsed | Rejected) -> tuple[str, dt.date | None]:
    """What two results must share to be the same date."""
    return ("parsed", result.date) if isinstance(result, Parsed) else (result.problem, result.date)


def _merged(results: list[Parsed | Rejected]) -> Parsed | Rejected:
    """Readings of one date as one: what any of them settles is settled ("5.12, 5 декабря 2026")."""
    parsed = [r for r in results if isinstance(r, Parsed)]
    if not parsed:
        return results[0]
    return Parsed(
        parsed[0].date,
        swapped=None if any(r.swapped is None for r in parsed) else parsed[0].swapped,
        year_guessed=all(r.year_guessed for r in parsed),
    )


def parse_date(
    text: str,
    today: dt.date,
    direction: Direction = Direction.FUTURE,
    max_days: int | None = None,
) -> Parsed | Rejected:
    """The one date in a message, checked against today, the direction and the limit."""
    if max_days is None:
        max_days = MAX_DAYS_AHEAD if direction is Direction.FUTURE else MAX_DAYS_BACK
    text = text.strip()
    if len(text) <= MAX_CHARS and _blank(text):
        return Rejected(Problem.EMPTY)
    found = _Reader(_tokens(_head(text))).candidates()
    strong = [c for c in found if not (isinstance(c, _Shift) and c.weak)]
    results = [_resolve(c, today, direction, max_days) for c in (strong or found)]
    if not results or len({_key(r) for r in results}) > 1:
        return Rejected(Problem.NOT_A_DATE)
    return _merged(results)
