"""Sentence vectors: the meaning signal that sees paraphrases string similarity cannot.

The vectors are WordLlama's (``l2_supercat``, 256 dimensions, MIT): static token
embeddings, mean-pooled over a sentence's tokens and normalised. The two files ship
inside the ``wordllama`` wheel and are read directly with ``safetensors`` and
``tokenizers``: the library itself is never imported (its loader looks for the tokenizer
in the wrong folder and then goes to the network, and importing it reconfigures logging,
which would spill lines into the review screen). Nothing is downloaded: a missing file is
one :class:`MeaningError` naming it.

Vectors are stored as int8 (:func:`to_bytes`): cosine is computed after re-normalising, so
the scale lost in quantising does not count, and the error is about 0.005.
"""

from __future__ import annotations

import functools
import importlib.util
import itertools
import re
from pathlib import Path

import numpy as np

DIMENSIONS = 256
PACKAGE = "wordllama"
WEIGHTS = Path("weights") / f"l2_supercat_{DIMENSIONS}.safetensors"
TOKENIZER = Path("tokenizers") / "l2_supercat_tokenizer_config.json"
# Items embedded per batch: bounds the (tokens x dimensions) temporary.
BATCH = 4_096
# Below this many tokens (the new items of a small ingest's link, a search) the tokens'
# rows are gathered from a token-major copy of the table, then laid dimension-major: the
# gather then reads whole rows, not one value per dimension from far apart (5 times fewer
# cache misses); the sums are the same, over the same array.
TOKEN_MAJOR_MAX = 4_096
# The tokenizer writes a space as "▁" and no token of its vocabulary has a "▁" after another
# character, so no token spans the start of a space-led piece: a text's tokens are its
# pieces' tokens, and a piece met before (most words are) is not tokenized again.
SPACE = "\u2581"
PIECE = re.compile(f"{SPACE}+[^{SPACE}]*|[^{SPACE}]+")
# Texts holding one of the tokenizer's special tokens, which it splits off before anything else.
SPECIAL = ("<s>", "</s>", "<unk>")
# Pieces whose tokens are kept (per process); longer pieces are rare and not kept.
PIECES_KEPT = 400_000
PIECE_KEPT_CHARS = 40
# Pairs compared per batch: both rows of each pair are gathered (51 MB at 100,000), a
# temporary that sat at the peak of a million-item link at 500,000.
PAIR_BATCH = 100_000


class MeaningError(Exception):
    """The embedding model cannot be read; the message is one line."""


@functools.cache
def _model() -> tuple[np.ndarray, object, object | None]:
    """The token table (dimension-major), the tokenizer, and the same tokenizer without
    its normaliser for pieces (None if the vocabulary has a token spanning a piece start)."""
    from safetensors import safe_open
    from tokenizers import Tokenizer

    spec = importlib.util.find_spec(PACKAGE)  # finds the package without running it
    if spec is None or not spec.submodule_search_locations:
        raise MeaningError(f"the {PACKAGE} package is not installed: pip install {PACKAGE}")
    root = Path(next(iter(spec.submodule_search_locations)))
    for path in (root / WEIGHTS, root / TOKENIZER):
        if not path.is_file():
            raise MeaningError(f"{path}: missing from the {PACKAGE} package; reinstall it")
    with safe_open(str(root / WEIGHTS), framework="np") as weights:
        # Dimension-major: gathering a batch's tokens and summing runs of them along the last
        # axis is several times faster than along the first.
        table = np.ascontiguousarray(weights.get_tensor("embedding.weight").T, dtype=np.float32)
    tokenizer = Tokenizer.from_file(str(root / TOKENIZER))
    tokenizer.no_padding()
    tokenizer.no_truncation()
    pieces = None
    if not any(re.search(f"[^{SPACE}]{SPACE}", token) for token in tokenizer.get_vocab()):
        pieces = Tokenizer.from_str(tokenizer.to_str())
        pieces.normalizer = None  # pieces come with their spaces already written "▁"
    return table, tokenizer, pieces


def embed(texts: list[str]) -> np.ndarray:
    """Unit vectors (float32, one row per text) as WordLlama computes them: token
    embeddings averaged, then normalised; a text without tokens gets a zero row. A text
    given more than once is embedded once (syndicated copies are common)."""
    distinct = dict.fromkeys(texts)
    if len(distinct) < len(texts):
        for position, text in enumerate(distinct):
            distinct[text] = position
        return _embed(list(distinct))[[distinct[text] for text in texts]]
    return _embed(texts)


@functools.cache
def _token_major() -> np.ndarray:
    return np.ascontiguousarray(_model()[0].T)


_piece_ids: dict[str, list[int]] = {}


def token_ids(texts: list[str]) -> list[list[int]]:
    """The tokenizer's ids for each text (no special tokens added), piece by piece."""
    _, tokenizer, pieces = _model()
    if pieces is None:
        # The fast encoder skips the character offsets, which only the ids are read without.
        return [one.ids for one in tokenizer.encode_batch_fast(texts, add_special_tokens=False)]
    if len(_piece_ids) > PIECES_KEPT:
        _piece_ids.clear()
    found = []
    for text in texts:
        if not text or any(special in text for special in SPECIAL):  # as the tokenizer does them
            found.append(tokenizer.encode(text, add_special_tokens=False).ids)
            continue
        ids: list[int] = []
        for piece in PIECE.findall(SPACE + text.replace(" ", SPACE)):
            known = _piece_ids.get(piece)
            if known is None:
                known = pieces.encode(piece, add_special_tokens=False).ids
                if len(piece) <= PIECE_KEPT_CHARS:
                    _piece_ids[piece] = known
            ids.extend(known)
        found.append(ids)
    return found


def _embed(texts: list[str]) -> np.ndarray:
    table, _, _ = _model()
    vectors = np.zeros((len(texts), DIMENSIONS), dtype=np.float32)
    for begin in range(0, len(texts), BATCH):
        encoded = token_ids(texts[begin : begin + BATCH])
        lengths = np.fromiter(map(len, encoded), dtype=np.int64, count=len(encoded))
        ids = np.fromiter(itertools.chain.from_iterable(encoded), dtype=np.int64, count=int(lengths.sum()))
        if not len(ids):
            continue
        np.clip(ids, 0, table.shape[1] - 1, out=ids)
        filled = np.flatnonzero(lengths)
        starts = np.r_[0, np.cumsum(lengths)[:-1]][filled]
        if len(ids) <= TOKEN_MAJOR_MAX:
            gathered = np.ascontiguousarray(_token_major()[ids].T)
        else:
            gathered = np.take(table, ids, axis=1)
        sums = np.add.reduceat(gathered, starts, axis=1)
        vectors[begin + filled] = (sums / lengths[filled]).T
    norms = np.linalg.norm(vectors, axis=1, keepdims=True)
    return np.divide(vectors, norms, out=vectors, where=norms > 0)


def quantise(vectors: np.ndarray) -> np.ndarray:
    """int8 rows, each scaled so its largest component is 127 (the direction is what counts)."""
    peak = np.abs(vectors).max(axis=1, keepdims=True)
    return np.round(np.divide(vectors * 127, peak, where=peak > 0, out=np.zeros_like(vectors))).astype(np.int8)


def norms(quantised: np.ndarray) -> np.ndarray:
    """The length of each int8 row (0 for a zero row), for :func:`cosines`."""
    return np.sqrt(np.einsum("ij,ij->i", quantised, quantised, dtype=np.float32))


def to_bytes(quantised_row: np.ndarray) -> bytes:
    return quantised_row.tobytes()


def from_bytes(blobs: list[bytes]) -> np.ndarray:
    """int8 rows from stored blobs (a blob of another size, written by a script, is a zero row)."""
    rows = np.zeros((len(blobs), DIMENSIONS), dtype=np.int8)
    for row, blob in enumerate(blobs):
        if isinstance(blob, bytes) and len(blob) == DIMENSIONS:
            rows[row] = np.frombuffer(blob, dtype=np.int8)
    return rows


def cosines(quantised: np.ndarray, lengths: np.ndarray, a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Cosine of each pair ``(a[i], b[i])`` of int8 rows (``lengths``: their :func:`norms`;
    0 when either row is zero), batch by batch so no temporary grows with the pairs."""
    found = np.zeros(len(a), dtype=np.float32)
    for begin in range(0, len(a), PAIR_BATCH):
        left, right = a[begin : begin + PAIR_BATCH], b[begin : begin + PAIR_BATCH]
        dots = np.einsum("ij,ij->i", quantised[left], quantised[right], dtype=np.float32)
        scale = lengths[left] * lengths[right]
        found[begin : begin + len(left)] = np.divide(dots, scale, out=np.zeros_like(dots), where=scale > 0)
    return found
