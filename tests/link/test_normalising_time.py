"""The linker's own steps over an item's text run in linear time on hostile text.

As in tests/extract/test_linear_time.py: each step is timed (CPU time, best of a few runs,
garbage collector paused) on texts of 2,000, 8,000 and 32,000 characters; four times the
text may cost at most GROWTH times the time, and a step over the bound is measured again
before the test fails.
"""

from __future__ import annotations

import gc
import time
from collections.abc import Callable
from itertools import pairwise

import pytest

from workbench.link import meaning
from workbench.link.corpus import exact_key
from workbench.link.normalise import negated, normalise

SIZES = (2_000, 8_000, 32_000)
GROWTH = 9.0
SLACK = 0.003
HOSTILE = {
    "negations": "not no never nobody isn't no longer not only ",
    "contractions": "n't n't n'tn't ''' ",
    "no longer without end": "no no no no longer longer ",
    "one long word": "x",
    "digits and quotes": "1'2'3'4 “5” ",
    "accents": "é\u0301ü\u0308 ",
    # the sentence vectors' tokenizing, piece by piece (meaning.token_ids)
    "one run of spaces": " ",
    "written spaces": "\u2581",
    "short words": "a ",
    "special tokens": "<s> ",
    "spaces and marks": " \u2581 .",
}
STEPS: dict[str, Callable[[str], object]] = {
    "normalise": normalise,
    "negated": negated,
    "exact key": lambda text: exact_key(normalise(text)),
    "tokenize": lambda text: (meaning._piece_ids.clear(), meaning.token_ids([text])),  # no piece known yet
}


def _cost(step: Callable[[str], object], text: str, repeats: int) -> float:
    best = float("inf")
    for _ in range(repeats):
        gc.disable()
        try:
            began = time.process_time()
            step(text)
            best = min(best, time.process_time() - began)
        finally:
            gc.enable()
    return best


def _grows_too_fast(step: Callable[[str], object], texts: list[str], repeats: int) -> list[float] | None:
    costs = [_cost(step, text, repeats) for text in texts]
    return costs if any(big > GROWTH * small + SLACK for small, big in pairwise(costs)) else None


@pytest.mark.parametrize("unit", HOSTILE.values(), ids=list(HOSTILE))
@pytest.mark.parametrize("step", STEPS)
def test_the_linkers_text_steps_are_linear(step, unit):
    meaning._model()  # loaded before anything is timed
    texts = [(unit * (size // len(unit) + 1))[:size] for size in SIZES]
    if _grows_too_fast(STEPS[step], texts, 3) is None:
        return
    costs = _grows_too_fast(STEPS[step], texts, 6)  # a busy machine: measure again
    assert costs is None, f"{step}: cost at {SIZES} characters: {[round(cost, 4) for cost in costs]} s"
