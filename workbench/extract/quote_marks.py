"""Find direct-quotation spans, paragraph by paragraph.

Double quotes are the primary level; single quotes count as quotes only at top level
(British style, or scare quotes that later stages may discard) and are otherwise left
inside the outer quote. Apostrophes (I’m, Belarus’) are told apart from closing single
quotes by their neighbours. A quote still open at the end of a paragraph ends there;
when the next paragraph reopens with a quotation mark it is a continuation.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

# Two apostrophes ('') stand for a double quotation mark in some wire and archive text.
_QUOTE_MARK = re.compile(r"''|[“”„«»\"‘’‚']")

OPEN_DOUBLE, CLOSE_DOUBLE, EITHER_DOUBLE, OPEN_SINGLE, CLOSE_SINGLE = range(5)

_OPENING_CONTEXT = frozenset("([{—–-/“‘\"'")
_TRAILING_JUNK = " \t\n,;:—–-"


@dataclass(slots=True)
class QuoteSpan:
    """The words of one quoted segment (marks excluded) inside one paragraph."""

    start: int
    end: int
    open_at: int  # offset of the opening mark
    close_at: int | None  # offset of the closing mark; None when the paragraph ends first
    paragraph: int
    single: bool
    continues: bool = False  # reopens a quote left open at the end of the previous paragraph
    after: int = 0  # offset just past the closing mark (``''`` is two characters); ``end`` when unclosed


def find_quotes(text: str, paragraphs: list[tuple[int, int]]) -> list[QuoteSpan]:
    """Return every quoted segment in text order."""
    quotes: list[QuoteSpan] = []
    left_open = False
    for index, (p_start, p_end) in enumerate(paragraphs):
        left_open = _scan_paragraph(text, p_start, p_end, index, left_open, quotes)
    return quotes


def _scan_paragraph(
    text: str, p_start: int, p_end: int, index: int, previous_left_open: bool, out: list[QuoteSpan]
) -> bool:
    double_at: int | None = None
    single_at: int | None = None
    possessive_at: int | None = None  # a ’ after "s" that may close the single quote or be "Belarus’"
    first_mark = True
    continues = False
    for match in _QUOTE_MARK.finditer(text, p_start, p_end):
        position = match.start()
        kind = _classify(text, position, p_start, p_end)
        if kind is None:
            continue
        if double_at is None:
            if kind in (OPEN_DOUBLE, EITHER_DOUBLE) and (kind == OPEN_DOUBLE or single_at is None):
                # A double quote overrides an unclosed single one: that was a stray mark.
                double_at, single_at = position, None
                continues = first_mark and previous_left_open and position == p_start
            elif kind == OPEN_SINGLE and single_at is None:
                single_at, possessive_at = position, None
            elif kind == CLOSE_SINGLE and single_at is not None:
                if _looks_possessive(text, position, p_end):
                    possessive_at = position  # closes only if no better mark follows
                else:
                    _emit(text, single_at, position, index, True, False, out)
                    single_at = possessive_at = None
            elif kind == OPEN_SINGLE and possessive_at is not None:
                # A new quote opens: the pending possessive-looking mark was the close after all.
                _emit(text, single_at, possessive_at, index, True, False, out)
                single_at, possessive_at = position, None
        elif kind in (CLOSE_DOUBLE, EITHER_DOUBLE):
            _emit(text, double_at, position, index, False, continues, out)
            double_at, continues = None, False
        elif kind == OPEN_DOUBLE and text[position] in "“„«" and text[double_at] in "“„«":
            # Two curly openers in a row: the first quote was never closed, end it here.
            _emit(text, double_at, position, index, False, continues, out, closed=False)
            double_at, continues = position, False
        first_mark = False
    if single_at is not None and possessive_at is not None:
        _emit(text, single_at, possessive_at, index, True, False, out)
    if double_at is not None:
        _emit(text, double_at, p_end, index, False, continues, out, closed=False)
        return True
    return False


def _looks_possessive(text: str, position: int, p_end: int) -> bool:
    """``Belarus’ IT``: an s, the mark, a space and a word."""
    return (
        text[position - 1] in "sS"
        and position + 2 < p_end
        and text[position + 1] == " "
        and text[position + 2].isalnum()
    )


def _emit(
    text: str,
    open_at: int,
    close_at: int,
    paragraph: int,
    single: bool,
    continues: bool,
    out: list[QuoteSpan],
    closed: bool = True,
) -> None:
    start, end = open_at + (2 if text.startswith("''", open_at) else 1), close_at
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1] in _TRAILING_JUNK:
        end -= 1
    after = close_at + (2 if text.startswith("''", close_at) else 1) if closed else end
    if start < end:
        out.append(QuoteSpan(start, end, open_at, close_at if closed else None, paragraph, single, continues, after))


def _classify(text: str, position: int, p_start: int, p_end: int) -> int | None:
    mark = '"' if text.startswith("''", position) else text[position]
    width = 2 if text.startswith("''", position) else 1
    before = text[position - 1] if position > p_start else " "
    after = text[position + width] if position + width < p_end else " "
    opening_context = before.isspace() or before in _OPENING_CONTEXT
    if mark in "“„«":
        # Some sources close with an opening mark ("…Belarus“ article").
        return CLOSE_DOUBLE if before.isalnum() and not after.isalnum() else OPEN_DOUBLE
    if mark in "”»":
        return OPEN_DOUBLE if opening_context and after.isalnum() else CLOSE_DOUBLE
    if mark == '"':
        if opening_context and after.isspace():
            return EITHER_DOUBLE
        return OPEN_DOUBLE if opening_context else CLOSE_DOUBLE
    if mark in "‘‚":
        return CLOSE_SINGLE if before.isalnum() and not after.isalnum() else OPEN_SINGLE
    # ’ and ': apostrophe between letters (I’m, don’t), elision (’90s), or a closing mark.
    if before.isalnum() and after.isalnum():
        return None
    if opening_context:
        return OPEN_SINGLE if mark == "'" and (after.isalnum() or after in '“"') else None
    return CLOSE_SINGLE
