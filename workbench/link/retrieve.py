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
and only then by index order (identical stored documents: the earliest first). Pure
Python, numpy and rapidfuzz.

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
from collections.abc import Iterable, Mapping, Sequence
from typing import NamedTuple

import numpy as np

from .meaning import embed
from .neighbours import nearest_cells, neighbour_pairs, search_vectors, train_cells
from .normalise import Normalised, normalise, plain
from .postings import Postings, Query
from .scoring import score_pairs

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
    grams = []
    low, high = sizes or NGRAMS
    for word in plain(text).split():
        padded = f" {word} "
        for n in range(low, high + 1):
            if len(padded) <= n:
                grams.append(padded)
                continue
            grams.extend(padded[i : i + n] for i in range(len(padded) - n + 1))
    return grams


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
        return self.chars.exact(self._char_query(text), docs)

    def shared_words(self, tokens: Sequence[str], doc: int) -> SharedWords:
        """The words the query's normalised ``tokens`` and document ``doc`` share, each distinct
        one weighed by its rarity: the word index's BM25 idf over the highest it can be (a word
        no document has)."""
        shared = np.intersect1d(self.words.columns(tokens)[0], self.words.columns(self.texts[doc].split())[0])
        rarity = bm25_idf(self.words.df[shared], self.size) / bm25_idf(np.zeros(1), self.size)
        return SharedWords(total=float(rarity.sum()), rarest=float(rarity.max(initial=0.0)))

    def _char_query(self, text: str) -> Query:
        """The query's character n-grams, sublinear tf-idf, unit length; the last one is kept
        (the matcher asks for a query's :meth:`spelling` right after searching it)."""
        if getattr(self, "last_char_query", (None,))[0] != text:
            columns, counts = self.chars.columns(char_grams(text))
            weights = (1 + np.log(counts)) * self.char_idf[columns]
            weights /= np.linalg.norm(weights) or 1.0
            self.last_char_query = (text, (columns, weights.astype(np.float32)))
        return self.last_char_query[1]

    def candidates(
        self, query: Normalised, text: str, vector: np.ndarray | None, near: np.ndarray | None, meaning_weight: float
    ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """The candidate stage: the pool of documents the words' and characters' rarest terms
        reach (:meth:`.Postings.pool`) and ``near`` (:meth:`nearby`, when ranked by meaning
        with ``meaning_weight``), each index's best ``CANDIDATES`` of the pool by its exact
        score, fused by rank. The documents (by index), their fused score, and the better of
        their ranks."""
        columns, _ = self.words.columns(_terms(query))
        word_query = (columns, np.ones(len(columns), dtype=np.float32))
        char_query = self._char_query(text)
        pools = [
            self.words.pool(word_query, WORD_BUDGET, POOL),
            self.chars.pool(char_query, CHAR_BUDGET, POOL),
        ]
        meaning = vector is not None and near is not None and meaning_weight
        docs = np.unique(np.concatenate(pools + ([near] if meaning else [])))
        rankings = [(self.words.exact(word_query, docs), 1.0), (self.chars.exact(char_query, docs), CHAR_WEIGHT)]
        if meaning:
            cosines = self.vectors[docs] @ vector
            rankings.append((np.where(cosines >= MEANING_FLOOR, cosines, 0.0), meaning_weight))
        fused = np.zeros(len(docs))
        best_rank = np.full(len(docs), CANDIDATES, dtype=np.int64)
        for scores, weight in rankings:
            top = _top(scores, CANDIDATES)
            fused[top] += weight / (RRF_K + np.arange(1, len(top) + 1))
            best_rank[top] = np.minimum(best_rank[top], np.arange(len(top)))
        ranked = np.flatnonzero(fused)
        return docs[ranked], fused[ranked], best_rank[ranked]

    def linker_scores(self, text: str, numbers: Iterable[Mapping], found: np.ndarray) -> np.ndarray:
        """The linker's score (0-100) of the query against each document in ``found``."""
        return self._linker_scores(normalise(text, numbers), found)

    def _linker_scores(self, query: Normalised, found: np.ndarray) -> np.ndarray:
        texts = np.r_[self.texts[found], np.array([query.sorted_text], dtype=object)]
        counts = np.r_[self.token_counts[found], len(set(query.tokens))]
        pairs = np.arange(len(found))
        scores, _ = score_pairs(texts, counts, np.full(len(found), len(found)), pairs, 0, workers=1)
        return scores.astype(np.float64)

    def _bounded_linker_scores(
        self, query: Normalised, found: np.ndarray, share: np.ndarray, linker_weight: float, limit: int
    ) -> np.ndarray:
        """The linker's scores of the documents that may rank in the best ``limit``, 0 for the
        others: a document's combined score is at most its candidate ``share`` plus
        ``linker_weight``, so documents are scored by ``share``, best first, ``LINKER_STEP`` at
        a time, until the next cannot reach the ``limit``-th best combined score."""
        linker = np.zeros(len(found))
        if not linker_weight:
            return linker
        order = np.argsort(-share, kind="stable")
        for begin in range(0, len(order), LINKER_STEP):
            part = order[begin : begin + LINKER_STEP]
            linker[part] = self._linker_scores(query, found[part])
            scored = order[: begin + LINKER_STEP]
            rest = order[begin + LINKER_STEP :]
            if not len(rest) or len(scored) < limit:
                continue
            combined = share[scored] + linker_weight * linker[scored] / 100
            if share[rest[0]] + linker_weight < np.partition(combined, len(combined) - limit)[-limit] - 1e-9:
                break
        return linker

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
        ``near``: its meaning candidates (:meth:`nearby`), when the caller has them (many
        queries at once)."""
        if not self.size:
            return []
        query = normalise(text, numbers)
        if meaning_rank_weight:
            vector = embed([text])[0] if vector is None else vector
            near = self.nearby(vector[None])[0] if near is None else near
        found, fused, best_rank = self.candidates(query, text, vector, near, meaning_rank_weight)
        if not len(found):
            return []
        share = candidate_weight * fused / ((1 + CHAR_WEIGHT + meaning_rank_weight) / (RRF_K + 1))
        linker = self._bounded_linker_scores(query, found, share, linker_weight, limit)
        combined = share + linker_weight * linker / 100
        order = np.lexsort((found, best_rank, -np.round(fused, 12), -np.round(combined, 12)))[:limit]
        return [(int(found[i]), float(combined[i])) for i in order]


class SharedWords(NamedTuple):
    """The words a query and a document share, each weighed by its rarity (0-1): the sum, and
    the rarest one's."""

    total: float
    rarest: float


def bm25_idf(df: np.ndarray, size: int) -> np.ndarray:
    """The word index's idf of terms in ``df`` of ``size`` documents."""
    return np.log(1 + (size - df + 0.5) / (df + 0.5))


def _joined(texts: Iterable[str]) -> np.ndarray:
    return np.frombuffer("".join(text + "\0" for text in texts).encode(), dtype=np.uint8)


def _split(joined: np.ndarray) -> list[str]:
    return joined.tobytes().decode().split("\0")[:-1]


def _top(scores: np.ndarray, count: int) -> np.ndarray:
    """Indices of the ``count`` best scores (positive only), best first, ties by index."""
    count = min(count, len(scores))
    if not count:
        return np.zeros(0, dtype=np.int64)
    picked = np.argpartition(-scores, count - 1)[:count] if count < len(scores) else np.arange(len(scores))
    threshold = scores[picked].min()
    picked = np.flatnonzero(scores >= threshold)  # every document tied with the last one
    picked = picked[scores[picked] > 0]
    order = np.lexsort((picked, -np.round(scores[picked], 12)))
    return picked[order][:count]
