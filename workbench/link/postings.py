"""Inverted indexes whose searches cost what the query's rarest terms cost, not the corpus.

A :class:`Postings` holds each term's documents and weights (term-major) and each document's
terms and weights (document-major). A search has two steps:

- :meth:`Postings.pool`: the documents of the query's rarest terms, rarest first, until
  ``budget`` postings are read, summed; the best ``count`` of them. A term too common to fit
  carries little idf, and reading its postings (a hundred thousand in a large archive) was
  the whole cost of a search;
- :meth:`Postings.exact`: the full score (every query term) of the documents of a pool,
  from their own rows.

When the budget holds all the query's postings and ``count`` all the documents they reach,
the pool is every document with a score, and ranking it by :meth:`~Postings.exact` is the
exhaustive ranking. A search keeps vectors between calls (zeroed after use): one search at a
time per index, as one process runs them.
"""

from __future__ import annotations

from array import array
from collections.abc import Iterable, Mapping

import numpy as np

# A query: term columns (distinct) and their weights.
Query = tuple[np.ndarray, np.ndarray]


def ranges(starts: np.ndarray, lengths: np.ndarray) -> np.ndarray:
    """The positions ``starts[i] .. starts[i] + lengths[i]``, concatenated."""
    lengths = lengths.astype(np.int64)
    offsets = np.cumsum(lengths) - lengths
    return np.repeat(starts.astype(np.int64) - offsets, lengths) + np.arange(int(lengths.sum()))


class Postings:
    """An inverted index over term lists, readable by term and by document."""

    def __init__(self, term_lists: Iterable[list[str]], size: int):
        # Every document's term ids in one compact array (no Python object per entry: an
        # archive of 200,000 entries has some 30 million), counted by one sort.
        vocabulary: dict[str, int] = {}
        ids, lengths = array("q"), array("q")
        for found in term_lists:
            ids.extend([vocabulary.setdefault(term, len(vocabulary)) for term in found])
            lengths.append(len(found))
        rows = np.repeat(np.arange(size, dtype=np.int64), np.frombuffer(lengths, dtype=np.int64))
        # Sorted by term, then document: the entries are the postings.
        entries, counts = np.unique(np.frombuffer(ids, dtype=np.int64) * max(size, 1) + rows, return_counts=True)
        self.vocabulary = vocabulary
        self.size = size
        self.cols, self.rows = np.divmod(entries, max(size, 1))
        self.counts = counts.astype(np.float64)
        self.df = np.bincount(self.cols, minlength=len(vocabulary))
        self.start = np.r_[0, np.cumsum(self.df)]
        self.docs = self.rows.astype(np.int32)  # half the bytes: fewer than 2**31 documents

    def set_weights(self, weights: np.ndarray) -> None:
        """Per (document, term) entry weights, in the entries' order, then the same entries
        by document; the counts they were computed from are dropped."""
        self.weights = weights.astype(np.float32)
        by_document = np.argsort(self.rows, kind="stable")
        self.doc_start = np.r_[0, np.cumsum(np.bincount(self.rows, minlength=self.size))]
        self.doc_terms = self.cols[by_document].astype(np.int32)
        self.doc_weights = self.weights[by_document]
        del self.rows, self.cols, self.counts

    def arrays(self, name: str) -> dict[str, np.ndarray]:
        parts = ("start", "docs", "weights", "doc_start", "doc_terms", "doc_weights")
        return {f"{name}_{part}": getattr(self, part) for part in parts}

    @classmethod
    def from_arrays(cls, found: Mapping[str, np.ndarray], name: str, terms: list[str], size: int) -> Postings:
        postings = cls.__new__(cls)
        postings.vocabulary = dict(zip(terms, range(len(terms))))
        postings.size = size
        for part in ("start", "docs", "weights", "doc_start", "doc_terms", "doc_weights"):
            setattr(postings, part, found[f"{name}_{part}"])
        postings.df = np.diff(postings.start)
        return postings

    def columns(self, found: Iterable[str]) -> tuple[np.ndarray, np.ndarray]:
        """The vocabulary's terms among ``found``: their columns (ascending) and counts."""
        known = np.fromiter((self.vocabulary.get(term, -1) for term in found), dtype=np.int64)
        return np.unique(known[known >= 0], return_counts=True)

    def pool(self, query: Query, budget: int, count: int) -> np.ndarray:
        """The ``count`` best documents by the query's rarest terms (at most ``budget``
        postings read)."""
        columns, weights = query
        df = self.df[columns]
        rarest = np.argsort(df, kind="stable")
        rarest = rarest[np.cumsum(df[rarest]) <= budget]
        if not len(rarest):
            return np.zeros(0, dtype=np.int64)
        read = ranges(self.start[columns[rarest]], df[rarest])
        found = self.docs[read]
        # Summed in vectors over the documents, kept between searches (no sort, nothing of
        # the archive's size per search): each document's total, and one position per document.
        totals, owner = self._scratch()
        np.add.at(totals, found, self.weights[read] * np.repeat(weights[rarest], df[rarest]))
        owner[found] = np.arange(len(found))
        docs = found[owner[found] == np.arange(len(found))]
        scores = totals[docs]
        totals[docs] = 0.0
        if len(docs) > count:
            docs = docs[np.argpartition(-scores, count - 1)[:count]]
        return np.sort(docs).astype(np.int64)

    def exact(self, query: Query, docs: np.ndarray) -> np.ndarray:
        """The score of each of ``docs`` for the query: the sum over the query's terms of the
        query's weight times the document's."""
        dense = self._dense()
        columns, weights = query
        dense[columns] = weights
        lengths = self.doc_start[docs + 1] - self.doc_start[docs]
        read = ranges(self.doc_start[docs], lengths)
        found = self.doc_weights[read] * dense[self.doc_terms[read]]
        dense[columns] = 0.0
        # Each document's run of entries summed (reduceat: a twentieth of a bincount's time);
        # a document without entries, which reduceat would give its neighbour's, scores 0.
        scores = np.zeros(len(docs))
        filled = np.flatnonzero(lengths)
        if len(filled):
            scores[filled] = np.add.reduceat(found, (np.cumsum(lengths) - lengths)[filled])
        return scores

    def _dense(self) -> np.ndarray:
        """A zeroed query vector over the vocabulary, kept between searches (each search
        zeroes what it set)."""
        if not hasattr(self, "dense"):
            self.dense = np.zeros(len(self.start) - 1, dtype=np.float32)
        return self.dense

    def _scratch(self) -> tuple[np.ndarray, np.ndarray]:
        """Zeroed totals over the documents and a position per document, kept between searches."""
        if not hasattr(self, "totals"):
            self.totals = np.zeros(self.size, dtype=np.float32)
            self.owner = np.zeros(self.size, dtype=np.int64)
        return self.totals, self.owner
