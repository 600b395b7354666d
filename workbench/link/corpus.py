"""The items a link run compares, normalised, as parallel arrays."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

import numpy as np
from sqlite_utils import Database

from .normalise import Figure, blocking_key, normalise

Progress = Callable[[str, int, int], None]
READ_BATCH = 20_000


@dataclass
class Corpus:
    """Linkable items as parallel arrays indexed by position; blocking keys as CSR ids
    numbered in the order of their names (so (df, id) order is (df, name) order in every run)."""

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


def load_corpus(db: Database, progress: Progress | None = None) -> Corpus:
    """Read and normalise every item; keep the linkable ones."""
    total = db.execute("SELECT count(*) FROM items").fetchone()[0]
    return build_corpus(db.execute("SELECT num, source_id, text, numbers FROM items ORDER BY num"), total, progress)


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


def build_corpus(rows: Iterable[tuple[int, str, str, str]], total: int = 0, progress: Progress | None = None) -> Corpus:
    """Normalise ``(num, source_id, text, numbers JSON)`` rows into a corpus."""
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
    for done, (num, source, text, numbers) in enumerate(rows, 1):
        item = normalise(text, _stored_mentions(numbers))
        if not item.linkable:
            unlinkable.append((num, source))
            continue
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
    )
