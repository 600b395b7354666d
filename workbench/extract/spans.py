"""Offset arithmetic on ``(start, end)`` spans: the sentence holding a position, whether a
position lies in a span, and the words of a stretch that lie outside given spans."""

from __future__ import annotations

from bisect import bisect_right


def sentence_at(spans: list[tuple[int, int]], position: int) -> tuple[int, int]:
    """The sentence of ``spans`` (sorted) that starts last at or before ``position``; the first
    one when none does, and an empty span at ``position`` when there are none."""
    index = bisect_right(spans, (position, float("inf"))) - 1
    return spans[max(index, 0)] if spans else (position, position)


def inside(position: int, spans: list[tuple[int, int]]) -> bool:
    """True when ``position`` lies in one of ``spans`` (sorted, not overlapping): a binary search."""
    low, high = 0, len(spans)
    while low < high:
        middle = (low + high) // 2
        if spans[middle][1] <= position:
            low = middle + 1
        else:
            high = middle
    return low < len(spans) and spans[low][0] <= position


def trim(sentence: str, start: int, end: int) -> tuple[int, int]:
    """``sentence[start:end]`` without the spaces, commas, colons and dashes at its edges."""
    while start < end and sentence[start] in " ,;:—–-":
        start += 1
    while end > start and sentence[end - 1] in " ,;:—–-":
        end -= 1
    return start, end


def words_outside(sentence: str, start: int, end: int, spans: list[tuple[int, int]]) -> int:
    """How many words of ``sentence[start:end]`` lie outside ``spans`` (offsets in ``sentence``)."""
    chars = list(sentence[start:end])
    for s, e in spans:
        for i in range(max(s, start), min(e, end)):
            chars[i - start] = " "
    return len("".join(chars).split())
