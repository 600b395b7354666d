"""Word alignment: whether the words two items do not share stand in for each other.

A sentence vector sees what a sentence is about, so another statement about the same
person scores as high as a rewording. What tells them apart is the words that differ: in
``unemployment fell sharply last year`` / ``joblessness dropped steeply in the past year``
each differing word has a near-synonym on the other side; in ``Ted Cruz won the caucus`` /
``Ted Cruz was at seven percent`` none has. :func:`alignment` scores that as BERTScore does,
with static vectors: each differing word is matched to the most similar differing word of
the other item (the cosine of the two words, each embedded alone by
:func:`.meaning.embed`), and the best matches are averaged over both sides.

Words are the linker's normalised tokens (stems, synonym groups applied). Two forms of one
word (``president`` / ``presidential``: the same first ``VARIANT_PREFIX`` letters) are
neither a difference nor a synonym, so they are left out with the figure placeholders:
matched to each other they would make any two sentences about one president look aligned.
"""

from __future__ import annotations

import numpy as np

from .meaning import embed

VARIANT_PREFIX = 5


def differing(text_a: str, text_b: str) -> tuple[list[str], list[str]]:
    """The words of each sorted token text (:attr:`.normalise.Normalised.sorted_text`) that
    the other lacks, without figure placeholders and forms of a word the other side has."""
    words_a, words_b = set(text_a.split()), set(text_b.split())
    only_a = [word for word in sorted(words_a - words_b) if not word.startswith("#")]
    only_b = [word for word in sorted(words_b - words_a) if not word.startswith("#")]
    stems_a, stems_b = {_variant(word) for word in only_a}, {_variant(word) for word in only_b}
    return [w for w in only_a if _variant(w) not in stems_b], [w for w in only_b if _variant(w) not in stems_a]


def _variant(word: str) -> str:
    """What two forms of one word share (a short word is its own)."""
    return word[:VARIANT_PREFIX] if len(word) >= VARIANT_PREFIX else f"{word}\0"


def alignment(texts: list[str], a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """For each pair ``(texts[a[i]], texts[b[i]])``: the mean, over the differing words of
    both sides, of each word's best cosine with the other side's differing words; 1.0 when
    no word differs, 0.0 when only one side has differing words. Each distinct word is
    embedded once per call."""
    sides = [differing(texts[i], texts[j]) for i, j in zip(a.tolist(), b.tolist(), strict=True)]
    vocabulary = sorted({word for pair in sides for side in pair for word in side})
    position = {word: n for n, word in enumerate(vocabulary)}
    vectors = embed(vocabulary)
    found = np.zeros(len(sides), dtype=np.float32)
    for n, (words_a, words_b) in enumerate(sides):
        if not words_a or not words_b:
            found[n] = float(not words_a and not words_b)
            continue
        similar = vectors[[position[word] for word in words_a]] @ vectors[[position[word] for word in words_b]].T
        found[n] = (similar.max(axis=1).sum() + similar.max(axis=0).sum()) / (len(words_a) + len(words_b))
    return found
