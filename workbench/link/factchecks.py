"""Matching items against published fact-checks with the linker's own machinery.

Each item is a query to :class:`.retrieve.Retriever` over the whole archive (``factchecks``),
a batch of items searched together (:meth:`.Retriever.search_many`, each item ranked as alone):
the linker's normalisation, its candidate stage (words, characters and the meaning signal
fused by rank, reading what the item's rarest terms and nearest cells hold, never the whole
archive) and its rapidfuzz score. Of the ``PER_QUERY`` best entries, a pair is kept when

- it is close enough: ``closeness`` (a logistic model, :data:`CLOSENESS_WEIGHTS`, of the
  pair's own evidence: the sentence vectors' cosine, the character n-grams' cosine, the rare
  words both share, the linker's score and the ranking score) reaches ``MIN_CLOSENESS``. The
  cosines and the shared words are the pair's alone, whatever else ranks for the item, so an
  item that nothing in the archive means, spells or names the same as gets no suggestion
  however the ranks fall; and
- no figure other than a date disagrees (:func:`guarded`, :func:`.scoring.figure_conflicts`:
  a claim of 5% is not the one checked at 15%, but a claim seen in 2019 may be the one
  checked in 2018).

A short post (a tweet) is also matched as a whole (:func:`_posts`), each match suggested on
the post's item closest to the entry.

Its stored score is the retriever's ranking score on a 0-100 scale (``Retriever.search``:
fused candidate ranks and the linker's score), which orders an item's suggestions.

Both sides are incremental. :func:`match_new_items` matches the items added since the last
run (``factcheck_progress.items_through``) after each ingest. :func:`match_new_entries`
matches the entries never matched (``matched_at IS NULL``) after each import: an index of
the new entries alone finds the items that may match them, and those items are then
matched against the whole archive as an ingest would, so the order in which articles and
archives arrive changes nothing. Suggestions are written with
:func:`workbench.store.factchecks.save_matches`, which never touches a reviewer's decision.
The whole archive's index is stored (``factcheck_index``) and read back by the next run while
no import has changed the archive: an ingest then costs what its new items cost. Items are
matched ``BATCH`` at a time, in ``WORKERS`` forked processes when there are more.
"""

from __future__ import annotations

import json
import math
import os
from collections import deque
from collections.abc import Iterable, Iterator, Mapping, Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import asdict, dataclass, replace
from functools import cached_property
from itertools import chain, islice
from multiprocessing import get_context

import numpy as np
from sqlite_utils import Database
from threadpoolctl import threadpool_limits

from ..extract.claims import WHOLE_POST_WORDS
from ..extract.numbers import find_numbers
from ..extract.patterns import WORD
from ..store.database import in_batches, now, open_db, run_in_batches, write_transaction
from ..store.factchecks import archive_key, load_index, save_index, save_matches
from .meaning import embed
from .normalise import Figure, normalise
from .retrieve import LINKER_WEIGHT, Retriever
from .scoring import figure_conflicts

# The closeness gate: a logistic model of whether an entry the search ranks for an item is a
# fact-check of what it says, from the pair's own evidence (:func:`evidence`). Fitted by
# bench/factcheck_gate.py --fit (weights none below 0, so that more of any evidence never
# counts against a match; both classes weighed equally) on CLEF-2020 task 2 train's true pairs
# among the PER_QUERY candidates of each tweet and of its items (1,188) against the candidates
# of every item of half of CLEF-2019 task 1's debates and speeches ("debates A", 34,175: claims
# none of those fact-checks concern). The shared rare words are what the cosines and the ranking
# lacked: debate sentences on the same subjects mean and spell much like the checked claims.
# MAP@5 never counts a wrong suggestion, so the gate is set for precision. At 73, against the
# gate before (cosines and ranking, bench/eval_matching.py --product --unrelated): CLEF-2020
# train MAP@5 0.781 -> 0.803 (with the dates out of the number guard); items with a (wrong)
# suggestion: the other half of the debates 1,441 -> 686 of 5,009, PolNeAR dev's news 964 -> 751
# of 2,926, the demo corpus (news about Belarus, fixtures/) 9 -> 10 of 122.
CLOSENESS_WEIGHTS = {
    "cosine": 1.2957,
    "spelling": 1.5937,
    "ranking": 5.2242,
    "linker": 0.6066,
    "rarest": 1.8127,
    "total": 2.1873,
}
CLOSENESS_BIAS = -10.3708
MIN_CLOSENESS = 73.0
# Entries considered per item.
PER_QUERY = 5
# Items read and matched per transaction.
BATCH = 2000
# Processes matching batches of items when there is more than one batch. Each runs its matrix
# products on one BLAS thread: they are small, and threads waiting on each other cost more than
# they save (a 200,000-entry archive's cell searches took 13 times the CPU with OpenBLAS's
# threads on a busy 2-core machine, and matching 1.4 times: bench/factchecks.py).
WORKERS = min(os.cpu_count() or 1, 4)
# An entry as matched: the claim and the fact-check's headline, which restates it in other
# words (figures are the claim's own: factchecks.numbers).
ENTRY_TEXT = "claim || coalesce(' ' || title, '')"
# Retriever.search's best possible score, for the 0-100 scale.
BEST_RANKING = 1 + LINKER_WEIGHT


# The database file and the archive the worker processes inherit (then their own connection).
_shared: tuple | None = None


@dataclass
class MatchSummary:
    items: int = 0
    entries: int = 0
    matches: int = 0


@dataclass
class Archive:
    """Entries as the matcher sees them: ids, ``(text, number mentions)``, and their index."""

    ids: list[int]
    documents: Sequence[tuple[str, list]]
    index: Retriever

    @cached_property
    def positions(self) -> dict[int, int]:
        """Each entry id's position (made once per archive, not per batch of items)."""
        return {entry_id: position for position, entry_id in enumerate(self.ids)}

    def entries(self, positions: Iterable[int]) -> dict[int, tuple[str, list]]:
        """The ``(text, number mentions)`` of the entries at ``positions``, read together."""
        if isinstance(self.documents, StoredEntries):
            return self.documents.many(positions)
        return {position: self.documents[position] for position in positions}


class StoredEntries(Sequence):
    """The archive's ``(text, number mentions)`` by position, read from ``factchecks`` when
    asked: a search needs the few it suggests, not the whole archive decoded."""

    def __init__(self, db: Database, ids: list[int]):
        self.db, self.ids = db, ids

    def __len__(self) -> int:
        return len(self.ids)

    def __getitem__(self, position):
        if isinstance(position, slice):
            return [self[one] for one in range(*position.indices(len(self)))]
        return self.many([position])[position]

    def many(self, positions: Iterable[int]) -> dict[int, tuple[str, list]]:
        """The entries at ``positions``, by position, in one query per 500."""
        by_id = {self.ids[position]: position for position in positions}
        sql = f"SELECT id, {ENTRY_TEXT}, numbers FROM factchecks WHERE id IN ({{}})"
        return {by_id[id_]: (text, _mentions(numbers)) for id_, text, numbers in in_batches(self.db, sql, list(by_id))}


def _mentions(numbers: str) -> list:
    try:
        mentions = json.loads(numbers)
    except (TypeError, ValueError, RecursionError):
        return []
    return mentions if isinstance(mentions, list) else []


def _archive(db: Database, only_unmatched: bool = False) -> Archive | None:
    """The entries (those never matched, or all) and their index. The whole archive's index is
    read from ``factcheck_index`` when the archive has not changed since it was stored (with
    the entries' ids alone: their texts are read when suggested), and stored when it is built."""
    key = archive_key(db)
    if only_unmatched and not db.execute("SELECT 1 FROM factchecks WHERE matched_at IS NOT NULL LIMIT 1").fetchone():
        only_unmatched = False  # every entry is new: the whole archive's index serves both
    if not only_unmatched and (stored := load_index(db, key)) is not None and Retriever.readable(stored):
        ids = [id_ for (id_,) in db.execute("SELECT id FROM factchecks ORDER BY id")]
        if archive_key(db) == key:  # (no import wrote while the ids were read)
            return Archive(ids, StoredEntries(db, ids), Retriever.from_arrays(stored))
    where = "WHERE matched_at IS NULL" if only_unmatched else ""
    rows = db.execute(f"SELECT id, {ENTRY_TEXT}, numbers FROM factchecks {where} ORDER BY id").fetchall()
    if not rows:
        return None
    documents = [(text, _mentions(numbers)) for _, text, numbers in rows]
    ids = [id_ for id_, _, _ in rows]
    if only_unmatched or archive_key(db) != key:  # (an import wrote while the rows were read)
        return Archive(ids, documents, Retriever(documents))
    index = Retriever(documents)
    with write_transaction(db):
        if archive_key(db) == key:
            save_index(db, key, index.arrays())
    return Archive(ids, documents, index)


def evidence(
    cosine: float, spelling: float, ranking: float, linker: float, total: float, rarest: float
) -> dict[str, float]:
    """What :func:`closeness` weighs of an entry found for an item: their sentence vectors'
    cosine, their character n-grams' cosine (``spelling``), the entry's ranking score
    (``Retriever.search``), the linker's score (0-100) and the rare words they share
    (``Retriever.shared_words``: ``total`` and ``rarest``), by the names of
    :data:`CLOSENESS_WEIGHTS`."""
    return {
        "cosine": cosine,
        "spelling": spelling,
        "ranking": ranking,
        "linker": linker / 100,
        "rarest": rarest,
        "total": total,
    }


def closeness(found: Mapping[str, float]) -> float:
    """How likely an entry is a fact-check of an item, 0-100, from its :func:`evidence`."""
    logit = CLOSENESS_BIAS + sum(weight * found[name] for name, weight in CLOSENESS_WEIGHTS.items())
    return 100 / (1 + math.exp(-logit))


def guarded(figures: Sequence[Figure]) -> list[Figure]:
    """The figures the number guard compares: not dates, which an archive's claim gives for when
    it went round (a hoax comes back each year) as often as for what it says."""
    return [figure for figure in figures if not isinstance(figure.value, str)]  # (a date's value is ISO text)


def matches(
    archive: Archive, text: str, numbers: list, vector: np.ndarray, near: np.ndarray | None = None
) -> list[tuple[int, float, str]]:
    """``(entry id, score, method)`` of the entries an item matches (``vector``: the item's
    sentence vector; ``near``: its meaning candidates, :meth:`.Retriever.nearby`, when the
    caller has them): :func:`matches_many` of one item."""
    return matches_many(archive, [(text, numbers)], vector[None], None if near is None else [near])[0]


def matches_many(
    archive: Archive, items: Sequence[tuple[str, list]], vectors: np.ndarray, near: Sequence[np.ndarray] | None = None
) -> list[list[tuple[int, float, str]]]:
    """:func:`matches` of many ``(text, number mentions)`` items, searched together
    (:meth:`.Retriever.search_many`), the entries whose figures are compared read together."""
    ranked = archive.index.search_many(items, limit=PER_QUERY, vectors=vectors, near=near)
    owners = np.repeat(np.arange(len(ranked)), [len(one.docs) for one in ranked])
    docs = np.concatenate([one.docs for one in ranked] + [np.zeros(0, np.int64)])
    shared = archive.index.shared_words([one.query.tokens for one in ranked], owners, docs)
    totals, rarests = iter(shared.total.tolist()), iter(shared.rarest.tolist())
    close = [
        [
            (position, min(100.0, 100 * ranking / BEST_RANKING), fuzzy, cosine)
            for position, ranking, fuzzy, cosine, spelling, total, rarest in zip(
                one.docs.tolist(),
                one.scores.tolist(),
                one.linker.tolist(),
                one.cosines.tolist(),
                one.spellings.tolist(),
                islice(totals, len(one.docs)),
                islice(rarests, len(one.docs)),
            )
            if closeness(evidence(cosine, spelling, ranking, fuzzy, total, rarest)) >= MIN_CLOSENESS
        ]
        for one in ranked
    ]
    compared = archive.entries(
        {position for one, found in zip(ranked, close) if one.query.figures for position, *_ in found}
    )
    entry_figures = {position: guarded(normalise(*entry).figures) for position, entry in compared.items()}
    return [
        [
            (archive.ids[position], score, "semantic" if 100 * cosine > fuzzy else "fuzzy")
            for position, score, fuzzy, cosine in found
            if not ((figures := guarded(one.query.figures)) and figure_conflicts(figures, entry_figures[position]))
        ]
        for one, found in zip(ranked, close)
    ]


def _suggestions(db: Database, archive: Archive, rows: list[tuple]) -> list[tuple[str, int, float, str]]:
    """``(item id, entry id, score, method)`` for ``(num, id, text, numbers, source id)`` item
    rows: each item's matches, and each short post's matched as a whole (:func:`_posts`)."""
    vectors = embed([text for _, _, text, _, _ in rows]) if rows else np.zeros((0, 0), dtype=np.float32)
    items = [(text, _mentions(numbers)) for _, _, text, numbers, _ in rows]
    found = {
        (item_id, entry_id): (score, method)
        for (_, item_id, *_), matched in zip(rows, matches_many(archive, items, vectors))
        for entry_id, score, method in matched
    }
    for (item_id, entry_id), (score, method) in _posts(db, archive, rows):
        if score > found.get((item_id, entry_id), (-1.0, ""))[0]:
            found[item_id, entry_id] = (score, method)
    return [(item_id, entry_id, score, method) for (item_id, entry_id), (score, method) in found.items()]


def _posts(db: Database, archive: Archive, rows: list[tuple]) -> Iterator[tuple[tuple[str, int], tuple[float, str]]]:
    """A short post (:data:`~workbench.extract.claims.WHOLE_POST_WORDS` words at most) is
    checked as a whole: its text is matched like an item's, and each match is suggested on
    the post's item (among ``rows``) that the linker finds closest to the entry, whose figures
    do not disagree with the entry's. (Extraction makes a short post an item of its own only
    when a line of it is no sentence: a post read whole ranks fact-checks better than the
    best of its sentences, MAP@5 0.77 against 0.70 on CLEF-2020 train.)"""
    by_source: dict[str, list[tuple]] = {}
    for row in rows:
        by_source.setdefault(row[4], []).append(row)
    texts = {
        source_id: " ".join(text.split())
        for source_id, text in in_batches(db, "SELECT id, text FROM sources WHERE id IN ({})", list(by_source))
        if _is_post(text)
    }
    texts = {
        source_id: text for source_id, text in texts.items() if all(row[2] != text for row in by_source[source_id])
    }
    if not texts:
        return
    posts = [(text, [asdict(mention) for mention in find_numbers(text)]) for text in texts.values()]
    for source_id, matched in zip(texts, matches_many(archive, posts, embed(list(texts.values())))):
        items = by_source[source_id]
        for entry_id, score, method in matched:
            position = np.array([archive.positions[entry_id]], dtype=np.int64)
            entry_figures = guarded(normalise(*archive.documents[position[0]]).figures)
            closest = [
                (archive.index.linker_scores(item_text, _mentions(numbers), position)[0], item_id)
                for _, item_id, item_text, numbers, _ in items
                if not figure_conflicts(guarded(normalise(item_text, _mentions(numbers)).figures), entry_figures)
            ]
            if closest:
                yield (max(closest)[1], entry_id), (score, method)


def _is_post(text: str) -> bool:
    return sum(1 for _ in islice(WORD.finditer(text), WHOLE_POST_WORDS + 1)) <= WHOLE_POST_WORDS


def _items(db: Database, after: int, limit: int) -> list[tuple]:
    return db.execute(
        "SELECT num, id, text, numbers, source_id FROM items WHERE num > ? ORDER BY num LIMIT ?", [after, limit]
    ).fetchall()


def _batches(db: Database, after: int) -> Iterator[list[tuple]]:
    while rows := _items(db, after, BATCH):
        yield rows
        after = rows[-1][0]


def _matched(db: Database, archive: Archive, after: int) -> Iterator[tuple[list[tuple], list]]:
    """The items after ``after``, :data:`BATCH` at a time, each batch with its suggestions, in
    order; in :data:`WORKERS` processes when there is more than one batch (forked: they share
    the archive's index with this one, and read the database with connections of their own)."""
    global _shared
    batches = _batches(db, after)
    head = list(islice(batches, 2))
    path = db.execute("PRAGMA database_list").fetchone()[2]
    if len(head) < 2 or WORKERS < 2 or not path:
        with threadpool_limits(limits=1, user_api="blas"):
            for rows in chain(head, batches):
                yield rows, _suggestions(db, archive, rows)
        return
    _shared = (path, archive)
    pool = ProcessPoolExecutor(WORKERS, mp_context=get_context("fork"), initializer=_open_worker)
    try:
        window = chain(head, islice(batches, 2 * WORKERS - 2))  # batches in flight: bounds memory
        pending = deque((rows, pool.submit(_worker_suggestions, rows)) for rows in window)
        while pending:
            rows, future = pending.popleft()
            pending.extend((more, pool.submit(_worker_suggestions, more)) for more in islice(batches, 1))
            yield rows, future.result()
    finally:
        pool.shutdown(cancel_futures=True)
        _shared = None


def _open_worker() -> None:
    """A worker's own read-only connection, and the archive's entries read through it."""
    global _shared
    threadpool_limits(limits=1, user_api="blas")  # for the rest of the worker's life
    path, archive = _shared
    db = open_db(path, readonly=True)
    if isinstance(archive.documents, StoredEntries):
        archive = replace(archive, documents=StoredEntries(db, archive.ids))
    _shared = (db, archive)


def _worker_suggestions(rows: list[tuple]) -> list[tuple[str, int, float, str]]:
    db, archive = _shared
    return _suggestions(db, archive, rows)


def match_new_items(db: Database) -> MatchSummary:
    """Match the items added since the last run against the whole archive."""
    summary = MatchSummary()
    archive = _archive(db)
    if archive is None:  # nothing to match: the items are covered when entries come
        with write_transaction(db):
            db.execute("UPDATE factcheck_progress SET items_through = (SELECT coalesce(max(num), 0) FROM items)")
        return summary
    after = db.execute("SELECT items_through FROM factcheck_progress").fetchone()[0]
    for rows, found in _matched(db, archive, after):
        with write_transaction(db):
            summary.matches += save_matches(db, found)
            db.execute("UPDATE factcheck_progress SET items_through = max(items_through, ?)", [rows[-1][0]])
        summary.items += len(rows)
    return summary


def match_new_entries(db: Database) -> MatchSummary:
    """Match the entries never matched against every item, then mark them matched."""
    summary = MatchSummary()
    if not db.execute("SELECT 1 FROM items LIMIT 1").fetchone():  # nothing to match yet: ingests will
        with write_transaction(db):
            summary.entries = db.execute(
                f"UPDATE factchecks SET matched_at = '{now()}' WHERE matched_at IS NULL"
            ).rowcount
        return summary
    new = _archive(db, only_unmatched=True)
    if new is None:
        return summary
    # Every entry new: matching against them is matching against the whole archive.
    if len(new.ids) == db.execute("SELECT count(*) FROM factchecks").fetchone()[0]:
        batches = _matched(db, new, 0)
    else:
        whole: list[Archive] = []
        batches = ((rows, _concerned_suggestions(db, new, whole, rows)) for rows in _batches(db, 0))
    for rows, found in batches:
        if found:
            with write_transaction(db):
                summary.matches += save_matches(db, found)
        summary.items += len(rows)
    with write_transaction(db):
        run_in_batches(db, f"UPDATE factchecks SET matched_at = '{now()}' WHERE id IN ({{}})", new.ids)
    summary.entries = len(new.ids)
    return summary


def _concerned_suggestions(db: Database, new: Archive, whole: list[Archive], rows: list[tuple]) -> list[tuple]:
    """The items the new entries may concern, matched against the whole archive (read into
    ``whole`` when first needed) with the other items of their sources (a short post's match
    goes on its closest item)."""
    concerned = {item_id for item_id, *_ in _suggestions(db, new, rows)}
    sources = {row[4] for row in rows if row[1] in concerned}
    rows_concerned = [row for row in rows if row[4] in sources]
    if not rows_concerned:
        return []
    if not whole:
        whole.append(_archive(db))
    return _suggestions(db, whole[0], rows_concerned)
