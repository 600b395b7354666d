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

import numpy as np
from sqlite_utils import Database

from ..store.database import in_batches, run_in_batches
from .candidates import MAX_BLOCK, Groups, groups, key_hashes
from .corpus import Corpus, Progress, build_corpus
from .normalise import Figure

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


def rebuild(db: Database, corpus: Corpus, grouped: Groups, version: int | None = None) -> bool:
    """Replace the whole index with ``corpus`` (every item) and its groups. Call inside a
    write transaction.

    ``version``: :func:`data_version` taken before ``corpus`` was read. If another
    connection has committed since, the corpus may be out of date (items deleted, added or
    edited meanwhile): the index is emptied instead, so the next incremental run does not
    trust it and rebuilds it from a fresh read. Returns whether the index was written.
    """
    for table in ("link_keys", "link_signatures", "link_blocks"):
        db.execute(f"DELETE FROM {table}")
    if version is not None and data_version(db) != version:
        return False
    df = np.bincount(corpus.keys, minlength=len(corpus.key_names))
    db.conn.executemany("INSERT INTO link_keys VALUES (?, ?)", zip(corpus.key_names, df.tolist()))
    _write_entries(db, corpus, grouped, "INSERT")
    return True


def add(db: Database, corpus: Corpus, grouped: Groups) -> None:
    """Add the new items of an incremental run; keys not seen before are frozen as the rarest."""
    db.conn.executemany("INSERT OR IGNORE INTO link_keys VALUES (?, 0)", ((name,) for name in corpus.key_names))
    _write_entries(db, corpus, grouped, "INSERT OR REPLACE")


def _write_entries(db: Database, corpus: Corpus, grouped: Groups, verb: str) -> None:
    db.conn.executemany(f"{verb} INTO link_signatures VALUES (?, ?, ?, ?, ?, ?)", _signatures(corpus))
    db.conn.executemany(f"{verb} INTO link_signatures VALUES (?, ?, '', 0, '[]', '')", corpus.unlinkable)
    # OR IGNORE: groups() lists an item once per block; a repeat must not wedge every later run
    block_verb = "INSERT OR IGNORE" if verb == "INSERT" else verb
    for begin in range(0, len(grouped.members), WRITE_BATCH):  # in slices: no second copy of the groups
        entries = np.arange(begin, min(begin + WRITE_BATCH, len(grouped.members)))
        blocks = grouped.blocks[np.searchsorted(grouped.starts, entries, side="right") - 1]
        _insert_pairs(db, f"{block_verb} INTO link_blocks", np.c_[blocks, corpus.nums[grouped.members[entries]]])


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
        )


def candidates(
    db: Database,
    new_nums: list[int],
    progress: Progress | None = None,
) -> tuple[Corpus, np.ndarray, np.ndarray, Corpus, Groups]:
    """Candidate pairs for the new items against each other and the indexed items.

    Returns the corpus to score (the new items first, then their indexed partners), the
    pairs as positions in it, and the new items' own corpus and groups (to index them).
    """
    if progress:
        progress("reading", 0, len(new_nums))
    new = build_corpus(
        in_batches(db, "SELECT num, source_id, text, numbers FROM items WHERE num IN ({}) ORDER BY num", new_nums)
    )
    frozen = dict(in_batches(db, "SELECT key, df FROM link_keys WHERE key IN ({})", new.key_names))
    df = np.array([frozen.get(name, 0) for name in new.key_names], dtype=np.int64)
    grouped = groups(new.indptr, new.keys, key_hashes(new.key_names), df)
    if progress:
        progress("candidates", 0, 1)
    indexed = _indexed_members(db, grouped.blocks.tolist(), set(new.nums.tolist()))
    signatures = _signatures_of(db, sorted({num for nums in indexed.values() for num in nums}))
    partners: dict[int, int] = {}  # num -> position in the corpus to score
    pairs: set[tuple[int, int]] = set()
    for block, start, size in zip(grouped.blocks.tolist(), grouped.starts.tolist(), grouped.sizes.tolist()):
        fresh = grouped.members[start : start + size].tolist()
        # an indexed item whose signature is gone was deleted since the index was written
        others = [num for num in indexed.get(block, ()) if num in signatures]
        if not 2 <= len(fresh) + len(others) <= MAX_BLOCK:  # as a full run would see the group
            continue
        for position, item in enumerate(fresh):
            pairs.update((item, other) for other in fresh[position + 1 :])
            pairs.update((item, partners.setdefault(other, len(new.nums) + len(partners))) for other in others)
    a, b = (np.array(side, dtype=np.int64) for side in zip(*pairs)) if pairs else (np.zeros(0, np.int64),) * 2
    return _with_partners(new, list(partners), signatures), a, b, new, grouped


def _indexed_members(db: Database, blocks: list[int], new_nums: set[int]) -> dict[int, list[int]]:
    members: dict[int, list[int]] = {}
    for block, num in in_batches(db, "SELECT block, num FROM link_blocks WHERE block IN ({})", sorted(set(blocks))):
        if num not in new_nums:
            members.setdefault(block, []).append(num)
    return members


def _signatures_of(db: Database, nums: list[int]) -> dict[int, tuple]:
    return {
        row[0]: row[1:]
        for row in in_batches(
            db,
            "SELECT num, source_id, tokens, size, figures FROM link_signatures WHERE num IN ({}) AND keys != ''",
            nums,
        )
    }


def _with_partners(new: Corpus, partner_nums: list[int], signatures: dict[int, tuple]) -> Corpus:
    """The new items followed by their indexed partners, in ``partner_nums`` order."""
    partners = [signatures[num] for num in partner_nums]
    source_ids = {name: code for code, name in enumerate(new.source_names)}
    codes = new.sources.tolist() + [source_ids.setdefault(source, len(source_ids)) for source, *_ in partners]
    return Corpus(
        np.r_[new.nums, np.array(partner_nums, dtype=np.int64)],
        np.array(codes, dtype=np.int64),
        np.r_[new.sizes, np.array([size for _, _, size, _ in partners], dtype=np.int64)],
        new.texts + [tokens for _, tokens, _, _ in partners],
        new.figures + [[Figure(*figure) for figure in json.loads(figures)] for *_, figures in partners],
        new.indptr,
        new.keys,
        new.loaded,
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
