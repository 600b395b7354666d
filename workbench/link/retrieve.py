"""Ranking stored statements against a query with the linker's own matcher.

The same two stages as linking, turned into a search: candidates from an inverted
index over the normalised tokens (weighted by rarity, so a shared rare word counts for
more than a shared common one), then rapidfuzz re-scoring of the best of them. Used
to find what a new sentence repeats among many (``bench/eval_matching.py`` measures it
on verified-claim retrieval). Pure Python and numpy.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence

import numpy as np
from rapidfuzz import fuzz, process

from .normalise import normalise

# How many index hits are re-scored with rapidfuzz, and how much rapidfuzz weighs
# against the index score (both tuned on CLEF-2020 task 2 train).
CANDIDATES = 50
FUZZ_WEIGHT = 0.3
PREFIX = 4


def terms(text: str, numbers: Iterable[Mapping] = ()) -> list[str]:
    """Index terms: the normalised tokens, each figure's value, and the first
    ``PREFIX`` letters of longer tokens (so "vaccination" still meets "vaccine")."""
    item = normalise(text, numbers)
    found = item.tokens + [f"{figure.key}={figure.value}" for figure in item.figures]
    return found + ["~" + token[:PREFIX] for token in item.tokens if len(token) > PREFIX]


class Retriever:
    """An index over ``documents`` (``(text, numbers)`` pairs) to rank against queries."""

    def __init__(self, documents: Sequence[tuple[str, Iterable[Mapping]]]):
        vocabulary: dict[str, int] = {}
        rows, cols, counts = [], [], []
        self.texts = []
        for row, (text, numbers) in enumerate(documents):
            numbers = list(numbers)
            counted: dict[int, int] = {}
            for term in terms(text, numbers):
                column = vocabulary.setdefault(term, len(vocabulary))
                counted[column] = counted.get(column, 0) + 1
            rows.extend([row] * len(counted))
            cols.extend(counted)
            counts.extend(counted.values())
            self.texts.append(normalise(text, numbers).sorted_text)
        self.vocabulary = vocabulary
        rows_a, cols_a = np.array(rows, dtype=np.int64), np.array(cols, dtype=np.int64)
        df = np.bincount(cols_a, minlength=len(vocabulary))
        self.idf = np.log((len(documents) + 1) / (df + 1)) + 1
        weights = (1 + np.log(np.array(counts, dtype=np.float64))) * self.idf[cols_a]
        norms = np.sqrt(np.bincount(rows_a, weights=weights ** 2, minlength=len(documents)))
        weights /= norms[rows_a]
        order = np.argsort(cols_a, kind="stable")  # postings: documents by term
        self.posting_docs, self.posting_weights = rows_a[order], weights[order]
        self.posting_start = np.r_[0, np.cumsum(df)]
        self.size = len(documents)

    def search(self, text: str, numbers: Iterable[Mapping] = (), limit: int = 5) -> list[tuple[int, float]]:
        """The ``limit`` best documents for a query as (index, score) pairs, best first."""
        numbers = list(numbers)
        counted: dict[int, int] = {}
        for term in terms(text, numbers):
            column = self.vocabulary.get(term)
            if column is not None:
                counted[column] = counted.get(column, 0) + 1
        scores = np.zeros(self.size)
        if counted:
            weights = {column: (1 + math.log(count)) * self.idf[column] for column, count in counted.items()}
            norm = math.sqrt(sum(weight ** 2 for weight in weights.values()))
            for column, weight in weights.items():
                span = slice(self.posting_start[column], self.posting_start[column + 1])
                scores[self.posting_docs[span]] += self.posting_weights[span] * (weight / norm)
        candidates = np.argsort(-scores)[:CANDIDATES]
        query = normalise(text, numbers).sorted_text
        fuzzy = process.cdist([query], [self.texts[i] for i in candidates], scorer=fuzz.token_set_ratio)[0] / 100
        combined = (1 - FUZZ_WEIGHT) * scores[candidates] + FUZZ_WEIGHT * fuzzy
        best = np.argsort(-combined)[:limit]
        return [(int(candidates[i]), float(combined[i])) for i in best]
