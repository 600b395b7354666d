"""A link run: load and normalise items, generate candidates, score, write links.

Only pairs from different sources are linked. A pair whose wording matches at the
threshold is stored with method ``exact`` (same words), ``containment`` (one sentence
inside the other) or ``fuzzy``; if its figures disagree it is stored as
``number-conflict`` instead (and only when the wording is near-identical), with the
disagreeing values in ``links.conflict``. Two quotes by the same speaker whose words
differ get the differences in ``links.drift``. Claims may link to quotes: a claim that
repeats what someone said is the same statement and takes the same verdict.

Reviewers' decisions are never overwritten: re-linking updates only ``suggested`` links.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass

import numpy as np
from sqlite_utils import Database

from ..store.database import write_transaction
from ..store.reviews import now
from .candidates import candidate_pairs
from .clusters import refresh_clusters
from .drift import drift, same_speaker
from .normalise import Figure, blocking_key, normalise, plain
from .scoring import CONFLICT_MIN, DEFAULT_THRESHOLD, figure_conflicts, score_pairs

Progress = Callable[[str, int, int], None]
READ_BATCH = 20_000


@dataclass
class LinkSummary:
    """What a link run did."""

    items: int = 0  # items loaded (linkable or not)
    compared: int = 0  # items compared against everything (the new ones, or all)
    candidates: int = 0  # cross-source candidate pairs scored
    links: int = 0  # pairs at or above the threshold, number conflicts included
    added: int = 0
    conflicts: int = 0
    drift: int = 0
    removed: int = 0  # stale suggestions dropped by a full run
    clusters_changed: int = 0  # items whose cluster_id changed
    seconds: float = 0.0


@dataclass
class Corpus:
    """The linkable items, as parallel arrays indexed by position."""

    nums: np.ndarray
    sources: np.ndarray
    sizes: np.ndarray
    texts: list[str]
    figures: list[list[Figure]]
    indptr: np.ndarray
    keys: np.ndarray
    loaded: int


def load_corpus(db: Database, progress: Progress | None = None) -> Corpus:
    """Read and normalise every item; keep the linkable ones."""
    total = db.execute("SELECT count(*) FROM items").fetchone()[0]
    nums: list[int] = []
    sources: list[int] = []
    sizes: list[int] = []
    texts: list[str] = []
    figures: list[list[Figure]] = []
    lengths: list[int] = []
    keys: list[int] = []
    source_ids: dict[str, int] = {}
    key_ids: dict[str, int] = {}
    token_keys: dict[str, int] = {}  # token -> its blocking key's id
    done = 0
    cursor = db.execute("SELECT num, source_id, text, numbers FROM items ORDER BY num")
    while rows := cursor.fetchmany(READ_BATCH):
        for num, source, text, numbers in rows:
            item = normalise(text, json.loads(numbers) if numbers != "[]" else ())
            if not item.linkable:
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
        done += len(rows)
        if progress:
            progress("reading", done, total)
    return Corpus(
        np.array(nums, dtype=np.int64), np.array(sources, dtype=np.int64), np.array(sizes, dtype=np.int64),
        texts, figures, np.r_[0, np.cumsum(lengths, dtype=np.int64)], np.array(keys, dtype=np.int64), total,
    )


def _new_mask(db: Database, corpus: Corpus, item_ids: Iterable[str]) -> np.ndarray:
    ids = list(dict.fromkeys(item_ids))
    nums: list[int] = []
    for begin in range(0, len(ids), 500):
        part = ids[begin:begin + 500]
        nums.extend(row[0] for row in db.execute(
            f"SELECT num FROM items WHERE id IN ({','.join('?' * len(part))})", part))
    return np.isin(corpus.nums, np.array(nums, dtype=np.int64))


def _details(db: Database, nums: np.ndarray) -> dict[int, tuple]:
    found: dict[int, tuple] = {}
    listed = np.unique(nums).tolist()
    for begin in range(0, len(listed), 500):
        part = listed[begin:begin + 500]
        for num, *rest in db.execute(
                f"SELECT num, id, kind, text, speaker FROM items WHERE num IN ({','.join('?' * len(part))})", part):
            found[num] = tuple(rest)
    return found


def classify(score: float, contained: bool, threshold: float, item_a: tuple, item_b: tuple,
             figures_a: list[Figure], figures_b: list[Figure]) -> dict | None:
    """The link row for a scored pair (``item_*`` = id, kind, text, speaker), or None.

    ``item_a`` must have the smaller id.
    """
    conflicts = figure_conflicts(figures_a, figures_b)
    if conflicts:
        if score < max(threshold, CONFLICT_MIN):
            return None
        return {"item_a": item_a[0], "item_b": item_b[0], "score": round(score, 1), "method": "number-conflict",
                "drift": None, "conflict": json.dumps(conflicts)}
    if plain(item_a[2]) == plain(item_b[2]):
        method, score = "exact", 100.0
    else:
        method = "containment" if contained else "fuzzy"
    changes = None
    if item_a[1] == item_b[1] == "quote" and same_speaker(item_a[3], item_b[3]):
        changes = drift(item_a[2], item_b[2])
    return {"item_a": item_a[0], "item_b": item_b[0], "score": round(score, 1), "method": method,
            "drift": json.dumps(changes, ensure_ascii=False) if changes else None, "conflict": None}


def find_links(db: Database, corpus: Corpus, new: np.ndarray | None, threshold: float,
               progress: Progress | None = None) -> tuple[list[dict], int]:
    """Link rows for every cross-source pair at the threshold, and how many were scored."""
    if progress:
        progress("candidates", 0, 1)
    a, b = candidate_pairs(corpus.indptr, corpus.keys, new)
    cross = corpus.sources[a] != corpus.sources[b]
    a, b = a[cross], b[cross]
    if progress:
        progress("scoring", 0, len(a))
    scores, contained = score_pairs(corpus.texts, corpus.sizes, a, b, threshold)
    hits = np.flatnonzero(scores >= threshold)
    details = _details(db, np.r_[corpus.nums[a[hits]], corpus.nums[b[hits]]])
    rows = []
    for done, hit in enumerate(hits, 1):
        i, j = int(a[hit]), int(b[hit])
        item_i, item_j = details[int(corpus.nums[i])], details[int(corpus.nums[j])]
        if item_i[0] > item_j[0]:
            i, j, item_i, item_j = j, i, item_j, item_i
        row = classify(float(scores[hit]), bool(contained[hit]), threshold, item_i, item_j,
                       corpus.figures[i], corpus.figures[j])
        if row:
            rows.append(row)
        if progress and done % 10_000 == 0:
            progress("classifying", done, len(hits))
    return rows, len(a)


UPSERT = """
INSERT INTO links (item_a, item_b, score, method, state, drift, conflict, created_at)
VALUES (:item_a, :item_b, :score, :method, 'suggested', :drift, :conflict, :created_at)
ON CONFLICT (item_a, item_b) DO UPDATE SET
    score = excluded.score, method = excluded.method, drift = excluded.drift, conflict = excluded.conflict
WHERE links.state = 'suggested'
"""


def write_links(db: Database, rows: list[dict], full: bool) -> tuple[int, int]:
    """Upsert ``rows``; a full run also drops suggestions it no longer makes.

    Returns (added, removed). Call inside a write transaction.
    """
    before = db.execute("SELECT count(*) FROM links").fetchone()[0]
    stamp = now()
    db.conn.executemany(UPSERT, ({**row, "created_at": stamp} for row in rows))
    removed = 0
    if full:
        db.execute("CREATE TEMP TABLE IF NOT EXISTS link_run (item_a TEXT, item_b TEXT, PRIMARY KEY (item_a, item_b))")
        db.execute("DELETE FROM temp.link_run")
        db.conn.executemany("INSERT INTO temp.link_run VALUES (?, ?)", ((r["item_a"], r["item_b"]) for r in rows))
        removed = db.execute(
            "DELETE FROM links WHERE state = 'suggested' AND NOT EXISTS (SELECT 1 FROM temp.link_run r "
            "WHERE r.item_a = links.item_a AND r.item_b = links.item_b)").rowcount
        db.execute("DROP TABLE temp.link_run")
    after = db.execute("SELECT count(*) FROM links").fetchone()[0]
    return after - before + removed, removed


def link_items(db: Database, item_ids: Iterable[str] | None = None, threshold: float | None = None,
               progress: Progress | None = None) -> LinkSummary:
    """Link items that state the same claim or quote across sources.

    ``item_ids=None`` links everything against everything (and drops suggestions no
    longer made); otherwise only pairs involving one of ``item_ids`` are considered
    (an incremental run after ingest). ``threshold`` is the minimum score, 0-100.
    ``progress(stage, done, total)`` is called as the run advances.
    """
    started = time.monotonic()
    threshold = DEFAULT_THRESHOLD if threshold is None else float(threshold)
    if not 0 <= threshold <= 100:
        raise ValueError(f"threshold {threshold:g} is not between 0 and 100")
    corpus = load_corpus(db, progress)
    new = None if item_ids is None else _new_mask(db, corpus, item_ids)
    summary = LinkSummary(items=corpus.loaded, compared=len(corpus.nums) if new is None else int(new.sum()))
    rows, summary.candidates = find_links(db, corpus, new, threshold, progress) if summary.compared else ([], 0)
    summary.links = len(rows)
    summary.conflicts = sum(row["method"] == "number-conflict" for row in rows)
    summary.drift = sum(row["drift"] is not None for row in rows)
    if progress:
        progress("writing", 0, 1)
    with write_transaction(db):
        summary.added, summary.removed = write_links(db, rows, full=item_ids is None)
        summary.clusters_changed = refresh_clusters(db)
    summary.seconds = time.monotonic() - started
    return summary
