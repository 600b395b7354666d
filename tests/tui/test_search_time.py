"""The search box's steps run in linear time on hostile input, checked as
tests/extract/test_linear_time.py checks extraction: four times the text may cost at most
:data:`GROWTH` times the CPU time (linear code takes four, quadratic sixteen)."""

from __future__ import annotations

import gc
import time
from itertools import pairwise

import pytest

from workbench.tui import search
from workbench.tui.search import highlighter, parse

SIZES = (2_000, 8_000, 32_000)
GROWTH = 9.0
SLACK = 0.003  # seconds: below this a ratio is timer noise

HOSTILE = {
    "quotes": '"',
    "brackets": "(",
    "closing": ")",
    "operators": "OR ",
    "columns": "speaker:",
    "column groups": "text:(",
    "stars": "a* ",
    "word": "a",
    "mixed": '(a OR "b NOT c:d)*',
}


def _cpu(step, text: str) -> float:
    best = float("inf")
    gc.disable()
    try:
        for _ in range(2):
            start = time.process_time()
            step(text)
            best = min(best, time.process_time() - start)
    finally:
        gc.enable()
    return best


def _assert_linear(step, unit: str) -> None:
    times = [_cpu(step, (unit * (size // len(unit) + 1))[:size]) for size in SIZES]
    for small, large in pairwise(times):
        assert large <= GROWTH * small + SLACK, times


@pytest.mark.parametrize("unit", HOSTILE.values(), ids=HOSTILE.keys())
def test_building_the_query_is_linear(unit, monkeypatch):
    monkeypatch.setattr(search, "SEARCH_CHARS", max(SIZES))  # measured uncapped: the cap is not the guard
    _assert_linear(lambda text: parse(text), unit)


@pytest.mark.parametrize("unit", ["a", "ab ", "a_" * 50 + " ", "é"], ids=["letters", "words", "long word", "accents"])
def test_highlighting_a_line_is_linear(unit):
    pattern = highlighter(tuple(f"{'a' * n}b" for n in range(1, 40)) + ("a",))
    _assert_linear(lambda text: list(pattern.finditer(text)), unit)
