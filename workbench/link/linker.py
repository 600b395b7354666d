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

import concurrent.futures as cf
import json
import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import numpy as np
from sqlite_utils import Database

from ..store.database import in_batches, now, write_transaction
from ..store.links import suggested
from . import incremental, index
from .candidates import candidate_codes, decode, groups, key_hashes, merge_codes, pair_codes, select_rows
from .clusters import refresh_clusters
from .corpus import Corpus, Progress, load_corpus
from .drift import drift, quote_speakers, same_speaker
from .meaning import cosines, norms
from .neighbours import SEARCH_DIMENSIONS, nearest_cells, neighbour_pairs, search_vectors, train_cells
from .normalise import MIN_CONTENT_WORDS, Figure, negated, plain
from .repeats import Repeats, across_sources, repeat_groups
from .scoring import (
    CONFLICT_MIN,
    DEFAULT_THRESHOLD,
    SEMANTIC_SPEAKER_MIN,
    SEMANTIC_SPEAKER_WORDING_MIN,
    SEMANTIC_WORDING_MIN,
    TokenMasks,
    figure_conflicts,
    score_pairs,
    semantic_min,
    token_masks,
)

# Candidate pairs scored at a time: bounds the arrays of scores, cosines and flags.
SCORE_BATCH = 4_000_000
# The lowest wording score a link by meaning takes: under it a pair's score is never read.
WORDING_FLOOR = min(SEMANTIC_SPEAKER_WORDING_MIN, SEMANTIC_WORDING_MIN)


@dataclass
class LinkSummary:
    """What a link run did."""

    items: int = 0  # items loaded (linkable or not)
    compared: int = 0  # items compared against everything (the new ones, or all)
    candidates: int = 0  # cross-source candidate pairs scored
    repeats: int = 0  # links holding repeat groups together (a star per group: no pair scored)
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


class Item:
    """An item as :func:`classify` compares it. ``plain`` and ``negated`` are worked out
    once per item (an item of a big cluster of near-repeats is in thousands of pairs) and
    only when a pair asks: most pairs are ruled out before."""

    __slots__ = ("_negated", "_plain", "id", "kind", "speaker", "text")

    def __init__(self, item_id: str, kind: str, text: str, speaker: str | None):
        self.id, self.kind, self.text, self.speaker = item_id, kind, text, speaker
        self._plain: str | None = None
        self._negated: bool | None = None

    @property
    def plain(self) -> str:
        if self._plain is None:
            self._plain = plain(self.text)
        return self._plain

    @property
    def negated(self) -> bool:
        if self._negated is None:
            self._negated = negated(self.text)
        return self._negated


def item(item_id: str, kind: str, text: str, speaker: str | None) -> Item:
    return Item(item_id, kind, text, speaker)


def _details(db: Database, nums: np.ndarray) -> dict[int, Item]:
    return {
        num: item(*rest)
        for num, *rest in in_batches(
            db, "SELECT num, id, kind, text, speaker FROM items WHERE num IN ({})", np.unique(nums).tolist()
        )
    }


def classify(
    score: float,
    contained: bool,
    threshold: float,
    item_a: Item,
    item_b: Item,
    figures_a: Sequence[Figure],
    figures_b: Sequence[Figure],
    meaning: float = 0.0,
    short: bool = False,
    same_words: bool = False,
) -> dict | None:
    """The link row for a scored pair (``item_*``: see :func:`item`), or None.

    ``score``: the wording's similarity (rapidfuzz, 0-100); ``meaning``: the cosine of the
    sentence vectors; ``short``: either item is a short quotation, which links only to the
    same words (``same_words``: the same content words) or to its own speaker's rewording;
    ``item_a`` must have the smaller id. A pair whose figures disagree is a number conflict
    when its wording is near-identical and nothing otherwise: meaning never overrides it.
    Two sentences of which one says *not* are no match either, unless one holds the other.
    """
    quotes_by_one = item_a.kind == item_b.kind == "quote" and same_speaker(item_a.speaker, item_b.speaker)
    if short and not (same_words or quotes_by_one):
        return None
    if (
        score < threshold
        and not _close_in_meaning(meaning * 100, score, threshold, quotes_by_one)
        and item_a.plain != item_b.plain
    ):
        return None  # no link of any kind (a number conflict needs the threshold): the cheap tests first
    conflicts = figure_conflicts(figures_a, figures_b)
    if conflicts:
        if score < max(threshold, CONFLICT_MIN):
            return None
        return {
            "item_a": item_a.id,
            "item_b": item_b.id,
            "score": round(score, 1),
            "method": "number-conflict",
            "drift": None,
            "conflict": json.dumps(conflicts),
        }
    if item_a.plain == item_b.plain:
        method, score = "exact", 100.0
    elif item_a.negated != item_b.negated and not contained:
        return None
    elif score >= threshold:
        method = "containment" if contained else "fuzzy"
    elif _close_in_meaning(meaning * 100, score, threshold, quotes_by_one):
        method, score = "semantic", meaning * 100
    else:
        return None
    changes = drift(item_a.text, item_b.text) if quotes_by_one else None
    return {
        "item_a": item_a.id,
        "item_b": item_b.id,
        "score": round(score, 1),
        "method": method,
        "drift": json.dumps(changes, ensure_ascii=False) if changes else None,
        "conflict": None,
    }


def _close_in_meaning(meaning: float, score: float, threshold: float, quotes_by_one: bool) -> bool:
    """A link by meaning: two quotes of one speaker at SEMANTIC_SPEAKER_MIN with a wording
    score of SEMANTIC_SPEAKER_WORDING_MIN, any two items at SEMANTIC_MIN with one of
    SEMANTIC_WORDING_MIN (the cosines raised with the threshold)."""
    if quotes_by_one and meaning >= semantic_min(threshold, SEMANTIC_SPEAKER_MIN):
        return score >= SEMANTIC_SPEAKER_WORDING_MIN
    return meaning >= semantic_min(threshold) and score >= SEMANTIC_WORDING_MIN


def score_candidates(
    db: Database,
    corpus: Corpus,
    a: np.ndarray,
    b: np.ndarray,
    threshold: float,
    progress: Progress | None = None,
    identical: bool = False,
    masks: TokenMasks | None = None,
) -> tuple[list[dict], int]:
    """Link rows for the cross-source pairs ``(a, b)`` (positions in ``corpus``) at the
    threshold or by meaning, and how many pairs were scored. ``identical``: the pairs are
    repeats (same exact key), scored 100 without comparing them; ``masks``: the corpus'
    :func:`.scoring.token_masks`, when already made."""
    if progress:
        progress("scoring", 0, len(a))
    if identical:
        scores, contained = np.full(len(a), 100.0, dtype=np.float32), np.zeros(len(a), dtype=bool)
        meaning, meaningful = np.ones(len(a), dtype=np.float32), np.ones(len(a), dtype=bool)
    else:
        meaning = cosines(corpus.vectors, norms(corpus.vectors), a, b) * 100
        scores, contained = score_pairs(corpus.texts, corpus.sizes, a, b, threshold, masks=masks)
        # Pairs that may link by meaning: two quotes of one speaker over the lower floor, any
        # two over the higher. Rapidfuzz's pruning may have scored them 0 under the threshold, so they are
        # scored again down to the wording floor; the rest never reach Python.
        by_one = corpus.quotes[a] & corpus.quotes[b] & (meaning >= semantic_min(threshold, SEMANTIC_SPEAKER_MIN))
        by_one[by_one] = _same_speakers(corpus, a[by_one], b[by_one])
        close = np.flatnonzero((scores < threshold) & (by_one | (meaning >= semantic_min(threshold))))
        if len(close):
            scores[close], contained[close] = score_pairs(
                corpus.texts, corpus.sizes, a[close], b[close], WORDING_FLOOR, masks=masks
            )
            contained[close] &= scores[close] >= threshold
        meaningful = (by_one & (scores >= SEMANTIC_SPEAKER_WORDING_MIN)) | (
            (meaning >= semantic_min(threshold)) & (scores >= SEMANTIC_WORDING_MIN)
        )
        meaning /= 100
    hits = np.flatnonzero((scores >= threshold) | meaningful)
    hit_a, hit_b = a[hits], b[hits]
    details = _details(db, np.r_[corpus.nums[hit_a], corpus.nums[hit_b]])
    short = corpus.sizes < MIN_CONTENT_WORDS
    # Plain Python values in one go: indexing numpy arrays pair by pair cost more than classifying.
    pairs = zip(
        hit_a.tolist(),
        hit_b.tolist(),
        corpus.nums[hit_a].tolist(),
        corpus.nums[hit_b].tolist(),
        scores[hits].tolist(),
        contained[hits].tolist(),
        meaning[hits].tolist(),
        (short[hit_a] | short[hit_b]).tolist(),
    )
    rows = []
    for done, (i, j, num_i, num_j, score, inside, close, either_short) in enumerate(pairs, 1):
        item_i, item_j = details.get(num_i), details.get(num_j)
        if item_i is None or item_j is None:  # deleted by another process since it was read
            continue
        if item_i.id > item_j.id:
            i, j, item_i, item_j = j, i, item_j, item_i
        row = classify(
            score,
            inside,
            threshold,
            item_i,
            item_j,
            corpus.figures[i],
            corpus.figures[j],
            close,
            either_short,
            identical or corpus.texts[i] == corpus.texts[j],
        )
        if row:
            rows.append(row)
        if progress and done % 10_000 == 0:
            progress("classifying", done, len(hits))
    return rows, len(a)


def _same_speakers(corpus: Corpus, a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """:func:`.drift.same_speaker` of each pair, asked once per pair of speakers."""
    codes = (corpus.speakers[a] << 32) | corpus.speakers[b]
    distinct, inverse = np.unique(codes, return_inverse=True)
    names = corpus.speaker_names
    same = [same_speaker(names[code >> 32], names[code & 0xFFFFFFFF]) for code in distinct.tolist()]
    return np.array(same, dtype=bool)[inverse]


def _score_representatives(
    db: Database, corpus: Corpus, repeats: Repeats, codes: np.ndarray, threshold: float, progress: Progress | None
) -> tuple[list[dict], int]:
    """:func:`score_candidates` over the candidate pairs of representatives (``codes``,
    :func:`.candidates.decode`), as pairs of items from different sources, ``SCORE_BATCH``
    at a time: only each batch's scores and the links found are held, not arrays the size
    of every candidate pair (tens of millions at a million items)."""
    if progress:
        progress("scoring", 0, len(codes))
    masks = token_masks(np.asarray(corpus.texts, dtype=object), np.arange(len(corpus.texts)))  # once, not per batch
    rows: list[dict] = []
    scored = 0
    for begin in range(0, len(codes), SCORE_BATCH):
        if progress and begin:  # the classifying of each batch's hits is part of this stage
            progress("scoring", begin, len(codes))
        a, b = decode(codes[begin : begin + SCORE_BATCH])
        a, b = across_sources(repeats, corpus.sources, repeats.representatives[a], repeats.representatives[b])
        found, count = score_candidates(db, corpus, a, b, threshold, masks=masks)
        rows.extend(found)
        scored += count
    return rows, scored


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
    """Normalise and embed every item, group repeats, find candidates among the groups'
    representatives (all pairs or those with a new item), score, and rebuild the index."""
    version = index.data_version(db)  # before reading: a commit by anyone else from here on shows
    corpus = load_corpus(db, progress)
    new = None if new_nums is None else np.isin(corpus.nums, np.array(new_nums, dtype=np.int64))
    summary = LinkSummary(items=corpus.loaded, compared=len(corpus.nums) if new is None else int(new.sum()))
    if progress:
        progress("grouping", 0, 1)
    repeats = repeat_groups(corpus.exact, corpus.sources)
    representatives = repeats.representatives
    # Prefixes in the order of every item's keys, as the index freezes it for incremental runs.
    df = np.bincount(corpus.keys, minlength=len(corpus.key_names))
    grouped = groups(
        *select_rows(corpus.indptr, corpus.keys, representatives),
        key_hashes(corpus.key_names),
        df,
        quotes=corpus.quotes[representatives],
        speakers=quote_speakers(corpus.quotes, corpus.speakers, corpus.speaker_names)[representatives],
    )
    search = search_vectors(corpus.vectors[representatives, :SEARCH_DIMENSIONS])  # no copy of whole vectors
    centres = train_cells(search)
    cells = nearest_cells(search, centres) if len(centres) else np.zeros((0, 1), dtype=np.int64)
    if progress:
        progress("indexing", 0, 1)
    found = index.Found(representatives, grouped, centres, cells[:, 0])
    # Only the usable groups from here on: every block of every item was for the index.
    members, starts, sizes = grouped.members, grouped.starts[grouped.usable], grouped.sizes[grouped.usable]
    masks = grouped.masks
    del grouped
    # The index is rebuilt in a thread on this connection while the candidates are found and
    # scored: its writes (one SQLite writer, a fifth of a big run) go on beside work that
    # reads no table but items. The index is a cache: it commits apart from the links.
    with cf.ThreadPoolExecutor(1) as pool:
        indexing = pool.submit(_rebuild_index, db, corpus, found, version)
        del found
        # A group is new when any member is: its representative is compared again.
        fresh = None if new is None else np.bincount(repeats.group_of, weights=new, minlength=len(representatives)) > 0
        if progress:
            progress("candidates", 0, 1)
        codes = np.zeros(0, np.int64)
        if summary.compared:
            found_codes = [candidate_codes(members, starts, sizes, fresh, masks)]
            del members, starts, sizes, masks
            near_a, near_b = neighbour_pairs(search, cells, search, cells[:, 0])
            if fresh is not None:
                involved = fresh[near_a] | fresh[near_b]
                near_a, near_b = near_a[involved], near_b[involved]
            found_codes.extend(pair_codes(near_a, near_b))
            del near_a, near_b
            codes = merge_codes(found_codes)
        del search, cells
        rows, summary.candidates = _score_representatives(db, corpus, repeats, codes, threshold, progress)
        del codes
        indexing.result()
    star_a, star_b = repeats.star
    if new is not None:
        involved = new[star_a] | new[star_b]
        star_a, star_b = star_a[involved], star_b[involved]
    star_rows, _ = score_candidates(db, corpus, star_a, star_b, threshold, identical=True)
    summary.repeats = len(star_rows)
    _write(
        db,
        star_rows + rows,
        summary,
        full=new_nums is None,
        seeds=None,
        progress=progress,
        version=version,
        queue=queue,
    )
    return summary


def _rebuild_index(db: Database, corpus: Corpus, found: index.Found, version: int) -> None:
    with write_transaction(db):
        index.rebuild(db, corpus, found, version)


def _link_through_index(
    db: Database, new_nums: list[int], threshold: float, progress: Progress | None, queue: tuple[int, list[int] | None]
) -> LinkSummary:
    """Normalise and embed only the new items; look their partners up in the index."""
    version = index.data_version(db)
    found = incremental.candidates(db, new_nums, progress)
    summary = LinkSummary(items=found.new.loaded, compared=found.new.loaded)
    rows, summary.candidates = score_candidates(db, found.corpus, *found.pairs, threshold, progress)
    star_rows, _ = score_candidates(db, found.corpus, *found.star, threshold, identical=True)
    summary.repeats = len(star_rows)
    rows = star_rows + rows
    ids = [row[0] for row in in_batches(db, "SELECT id FROM items WHERE num IN ({})", new_nums)]
    seeds = set(ids) | {row[key] for row in rows for key in ("item_a", "item_b")} | index.stale_members(db)
    _write(
        db,
        rows,
        summary,
        full=False,
        seeds=seeds,
        progress=progress,
        indexed=(found.new, found.found),
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
    indexed: tuple[Corpus, index.Found] | None = None,
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
