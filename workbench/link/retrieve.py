"""Ranking stored statements against a query with the linker's own matcher.

Linking turned into a search: what does this new sentence (or post) repeat among many
stored ones? A candidate stage finds the likely documents with two inverted indexes,
fused by rank:

- **words**: BM25 over the linker's normalised tokens (:func:`.normalise.normalise`:
  content words, light stemming, synonym groups, number placeholders), each figure's
  value, and the first ``PREFIX`` letters of longer tokens (so "vaccination" still
  meets "vaccine");
- **characters**: TF-IDF cosine over character n-grams of each word (the text as the
  linker compares it "exactly", :func:`.normalise.plain`), which sees through spelling
  variants, hashtags run together and inflections the stemmer leaves alone.

A third ranking is the meaning signal: the sentence vectors' cosine.

A search reads what its query's rarest terms and nearest cells hold, never the whole archive
(:mod:`.postings`): each index brings the ``POOL`` documents its rarest terms score best,
reading at most ``WORD_BUDGET`` and ``CHAR_BUDGET`` postings, and the meaning signal the
``NEAR_PER_CELL`` nearest documents of each of the ``PROBES`` cells nearest to the query
(:mod:`.neighbours`' cells). Every document of this pool is scored in full by each index and
the best ``CANDIDATES`` of each ranking are fused by reciprocal rank (``1 / (RRF_K + rank)``).
When the budgets hold all the query's postings, the pools every document they reach and the
probes every cell, this is the ranking of the whole archive.
The fused candidates are then scored by the linker itself: :func:`.scoring.score_pairs`,
the function that decides links, over the same normalised forms (sorted content tokens),
and ranked by ``fused / best possible fused + LINKER_WEIGHT * linker score / 100`` (the
linker scores only the candidates that can still reach the best ``limit``).
Ties break by the candidate stage's score, then by the better of the two index ranks,
and only then by index order (identical stored documents: the earliest first); documents
scoring alike at a pool's cut, the lowest index first.

:meth:`Retriever.search_many` searches many queries at once, each ranked exactly as alone
(:meth:`~Retriever.search` is it for one query): their pools are sparse products of the
batch's queries with the postings, their candidates' exact scores one gathering of the
documents' rows, the fusion and the final order sorts of all the batch's (query, document)
pairs, and each round of the linker one :func:`.scoring.score_pairs`. Per item that leaves
its normalisation and n-grams in Python; the rest is numpy, scipy and rapidfuzz.

Social-media posts carry URLs, signatures, @handles and #hashtags: :func:`clean_post`
turns them into plain words (keeping the signature's author name: "Donald Trump"
matters to a claim about what he posted); call it on a post before extracting its
numbers.
``bench/eval_matching.py`` measures all this on verified-claim retrieval (CLEF-2020
CheckThat! task 2) and shows each stage's share; the constants below were tuned on its
train split.
"""

from __future__ import annotations

import re
from array import array
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import NamedTuple

import numpy as np

from .meaning import embed
from .neighbours import nearest_cells, neighbour_pairs, search_vectors, train_cells
from .normalise import Normalised, normalise, plain
from .postings import Postings, Queries
from .scoring import TokenMasks, score_pairs

# BM25 saturation and length normalisation (word index).
K1 = 1.6
B = 0.5
# Character n-gram sizes (per word, padded with a space at each end).
NGRAMS = (3, 4)
# How deep each index's ranking goes into the fusion, its constant, and how much the
# characters weigh against the words.
CANDIDATES = 100
RRF_K = 10
CHAR_WEIGHT = 1.0
PREFIX = 4
# How much the linker's score weighs against the candidate stage's fused score.
LINKER_WEIGHT = 0.5
# The meaning signal: the sentence vectors' cosine ranks documents a third way in the
# fusion, with this weight; a document under MEANING_FLOOR is not ranked by it. (Adding the
# cosine to the combined score as well lowered MAP@5 on train.)
MEANING_RANK_WEIGHT = 1.0
MEANING_FLOOR = 0.1
# What one search reads, whatever the archive's size: the postings of the query's rarest
# words and character n-grams (Postings.pool), and the sentence vectors of the PROBES cells
# nearest to the query's (link/neighbours.py's cells), NEAR_PER_CELL of each.
WORD_BUDGET = 5_000
CHAR_BUDGET = 10_000
POOL = 50  # documents each of the words and the characters brings to a search
PROBES = 8
NEAR_PER_CELL = 15
# Candidates given the linker's score at a time (Retriever._bounded_linker_scores).
LINKER_STEP = 25
# Query words whose character n-grams' columns are kept (a batch of queries shares most words).
WORD_CACHE = 200_000
# The layout of arrays() (a stored index of another layout is built again): 2 added the
# documents' own rows and the vectors' cells.
LAYOUT = 2

# Links: explicit ones first (they are often glued to the word before: "#Minecrafthttps://t.co/x",
# "camera.pic.twitter.com/x"), then bare domains with a path.
URL = re.compile(r"(?:https?://|pic\.twitter\.com/|www\.)\S+")
DOMAIN = re.compile(r"\b[\w-]+(?:\.[\w-]+)*\.(?:com|org|net|gov|edu|co|ly|be|me|io|uk)/\S*")
# A pasted tweet's signature: "— Name (@handle) May 1, 2019".
SIGNATURE = re.compile(r"\s*[—–-]\s+([^—–\n]*?)\s*\(@\w+\)\s+[A-Z][a-z]+ \d{1,2}, \d{4}\s*$")
TAG = re.compile(r"[@#](\w+)")
CAMEL = re.compile(r"(?<=[a-z])(?=[A-Z])|(?<=[A-Z])(?=[A-Z][a-z])|(?<=[A-Za-z])(?=\d)|(?<=\d)(?=[A-Za-z])")


def clean_post(text: str) -> str:
    """A social-media post as words: links dropped, a signature reduced to its author's
    name, ``#FreeIran2020`` and ``@RealDonaldTrump`` split at case and digit changes
    (``Free Iran 2020``)."""
    text = SIGNATURE.sub(lambda match: " " + match.group(1), text)
    text = DOMAIN.sub(" ", URL.sub(" ", text))
    text = TAG.sub(lambda match: " " + CAMEL.sub(" ", match.group(1).replace("_", " ")) + " ", text)
    return " ".join(text.split())


def _terms(item: Normalised) -> list[str]:
    """Word-index terms: the normalised tokens, each figure's value, and the first
    ``PREFIX`` letters of longer tokens."""
    found = item.tokens + [f"{figure.key}={figure.value}" for figure in item.figures]
    return found + ["~" + token[:PREFIX] for token in item.tokens if len(token) > PREFIX]


def char_grams(text: str, sizes: tuple[int, int] | None = None) -> list[str]:
    """Character n-grams of every word of ``plain(text)``, each word padded with spaces
    (a word shorter than n gives itself, padded)."""
    low, high = sizes or NGRAMS
    return [gram for word in plain(text).split() for gram in _word_grams(word, low, high)]


def _word_grams(word: str, low: int, high: int) -> list[str]:
    padded = f" {word} "
    grams = []
    for n in range(low, high + 1):
        if len(padded) <= n:
            grams.append(padded)
            continue
        grams.extend(padded[i : i + n] for i in range(len(padded) - n + 1))
    return grams


@dataclass
class Ranked:
    """A query's best documents, best first: their combined score (:meth:`Retriever.search`),
    the linker's score, the sentence vectors' cosine (0 without the query's vector) and the
    character n-grams' cosine (:meth:`Retriever.spelling`), and the query as normalised."""

    docs: np.ndarray
    scores: np.ndarray
    linker: np.ndarray
    cosines: np.ndarray
    spellings: np.ndarray
    query: Normalised


class Retriever:
    """An index over ``documents`` (``(text, numbers)`` pairs) to rank against queries."""

    def __init__(self, documents: Sequence[tuple[str, Iterable[Mapping]]]):
        documents = [(text, list(numbers)) for text, numbers in documents]
        self.size = len(documents)
        # The documents as the linker compares them.
        normalised = [normalise(text, numbers) for text, numbers in documents]
        self.texts = np.array([item.sorted_text for item in normalised], dtype=object)
        self.token_counts = np.array([len(set(item.tokens)) for item in normalised], dtype=np.int64)
        # Words: BM25 (document side carries saturation, length and idf).
        self.words = Postings((_terms(item) for item in normalised), self.size)
        words = self.words
        lengths = np.bincount(words.rows, weights=words.counts, minlength=self.size)
        average = lengths.mean() if self.size else 1.0
        word_idf = bm25_idf(words.df, self.size)
        saturation = words.counts + K1 * (1 - B + B * lengths[words.rows] / max(average, 1e-9))
        words.set_weights(words.counts * (K1 + 1) / saturation * word_idf[words.cols])
        # Characters: sublinear tf-idf, unit length per document.
        self.chars = Postings((char_grams(text) for text, _ in documents), self.size)
        chars = self.chars
        self.char_idf = np.log((self.size + 1) / (chars.df + 1)) + 1
        weights = (1 + np.log(chars.counts)) * self.char_idf[chars.cols]
        norms = np.sqrt(np.bincount(chars.rows, weights=weights**2, minlength=self.size))
        chars.set_weights(weights / np.maximum(norms[chars.rows], 1e-12))
        # Meaning: unit sentence vectors of the documents as written, filed in cells.
        self.vectors = embed([text for text, _ in documents])
        self.centres = train_cells(self._search())
        self.cells = nearest_cells(self._search(), self.centres, 1)[:, 0] if self.size else np.zeros(0, dtype=np.int64)

    def arrays(self) -> dict[str, np.ndarray]:
        """What searching needs, as plain arrays (to store; :meth:`from_arrays` reads them back).
        Texts and terms are joined with NUL, which cleaned text never holds."""
        found = {"layout": np.array([LAYOUT]), "texts": _joined(self.texts), "token_counts": self.token_counts}
        found["char_idf"] = self.char_idf
        found |= {"vectors": self.vectors, "centres": self.centres, "cells": self.cells}
        for name, postings in (("words", self.words), ("chars", self.chars)):
            found[f"{name}_terms"] = _joined(postings.vocabulary)
            found |= postings.arrays(name)
        return found

    @staticmethod
    def readable(found: Mapping[str, np.ndarray]) -> bool:
        """Whether ``found`` has this version's layout (:meth:`from_arrays` reads it)."""
        return "layout" in found and found["layout"].tolist() == [LAYOUT]

    @classmethod
    def from_arrays(cls, found: Mapping[str, np.ndarray]) -> Retriever:
        """The retriever :meth:`arrays` describes (:meth:`readable`), searching exactly as the
        one it came from."""
        retriever = cls.__new__(cls)
        retriever.texts = np.array(_split(found["texts"]), dtype=object)
        retriever.size = len(retriever.texts)
        retriever.token_counts, retriever.char_idf = found["token_counts"], found["char_idf"]
        retriever.vectors, retriever.centres, retriever.cells = found["vectors"], found["centres"], found["cells"]
        for name in ("words", "chars"):
            terms = _split(found[f"{name}_terms"])
            setattr(retriever, name, Postings.from_arrays(found, name, terms, retriever.size))
        return retriever

    def nearby(self, vectors: np.ndarray) -> list[np.ndarray]:
        """Each query vector's meaning candidates: in each of the ``PROBES`` cells nearest to it,
        the ``NEAR_PER_CELL`` documents of highest cosine on the cells' dimensions (one matrix
        product per cell for all the queries probing it; the candidate stage then ranks them by
        the whole vectors' cosine, from ``MEANING_FLOOR``)."""
        if not self.size or not len(vectors):
            return [np.zeros(0, dtype=np.int64) for _ in vectors]
        queries = search_vectors(vectors)
        probed = nearest_cells(queries, self.centres, PROBES)
        # No floor here: the cells' dimensions are not the whole vectors' cosine, which has it.
        asking, found = neighbour_pairs(queries, probed, self._search(), self.cells, NEAR_PER_CELL, -1.0)
        order = np.lexsort((found, asking))
        bounds = np.searchsorted(asking[order], np.arange(len(vectors) + 1))
        docs = found[order].astype(np.int64)
        return [docs[bounds[query] : bounds[query + 1]] for query in range(len(vectors))]

    def _search(self) -> np.ndarray:
        """The documents' vectors as the cells see them (:func:`.neighbours.search_vectors`)."""
        if not hasattr(self, "search_rows"):
            self.search_rows = search_vectors(self.vectors)
        return self.search_rows

    def spelling(self, text: str, docs: np.ndarray) -> np.ndarray:
        """Cosine of each of ``docs``' character n-grams with the query's."""
        return self.chars.scores(self._char_queries([text]), np.zeros(len(docs), dtype=np.int64), docs)

    def shared_words(self, tokens: Sequence[Sequence[str]], owners: np.ndarray, docs: np.ndarray) -> SharedWords:
        """The words the query ``owners[i]`` (its normalised ``tokens``) and document ``docs[i]``
        share, each distinct one weighed by its rarity: the word index's BM25 idf over the
        highest it can be (a word no document has). Read from the documents' terms (a token is
        never a figure's or a prefix's term), for all the pairs at once."""
        words = self.words
        columns = [words.columns(found)[0] for found in tokens]
        width = max(len(words.df), 1)
        asked = np.concatenate(
            [column + owner * width for owner, column in enumerate(columns)] + [np.zeros(0, np.int64)]
        )
        starts, ends = words.doc_start[docs], words.doc_start[docs + 1]
        pair_of = np.repeat(np.arange(len(docs)), ends - starts)
        terms = words.doc_terms[np.repeat(ends - np.cumsum(ends - starts), ends - starts) + np.arange(len(pair_of))]
        hit = np.isin(owners[pair_of] * width + terms, asked)
        rarity = bm25_idf(words.df[terms[hit]], self.size) / bm25_idf(np.zeros(1), self.size)
        total = np.bincount(pair_of[hit], weights=rarity, minlength=len(docs))
        rarest = np.zeros(len(docs))
        np.maximum.at(rarest, pair_of[hit], rarity)
        return SharedWords(total, rarest)

    def _char_queries(self, texts: Sequence[str]) -> Queries:
        """The queries' character n-grams, sublinear tf-idf, unit length. Each word's n-grams'
        columns are looked up once (``WORD_CACHE`` words kept)."""
        if not hasattr(self, "word_columns") or len(self.word_columns) > WORD_CACHE:
            self.word_columns: dict[str, list[int]] = {}
        vocabulary, cached, low, high = self.chars.vocabulary, self.word_columns, *NGRAMS
        found, lengths = array("q"), array("q")
        for text in texts:
            before = len(found)
            for word in plain(text).split():
                columns = cached.get(word)
                if columns is None:
                    columns = cached[word] = [
                        column for gram in _word_grams(word, low, high) if (column := vocabulary.get(gram)) is not None
                    ]
                found.extend(columns)
            lengths.append(len(found) - before)
        owners = np.repeat(np.arange(len(texts), dtype=np.int64), np.frombuffer(lengths, dtype=np.int64))
        width = max(len(self.char_idf), 1)
        keys, counts = np.unique(owners * width + np.frombuffer(found, dtype=np.int64), return_counts=True)
        owners, columns = np.divmod(keys, width)
        weights = (1 + np.log(counts)) * self.char_idf[columns]
        norms = np.sqrt(np.bincount(owners, weights=weights**2, minlength=len(texts)))
        weights /= np.where(norms > 0, norms, 1.0)[owners]
        bounds = np.r_[0, np.cumsum(np.bincount(owners, minlength=len(texts)))]
        return Queries(bounds, columns, weights.astype(np.float32))

    def _word_queries(self, queries: Sequence[Normalised]) -> Queries:
        """The queries' word-index terms (:func:`_terms`), each weighing 1 (BM25's query side)."""
        columns = [self.words.columns(_terms(query))[0] for query in queries]
        return Queries.of([(found, np.ones(len(found), dtype=np.float32)) for found in columns])

    def linker_scores(self, text: str, numbers: Iterable[Mapping], found: np.ndarray) -> np.ndarray:
        """The linker's score (0-100) of the query against each document in ``found``."""
        return self._linker_pairs([normalise(text, numbers)], [found])[0]

    def _bounded_linker_scores(
        self,
        queries: Sequence[Normalised],
        found: Sequence[np.ndarray],
        shares: Sequence[np.ndarray],
        linker_weight: float,
        limit: int,
    ) -> list[np.ndarray]:
        """The linker's scores of each query's ``found`` documents that may rank in its best
        ``limit``, 0 for the others: a document's combined score is at most its candidate
        ``share`` plus ``linker_weight``, so documents are scored by ``share``, best first,
        ``LINKER_STEP`` at a time (one :func:`.scoring.score_pairs` for all the queries still
        scoring), until the next cannot reach the ``limit``-th best combined score."""
        linker = [np.zeros(len(docs)) for docs in found]
        if not linker_weight:
            return linker
        orders = [np.argsort(-share, kind="stable") for share in shares]
        scoring = [query for query, docs in enumerate(found) if len(docs)]
        for begin in range(0, max(map(len, found), default=0), LINKER_STEP):
            parts = [orders[query][begin : begin + LINKER_STEP] for query in scoring]
            scores = self._linker_pairs(
                [queries[query] for query in scoring], [found[query][part] for query, part in zip(scoring, parts)]
            )
            still = []
            for query, part, score in zip(scoring, parts, scores):
                linker[query][part] = score
                scored, rest = orders[query][: begin + LINKER_STEP], orders[query][begin + LINKER_STEP :]
                if not len(rest):
                    continue
                if len(scored) >= limit:
                    share = shares[query]
                    combined = share[scored] + linker_weight * linker[query][scored] / 100
                    if share[rest[0]] + linker_weight < np.partition(combined, len(combined) - limit)[-limit] - 1e-9:
                        continue
                still.append(query)
            scoring = still
        return linker

    def _linker_pairs(self, queries: Sequence[Normalised], found: Sequence[np.ndarray]) -> list[np.ndarray]:
        """The linker's score (0-100) of each query against each of its ``found`` documents,
        all in one :func:`.scoring.score_pairs` (each document's text once)."""
        docs, pairs = np.unique(np.concatenate([np.zeros(0, dtype=np.int64), *found]), return_inverse=True)
        texts = np.r_[self.texts[docs], np.array([query.sorted_text for query in queries], dtype=object)]
        counts = np.r_[self.token_counts[docs], [len(set(query.tokens)) for query in queries]].astype(np.int64)
        asking = len(docs) + np.repeat(np.arange(len(queries)), [len(part) for part in found])
        masks = self._token_masks(docs, texts[len(docs) :].tolist())
        scores, _ = score_pairs(texts, counts, asking, pairs, 0, workers=1, masks=masks)
        return np.split(scores.astype(np.float64), np.cumsum([len(part) for part in found])[:-1])

    def _token_masks(self, docs: np.ndarray, texts: list[str]) -> TokenMasks:
        """:class:`.scoring.TokenMasks` of ``docs`` then ``texts`` (queries' sorted token
        strings). A document's is made the first time it is scored and kept: a token has the
        same bit in every mask (the documents' tokens numbered as first seen, modulo 64), which
        is all the masks ask."""
        if not hasattr(self, "doc_masks"):
            self.doc_masks = np.zeros(self.size, dtype=np.uint64)
            self.doc_mask_sizes = np.full(self.size, -1, dtype=np.int64)  # -1: not made yet
            self.token_bits: dict[str, int] = {}
        new = docs[self.doc_mask_sizes[docs] < 0]
        if len(new):
            made = [self._token_mask(text) for text in self.texts[new].tolist()]
            self.doc_masks[new] = np.array([mask for mask, _ in made], dtype=np.uint64)
            self.doc_mask_sizes[new] = [size for _, size in made]
        made = [self._token_mask(text, learn=False) for text in texts]
        masks = np.r_[self.doc_masks[docs], np.array([mask for mask, _ in made], dtype=np.uint64)]
        sizes = np.r_[self.doc_mask_sizes[docs], [size for _, size in made]].astype(np.int64)
        lengths = np.fromiter(map(len, [*self.texts[docs].tolist(), *texts]), dtype=np.int64)
        return TokenMasks(masks, sizes, lengths)

    def _token_mask(self, text: str, learn: bool = True) -> tuple[int, int]:
        """A sorted token string's mask and count of distinct tokens (split as the linker splits).
        A query's token no document has had (``learn`` false) takes a bit without keeping it:
        no document it is compared with has it, whatever the bit, so the masks stay right and
        the kept bits grow with the archive, not the queries."""
        mask, tokens, bits = 0, set(text.split()), self.token_bits
        for token in tokens:
            bit = bits.get(token)
            if bit is None:
                bit = 1 << (len(bits) % 64)
                if learn:
                    bits[token] = bit
            mask |= bit
        return mask, len(tokens)

    def search(
        self,
        text: str,
        numbers: Iterable[Mapping] = (),
        limit: int = 5,
        linker_weight: float = LINKER_WEIGHT,
        candidate_weight: float = 1.0,
        meaning_rank_weight: float = MEANING_RANK_WEIGHT,
        vector: np.ndarray | None = None,
        near: np.ndarray | None = None,
    ) -> list[tuple[int, float]]:
        """The ``limit`` best documents for a query as (index, score) pairs, best first.

        ``candidate_weight=0`` ranks by the linker's score alone, ``linker_weight=0`` by
        the candidate stage alone; ``meaning_rank_weight=0`` leaves the meaning signal out
        (for measuring each part's share). ``vector``: the query's sentence vector, and
        ``near``: its meaning candidates (:meth:`nearby`), when the caller has them. This is
        :meth:`search_many` of one query."""
        (ranked,) = self.search_many(
            [(text, numbers)],
            limit,
            linker_weight,
            candidate_weight,
            meaning_rank_weight,
            None if vector is None else vector[None],
            None if near is None else [near],
        )
        return list(zip(ranked.docs.tolist(), ranked.scores.tolist()))

    def search_many(
        self,
        queries: Sequence[tuple[str, Iterable[Mapping]]],
        limit: int = 5,
        linker_weight: float = LINKER_WEIGHT,
        candidate_weight: float = 1.0,
        meaning_rank_weight: float = MEANING_RANK_WEIGHT,
        vectors: np.ndarray | None = None,
        near: Sequence[np.ndarray] | None = None,
    ) -> list[Ranked]:
        """:meth:`search` of many ``(text, numbers)`` queries at once (``vectors``, ``near``:
        theirs, when the caller has them): the candidate stage's pools and exact scores are
        a few array operations and sparse products for all of them, each query ranked as
        alone."""
        normalised = [normalise(text, numbers) for text, numbers in queries]
        texts = [text for text, _ in queries]
        if not self.size or not queries:
            return [_nothing(query) for query in normalised]
        meaning = bool(meaning_rank_weight)
        if meaning and vectors is None:
            vectors = embed(texts)
        if meaning and near is None:
            near = self.nearby(vectors)
        # The candidate stage: the pools of the words' and characters' rarest terms and the
        # meaning candidates; every document of a query's pool scored by each index. The pairs
        # (query, document) of all the queries are one set of arrays, by query.
        word_queries, char_queries = self._word_queries(normalised), self._char_queries(texts)
        pools = [
            *self.words.pools(word_queries, WORD_BUDGET, POOL),
            *self.chars.pools(char_queries, CHAR_BUDGET, POOL),
            *(near if meaning else []),
        ]
        asking = np.tile(np.arange(len(queries)), 3 if meaning else 2)
        owners, docs = np.divmod(
            _distinct(np.repeat(asking, [len(pool) for pool in pools]) * self.size + np.concatenate(pools)), self.size
        )
        bounds = np.searchsorted(owners, np.arange(len(queries) + 1))
        spellings = self.chars.scores(char_queries, owners, docs)
        rankings = [(self.words.scores(word_queries, owners, docs), 1.0), (spellings, CHAR_WEIGHT)]
        cosines = np.zeros(len(docs))
        if vectors is not None:
            for query in np.flatnonzero(np.diff(bounds)).tolist():
                part = slice(bounds[query], bounds[query + 1])
                cosines[part] = self.vectors[docs[part]] @ vectors[query]
        if meaning:
            rankings.append((np.where(cosines >= MEANING_FLOOR, cosines, 0.0), meaning_rank_weight))
        # Fused by rank: each ranking's best CANDIDATES of each query.
        fused = np.zeros(len(docs))
        best_rank = np.full(len(docs), CANDIDATES, dtype=np.int64)
        for scores, weight in rankings:
            top, ranks = _tops(scores, owners, CANDIDATES)
            fused[top] += weight / (RRF_K + 1 + ranks)
            best_rank[top] = np.minimum(best_rank[top], ranks)
        kept = np.flatnonzero(fused)
        owners, docs, fused, best_rank = owners[kept], docs[kept], fused[kept], best_rank[kept]
        cosines, spellings = cosines[kept], spellings[kept]
        share = candidate_weight * fused / ((1 + CHAR_WEIGHT + meaning_rank_weight) / (RRF_K + 1))
        # The linker's scores, then each query's best ``limit`` by everything.
        split = np.searchsorted(owners, np.arange(1, len(queries)))
        linker = np.concatenate(
            [
                np.zeros(0),
                *self._bounded_linker_scores(
                    normalised, np.split(docs, split), np.split(share, split), linker_weight, limit
                ),
            ]
        )
        combined = share + linker_weight * linker / 100
        rounded = np.round(combined, 12)
        # Only what may rank in a query's best ``limit`` is sorted: its pairs scoring at least
        # its ``limit``-th best (ties then break by the fused score, rank and index).
        grid, row, _ = _grid(-rounded, owners)
        within = min(limit, grid.shape[1]) - 1
        near_best = np.flatnonzero(-rounded <= np.partition(grid, within, axis=1)[row, within]) if len(row) else row
        order = near_best[
            np.lexsort(
                (
                    docs[near_best],
                    best_rank[near_best],
                    -np.round(fused[near_best], 12),
                    -rounded[near_best],
                    owners[near_best],
                )
            )
        ]
        best = order[_ranks(owners[order]) < limit]
        if not linker_weight:  # (the linker's scores were not needed to rank)
            split = np.searchsorted(owners[best], np.arange(1, len(queries)))
            linker[best] = np.concatenate([np.zeros(0), *self._linker_pairs(normalised, np.split(docs[best], split))])
        ends = np.searchsorted(owners[best], np.arange(len(queries) + 1))
        return [
            Ranked(
                *(
                    values[best[ends[query] : ends[query + 1]]]
                    for values in (docs, combined, linker, cosines, spellings)
                ),
                normalised[query],
            )
            for query in range(len(queries))
        ]


def _nothing(query: Normalised) -> Ranked:
    empty = np.zeros(0)
    return Ranked(np.zeros(0, dtype=np.int64), empty, empty, empty, empty, query)


class SharedWords(NamedTuple):
    """The words queries and documents share, each weighed by its rarity (0-1), per pair: the
    sum, and the rarest one's."""

    total: np.ndarray
    rarest: np.ndarray


def bm25_idf(df: np.ndarray, size: int) -> np.ndarray:
    """The word index's idf of terms in ``df`` of ``size`` documents."""
    return np.log(1 + (size - df + 0.5) / (df + 0.5))


def _joined(texts: Iterable[str]) -> np.ndarray:
    return np.frombuffer("".join(text + "\0" for text in texts).encode(), dtype=np.uint8)


def _split(joined: np.ndarray) -> list[str]:
    return joined.tobytes().decode().split("\0")[:-1]


def _distinct(values: np.ndarray) -> np.ndarray:
    """The distinct values, ascending (``np.unique`` by a sort: its hashing, numpy's default
    for plain values since 2.3, took 40 times as long on a batch's (query, document) keys)."""
    values = np.sort(values)
    return values[np.r_[True, values[1:] != values[:-1]]] if len(values) else values


def _ranks(owners: np.ndarray) -> np.ndarray:
    """Each position's rank among those of its owner (``owners`` grouped, as sorted)."""
    return np.arange(len(owners)) - np.searchsorted(owners, owners)


def _grid(values: np.ndarray, owners: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """``values`` as one row per owner (``owners`` ascending), padded with infinity, and each
    value's row and column: sorting or partitioning rows of a few hundred is many times faster
    than sorting all the values by owner."""
    column = _ranks(owners)
    row = np.cumsum(column == 0) - 1
    grid = np.full((row[-1] + 1 if len(row) else 0, column.max() + 1 if len(column) else 1), np.inf)
    grid[row, column] = values
    return grid, row, column


def _tops(scores: np.ndarray, owners: np.ndarray, count: int) -> tuple[np.ndarray, np.ndarray]:
    """Of each owner's scores (``owners`` ascending), the positions of the ``count`` best
    (positive only; by the scores rounded to 12 digits, then by position), best first, and
    their ranks (0 the best)."""
    positive = np.flatnonzero(scores > 0)
    grid, _, column = _grid(-np.round(scores[positive], 12), owners[positive])
    order = np.argsort(grid, axis=1, kind="stable")[:, :count]
    filled = np.isfinite(np.take_along_axis(grid, order, axis=1))
    ranks = np.broadcast_to(np.arange(order.shape[1]), order.shape)
    return positive[(np.flatnonzero(column == 0)[:, None] + order)[filled]], ranks[filled]
