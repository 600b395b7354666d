"""Paragraph and sentence segmentation with exact character offsets.

Offsets always index the original text, so every later stage can slice it back. A sentence
is at most :data:`MAX_ITEM_CHARS` long: a longer run is cut into :func:`pieces` at clause
boundaries, so no later stage reads, and no item holds, more.
"""

from __future__ import annotations

import re
import unicodedata

# The most characters one item may hold. Real items are far shorter: of the 28,090 items
# extracted from PolNeAR's 840 training articles the longest is a 1,515-character quote (a
# speech paragraph) and 99.9% have under 1,200; the 89 of the fixture corpus have at most
# 422. A "sentence" of megabytes (a paragraph without a full stop, a PDF table) is cut into
# pieces of at most this size rather than freezing the review screen with one huge item.
MAX_ITEM_CHARS = 2000
# Where a piece prefers to end: after a clause's punctuation, before a space.
_CLAUSE_ENDS = (". ", "; ", ": ", ", ", " — ", " – ", " - ")

# Cleaned text separates paragraphs with a blank line and holds no other line break; a text
# that was not cleaned (a live blog pasted line by line) breaks paragraphs with one.
PARAGRAPH_BREAK = re.compile(r"\n\s*")  # the blanks before it are trimmed off the paragraph

# A candidate boundary: terminal punctuation, optional closing quotes/brackets, then
# whitespace and something that can open a sentence. Abbreviations are vetoed later. The runs
# are possessive and start where a run of marks starts: a long run of "!" not followed by a
# capital is read once, not again from each of its marks.
_BOUNDARY = re.compile(
    r"(?<![.!?…])[.!?…]++[”’\"')\]]*+(?=\s++[“‘\"'(\[]{0,2}+[A-Z0-9])"  # two marks: ''Wire style''
)

_LAST_WORD = re.compile(r"(\S+)$")
_NEXT_WORD = re.compile(r"\s+[“‘\"'(\[]{0,2}([A-Za-z0-9]+)")

# Words that never end a sentence when followed by a period (titles, "No. 5", "Sept. 11").
_NEVER_FINAL = frozenset(
    """mr mrs ms dr prof sen rep gov gen col lt sgt capt cmdr adm st jr sr rev hon fr pres
    no nos vs v cf approx fig dept est ft mt supt insp ave blvd jan feb mar apr jun jul aug
    sep sept oct nov dec""".split()
)
# Words that usually do not end a sentence but can (Inc., Corp., U.S., a.m.).
_RARELY_FINAL = frozenset("inc corp co ltd bros etc al e.g i.e a.m p.m u.s u.k u.n e.u d.c".split())
# Sentence openers that confirm a boundary after an ambiguous abbreviation ("... in the U.S. The ...").
_COMMON_OPENERS = frozenset(
    """the a an he she it they we i you his her its their our this that these those but and
    or so yet in on at for after before when while if as there here what who why how some
    many most mr mrs ms dr""".split()
)


def paragraph_spans(text: str) -> list[tuple[int, int]]:
    """Return (start, end) of every non-empty paragraph, whitespace trimmed."""
    spans: list[tuple[int, int]] = []
    position = 0
    for match in PARAGRAPH_BREAK.finditer(text):
        _append_trimmed(text, position, match.start(), spans)
        position = match.end()
    _append_trimmed(text, position, len(text), spans)
    return spans


def sentence_spans(text: str, start: int, end: int) -> list[tuple[int, int]]:
    """Split ``text[start:end]`` (one paragraph) into sentences, returning absolute offsets;
    a sentence longer than :data:`MAX_ITEM_CHARS` comes as its :func:`pieces`."""
    spans = _whole_sentences(text, start, end)
    if any(e - s > MAX_ITEM_CHARS for s, e in spans):
        spans = [piece for s, e in spans for piece in pieces(text, s, e)]
    return spans


def long_sentences(text: str, start: int, end: int) -> list[tuple[int, int]]:
    """The sentences of ``text[start:end]`` too long to be one item (each comes in pieces)."""
    if end - start <= MAX_ITEM_CHARS:
        return []
    return [(s, e) for s, e in _whole_sentences(text, start, end) if e - s > MAX_ITEM_CHARS]


def _whole_sentences(text: str, start: int, end: int) -> list[tuple[int, int]]:
    spans: list[tuple[int, int]] = []
    sentence_start = start
    for match in _BOUNDARY.finditer(text, start, end):
        if not _is_real_boundary(text, match, end):
            continue
        _append_trimmed(text, sentence_start, match.end(), spans)
        sentence_start = match.end()
    _append_trimmed(text, sentence_start, end, spans)
    return spans


def pieces(text: str, start: int, end: int, limit: int = MAX_ITEM_CHARS) -> list[tuple[int, int]]:
    """``text[start:end]`` as spans of at most ``limit`` characters, spaces trimmed: one span
    when it fits, else cut at the last clause boundary (``, `` ``; `` `` — `` …) in the second
    half of each piece's reach, else at its last space, else at the limit."""
    spans: list[tuple[int, int]] = []
    while start < end:
        cut = end if end - start <= limit else _cut(text, start + limit // 2, start + limit)
        _append_trimmed(text, start, cut, spans)
        start = cut
    return spans


def _cut(text: str, low: int, high: int) -> int:
    """Where a piece reaching from before ``low`` to ``high`` at most ends best."""
    best = max(text.rfind(mark, low, high + 1) for mark in _CLAUSE_ENDS)
    if best >= low:
        return best + (text[best] != " ")  # after ", " keep the comma; before " — " leave the dash
    for position in range(high - 1, low - 1, -1):
        if text[position].isspace():
            return position
    while high > low and unicodedata.combining(text[high]):
        high -= 1  # an accent stays with its letter
    return high


def _is_real_boundary(text: str, match: re.Match, end: int) -> bool:
    if text[match.start()] != "." or (match.end() - match.start() > 1 and text[match.start() + 1] == "."):
        return True  # ?, !, … and closing quotes after them are unambiguous
    before = _LAST_WORD.search(text, max(0, match.start() - 30), match.start())
    if not before:
        return True
    word = before.group(1).lstrip("“‘\"'([").lower()
    following = _NEXT_WORD.match(text, match.end(), end)
    next_word = following.group(1) if following else ""
    if match.end() - match.start() > 1:
        return True  # "... home.” He" : a closing quote after the period ends the sentence
    if word in _NEVER_FINAL:
        return False
    if len(word) == 1 and word.isalpha():
        return False  # an initial: "Donald J. Trump"
    if word in _RARELY_FINAL or "." in word:
        return next_word.lower() in _COMMON_OPENERS
    return True


def _append_trimmed(text: str, start: int, end: int, spans: list[tuple[int, int]]) -> None:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    if start < end:
        spans.append((start, end))
