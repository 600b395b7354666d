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
# A pair whose wording scores below the threshold links by meaning (method "semantic")
# when the cosine of its sentence vectors, times 100, reaches SEMANTIC_MIN and its wording
# still scores SEMANTIC_WORDING_MIN. Static vectors see topic more than what is said: on
# PolNeAR's 923 articles a cosine of 0.75 with a wording of 40 suggested 1,600 links, nearly
# all two different statements about one politician; on all pairs among CLEF-2020's 10,375
# verified claims it added 71, most of them different claims about one person. Hence the
# high bar (db/LINKING.md gives the figures).
SEMANTIC_MIN = 90
SEMANTIC_WORDING_MIN = 70
# Two quotes by one speaker need less: a speaker's own words, tidied or translated by a
# second outlet ("If this government stays, our company will leave the country" / "Should
# this government remain, the firm will no longer operate here": 0.62, wording 63).
SEMANTIC_SPEAKER_MIN = 60
SEMANTIC_SPEAKER_WORDING_MIN = 50


def semantic_min(threshold: float, floor: float = SEMANTIC_MIN) -> float:
    """The cosine (x 100) a link by meaning needs at a wording ``threshold``: ``floor`` at the
    default, rising with the threshold to 100 at 100, so a stricter run is stricter in both."""
    if threshold <= DEFAULT_THRESHOLD:
        return floor
    return floor + (threshold - DEFAULT_THRESHOLD) * (100 - floor) / (100 - DEFAULT_THRESHOLD)


WORKERS = 2
BATCH = 1_000_000


def contained(text_a: str, text_b: str) -> bool:
    """Whether the shorter of two token strings is (nearly) all inside the longer."""
    return _covered(set(text_a.split()), set(text_b.split()))


def _covered(tokens_a: set[str], tokens_b: set[str]) -> bool:
    """:func:`contained` on the two texts' sets of tokens."""
    shorter = min(tokens_a, tokens_b, key=len)
    return len(shorter) >= CONTAIN_MIN and len(tokens_a & tokens_b) >= CONTAIN_COVER * len(shorter)


def score_pairs(
    texts: Sequence[str],
    sizes: np.ndarray,
    a: np.ndarray,
    b: np.ndarray,
    threshold: float,
    workers: int = WORKERS,
    masks: TokenMasks | None = None,
) -> tuple[np.ndarray, np.ndarray]:
    """Scores of pairs ``(a[i], b[i])`` of ``texts`` (sorted token strings; ``sizes`` their
    distinct token counts) and whether each score came from containment. Scores below
    ``threshold`` may be returned as 0. ``masks``: :func:`token_masks` of (at least) the
    texts in the pairs, made once when the pairs come in batches."""
    scores = np.zeros(len(a), dtype=np.float32)
    inside_flags = np.zeros(len(a), dtype=bool)
    # Gathering from an object array is C; a list comprehension per pair was a fifth of the time.
    texts = np.asarray(texts, dtype=object)
    if masks is None:
        masks = token_masks(texts, _used(len(texts), a, b))
    for begin in range(0, len(a), BATCH):
        part = slice(begin, begin + BATCH)
        scores[part], inside_flags[part] = _score(texts, sizes, a[part], b[part], threshold, workers, masks)
    return scores, inside_flags


def _score(
    texts: np.ndarray,
    sizes: np.ndarray,
    a: np.ndarray,
    b: np.ndarray,
    threshold: float,
    workers: int,
    masks: TokenMasks,
) -> tuple[np.ndarray, np.ndarray]:
    """The better of ``ratio`` (``token_sort_ratio``: the texts are sorted) and, for a
    contained pair, ``token_set_ratio`` (rapidfuzz's ``token_ratio`` for a contained pair,
    ``ratio`` for the others), at a fifth of the cost of ``token_ratio`` on every pair: only
    the few contained pairs need the second."""
    scores = np.zeros(len(a), dtype=np.float32)
    # ratio is 200 x the characters in common / both lengths, so a pair whose lengths differ
    # too much cannot reach the threshold: it never reaches rapidfuzz (about 40% of the pairs
    # of a corpus of template sentences). The margin keeps a pair exactly at the bound.
    length_a, length_b = masks.lengths[a], masks.lengths[b]
    may_match = np.flatnonzero(200 * np.minimum(length_a, length_b) >= (threshold - 1e-6) * (length_a + length_b))
    scores[may_match] = process.cpdist(
        texts[a[may_match]].tolist(),
        texts[b[may_match]].tolist(),
        scorer=fuzz.ratio,
        score_cutoff=threshold,
        workers=workers,
    )
    # Containment is ruled out by the masks without Python for most pairs, then checked on
    # token sets made once per text: near-repeats of a template meet in many pairs.
    may_contain = np.flatnonzero(masks.may_contain(a, b) & (np.minimum(sizes[a], sizes[b]) >= CONTAIN_MIN))
    pair_a, pair_b = a[may_contain].tolist(), b[may_contain].tolist()
    token_sets = {position: set(texts[position].split()) for position in {*pair_a, *pair_b}}
    covered = may_contain[
        np.array([_covered(token_sets[i], token_sets[j]) for i, j in zip(pair_a, pair_b)], dtype=bool)
    ]
    by_sets = process.cpdist(
        texts[a[covered]].tolist(),
        texts[b[covered]].tolist(),
        scorer=fuzz.token_set_ratio,
        score_cutoff=threshold,
        workers=workers,
    )
    better = by_sets > scores[covered]
    inside_flags = np.zeros(len(a), dtype=bool)
    inside_flags[covered[better]] = True
    scores[covered[better]] = by_sets[better]
    return scores, inside_flags


class TokenMasks:
    """Each text's distinct tokens as a 64-bit mask (one bit per token, shared by many) and
    their count: a cheap necessary condition for :func:`contained`; and its length.

    A bit set for one text and not the other stands for at least one token missing from
    the other, so the popcount of ``mask_a & ~mask_b`` bounds ``len(tokens_a - tokens_b)``
    from below, and ``size_a`` minus it bounds the overlap from above.
    """

    def __init__(self, masks: np.ndarray, sizes: np.ndarray, lengths: np.ndarray):
        self.masks, self.sizes, self.lengths = masks, sizes, lengths

    def may_contain(self, a: np.ndarray, b: np.ndarray) -> np.ndarray:
        mask_a, mask_b = self.masks[a], self.masks[b]
        size_a, size_b = self.sizes[a], self.sizes[b]
        overlap_bound = np.minimum(
            size_a - np.bitwise_count(mask_a & ~mask_b), size_b - np.bitwise_count(mask_b & ~mask_a)
        )
        shorter = np.minimum(size_a, size_b)
        return (shorter >= CONTAIN_MIN) & (overlap_bound >= CONTAIN_COVER * shorter)


def token_masks(texts: np.ndarray, positions: np.ndarray) -> TokenMasks:
    """:class:`TokenMasks` for ``texts[positions]`` (the others stay empty), tokens split as
    :func:`contained` splits them."""
    masks = np.zeros(len(texts), dtype=np.uint64)
    sizes = np.zeros(len(texts), dtype=np.int64)
    lengths = np.zeros(len(texts), dtype=np.int64)
    bits: dict[str, int] = {}
    found_masks, found_sizes = [], []
    chosen = texts[positions].tolist()
    lengths[positions] = np.fromiter(map(len, chosen), dtype=np.int64, count=len(chosen))
    for text in chosen:
        tokens = dict.fromkeys(text.split())  # in text order: the same bits in every process
        mask = 0
        for token in tokens:
            bit = bits.get(token)
            if bit is None:
                bit = bits[token] = 1 << (len(bits) % 64)
            mask |= bit
        found_masks.append(mask)
        found_sizes.append(len(tokens))
    masks[positions] = np.array(found_masks, dtype=np.uint64)
    sizes[positions] = found_sizes
    return TokenMasks(masks, sizes, lengths)


def _used(count: int, a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """The positions in ``a`` or ``b``, sorted (a mask: np.unique sorts all pairs)."""
    used = np.zeros(count, dtype=bool)
    used[a] = used[b] = True
    return np.flatnonzero(used)


def same_value(x: float | str, y: float | str) -> bool:
    """Equal quantities, or dates that agree on every part both give: a day without a year
    (``--08-09``) matches that day in any year, a year (``2020``) or a month (``2020-08``)
    every day in it."""
    if isinstance(x, str) or isinstance(y, str):
        if not (isinstance(x, str) and isinstance(y, str)):
            return False
        return all(a == b for a, b in zip(_date_parts(x), _date_parts(y)) if a and b)
    return abs(x - y) <= 1e-9 * max(abs(x), abs(y), 1.0)


def _date_parts(value: str) -> tuple[str, str, str]:
    """Year, month and day of an ISO date as the extractor writes it (``2020``, ``2020-08``,
    ``2020-08-09``, ``--08-09``); ``""`` for a part it does not give."""
    if value.startswith("--"):
        year, rest = "", value[2:]
    else:
        year, _, rest = value.partition("-")
    month, _, day = rest.partition("-")
    return year, month, day


def figure_conflicts(figures_a: Sequence[Figure], figures_b: Sequence[Figure]) -> list[dict]:
    """Figures of a unit both items give that do not agree.

    Per unit, every value on the side giving fewer values must appear on the other
    side (a longer sentence may add figures); otherwise the unmatched values conflict.
    """
    conflicts: list[dict] = []
    if not (figures_a and figures_b) or figures_a == figures_b:
        return conflicts
    for key in sorted({f.key for f in figures_a} & {f.key for f in figures_b}):
        side_a = [f for f in figures_a if f.key == key]
        side_b = [f for f in figures_b if f.key == key]
        only_a = [f for f in side_a if not any(same_value(f.value, g.value) for g in side_b)]
        only_b = [g for g in side_b if not any(same_value(f.value, g.value) for f in side_a)]
        if only_a if len(side_a) <= len(side_b) else only_b:
            for index in range(max(len(only_a), len(only_b))):
                fa = only_a[index] if index < len(only_a) else None
                fb = only_b[index] if index < len(only_b) else None
                conflicts.append(
                    {
                        "unit": (fa or fb).unit or (fb or fa).unit,
                        "value_a": _as_written(fa.value) if fa else None,
                        "value_b": _as_written(fb.value) if fb else None,
                    }
                )
    return conflicts


def _as_written(value: float | str) -> float | int | str:
    """A whole number as an integer (``800``, not ``800.0``), anything else as it is."""
    return int(value) if isinstance(value, float) and value.is_integer() and abs(value) < 2**53 else value
