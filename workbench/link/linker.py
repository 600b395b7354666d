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
from collections.abc import Iterable
from dataclasses import dataclass

import numpy as np
from sqlite_utils import Database

from ..store.database import in_batches, now, write_transaction
from ..store.links import suggested
from . import index
from .candidates import Groups, candidate_pairs, groups, key_hashes
from .clusters import refresh_clusters
from .corpus import Corpus, Progress, load_corpus
from .drift import drift, same_speaker
from .normalise import Figure, plain
from .scoring import CONFLICT_MIN, DEFAULT_THRESHOLD, figure_conflicts, score_pairs


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


def _nums(db: Database, item_ids: Iterable[str]) -> list[int]:
    return sorted(
        row[0] for row in in_batches(db, "SELECT num FROM items WHERE id IN ({})", list(dict.fromkeys(item_ids)))
    )


def _details(db: Database, nums: np.ndarray) -> dict[int, tuple]:
    return {
        num: tuple(rest)
        for num, *rest in in_batches(
            db, "SELECT num, id, kind, text, speaker FROM items WHERE num IN ({})", np.unique(nums).tolist()
        )
    }


def classify(
    score: float,
    contained: bool,
    threshold: float,
    item_a: tuple,
    item_b: tuple,
    figures_a: list[Figure],
    figures_b: list[Figure],
) -> dict | None:
    """The link row for a scored pair (``item_*`` = id, kind, text, speaker), or None.

    ``item_a`` must have the smaller id.
    """
    conflicts = figure_conflicts(figures_a, figures_b)
    if conflicts:
        if score < max(threshold, CONFLICT_MIN):
            return None
        return {
            "item_a": item_a[0],
            "item_b": item_b[0],
            "score": round(score, 1),
            "method": "number-conflict",
            "drift": None,
            "conflict": json.dumps(conflicts),
        }
    if plain(item_a[2]) == plain(item_b[2]):
        method, score = "exact", 100.0
    else:
        method = "containment" if contained else "fuzzy"
    changes = None
    if item_a[1] == item_b[1] == "quote" and same_speaker(item_a[3], item_b[3]):
        changes = drift(item_a[2], item_b[2])
    return {
        "item_a": item_a[0],
        "item_b": item_b[0],
        "score": round(score, 1),
        "method": method,
        "drift": json.dumps(changes, ensure_ascii=False) if changes else None,
        "conflict": None,
    }


def cross_source(corpus: Corpus, a: np.ndarray, b: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The candidate pairs ``(a, b)`` (positions in ``corpus``) from different sources:
    only those are linked. Pass the candidates as a temporary, so they are freed here."""
    cross = corpus.sources[a] != corpus.sources[b]
    return a[cross], b[cross]


def score_candidates(
    db: Database, corpus: Corpus, a: np.ndarray, b: np.ndarray, threshold: float, progress: Progress | None = None
) -> tuple[list[dict], int]:
    """Link rows for the cross-source pairs ``(a, b)`` (positions in ``corpus``; see
    :func:`cross_source`) at the threshold, and how many pairs were scored."""
    if progress:
        progress("scoring", 0, len(a))
    scores, contained = score_pairs(corpus.texts, corpus.sizes, a, b, threshold)
    hits = np.flatnonzero(scores >= threshold)
    details = _details(db, np.r_[corpus.nums[a[hits]], corpus.nums[b[hits]]])
    rows = []
    for done, hit in enumerate(hits, 1):
        i, j = int(a[hit]), int(b[hit])
        item_i, item_j = details.get(int(corpus.nums[i])), details.get(int(corpus.nums[j]))
        if item_i is None or item_j is None:  # deleted by another process since it was read
            continue
        if item_i[0] > item_j[0]:
            i, j, item_i, item_j = j, i, item_j, item_i
        row = classify(
            float(scores[hit]), bool(contained[hit]), threshold, item_i, item_j, corpus.figures[i], corpus.figures[j]
        )
        if row:
            rows.append(row)
        if progress and done % 10_000 == 0:
            progress("classifying", done, len(hits))
    return rows, len(a)


UPSERT = f"""
INSERT INTO links (item_a, item_b, score, method, state, drift, conflict, created_at)
VALUES (:item_a, :item_b, :score, :method, 'suggested', :drift, :conflict, :created_at)
ON CONFLICT (item_a, item_b) DO UPDATE SET
    score = excluded.score, method = excluded.method, drift = excluded.drift, conflict = excluded.conflict
WHERE {suggested()}
"""


def write_links(db: Database, rows: list[dict], full: bool) -> tuple[int, int]:
    """Upsert ``rows``; a full run also drops suggestions it no longer makes.

    Returns (added, removed). Call inside a write transaction.
    """
    before = db.execute("SELECT count(*) FROM links").fetchone()[0]
    stamp = now()
    rows = sorted(rows, key=lambda row: (row["item_a"], row["item_b"]))  # in key order: B-tree pages stay warm
    db.conn.executemany(UPSERT, ({**row, "created_at": stamp} for row in rows))
    removed = 0
    if full:
        db.execute("CREATE TEMP TABLE IF NOT EXISTS link_run (item_a TEXT, item_b TEXT, PRIMARY KEY (item_a, item_b))")
        db.execute("DELETE FROM temp.link_run")
        db.conn.executemany("INSERT INTO temp.link_run VALUES (?, ?)", ((r["item_a"], r["item_b"]) for r in rows))
        removed = db.execute(
            f"DELETE FROM links WHERE {suggested()} AND NOT EXISTS (SELECT 1 FROM temp.link_run r "
            "WHERE r.item_a = links.item_a AND r.item_b = links.item_b)"
        ).rowcount
        db.execute("DROP TABLE temp.link_run")
    after = db.execute("SELECT count(*) FROM links").fetchone()[0]
    return after - before + removed, removed


def link_items(
    db: Database,
    item_ids: Iterable[str] | None = None,
    threshold: float | None = None,
    progress: Progress | None = None,
) -> LinkSummary:
    """Link items that state the same claim or quote across sources.

    ``item_ids=None`` links everything against everything (and drops suggestions no
    longer made); otherwise only pairs involving one of ``item_ids`` are considered
    (an incremental run after ingest): when the blocking index covers every other item,
    only the new items are read and normalised and their partners are looked up in it.
    ``threshold`` is the minimum score, 0-100. ``progress(stage, done, total)`` is
    called as the run advances. The items a run covers leave the link queue in the
    transaction that writes their links.
    """
    marker = index.queue_marker(db)
    new_nums = None if item_ids is None else _nums(db, item_ids)
    return _run(db, new_nums, new_nums, marker, threshold, progress)


def link_pending(db: Database, threshold: float | None = None, progress: Progress | None = None) -> LinkSummary:
    """Link every item in the link queue: those stored and not linked yet, whether by this
    ingest or by an earlier run that was interrupted (killed, disk full) before linking."""
    marker = index.queue_marker(db)
    nums = index.queued(db, marker)
    if not nums and not db.execute("SELECT EXISTS (SELECT 1 FROM link_stale_clusters)").fetchone()[0]:
        if marker:  # only items deleted since they were queued
            with write_transaction(db):
                index.dequeue(db, marker, None)
        return LinkSummary()
    return _run(db, nums, None, marker, threshold, progress)


def _run(
    db: Database,
    new_nums: list[int] | None,
    dequeued: list[int] | None,
    marker: int,
    threshold: float | None,
    progress: Progress | None,
) -> LinkSummary:
    """Link ``new_nums`` (None: everything); drop queue rows up to ``marker`` (of
    ``dequeued`` only, when given) with the links."""
    started = time.monotonic()
    threshold = DEFAULT_THRESHOLD if threshold is None else float(threshold)
    if not 0 <= threshold <= 100:
        raise ValueError(f"threshold {threshold:g} is not between 0 and 100")
    queue = (marker, dequeued)
    if new_nums is not None and index.covers(db, new_nums):
        summary = _link_through_index(db, new_nums, threshold, progress, queue)
    else:
        summary = _link_in_memory(db, new_nums, threshold, progress, queue)
    summary.seconds = time.monotonic() - started
    return summary


def _link_in_memory(
    db: Database,
    new_nums: list[int] | None,
    threshold: float,
    progress: Progress | None,
    queue: tuple[int, list[int] | None],
) -> LinkSummary:
    """Normalise every item, group them all, score (all pairs or those with a new item),
    and rebuild the blocking index on the way."""
    version = index.data_version(db)  # before reading: a commit by anyone else from here on shows
    corpus = load_corpus(db, progress)
    new = None if new_nums is None else np.isin(corpus.nums, np.array(new_nums, dtype=np.int64))
    summary = LinkSummary(items=corpus.loaded, compared=len(corpus.nums) if new is None else int(new.sum()))
    if progress:
        progress("candidates", 0, 1)
    grouped = groups(corpus.indptr, corpus.keys, key_hashes(corpus.key_names))
    with write_transaction(db):  # the index is a cache: it may commit apart from the links
        index.rebuild(db, corpus, grouped, version)  # emptied instead if the items changed meanwhile
    # Only the usable groups from here on: every block of every item was for the index.
    members, starts, sizes = grouped.members, grouped.starts[grouped.usable], grouped.sizes[grouped.usable]
    del grouped
    a, b = (
        cross_source(corpus, *candidate_pairs(members, starts, sizes, new))
        if summary.compared
        else (np.zeros(0, np.int64),) * 2
    )
    del members
    rows, summary.candidates = score_candidates(db, corpus, a, b, threshold, progress)
    _write(db, rows, summary, full=new_nums is None, seeds=None, progress=progress, version=version, queue=queue)
    return summary


def _link_through_index(
    db: Database, new_nums: list[int], threshold: float, progress: Progress | None, queue: tuple[int, list[int] | None]
) -> LinkSummary:
    """Normalise only the new items; look their partners up in the blocking index."""
    version = index.data_version(db)
    corpus, a, b, new, grouped = index.candidates(db, new_nums, progress)
    a, b = cross_source(corpus, a, b)
    summary = LinkSummary(items=new.loaded, compared=new.loaded)
    rows, summary.candidates = score_candidates(db, corpus, a, b, threshold, progress)
    ids = [row[0] for row in in_batches(db, "SELECT id FROM items WHERE num IN ({})", new_nums)]
    seeds = set(ids) | {row[key] for row in rows for key in ("item_a", "item_b")} | index.stale_members(db)
    _write(
        db,
        rows,
        summary,
        full=False,
        seeds=seeds,
        progress=progress,
        indexed=(new, grouped),
        version=version,
        queue=queue,
    )
    return summary


def _write(
    db: Database,
    rows: list[dict],
    summary: LinkSummary,
    *,
    full: bool,
    seeds: set[str] | None,
    progress: Progress | None,
    indexed: tuple[Corpus, Groups] | None = None,
    version: int | None = None,
    queue: tuple[int, list[int] | None] = (0, []),
) -> None:
    """Write the run's links, clusters and (incremental) index entries in one transaction,
    and drop the queue rows it covered (``queue``: see :func:`index.dequeue`).

    ``version``: :func:`index.data_version` when the run started reading. If another
    connection committed since, what was read may be out of date: links to items gone
    meanwhile are not written, a full run drops no suggestion (it may not have seen the
    items behind it) and the new items are not indexed (the next run re-reads instead).
    """
    if progress:
        progress("writing", 0, 1)
    with write_transaction(db):
        if version is not None and index.data_version(db) != version:
            present = {
                row[0]
                for row in in_batches(
                    db,
                    "SELECT id FROM items WHERE id IN ({})",
                    sorted({row[key] for row in rows for key in ("item_a", "item_b")}),
                )
            }
            rows = [row for row in rows if row["item_a"] in present and row["item_b"] in present]
            full, indexed = False, None
            if seeds is not None:  # clusters that lost a member meanwhile are recomputed too
                seeds = seeds | index.stale_members(db)
        summary.links = len(rows)
        summary.conflicts = sum(row["method"] == "number-conflict" for row in rows)
        summary.drift = sum(row["drift"] is not None for row in rows)
        if indexed is not None:
            index.add(db, *indexed)
        summary.added, summary.removed = write_links(db, rows, full=full)
        summary.clusters_changed = refresh_clusters(db, seeds)
        index.clear_stale(db)
        index.dequeue(db, *queue)
