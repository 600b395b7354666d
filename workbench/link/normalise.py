"""An item reduced to what two rewrites of the same statement still share.

Content words only (no function words or reporting verbs), lower-cased, accents
dropped, lightly stemmed and mapped through the synonym groups; every quantity or
date the extractor found becomes a placeholder token for its unit (``#percent``),
its value kept aside as a :class:`Figure`. So ``Output rose 5pc`` and ``output
increased by five percent`` both become ``#percent increase output`` with the figure
``5 percent``: the words decide whether two items say the same thing, the figures
whether they agree on it. Years are dates (``in 2020`` becomes ``#date``, figure
``2020``), never a count of whatever word follows them.
"""

from __future__ import annotations

import math
import re
import sys
import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import lru_cache
from typing import NamedTuple

from .lexicon import BOILERPLATE, BOILERPLATE_WORDS, STOPWORDS, SYNONYM_GROUPS

# Fewer content words than this and a sentence is too generic to link ("he said.") ...
MIN_CONTENT_WORDS = 4
# ... unless it is a short quotation: this many words, this many of them content words
# ("The numbers simply do not add up"). Such a quote links only to the same words or to
# its speaker's own rewording (see linker.classify); "no comment" and "he said" do not qualify.
SHORT_WORDS = 3
SHORT_CONTENT_WORDS = 2
# Words that turn a statement into its opposite: the stopwords drop them, so they are
# looked for apart. "no longer" says that something stopped, not that it is untrue.
NEGATIONS = frozenset("not no never nobody nothing neither nor none cannot".split())
NOT_NEGATIONS = re.compile(r"\bno longer\b|\bnot only\b|\bno (?:doubt|matter)\b")

WORD = re.compile(r"[^\W_]+(?:'[^\W_]+)*")
VOWELS = re.compile(r"[aeiouy]")
REPEATS = re.compile(r"(.)\1+")


class Figure(NamedTuple):
    """A number or date as compared: ``key`` is the canonical unit, ``unit`` as written."""

    key: str
    value: float | str
    unit: str | None


@dataclass(slots=True)
class Normalised:
    tokens: list[str]
    figures: list[Figure]
    linkable: bool
    short: bool = False  # linkable only as a quotation: fewer than MIN_CONTENT_WORDS content words
    negated: bool = False

    @property
    def sorted_text(self) -> str:
        """Tokens sorted and joined: rapidfuzz ``ratio`` on this is ``token_sort_ratio``."""
        return " ".join(sorted(self.tokens))


# The combining-mark blocks; one regex pass instead of a Python call per character.
COMBINING_MARKS = re.compile(
    "[\u0300-\u036f\u0483-\u0489\u0591-\u05bd\u0610-\u061a\u064b-\u065f"
    "\u1ab0-\u1aff\u1dc0-\u1dff\u20d0-\u20ff\ufe20-\ufe2f]"
)


def fold(text: str) -> str:
    """Case, accents and curly apostrophes do not count."""
    if text.isascii():
        return text.casefold()
    text = unicodedata.normalize("NFKD", text.replace("’", "'")).casefold()
    return COMBINING_MARKS.sub("", text)


def stem(word: str) -> str:
    """Strip the commonest English inflections; only consistency matters, not linguistics."""
    if len(word) <= 3 or not word.isalpha():
        return word
    if word.endswith("ies") and len(word) > 4:
        word = word[:-3] + "y"
    elif word.endswith(("sses", "ches", "shes", "xes")):
        word = word[:-2]
    elif word.endswith("s") and not word.endswith(("ss", "us", "is")):
        word = word[:-1]
    if word.endswith("ing") and len(word) > 5:
        word = word[:-3]
    elif word.endswith("ed") and len(word) > 4:
        word = word[:-2]
    if len(word) > 4 and word[-1] == word[-2] and word[-1] not in "lsz":
        word = word[:-1]  # stopped -> stopp -> stop
    if word.endswith("e") and len(word) > 3:
        word = word[:-1]  # make/making, rise/rising meet at "mak", "ris"
    return word


def _synonyms() -> dict[str, str]:
    table: dict[str, str] = {}
    for group in SYNONYM_GROUPS:
        canonical, *_ = words = group.split()
        for word in words:
            table[word] = canonical
        for word in words:
            table.setdefault(stem(word), canonical)
    return table


SYNONYMS = _synonyms()


@lru_cache(maxsize=200_000)
def canonical(word: str) -> str | None:
    """The token a folded word stands for, or None for a stopword (``isn't`` and its kind
    included: a negation counts apart, :func:`negated`)."""
    if word.endswith("'s"):
        word = word[:-2]
    if word in STOPWORDS or word.endswith("n't") or (len(word) < 2 and not word.isdigit()):
        return None
    found = SYNONYMS.get(word)
    if found:
        return found
    stemmed = stem(word)
    return SYNONYMS.get(stemmed, stemmed)


def unit_key(unit: str | None) -> str:
    if not unit:
        return "num"
    return canonical(fold(unit)) or fold(unit)


@lru_cache(maxsize=500_000)
def blocking_key(token: str) -> str:
    """A coarser key for candidate generation: long words lose their vowels.

    Spelling variants of names (Lukashenko/Lukashenka, Zelensky/Zelenskyy) then share a
    key, so they still meet as candidates; scoring sees the real spellings.
    """
    if len(token) < 5 or token[0] == "#" or not token.isalpha():
        return token
    return token[0] + REPEATS.sub(r"\1", VOWELS.sub("", token[1:]))


def _figure_value(value: object) -> float | str | None:
    """A stored mention's value as compared (six significant digits), or None when it is no
    finite number or date string."""
    if isinstance(value, str):
        return value
    try:
        number = float(value) if isinstance(value, (int, float)) else math.nan
    except OverflowError:  # an integer of hundreds of digits
        return None
    return float(f"{number:.6g}") if math.isfinite(number) else None


def _spans(text: str, numbers: Iterable[Mapping]) -> list[tuple[int, int, Figure]]:
    """Where each number mention sits in the item text (offsets first, else searched for
    after the previous one: mentions come in text order, and one search per mention from
    the start would make an item with many of them quadratic). A mention whose value is no
    finite number or date string (a stored column a script wrote over) is left out."""
    spans: list[tuple[int, int, Figure]] = []
    searched_to = 0
    for mention in numbers:
        value = _figure_value(mention.get("value")) if isinstance(mention, Mapping) else None
        if value is None:
            continue
        # interned: one string per unit, not one per figure of a million items
        unit = sys.intern(mention["unit"]) if isinstance(mention.get("unit"), str) else None
        written = mention.get("text") if isinstance(mention.get("text"), str) else ""
        start, end = mention.get("start"), mention.get("end")
        placed = isinstance(start, int) and isinstance(end, int) and 0 <= start < end <= len(text)
        if not (placed and text[start:end] == written):
            start = text.find(written, searched_to) if written else -1
            end = start + len(written)
        if start >= 0:
            searched_to = end
        spans.append((start, end, Figure(unit_key(unit), value, unit)))
    return sorted(spans, key=lambda span: span[0])


def normalise(text: str, numbers: Iterable[Mapping] = ()) -> Normalised:
    """Reduce an item's text and its extracted ``numbers`` to comparable tokens."""
    folded = fold(text)
    words = WORD.findall(folded)
    spans = _spans(text, numbers)
    if spans:
        tokens: list[str] = []
        position = 0
        for start, end, figure in spans:
            if start < position:  # not found in the text, or overlapping the previous one
                tokens.append("#" + figure.key)
                continue
            tokens.extend(_words(text[position:start]))
            tokens.append("#" + figure.key)
            position = end
        tokens.extend(_words(text[position:]))
    else:  # the common case: the words of the whole text, folded and split once
        tokens = _content_words(words)
    distinct = len(set(tokens))
    short = SHORT_CONTENT_WORDS <= distinct < MIN_CONTENT_WORDS and len(words) >= SHORT_WORDS
    linkable = (distinct >= MIN_CONTENT_WORDS or short) and not _boilerplate(text, words)
    figures = [figure for _start, _end, figure in spans]
    return Normalised(tokens, figures, linkable, short and linkable, _negated(folded, words))


def negated(text: str) -> bool:
    """Whether a sentence says *not*: ``not``, ``never``, ``no``, ``isn't`` ... (but not
    ``no longer`` or ``not only``). The stopwords drop these words, so two sentences that
    differ only by one normalise alike: this tells them apart."""
    folded = fold(text)
    return _negated(folded, WORD.findall(folded))


def _negated(folded: str, words: list[str]) -> bool:
    """Whether a (folded) sentence says *not*: ``not``, ``never``, ``no``, ``isn't`` ...
    (but not ``no longer`` or ``not only``)."""
    if NEGATIONS.isdisjoint(words) and "n't" not in folded:  # the common case, without a loop in Python
        return False
    remaining = WORD.findall(NOT_NEGATIONS.sub(" ", folded)) if NOT_NEGATIONS.search(folded) else words
    return any(word in NEGATIONS or word.endswith("n't") for word in remaining)


def is_boilerplate(text: str) -> bool:
    """Page furniture ("Sign up for our newsletter", "declined to comment")."""
    return _boilerplate(text, WORD.findall(fold(text)))


def _boilerplate(text: str, words: list[str]) -> bool:
    """:func:`is_boilerplate` given the text's folded words."""
    return not BOILERPLATE_WORDS.isdisjoint(words) and BOILERPLATE.search(text) is not None


def _words(segment: str) -> list[str]:
    return _content_words(WORD.findall(fold(segment)))


def _content_words(words: list[str]) -> list[str]:
    return [token for token in map(canonical, words) if token]


def plain(text: str) -> str:
    """Text with case, accents, punctuation and spacing ignored (for "exact" matches)."""
    return " ".join(WORD.findall(fold(text)))
