"""Quantities and dates in normalised form.

``5pc``, ``5%`` and ``five percent`` all become ``5 percent``; ``$2bn`` and ``$2 billion``
become ``2,000,000,000 USD``; ``Aug. 9``, ``9th of August`` and ``August the 9th`` become
the same ISO day (``--08-09`` when the year is unknown). A year is a date too, as precise
as it is written: ``in 2020`` is ``2020``, ``August 2020`` is ``2020-08``; never the count
``2,020``. One combined regex keeps it to a single pass per item.
"""

from __future__ import annotations

import re
from datetime import date

from workbench.extract.patterns import word_start
from workbench.model import NumberMention

_MONTHS = {
    "jan": 1,
    "feb": 2,
    "mar": 3,
    "apr": 4,
    "may": 5,
    "jun": 6,
    "jul": 7,
    "aug": 8,
    "sep": 9,
    "oct": 10,
    "nov": 11,
    "dec": 12,
}
_MONTH = (
    r"(?-i:Jan(?:uary)?|Feb(?:ruary)?|Mar(?:ch)?|Apr(?:il)?|May|June?|July?|Aug(?:ust)?"
    r"|Sept?(?:ember)?|Oct(?:ober)?|Nov(?:ember)?|Dec(?:ember)?)"
)
_MONTH_FULL = r"(?-i:January|February|March|April|May|June|July|August|September|October|November|December)"
_ORDINAL = r"(?:st|nd|rd|th)"
# Four digits without a thousands separator from 1000 to 2199: "in 1776", "by 2100".
_YEAR = r"(?:1\d\d\d|2[01]\d\d)"
_NUM = r"(?:\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?)"
_SCALE = r"(?:trillion|billion|million|thousand|bn|tn|mn|m|k)"
_WORD_SCALE = r"(?:trillion|billion|million|thousand)"
_UNIT = r"(?-i:[a-z][a-z-]+)"
_WORD_NUMBERS = {
    "one": 1,
    "two": 2,
    "three": 3,
    "four": 4,
    "five": 5,
    "six": 6,
    "seven": 7,
    "eight": 8,
    "nine": 9,
    "ten": 10,
    "eleven": 11,
    "twelve": 12,
    "thirteen": 13,
    "fourteen": 14,
    "fifteen": 15,
    "sixteen": 16,
    "seventeen": 17,
    "eighteen": 18,
    "nineteen": 19,
    "twenty": 20,
    "thirty": 30,
    "forty": 40,
    "fifty": 50,
    "sixty": 60,
    "seventy": 70,
    "eighty": 80,
    "ninety": 90,
    "hundred": 100,
    "dozen": 12,
}
_WORD_NUM = "(?:" + "|".join(sorted(_WORD_NUMBERS, key=len, reverse=True)) + ")"
_QUALIFIER = (
    r"(?:(?:more|less|fewer) than|at least|at most|up to|over|under|about|around|nearly|almost"
    r"|roughly|approximately|some|just over|just under)"
).replace(" ", r"\s+")  # the combined pattern is VERBOSE, where literal spaces vanish
_PERCENT = r"(?:%|pc\b|per\s?cent\b|percentage\s+points?\b|points?\b(?=\s+of))"
_CURRENCY_SYMBOLS = {"$": "USD", "us$": "USD", "€": "EUR", "£": "GBP", "¥": "JPY"}
_CURRENCY_WORDS = {
    "dollar": "USD",
    "dollars": "USD",
    "euro": "EUR",
    "euros": "EUR",
    "pound": "GBP",
    "pounds": "GBP",
    "rouble": "RUB",
    "roubles": "RUB",
    "ruble": "RUB",
    "rubles": "RUB",
    "yuan": "CNY",
    "yen": "JPY",
    "hryvnia": "UAH",
}
_SCALES = {
    "thousand": 1e3,
    "k": 1e3,
    "million": 1e6,
    "mn": 1e6,
    "m": 1e6,
    "billion": 1e9,
    "bn": 1e9,
    "trillion": 1e12,
    "tn": 1e12,
}
# Words after a number that are not its unit ("20 of them", "5 to 10", "20-30 permanently").
_NOT_UNITS = frozenset(
    """of to in on at and or the a an per for from with by than as is was were are has have had
    will would be been said says percent that this which who when while if but after before
    since until into over under about between against during ago more less may might can could
    should must do did does""".split()
)

NUMBER_RE = re.compile(
    rf"""
    (?P<md>\b(?P<md_month>{_MONTH})\.?\s+(?:the\s+)?(?P<md_day>[0-3]?\d){_ORDINAL}?\b(?!\s*{_SCALE}\b)(?:,?\s+(?P<md_year>{_YEAR})\b)?)
  | (?P<dm>\b(?:the\s+)?(?P<dm_day>[0-3]?\d){_ORDINAL}?\s+(?:of\s+)?(?P<dm_month>{_MONTH})\b\.?(?:,?\s+(?P<dm_year>{_YEAR})\b)?)
  | (?P<my>\b(?P<my_month>{_MONTH_FULL})\s+(?:of\s+)?(?P<my_year>{_YEAR})\b)
  | (?P<age>\b(?P<age_num>\d{{1,3}})-year-old\b)
  | (?P<money>(?:(?P<mo_qual>{_QUALIFIER})\s+)?(?P<mo_cur>US\$|[$€£¥])\s?(?P<mo_num>{_NUM})(?:\s?(?P<mo_scale>{_SCALE})\b)?)
  | (?P<range>\b(?P<ra_low>{_NUM})\s?[-–]\s?(?P<ra_high>{_NUM})\b(?!\s*{_PERCENT})(?:\s+(?P<ra_unit>{_UNIT}))?)
  | (?P<qty>(?:\b(?P<q_qual>{_QUALIFIER})\s+)?(?:(?P<q_num>(?<![\w.,/-]){_NUM})|\b(?P<q_word>{_WORD_NUM})\b)
        (?:\s?(?P<q_scale>{_WORD_SCALE})\b|(?P<q_abbr>bn|tn|mn|m|k)\b)?
        (?:\s?(?P<q_percent>{_PERCENT})|\s+(?P<q_curword>{"|".join(_CURRENCY_WORDS)})\b|\s+(?P<q_unit>{_UNIT}))?)
    """,
    re.VERBOSE | re.IGNORECASE,
)
# Every mention contains one of these; scanning for them first keeps the combined
# pattern away from the (number-free) bulk of the text.
# Number words only as whole words, as the pattern wants them ("tend", "often" are not anchors).
# (``[\d$€£¥]|\b(?i:number word)\b``, led by one character class: a search skips ahead.)
_NUMBER_WORD_FIRSTS, _NUMBER_WORD_REST = word_start(_WORD_NUMBERS)
_ANCHOR = re.compile(rf"[\d$€£¥{_NUMBER_WORD_FIRSTS}](?:(?<=[\d$€£¥])|{_NUMBER_WORD_REST}\b)")
_YEAR_RE = re.compile(_YEAR)
_LOOK_BEHIND = 25  # longest prefix before an anchor: "approximately ", "the " of "the 9th of"
_LOOK_AHEAD = 100


def find_numbers(text: str, year: int | None = None, reference: date | None = None) -> list[NumberMention]:
    """Every quantity and date in ``text``; offsets are relative to ``text``.

    ``year`` completes year-less dates (the caller passes one only when it is sure);
    ``reference`` (the publication date) moves a date into the previous or next year when
    the plain year would put it more than six months away.
    """
    mentions: list[NumberMention] = []
    done = 0  # where the next mention may start: the end of the last one, or past a tried anchor
    for anchor in _ANCHOR.finditer(text):
        position = anchor.start()
        if position < done:
            continue
        match = _mention_at(text, max(done, position - _LOOK_BEHIND), position)
        if match is None:
            done = position + 1  # every start up to here is tried: "1.1.1.1…" reads each once
            continue
        done = match.end()
        kind = match.lastgroup
        mention = _BUILDERS[kind](match, year, reference) if kind else None
        if isinstance(mention, list):
            mentions.extend(mention)
        elif mention is not None:
            mentions.append(mention)
    return mentions


def _mention_at(text: str, first: int, anchor: int) -> re.Match | None:
    """The leftmost mention starting from ``first`` up to ``anchor``, read at most
    :data:`_LOOK_AHEAD` characters past the anchor. Tried start by start: a search would also
    try every start after the anchor, up to the end of its window, for each anchor."""
    for start in range(first, anchor + 1):
        if text[start].isalnum() or text[start] in _CURRENCY_SYMBOLS:  # what a mention opens with
            match = NUMBER_RE.match(text, start, anchor + _LOOK_AHEAD)
            if match is not None:
                return match
    return None


def _iso_day(month: int, day: int, year: str | None, default_year: int | None, reference: date | None) -> str | None:
    if not 1 <= day <= 31:
        return None
    if year:
        chosen = int(year)
    elif default_year is not None:
        chosen = default_year
        if reference is not None and reference.year == default_year:
            if month - reference.month > 6:
                chosen -= 1
            elif reference.month - month > 6:
                chosen += 1
    else:
        return f"--{month:02d}-{day:02d}"
    try:
        return date(chosen, month, day).isoformat()
    except ValueError:
        return None


def _month_number(name: str) -> int:
    return _MONTHS[name[:3].lower()]


def _date(match: re.Match, prefix: str, year: int | None, reference: date | None) -> NumberMention | None:
    month = _month_number(match.group(f"{prefix}_month"))
    value = _iso_day(month, int(match.group(f"{prefix}_day")), match.group(f"{prefix}_year"), year, reference)
    if value is None:
        return None
    start, end = match.span(prefix)
    return NumberMention(match.group(prefix), value, "date", start, end)


def _month_year(match: re.Match, _year: int | None, _reference: date | None) -> NumberMention:
    value = f"{match.group('my_year')}-{_month_number(match.group('my_month')):02d}"
    return NumberMention(match.group("my"), value, "date", *match.span("my"))


def _age(match: re.Match, _year: int | None, _reference: date | None) -> NumberMention:
    return NumberMention(match.group("age"), float(match.group("age_num")), "years old", *match.span("age"))


def _money(match: re.Match, _year: int | None, _reference: date | None) -> NumberMention:
    value = _to_float(match.group("mo_num")) * _SCALES.get((match.group("mo_scale") or "").lower(), 1)
    unit = _CURRENCY_SYMBOLS[match.group("mo_cur").lower()]
    return NumberMention(match.group("money"), value, unit, *match.span("money"))


def _range(match: re.Match, _year: int | None, _reference: date | None) -> list[NumberMention]:
    unit = _unit_word(match.group("ra_unit"))
    low, high = match.group("ra_low"), match.group("ra_high")
    if _is_year(low) and len(high) in (2, 4):
        # "2011-12" and "2015-2016" are spans of years
        return [NumberMention(low, low, "date", *match.span("ra_low"))]
    return [
        NumberMention(low, _to_float(low), unit, *match.span("ra_low")),
        NumberMention(high, _to_float(high), unit, *match.span("ra_high")),
    ]


def _quantity(match: re.Match, _year: int | None, _reference: date | None) -> NumberMention | None:
    digits, word = match.group("q_num"), match.group("q_word")
    scale = (match.group("q_scale") or match.group("q_abbr") or "").lower()
    percent, currency = match.group("q_percent"), match.group("q_curword")
    unit_word = _unit_word(match.group("q_unit"))
    start, end = match.span("qty")
    if word is not None and not (percent or currency or scale) and (unit_word is None or word.lower() == "one"):
        return None  # "one of them", "if one goes", "two" on its own: not a quantity worth keeping
    if digits and _is_year(digits) and not (scale or percent or currency or (match.group("q_qual") and unit_word)):
        # "in 2022 across the country", "the 2020 election": a year, whatever word follows;
        # only a qualifier and a unit ("more than 2000 troops") make four bare digits a count.
        return NumberMention(digits, digits, "date", *match.span("q_num"))
    value = (_to_float(digits) if digits else float(_WORD_NUMBERS[word.lower()])) * _SCALES.get(scale, 1)
    if percent:
        unit = "percentage points" if "point" in percent.lower() else "percent"
    elif currency:
        unit = _CURRENCY_WORDS[currency.lower()]
    else:
        unit = unit_word
        if unit_word is None and match.group("q_unit") is not None:
            end = match.start("q_unit")
            while match.string[end - 1].isspace():
                end -= 1
    return NumberMention(match.string[start:end], value, unit, start, end)


def _unit_word(word: str | None) -> str | None:
    if not word or word.lower() in _NOT_UNITS or word.endswith("ly"):
        return None
    return word.lower()


def _is_year(digits: str) -> bool:
    return _YEAR_RE.fullmatch(digits) is not None


def _to_float(digits: str) -> float:
    return float(digits.replace(",", ""))


_BUILDERS = {
    "md": lambda m, y, r: _date(m, "md", y, r),
    "dm": lambda m, y, r: _date(m, "dm", y, r),
    "my": _month_year,
    "age": _age,
    "money": _money,
    "range": _range,
    "qty": _quantity,
}
