"""Inverted indexes whose searches cost what the query's rarest terms cost, not the corpus.

A :class:`Postings` holds each term's documents and weights (term-major) and each document's
terms and weights (document-major). A search has two steps:

- :meth:`Postings.pools`: the documents of each query's rarest terms, rarest first, until
  ``budget`` postings are read, summed; the best ``count`` of them. A term too common to fit
  carries little idf, and reading its postings (a hundred thousand in a large archive) was
  the whole cost of a search;
- :meth:`Postings.scores`: the full score (every query term) of the documents of a pool,
  from their own rows.

When the budget holds all the query's postings and ``count`` all the documents they reach,
the pool is every document with a score, and ranking it by :meth:`~Postings.scores` is the
exhaustive ranking. Both take many queries at once (:class:`Queries`; :meth:`~Postings.pool`
and :meth:`~Postings.exact` are them for one): a batch of items costs a few array operations
and sparse products, not a few dozen per item.
"""

from __future__ import annotations

from array import array
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

import numpy as np
from scipy import sparse

# A query: term columns (distinct) and their weights.
Query = tuple[np.ndarray, np.ndarray]
# Queries pooled or scored at a time (bounds the sparse product's result and the rows gathered).
ROWS = 256


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
        """:meth:`pools` of one query."""
        return self.pools(Queries.of([query]), budget, count)[0]

    def pools(self, queries: Queries, budget: int, count: int) -> list[np.ndarray]:
        """Each query's ``count`` best documents (ascending) by its rarest terms, at most
        ``budget`` postings read; of documents scoring alike, the first. Scored ``ROWS``
        queries at a time by one sparse product with the postings (term-major, they are a
        sparse matrix as stored), so each document's score sums its terms rarest first, as
        one query alone would."""
        owners, columns, weights = queries.owners(), queries.columns, queries.weights
        df = self.df[columns]
        rarest = np.lexsort((df, owners))  # per query, by df; ties in column order
        read = np.cumsum(df[rarest])
        before = np.r_[0, read][queries.bounds[:-1]]  # what the earlier queries read
        rarest = rarest[read - before[owners[rarest]] <= budget]
        kept = np.bincount(owners[rarest], minlength=len(queries)).astype(np.int32)
        found = []
        for begin in range(0, len(queries), ROWS):
            end = min(begin + ROWS, len(queries))
            bounds = np.r_[0, np.cumsum(kept[begin:end])].astype(np.int32)
            part = rarest[int(kept[:begin].sum()) :][: bounds[-1]]
            chosen = sparse.csr_array(
                (weights[part], columns[part].astype(np.int32), bounds), shape=(end - begin, len(self.df))
            )
            summed = chosen @ self._matrix()
            for row in range(end - begin):
                docs = summed.indices[summed.indptr[row] : summed.indptr[row + 1]]
                found.append(_best(docs, summed.data[summed.indptr[row] : summed.indptr[row + 1]], count))
        return found

    def exact(self, query: Query, docs: np.ndarray) -> np.ndarray:
        """:meth:`scores` of one query."""
        return self.scores(Queries.of([query]), np.zeros(len(docs), dtype=np.int64), docs)

    def scores(self, queries: Queries, owners: np.ndarray, docs: np.ndarray) -> np.ndarray:
        """The score of each pair ``(owners[i], docs[i])`` (``owners`` ascending): the sum over
        the query's terms of the query's weight times the document's, from the documents' own
        rows (gathered ``ROWS`` queries' pairs at a time)."""
        scores = np.zeros(len(docs))
        dense = np.zeros(len(self.df), dtype=np.float32)
        pairs = np.searchsorted(owners, np.arange(len(queries) + 1))
        for begin in range(0, len(queries), ROWS):
            end = min(begin + ROWS, len(queries))
            rows = self._by_document()[docs[pairs[begin] : pairs[end]]]
            products = np.zeros(rows.nnz, dtype=np.float32)
            entries = rows.indptr[pairs[begin : end + 1] - pairs[begin]]
            for query in (begin + np.flatnonzero(np.diff(entries))).tolist():
                terms = slice(queries.bounds[query], queries.bounds[query + 1])
                dense[queries.columns[terms]] = queries.weights[terms]
                part = slice(entries[query - begin], entries[query - begin + 1])
                np.multiply(rows.data[part], dense[rows.indices[part]], out=products[part])
                dense[queries.columns[terms]] = 0.0
            # Each pair's run of entries summed (reduceat: a twentieth of a bincount's time);
            # a document without entries, which reduceat would give its neighbour's, scores 0.
            filled = np.flatnonzero(np.diff(rows.indptr))
            if len(filled):
                scores[pairs[begin] + filled] = np.add.reduceat(products, rows.indptr[filled])
        return scores

    def _by_document(self) -> sparse.csr_array:
        """The entries by document as a sparse (documents x terms) matrix, sharing their arrays."""
        if not hasattr(self, "document_matrix"):
            self.document_matrix = sparse.csr_array(
                (self.doc_weights, self.doc_terms, _offsets(self.doc_start)), shape=(self.size, len(self.df))
            )
        return self.document_matrix

    def _matrix(self) -> sparse.csr_array:
        """The postings as a sparse (terms x documents) matrix, sharing their arrays."""
        if not hasattr(self, "matrix"):
            self.matrix = sparse.csr_array(
                (self.weights, self.docs, _offsets(self.start)), shape=(len(self.df), self.size)
            )
        return self.matrix


@dataclass
class Queries:
    """Many queries: query ``i``'s term columns (distinct, ascending) and weights are
    ``columns[bounds[i] : bounds[i + 1]]`` and ``weights[...]`` (float32)."""

    bounds: np.ndarray
    columns: np.ndarray
    weights: np.ndarray

    @classmethod
    def of(cls, queries: Sequence[Query]) -> Queries:
        lengths = [len(columns) for columns, _ in queries]
        columns = np.concatenate([np.zeros(0, dtype=np.int64), *(columns for columns, _ in queries)])
        weights = np.concatenate([np.zeros(0, dtype=np.float32), *(weights for _, weights in queries)])
        return cls(np.r_[0, np.cumsum(lengths)].astype(np.int64), columns.astype(np.int64), weights.astype(np.float32))

    def __len__(self) -> int:
        return len(self.bounds) - 1

    def owners(self) -> np.ndarray:
        """The query of each term entry."""
        return np.repeat(np.arange(len(self)), np.diff(self.bounds))


def _offsets(starts: np.ndarray) -> np.ndarray:
    """Row offsets for a sparse matrix: 32-bit when they fit, as its 32-bit column indices are
    (a sparse product would otherwise copy those to 64 bits)."""
    return starts.astype(np.int32) if starts[-1] < 2**31 else starts


def _best(docs: np.ndarray, scores: np.ndarray, count: int) -> np.ndarray:
    """The ``count`` documents of highest score (of equal scores, the lowest), ascending."""
    if len(docs) > count:
        threshold = np.partition(scores, len(scores) - count)[len(scores) - count]
        above = docs[scores > threshold]
        tied = np.sort(docs[scores == threshold])[: count - len(above)]
        docs = np.concatenate([above, tied])
    return np.sort(docs).astype(np.int64)
