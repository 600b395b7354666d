"""The items a link run compares, normalised and embedded, as parallel arrays."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

import numpy as np
from sqlite_utils import Database

from .meaning import DIMENSIONS, embed, quantise
from .normalise import Figure, Normalised, blocking_key, normalise

Progress = Callable[[str, int, int], None]
READ_BATCH = 20_000


@dataclass
class Corpus:
    """Linkable items as parallel arrays indexed by position; blocking keys as CSR ids
    numbered in the order of their names (so (df, id) order is (df, name) order in every run).

    ``exact``: a hash of what the item says as compared (:func:`exact_key`): items sharing
    it are repeats of one statement. ``vectors``: int8 sentence vectors (:mod:`.meaning`).
    ``quotes``: which items are quotes.
    """

    nums: np.ndarray
    sources: np.ndarray
    sizes: np.ndarray
    texts: list[str]
    figures: list[list[Figure]]
    indptr: np.ndarray
    keys: np.ndarray
    loaded: int
    key_names: list[str] = field(default_factory=list)
    source_names: list[str] = field(default_factory=list)
    unlinkable: list[tuple[int, str]] = field(default_factory=list)  # (num, source id) of the others
    exact: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=np.int64))
    vectors: np.ndarray = field(default_factory=lambda: np.zeros((0, DIMENSIONS), dtype=np.int8))
    quotes: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=bool))


# The columns build_corpus reads, in its order.
COLUMNS = "num, source_id, text, numbers, kind"


def load_corpus(db: Database, progress: Progress | None = None) -> Corpus:
    """Read, normalise and embed every item; keep the linkable ones."""
    total = db.execute("SELECT count(*) FROM items").fetchone()[0]
    return build_corpus(db.execute(f"SELECT {COLUMNS} FROM items ORDER BY num"), total, progress)


def exact_key(item: Normalised) -> int:
    """A 64-bit hash of an item as compared: its content words in order of sorting, its
    figures and whether it says *not*. Equal keys: the same statement, whatever the
    punctuation, case, function words or the way its figures are written."""
    figures = sorted(f"{figure.key}={figure.value}" for figure in item.figures)
    said = f"{' '.join(sorted(item.tokens))}|{';'.join(figures)}|{int(item.negated)}"
    return int.from_bytes(hashlib.blake2b(said.encode(), digest_size=8).digest(), "little", signed=True)


def _stored_mentions(numbers: str) -> list:
    """The number mentions of an item's ``numbers`` column; none when it holds no JSON list (a
    script wrote over it): the figures are derived data, and the item's words still link."""
    if numbers == "[]":
        return []
    try:
        mentions = json.loads(numbers)
    except (TypeError, ValueError, RecursionError):  # RecursionError: arrays nested thousands deep
        return []
    return mentions if isinstance(mentions, list) else []


def build_corpus(
    rows: Iterable[tuple[int, str, str, str, str]], total: int = 0, progress: Progress | None = None
) -> Corpus:
    """Normalise and embed ``(num, source_id, text, numbers JSON, kind)`` rows (:data:`COLUMNS`)
    into a corpus. A short sentence is linkable only as a quotation."""
    nums: list[int] = []
    sources: list[int] = []
    sizes: list[int] = []
    texts: list[str] = []
    figures: list[list[Figure]] = []
    lengths: list[int] = []
    keys: list[int] = []
    unlinkable: list[tuple[int, str]] = []
    source_ids: dict[str, int] = {}
    key_ids: dict[str, int] = {}
    token_keys: dict[str, int] = {}  # token -> its blocking key's id
    exact: list[int] = []
    quotes: list[bool] = []
    vectors: list[np.ndarray] = []
    waiting: list[str] = []  # texts to embed, a batch at a time
    if progress:
        progress("reading", 0, total)
    for done, (num, source, text, numbers, kind) in enumerate(rows, 1):
        item = normalise(text, _stored_mentions(numbers))
        if not item.linkable or (item.short and kind != "quote"):
            unlinkable.append((num, source))
            continue
        waiting.append(text)
        if len(waiting) == READ_BATCH:
            vectors.append(quantise(embed(waiting)))
            waiting.clear()
        exact.append(exact_key(item))
        quotes.append(kind == "quote")
        nums.append(num)
        sources.append(source_ids.setdefault(source, len(source_ids)))
        sizes.append(len(set(item.tokens)))
        texts.append(item.sorted_text)
        figures.append(item.figures)
        item_keys = set()
        for token in item.tokens:
            key = token_keys.get(token)
            if key is None:
                key = token_keys[token] = key_ids.setdefault(blocking_key(token), len(key_ids))
            item_keys.add(key)
        lengths.append(len(item_keys))
        keys.extend(item_keys)
        if progress and done % READ_BATCH == 0:
            progress("reading", done, total)
    vectors.append(quantise(embed(waiting)))
    key_names = sorted(key_ids)
    renumber = np.empty(len(key_ids), dtype=np.int64)
    renumber[[key_ids[name] for name in key_names]] = np.arange(len(key_names))
    return Corpus(
        np.array(nums, dtype=np.int64),
        np.array(sources, dtype=np.int64),
        np.array(sizes, dtype=np.int64),
        texts,
        figures,
        np.r_[0, np.cumsum(lengths, dtype=np.int64)],
        renumber[np.array(keys, dtype=np.int64)],
        len(nums) + len(unlinkable),
        key_names,
        list(source_ids),
        unlinkable,
        np.array(exact, dtype=np.int64),
        np.concatenate(vectors),
        np.array(quotes, dtype=bool),
    )
