"""The items a link run compares, normalised and embedded, as parallel arrays."""

from __future__ import annotations

import collections
import concurrent.futures as cf
import hashlib
import itertools
import json
import multiprocessing
import multiprocessing.connection
import os
import threading
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field

import numpy as np
from sqlite_utils import Database

from .meaning import DIMENSIONS, embed, quantise
from .normalise import Figure, Normalised, blocking_key, normalise

Progress = Callable[[str, int, int], None]
READ_BATCH = 20_000
# A corpus this big is normalised and embedded in READ_WORKERS processes (a process takes
# a second or two to start and load the vectors; the reading then runs about twice as fast).
PARALLEL_MIN = 50_000
READ_WORKERS = 2


@dataclass
class Corpus:
    """Linkable items as parallel arrays indexed by position; blocking keys as CSR ids
    numbered in the order of their names (so (df, id) order is (df, name) order in every run).

    ``exact``: a hash of what the item says as compared (:func:`exact_key`): items sharing
    it are repeats of one statement. ``vectors``: int8 sentence vectors (:mod:`.meaning`).
    ``quotes``: which items are quotes; ``speakers``: each item's speaker as a number in
    ``speaker_names`` (None for no speaker).
    """

    nums: np.ndarray
    sources: np.ndarray
    sizes: np.ndarray
    texts: list[str]
    figures: list[Sequence[Figure]]
    indptr: np.ndarray
    keys: np.ndarray
    loaded: int
    key_names: list[str] = field(default_factory=list)
    source_names: list[str] = field(default_factory=list)
    unlinkable: list[tuple[int, str]] = field(default_factory=list)  # (num, source id) of the others
    exact: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=np.int64))
    vectors: np.ndarray = field(default_factory=lambda: np.zeros((0, DIMENSIONS), dtype=np.int8))
    quotes: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=bool))
    speakers: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=np.int64))
    speaker_names: list[str | None] = field(default_factory=list)


# The columns build_corpus reads, in its order.
COLUMNS = "num, source_id, text, numbers, kind, speaker"


def load_corpus(db: Database, progress: Progress | None = None) -> Corpus:
    """Read, normalise and embed every item; keep the linkable ones."""
    total = db.execute("SELECT count(*) FROM items").fetchone()[0]
    workers = READ_WORKERS if total >= PARALLEL_MIN else 1
    return build_corpus(db.execute(f"SELECT {COLUMNS} FROM items ORDER BY num"), total, progress, workers)


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


@dataclass
class _Prepared:
    """One batch of rows normalised and embedded (in a worker process, for a big corpus):
    per linkable item its num, source id, distinct content words, sorted text, figures,
    blocking keys (distinct, in the order of its tokens), exact key, kind and speaker; its vectors."""

    nums: list[int]
    sources: list[str]
    sizes: list[int]
    texts: list[str]
    figures: list[Sequence[Figure]]
    keys: list[list[str]]
    exact: list[int]
    quotes: list[bool]
    speakers: list[str | None]
    vectors: np.ndarray
    unlinkable: list[tuple[int, str]]


def _prepare(rows: list[tuple[int, str, str, str, str, str | None]]) -> _Prepared:
    """Normalise and embed a batch of rows (see :func:`build_corpus`)."""
    batch = _Prepared([], [], [], [], [], [], [], [], [], np.zeros((0, DIMENSIONS), dtype=np.int8), [])
    embedded: list[str] = []
    for num, source, text, numbers, kind, speaker in rows:
        item = normalise(text, _stored_mentions(numbers))
        if not item.linkable or (item.short and kind != "quote"):
            batch.unlinkable.append((num, source))
            continue
        embedded.append(text)
        batch.exact.append(exact_key(item))
        batch.quotes.append(kind == "quote")
        batch.speakers.append(speaker)
        batch.nums.append(num)
        batch.sources.append(source)
        batch.sizes.append(len(set(item.tokens)))
        batch.texts.append(item.sorted_text)
        batch.figures.append(tuple(item.figures))  # () is one object: most items give no figure
        batch.keys.append(list(dict.fromkeys(map(blocking_key, item.tokens))))
    batch.vectors = quantise(embed(embedded))
    return batch


def _batches(rows: Iterable[tuple], size: int) -> Iterator[list[tuple]]:
    iterator = iter(rows)
    while batch := list(itertools.islice(iterator, size)):
        yield batch


def _start_reading() -> None:
    """A reading process ends with the run that started it, even one killed with SIGKILL
    (it would otherwise wait for ever to hand over its batch). It is not niced: the rest of
    the link runs at the run's own priority, and niced readers made it wait on a busy host."""
    parent = multiprocessing.parent_process()
    if parent is not None:
        threading.Thread(target=_end_with, args=(parent.sentinel,), daemon=True).start()


def _end_with(sentinel: int) -> None:
    multiprocessing.connection.wait([sentinel])
    os._exit(1)


def _prepared(rows: Iterable[tuple], workers: int, batch: int) -> Iterator[_Prepared]:
    """The rows' batches prepared in order: in ``workers`` processes (spawned: the parent
    may hold tokenizer threads), a bounded number in flight, or here when ``workers`` is 1."""
    if workers <= 1:
        yield from map(_prepare, _batches(rows, batch))
        return
    context = multiprocessing.get_context("spawn")
    with cf.ProcessPoolExecutor(workers, mp_context=context, initializer=_start_reading) as pool:
        pending: collections.deque[cf.Future] = collections.deque()
        for rows_batch in _batches(rows, batch):
            pending.append(pool.submit(_prepare, rows_batch))
            if len(pending) > 2 * workers:
                yield pending.popleft().result()
        while pending:
            yield pending.popleft().result()


def build_corpus(
    rows: Iterable[tuple[int, str, str, str, str, str | None]],
    total: int = 0,
    progress: Progress | None = None,
    workers: int = 1,
    batch: int = READ_BATCH,
) -> Corpus:
    """Normalise and embed ``(num, source_id, text, numbers JSON, kind, speaker)`` rows (:data:`COLUMNS`)
    into a corpus, ``batch`` rows at a time in ``workers`` processes. A short sentence is
    linkable only as a quotation. ``total``: the rows expected, for the progress and to
    place the vectors without copying them (fewer or more rows are fine).

    Each batch is turned into arrays as it arrives and dropped: a million items' numbers
    and key ids as Python lists, and every batch's vectors beside their concatenation, were
    gigabytes at once."""
    source_ids: dict[str, int] = {}
    key_ids: dict[str, int] = {}
    speaker_ids: dict[str | None, int] = {}
    columns: dict[str, list[np.ndarray]] = {
        name: [] for name in ("nums", "sources", "sizes", "exact", "quotes", "keys", "speakers")
    }
    lengths: list[int] = []
    texts: list[str] = []
    figures: list[Sequence[Figure]] = []
    unlinkable: list[tuple[int, str]] = []
    vectors = np.empty((total, DIMENSIONS), dtype=np.int8)  # pages are only taken as rows are filled
    count = done = 0
    if progress:
        progress("reading", 0, total)
    for part in _prepared(rows, workers, batch):
        part_keys: list[int] = []
        for item_keys in part.keys:
            ids = {key_ids.setdefault(key, len(key_ids)) for key in item_keys}
            lengths.append(len(ids))
            part_keys.extend(ids)
        columns["keys"].append(np.array(part_keys, dtype=np.int64))
        columns["nums"].append(np.array(part.nums, dtype=np.int64))
        columns["sources"].append(np.array([source_ids.setdefault(s, len(source_ids)) for s in part.sources], np.int64))
        columns["sizes"].append(np.array(part.sizes, dtype=np.int64))
        columns["exact"].append(np.array(part.exact, dtype=np.int64))
        columns["quotes"].append(np.array(part.quotes, dtype=bool))
        columns["speakers"].append(
            np.array([speaker_ids.setdefault(s, len(speaker_ids)) for s in part.speakers], np.int64)
        )
        texts.extend(part.texts)
        figures.extend(part.figures)
        unlinkable.extend(part.unlinkable)
        if count + len(part.nums) > len(vectors):
            vectors = np.concatenate([vectors[:count], part.vectors])
        else:
            vectors[count : count + len(part.nums)] = part.vectors
        count += len(part.nums)
        done += len(part.nums) + len(part.unlinkable)
        if progress:
            progress("reading", done, total)
    key_names = sorted(key_ids)
    renumber = np.empty(len(key_ids), dtype=np.int64)
    renumber[[key_ids[name] for name in key_names]] = np.arange(len(key_names))
    joined = {name: np.concatenate(parts) if parts else np.zeros(0, np.int64) for name, parts in columns.items()}
    return Corpus(
        joined["nums"],
        joined["sources"],
        joined["sizes"],
        texts,
        figures,
        np.r_[0, np.cumsum(lengths, dtype=np.int64)],
        renumber[joined["keys"]],
        count + len(unlinkable),
        key_names,
        list(source_ids),
        unlinkable,
        joined["exact"],
        vectors[:count],
        joined["quotes"].astype(bool),
        joined["speakers"],
        list(speaker_ids),
    )
