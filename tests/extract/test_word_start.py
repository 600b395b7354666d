"""Patterns led by a character class (patterns.word_start) so a search skips ahead: they find
exactly what the plain ``\\b(?i:word|word)\\b`` alternation they replaced finds."""

from __future__ import annotations

import re
import sys

from hypothesis import given, settings
from hypothesis import strategies as st

from workbench.extract import numbers
from workbench.extract.patterns import _CASE_FOLDS, alternation, word_start

BEYOND_ASCII = "".join(chr(code) for code in range(128, sys.maxunicode + 1))


def test_every_letter_re_matches_to_an_ascii_letter_ignoring_case_is_known():
    folds = {char: letter for letter, chars in _CASE_FOLDS.items() for char in chars}
    found = {char: letter for letter in "abcdefghijklmnopqrstuvwxyz" for char in re.findall(letter, BEYOND_ASCII, re.I)}
    assert found == folds


PLAIN_ANCHOR = re.compile(rf"[\d$€£¥]|\b(?i:{alternation(numbers._WORD_NUMBERS)})\b")
PIECES = [
    "one", "One", "ONE", "ſix", "ſeven", "teN", "Twenty", "tend", "often", "bone", "x", "é", "_", " ", "-", "1",
    "2,5", "$", "€", "£", "¥", "hundred", "dozen", "dozens", "eighteen", "eight", "nine", "ninety", "\u212a", "İ", "s",
]  # fmt: skip


def spans(pattern: re.Pattern, text: str) -> list[tuple[int, int]]:
    return [match.span() for match in pattern.finditer(text)]


def test_number_anchors_known():
    text = "Twenty-one ſix often tend one, $5 and 10% of a dozen; bone ONE"
    assert spans(numbers._ANCHOR, text) == spans(PLAIN_ANCHOR, text)
    assert [text[s:e] for s, e in spans(numbers._ANCHOR, text)][:3] == ["Twenty", "one", "ſix"]


@settings(max_examples=3000, deadline=None)
@given(st.lists(st.sampled_from(PIECES) | st.characters(), max_size=12).map("".join))
def test_number_anchors_are_found_as_the_plain_alternation_finds_them(text):
    assert spans(numbers._ANCHOR, text) == spans(PLAIN_ANCHOR, text)


@settings(max_examples=500, deadline=None)
@given(
    st.sets(st.text("abikKSs", min_size=1, max_size=4), min_size=1, max_size=5),
    st.text("abikKSsſ\u212a\u0130\u0131 -", max_size=16),
)
def test_any_ascii_words_are_found_as_their_plain_alternation_finds_them(words, text):
    firsts, rest = word_start(words)
    led = re.compile(rf"[{firsts}]{rest}\b")
    plain = re.compile(rf"\b(?i:{alternation(words)})\b")
    assert spans(led, text) == spans(plain, text)
