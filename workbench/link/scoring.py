"""Scoring candidate pairs with rapidfuzz and deciding what kind of match each is.

The score (0-100) of two normalised items is the best of
- ``ratio`` on their sorted tokens (``token_sort_ratio``): reworded, reordered;
- ``token_set_ratio`` when the shorter one has at least ``CONTAIN_MIN`` distinct content
  words and ``CONTAIN_COVER`` of them occur in the longer one: one sentence contained in
  the other. Without those guards a short sentence of common words is "contained" in
  any long sentence that happens to share them.
Figures are compared apart: the same words with different numbers are a
number conflict, not a match.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from rapidfuzz import fuzz, process

from .normalise import Figure

DEFAULT_THRESHOLD = 82
CONTAIN_MIN = 5
CONTAIN_COVER = 0.85
# Different figures only conflict when the wording around them is this close.
CONFLICT_MIN = 90
WORKERS = 2
BATCH = 1_000_000


def contained(text_a: str, text_b: str) -> bool:
    """Whether the shorter of two token strings is (nearly) all inside the longer."""
    tokens_a, tokens_b = set(text_a.split()), set(text_b.split())
    shorter = min(tokens_a, tokens_b, key=len)
    return len(shorter) >= CONTAIN_MIN and len(tokens_a & tokens_b) >= CONTAIN_COVER * len(shorter)


def score_pairs(
    texts: Sequence[str], sizes: np.ndarray, a: np.ndarray, b: np.ndarray, threshold: float, workers: int = WORKERS,
) -> tuple[np.ndarray, np.ndarray]:
    """Scores of pairs ``(a[i], b[i])`` of ``texts`` (sorted token strings; ``sizes`` their
    distinct token counts) and whether each score came from containment. Scores below
    ``threshold`` may be returned as 0."""
    scores = np.zeros(len(a), dtype=np.float32)
    inside_flags = np.zeros(len(a), dtype=bool)
    # Gathering from an object array is C; a list comprehension per pair was a fifth of the time.
    texts = np.asarray(texts, dtype=object)
    for begin in range(0, len(a), BATCH):
        part = slice(begin, begin + BATCH)
        left, right = texts[a[part]], texts[b[part]]
        # token_ratio is the better of token_sort (= ratio: the texts are sorted) and
        # token_set in one pass; only pairs it puts at the threshold need telling apart.
        best = process.cpdist(left.tolist(), right.tolist(), scorer=fuzz.token_ratio, score_cutoff=threshold,
                              workers=workers)
        hits = np.flatnonzero(best >= threshold) if threshold > 0 else np.arange(len(best))
        sort = process.cpdist(left[hits].tolist(), right[hits].tolist(), scorer=fuzz.ratio, workers=workers)
        inside = (best[hits] > sort) & (np.minimum(sizes[a[part]][hits], sizes[b[part]][hits]) >= CONTAIN_MIN)
        inside[inside] = [contained(left[i], right[i]) for i in hits[inside]]
        scores[begin + hits] = np.where(inside, best[hits], sort)
        inside_flags[begin + hits] = inside
    return scores, inside_flags


def same_value(x: float | str, y: float | str) -> bool:
    """Equal quantities, or dates on the same day (a missing year matches any year)."""
    if isinstance(x, str) or isinstance(y, str):
        if not (isinstance(x, str) and isinstance(y, str)):
            return False
        (year_x, day_x), (year_y, day_y) = _split_date(x), _split_date(y)
        return day_x == day_y and (not year_x or not year_y or year_x == year_y)
    return abs(x - y) <= 1e-9 * max(abs(x), abs(y), 1.0)


def _split_date(value: str) -> tuple[str, str]:
    if value.startswith("--"):
        return "", value[2:]
    return value[:4], value[5:]


def figure_conflicts(figures_a: list[Figure], figures_b: list[Figure]) -> list[dict]:
    """Figures of a unit both items give that do not agree.

    Per unit, every value on the side giving fewer values must appear on the other
    side (a longer sentence may add figures); otherwise the unmatched values conflict.
    """
    conflicts = []
    for key in sorted({f.key for f in figures_a} & {f.key for f in figures_b}):
        side_a = [f for f in figures_a if f.key == key]
        side_b = [f for f in figures_b if f.key == key]
        only_a = [f for f in side_a if not any(same_value(f.value, g.value) for g in side_b)]
        only_b = [g for g in side_b if not any(same_value(f.value, g.value) for f in side_a)]
        if (only_a if len(side_a) <= len(side_b) else only_b):
            for index in range(max(len(only_a), len(only_b))):
                fa = only_a[index] if index < len(only_a) else None
                fb = only_b[index] if index < len(only_b) else None
                conflicts.append({
                    "unit": (fa or fb).unit or (fb or fa).unit,
                    "value_a": fa.value if fa else None,
                    "value_b": fb.value if fb else None,
                })
    return conflicts
