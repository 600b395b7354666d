"""Word-level differences between two versions of a quote."""

from __future__ import annotations

from collections.abc import Sequence
from functools import lru_cache

import numpy as np
from rapidfuzz import fuzz
from rapidfuzz.distance import Levenshtein

from .normalise import WORD, blocking_key, fold


@lru_cache(maxsize=200_000)
def _key(word: str) -> str:
    return " ".join(WORD.findall(fold(word)))


@lru_cache(maxsize=10_000)
def _words_and_keys(text: str) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """A text's words as written and as compared; a quote is diffed against each of its rewordings."""
    words = tuple(text.split())
    return words, tuple(_key(word) for word in words)


def word_diff(text_a: str, text_b: str) -> list[tuple[str, str, str]]:
    """``(tag, a_words, b_words)`` runs turning ``text_a`` into ``text_b``.

    Tags are ``equal``, ``replace``, ``delete`` and ``insert`` (rapidfuzz Levenshtein
    opcodes over words); case and punctuation do not make words differ, but the words
    are returned as written.
    """
    words_a, keys_a = _words_and_keys(text_a)
    words_b, keys_b = _words_and_keys(text_b)
    runs: list[tuple[str, str, str]] = []
    for op in Levenshtein.opcodes(keys_a, keys_b):
        a_words = " ".join(words_a[op.src_start : op.src_end])
        b_words = " ".join(words_b[op.dest_start : op.dest_end])
        if runs and runs[-1][0] == op.tag:  # one run per stretch, however the edits fell
            _tag, prev_a, prev_b = runs.pop()
            a_words, b_words = f"{prev_a} {a_words}".strip(), f"{prev_b} {b_words}".strip()
        runs.append((op.tag, a_words, b_words))
    return runs


def drift(text_a: str, text_b: str) -> list[tuple[str, str, str]] | None:
    """The runs of ``word_diff`` that differ, or None when the words are the same.

    A run whose words differ only by punctuation or case (``"said"`` vs ``said``)
    is not drift.
    """
    changes = [run for run in word_diff(text_a, text_b) if run[0] != "equal" and _key(run[1]) != _key(run[2])]
    return changes or None


def same_speaker(speaker_a: str | None, speaker_b: str | None) -> bool:
    """Both known and with the same surname, allowing for spelling variants
    (``Lukashenka`` vs ``President Alexander Lukashenko``).

    First names are not compared: speakers come with titles as often as with first
    names, and the quote text itself already had to match.
    """
    surname_a, surname_b = _surname(speaker_a or ""), _surname(speaker_b or "")
    if not surname_a or not surname_b:
        return False
    return blocking_key(surname_a) == blocking_key(surname_b) or fuzz.ratio(surname_a, surname_b) >= 85


def quote_speakers(quotes: np.ndarray, speakers: np.ndarray, names: Sequence[str | None]) -> np.ndarray:
    """Each quote's speaker as a number that two names :func:`same_speaker` counts as one
    share (by the surname's blocking key); -1 for a quote without a speaker and for every
    item that is no quote. ``speakers``: each item's position in ``names``."""
    keys: dict[str, int] = {}
    codes = np.array(
        [
            keys.setdefault(blocking_key(surname), len(keys)) if (surname := _surname(name or "")) else -1
            for name in names
        ],
        dtype=np.int64,
    )
    return np.where(quotes, codes[speakers], -1) if len(codes) else np.full(len(quotes), -1, dtype=np.int64)


@lru_cache(maxsize=100_000)
def _surname(speaker: str) -> str:
    """The last word of a speaker's name, folded ("" for none); a speaker is in many pairs."""
    names = WORD.findall(fold(speaker))
    return names[-1] if names else ""
