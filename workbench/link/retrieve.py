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

The best ``CANDIDATES`` of each are fused by reciprocal rank (``1 / (RRF_K + rank)``).
The fused candidates are then scored by the linker itself: :func:`.scoring.score_pairs`,
the function that decides links, over the same normalised forms (sorted content tokens),
and ranked by ``fused / best possible fused + LINKER_WEIGHT * linker score / 100``.
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

import math
import re
from array import array
from collections.abc import Iterable, Mapping, Sequence

import numpy as np

from .meaning import embed
from .normalise import Normalised, normalise, plain
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


def terms(text: str, numbers: Iterable[Mapping] = ()) -> list[str]:
    """Word-index terms: the normalised tokens, each figure's value, and the first
    ``PREFIX`` letters of longer tokens."""
    return _terms(normalise(text, numbers))


def _terms(item: Normalised) -> list[str]:
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


class _Postings:
    """An inverted index over term lists: per term, the documents and their weights."""

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
        self.docs = self.rows
        self.weights = np.zeros(len(self.rows))

    def set_weights(self, weights: np.ndarray) -> None:
        """Per (document, term) entry weights, in the entries' order; the counts they were
        computed from are dropped (searching needs only ``docs`` and ``weights``)."""
        self.weights = weights
        del self.rows, self.cols, self.counts

    def columns(self, found: Iterable[str]) -> dict[int, int]:
        counted: dict[int, int] = {}
        for term in found:
            column = self.vocabulary.get(term)
            if column is not None:
                counted[column] = counted.get(column, 0) + 1
        return counted

    def accumulate(self, query: Mapping[int, float]) -> np.ndarray:
        scores = np.zeros(self.size)
        for column, weight in query.items():
            span = slice(self.start[column], self.start[column + 1])
            scores[self.docs[span]] += self.weights[span] * weight
        return scores


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
        self.words = _Postings((_terms(item) for item in normalised), self.size)
        words = self.words
        lengths = np.bincount(words.rows, weights=words.counts, minlength=self.size)
        average = lengths.mean() if self.size else 1.0
        self.word_idf = np.log(1 + (self.size - words.df + 0.5) / (words.df + 0.5))
        saturation = words.counts + K1 * (1 - B + B * lengths[words.rows] / max(average, 1e-9))
        words.set_weights(words.counts * (K1 + 1) / saturation * self.word_idf[words.cols])
        # Characters: sublinear tf-idf, unit length per document.
        self.chars = _Postings((char_grams(text) for text, _ in documents), self.size)
        chars = self.chars
        self.char_idf = np.log((self.size + 1) / (chars.df + 1)) + 1
        weights = (1 + np.log(chars.counts)) * self.char_idf[chars.cols]
        norms = np.sqrt(np.bincount(chars.rows, weights=weights**2, minlength=self.size))
        chars.set_weights(weights / np.maximum(norms[chars.rows], 1e-12))
        # Meaning: unit sentence vectors of the documents as written.
        self.vectors = embed([text for text, _ in documents])

    def arrays(self) -> dict[str, np.ndarray]:
        """What searching needs, as plain arrays (to store; :meth:`from_arrays` reads them back).
        Texts and terms are joined with NUL, which cleaned text never holds."""
        found = {"texts": _joined(self.texts), "token_counts": self.token_counts, "char_idf": self.char_idf}
        found["vectors"] = self.vectors
        for name, postings in (("words", self.words), ("chars", self.chars)):
            found[f"{name}_terms"] = _joined(postings.vocabulary)
            found |= {f"{name}_start": postings.start, f"{name}_weights": postings.weights}
            found[f"{name}_docs"] = postings.docs.astype(np.int32)  # half the bytes: fewer than 2**31 documents
        return found

    @classmethod
    def from_arrays(cls, found: Mapping[str, np.ndarray]) -> Retriever:
        """The retriever :meth:`arrays` describes, searching exactly as the one it came from."""
        retriever = cls.__new__(cls)
        retriever.texts = np.array(_split(found["texts"]), dtype=object)
        retriever.size = len(retriever.texts)
        retriever.token_counts, retriever.char_idf = found["token_counts"], found["char_idf"]
        retriever.vectors = found["vectors"]
        for name in ("words", "chars"):
            postings = _Postings.__new__(_Postings)
            terms = _split(found[f"{name}_terms"])
            postings.vocabulary = dict(zip(terms, range(len(terms))))
            postings.size = retriever.size
            postings.start, postings.docs, postings.weights = (
                found[f"{name}_{part}"] for part in ("start", "docs", "weights")
            )
            setattr(retriever, name, postings)
        return retriever

    def word_scores(self, text: str, numbers: Iterable[Mapping] = ()) -> np.ndarray:
        """BM25 of every document for the query's distinct terms."""
        return self.words.accumulate({column: 1.0 for column in self.words.columns(terms(text, numbers))})

    def char_scores(self, text: str) -> np.ndarray:
        """Cosine of every document's character n-grams with the query's."""
        counted = self.chars.columns(char_grams(text))
        weights = {column: (1 + math.log(count)) * self.char_idf[column] for column, count in counted.items()}
        norm = math.sqrt(sum(weight**2 for weight in weights.values())) or 1.0
        return self.chars.accumulate({column: weight / norm for column, weight in weights.items()})

    def meaning_scores(self, text: str) -> np.ndarray:
        """Cosine of every document's sentence vector with the query's."""
        return self.vectors @ embed([text])[0]

    def candidates(
        self,
        text: str,
        numbers: Iterable[Mapping] = (),
        meaning: np.ndarray | None = None,
        meaning_rank_weight: float = MEANING_RANK_WEIGHT,
        spelling: np.ndarray | None = None,
    ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """The candidate stage: documents in any index's best ``CANDIDATES`` (words,
        characters, and meaning when ``meaning`` gives every document's cosine), with their
        fused score and the better of their ranks (both arrays by document index).
        ``spelling``: :meth:`char_scores`, when the caller has them."""
        fused: dict[int, float] = {}
        best_rank: dict[int, int] = {}
        if spelling is None:
            spelling = self.char_scores(text)
        rankings = [(self.word_scores(text, numbers), 1.0), (spelling, CHAR_WEIGHT)]
        if meaning is not None and meaning_rank_weight:
            rankings.append((np.where(meaning >= MEANING_FLOOR, meaning, 0.0), meaning_rank_weight))
        for scores, weight in rankings:
            for rank, index in enumerate(_top(scores, CANDIDATES)):
                fused[index] = fused.get(index, 0.0) + weight / (RRF_K + rank + 1)
                best_rank[index] = min(rank, best_rank.get(index, rank))
        found = np.array(sorted(fused), dtype=np.int64)
        return (
            found,
            np.array([fused[index] for index in found.tolist()]),
            np.array([best_rank[index] for index in found.tolist()], dtype=np.int64),
        )

    def linker_scores(self, text: str, numbers: Iterable[Mapping], found: np.ndarray) -> np.ndarray:
        """The linker's score (0-100) of the query against each document in ``found``."""
        query = normalise(text, numbers)
        texts = np.r_[self.texts[found], np.array([query.sorted_text], dtype=object)]
        counts = np.r_[self.token_counts[found], len(set(query.tokens))]
        pairs = np.arange(len(found))
        scores, _ = score_pairs(texts, counts, np.full(len(found), len(found)), pairs, 0, workers=1)
        return scores.astype(np.float64)

    def search(
        self,
        text: str,
        numbers: Iterable[Mapping] = (),
        limit: int = 5,
        linker_weight: float = LINKER_WEIGHT,
        candidate_weight: float = 1.0,
        meaning_rank_weight: float = MEANING_RANK_WEIGHT,
        meaning: np.ndarray | None = None,
        spelling: np.ndarray | None = None,
    ) -> list[tuple[int, float]]:
        """The ``limit`` best documents for a query as (index, score) pairs, best first.

        ``candidate_weight=0`` ranks by the linker's score alone, ``linker_weight=0`` by
        the candidate stage alone; ``meaning_rank_weight=0`` leaves the meaning signal out
        (for measuring each part's share). ``meaning``: every document's cosine with the query
        when the caller has it (:meth:`meaning_scores`, many queries at once); ``spelling``:
        likewise, :meth:`char_scores`."""
        if not self.size:
            return []
        numbers = list(numbers)
        if meaning is None and meaning_rank_weight:
            meaning = self.meaning_scores(text)
        found, fused, best_rank = self.candidates(text, numbers, meaning, meaning_rank_weight, spelling)
        if not len(found):
            return []
        linker = self.linker_scores(text, numbers, found) if linker_weight else np.zeros(len(found))
        best_fused = (1 + CHAR_WEIGHT + meaning_rank_weight) / (RRF_K + 1)
        combined = candidate_weight * fused / best_fused + linker_weight * linker / 100
        order = np.lexsort((found, best_rank, -np.round(fused, 12), -np.round(combined, 12)))[:limit]
        return [(int(found[i]), float(combined[i])) for i in order]


def _joined(texts: Iterable[str]) -> np.ndarray:
    return np.frombuffer("".join(text + "\0" for text in texts).encode(), dtype=np.uint8)


def _split(joined: np.ndarray) -> list[str]:
    return joined.tobytes().decode().split("\0")[:-1]


def _top(scores: np.ndarray, count: int) -> list[int]:
    """Indices of the ``count`` best scores (positive only), best first, ties by index."""
    count = min(count, len(scores))
    picked = np.argpartition(-scores, count - 1)[:count] if count < len(scores) else np.arange(len(scores))
    threshold = scores[picked].min()
    picked = np.flatnonzero(scores >= threshold)  # every document tied with the last one
    picked = picked[scores[picked] > 0]
    order = np.lexsort((picked, -np.round(scores[picked], 12)))
    return picked[order][:count].tolist()
