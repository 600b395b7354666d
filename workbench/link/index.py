"""The blocking index: what an incremental link run looks existing items up in.

Every in-memory run (a full ``workbench link``, or an incremental one the index cannot
serve) rewrites it: each blocking key with its document frequency (``link_keys``: the
order in which prefixes are taken, frozen until the next rebuild), each item as the
linker compares it (``link_signatures``) and the blocks (hashed pairs of prefix keys)
each linkable item is grouped under (``link_blocks``). An incremental run then
normalises only the new items, takes their prefixes in the same frozen order and reads
the items sharing one of their blocks through the primary key: its work follows the
new items and the blocks they hit, not the size of the database. Keys first seen after
the rebuild count as the rarest (frequency 0), in name order, so every item's prefix is
still taken in one fixed order and the prefix filtering guarantee holds across runs.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass

import numpy as np
from sqlite_utils import Database

from ..store.database import in_batches, run_in_batches
from .candidates import Groups
from .corpus import Corpus

WRITE_BATCH = 500_000
ROWS_PER_INSERT = 400  # 800 bound values: under the 999 of SQLite before 3.32


def data_version(db: Database) -> int:
    """SQLite's ``PRAGMA data_version``: it changes when another connection commits (never
    for this connection's own commits), so a run can tell whether what it read is still current."""
    return db.execute("PRAGMA data_version").fetchone()[0]


def covers(db: Database, new_nums: list[int]) -> bool:
    """Whether the index holds every item but the new ones, from a corpus at least as
    large as the new items (frequencies frozen on a handful of items would make poor prefixes).

    Counts alone would miss an index written from an out-of-date read (an item deleted and
    another added since): an added row is numbered above every row present, so an item
    numbered above every indexed one that is not new is a gap too.
    """
    total = db.execute("SELECT count(*) FROM items").fetchone()[0]
    indexed, top = db.execute("SELECT count(*), max(num) FROM link_signatures").fetchone()
    new_indexed = sum(1 for _ in in_batches(db, "SELECT num FROM link_signatures WHERE num IN ({})", new_nums))
    old = indexed - new_indexed
    if not (total - indexed == len(new_nums) - new_indexed and old >= max(1, len(new_nums) - new_indexed)):
        return False
    above = db.execute("SELECT count(*) FROM items WHERE num > ?", [top]).fetchone()[0]
    return above == sum(1 for num in new_nums if num > top)


def rebuild(db: Database, corpus: Corpus, found: Found, version: int | None = None) -> bool:
    """Replace the whole index with ``corpus`` (every item) and what was found in it. Call
    inside a write transaction.

    ``version``: :func:`data_version` taken before ``corpus`` was read. If another
    connection has committed since, the corpus may be out of date (items deleted, added or
    edited meanwhile): the index is emptied instead, so the next incremental run does not
    trust it and rebuilds it from a fresh read. Returns whether the index was written.
    """
    for table in ("link_keys", "link_signatures", "link_blocks", "link_vectors", "link_cells"):
        db.execute(f"DELETE FROM {table}")
    if version is not None and data_version(db) != version:
        return False
    df = np.bincount(corpus.keys, minlength=len(corpus.key_names))
    db.conn.executemany("INSERT INTO link_keys VALUES (?, ?)", zip(corpus.key_names, df.tolist()))
    db.conn.executemany(
        "INSERT INTO link_cells VALUES (?, ?)", ((cell, centre.tobytes()) for cell, centre in enumerate(found.centres))
    )
    _write_entries(db, corpus, found, "INSERT")
    return True


def add(db: Database, corpus: Corpus, found: Found) -> None:
    """Add the new items of an incremental run; keys not seen before are frozen as the rarest."""
    db.conn.executemany("INSERT OR IGNORE INTO link_keys VALUES (?, 0)", ((name,) for name in corpus.key_names))
    _write_entries(db, corpus, found, "INSERT OR REPLACE")


@dataclass
class Found:
    """What a run files in the index besides the items: the representatives of the repeat
    groups (positions in the corpus), their blocks (:class:`.candidates.Groups` over the
    representatives, in their order), the cell centres and each representative's cell."""

    representatives: np.ndarray
    grouped: Groups
    centres: np.ndarray
    cells: np.ndarray


def _write_entries(db: Database, corpus: Corpus, found: Found, verb: str) -> None:
    db.conn.executemany(
        f"{verb} INTO link_signatures (num, source_id, tokens, size, figures, keys, exact) "
        "VALUES (?, ?, ?, ?, ?, ?, ?)",
        _signatures(corpus),
    )
    db.conn.executemany(
        f"{verb} INTO link_signatures (num, source_id, tokens, size, figures, keys) VALUES (?, ?, '', 0, '[]', '')",
        corpus.unlinkable,
    )
    representatives, grouped = found.representatives, found.grouped
    db.conn.executemany(
        f"{verb} INTO link_vectors VALUES (?, ?, ?)",
        zip(
            corpus.nums[representatives].tolist(),
            found.cells.tolist(),
            (row.tobytes() for row in corpus.vectors[representatives]),
        ),
    )
    # OR IGNORE: groups() lists an item once per block; a repeat must not wedge every later run
    block_verb = "INSERT OR IGNORE" if verb == "INSERT" else verb
    for begin in range(0, len(grouped.members), WRITE_BATCH):  # in slices: no second copy of the groups
        entries = np.arange(begin, min(begin + WRITE_BATCH, len(grouped.members)))
        blocks = grouped.blocks[np.searchsorted(grouped.starts, entries, side="right") - 1]
        nums = corpus.nums[representatives[grouped.members[entries]]]
        _insert_pairs(db, f"{block_verb} INTO link_blocks", np.c_[blocks, nums])


def _insert_pairs(db: Database, insert: str, rows: np.ndarray) -> None:
    """``insert`` (``INSERT ... INTO table``) every row of a two-column array, ROWS_PER_INSERT
    rows per statement: one row per statement spends three quarters of the time binding
    and stepping in Python, and an index rebuild writes tens of millions of rows."""
    whole = len(rows) - len(rows) % ROWS_PER_INSERT
    if whole:
        values = ",".join(["(?, ?)"] * ROWS_PER_INSERT)
        db.conn.executemany(f"{insert} VALUES {values}", rows[:whole].reshape(-1, 2 * ROWS_PER_INSERT).tolist())
    db.conn.executemany(f"{insert} VALUES (?, ?)", rows[whole:].tolist())


def _signatures(corpus: Corpus) -> Iterator[tuple]:
    names = corpus.key_names
    for position, num in enumerate(corpus.nums.tolist()):
        keys = corpus.keys[corpus.indptr[position] : corpus.indptr[position + 1]].tolist()
        yield (
            num,
            corpus.source_names[corpus.sources[position]],
            corpus.texts[position],
            int(corpus.sizes[position]),
            json.dumps(corpus.figures[position]),
            " ".join(names[key] for key in keys),
            int(corpus.exact[position]),
        )


def queue_marker(db: Database) -> int:
    """The highest row id of the link queue (items added or changed since a run last covered
    them): the rows up to it were queued before a run that reads it began."""
    return db.execute("SELECT max(id) FROM link_queue").fetchone()[0] or 0


def queued(db: Database, marker: int) -> list[int]:
    """The items queued up to ``marker`` that still exist."""
    return [
        row[0]
        for row in db.execute(
            "SELECT DISTINCT num FROM link_queue WHERE id <= ? AND num IN (SELECT num FROM items) ORDER BY num",
            [marker],
        )
    ]


def dequeue(db: Database, marker: int, nums: list[int] | None) -> None:
    """Drop the queue rows up to ``marker`` (of ``nums`` only, when given); call in the
    transaction that writes their links. Rows queued since stay for the next run."""
    if nums is None:
        db.execute("DELETE FROM link_queue WHERE id <= ?", [marker])
    else:
        run_in_batches(db, f"DELETE FROM link_queue WHERE id <= {int(marker)} AND num IN ({{}})", nums)


def stale_members(db: Database) -> set[str]:
    """Items in clusters that lost a member since the last run."""
    return {
        row[0]
        for row in db.execute("SELECT id FROM items WHERE cluster_id IN (SELECT cluster_id FROM link_stale_clusters)")
    }


def clear_stale(db: Database) -> None:
    db.execute("DELETE FROM link_stale_clusters")
