"""The item numbers a filter lists, in its order: sort orders and clause masks read from
SQLite and kept in a :class:`~.list_index.ListIndex`, so the next keystroke reads only
what changed.

Functions take a plain ``sqlite3.Connection`` so worker threads can pass their own.
"""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Callable, Sequence
from itertools import islice

import numpy as np

from .changes import LINKS, STATUS
from .filters import Clause, Filter, clauses
from .list_index import ListIndex

# The first screenful of a list is sent before the whole order of a sort is read.
FIRST_PAGE = 200

# The full walks: sources in ingest order (their rowid, numbered in the temp table
# source_rank by _rank_sources) with items in reading order; check-worthiness.
ORDER_SQL = {
    "source": "SELECT items.num FROM source_rank CROSS JOIN items ON items.source_id = source_rank.id "
    "ORDER BY source_rank.rank, items.seq",
    "score": "SELECT num FROM items ORDER BY score DESC",
}
# These sorts put a few items first (read from an index) and the rest in source order,
# taken from the kept source order instead of another walk over a million items.
HEAD_SQL = {
    "changed": "SELECT num FROM items WHERE status_changed_at IS NOT NULL ORDER BY status_changed_at DESC, num",
    "cluster": "SELECT items.num FROM items JOIN (SELECT cluster_id, count(*) AS size FROM items "
    "WHERE cluster_id IS NOT NULL GROUP BY cluster_id) AS clusters USING (cluster_id) "
    "ORDER BY clusters.size DESC, items.cluster_id, items.source_id, items.seq",
}
ORDER_TOPICS = {"changed": frozenset({STATUS}), "cluster": frozenset({LINKS})}
# The first page of source order reads only the first sources, so no ranking is needed.
FIRST_SOURCE_PAGE_SQL = (
    "SELECT items.num FROM sources CROSS JOIN items ON items.source_id = sources.id ORDER BY sources.rowid, items.seq"
)


def read_nums(conn: sqlite3.Connection, sql: str, params: Sequence = ()) -> np.ndarray:
    """The ``num`` column of ``sql``, in its order.

    One string from SQLite, parsed by numpy, is several times faster than a million
    one-column rows (each a Python tuple and a GIL round trip).
    """
    joined = conn.execute(f"SELECT group_concat(num) FROM ({sql})", params).fetchone()[0]
    return np.fromstring(joined, dtype=np.int64, sep=",") if joined else np.empty(0, np.int64)


def _rank_sources(conn: sqlite3.Connection) -> None:
    """Number the sources in ingest order in a temp table, read from the id index.

    Walking ``sources`` itself in rowid order would read every article's text.
    """
    conn.execute("CREATE TEMP TABLE IF NOT EXISTS source_rank (rank INTEGER PRIMARY KEY, id TEXT NOT NULL)")
    conn.execute("DELETE FROM source_rank")
    conn.execute("INSERT INTO source_rank SELECT rowid, id FROM sources")


def _walk(conn: sqlite3.Connection, sort: str) -> np.ndarray:
    if sort != "source":
        return read_nums(conn, ORDER_SQL[sort])
    conn.execute("BEGIN")  # the ranks and the walk in one snapshot
    try:
        _rank_sources(conn)
        return read_nums(conn, ORDER_SQL[sort])
    finally:
        conn.rollback()  # only the temp table was written


def load_order(conn: sqlite3.Connection, sort: str, index: ListIndex) -> np.ndarray:
    """Every item number in the order of ``sort``, kept in ``index``."""

    def read() -> np.ndarray:
        if sort in HEAD_SQL:
            head = read_nums(conn, HEAD_SQL[sort])
            return np.concatenate([head, others(load_order(conn, "source", index), as_mask(head))])
        return _walk(conn, sort)

    return index.get_or_read(("order", sort), read, ORDER_TOPICS.get(sort, frozenset()))


def first_page(conn: sqlite3.Connection, sort: str) -> np.ndarray:
    """The first :data:`FIRST_PAGE` items of the unfiltered order ``sort``, read without a walk."""
    first_sql = HEAD_SQL.get(sort) or (FIRST_SOURCE_PAGE_SQL if sort == "source" else ORDER_SQL[sort])
    found = [num for (num,) in conn.execute(f"{first_sql} LIMIT {FIRST_PAGE}")]
    if sort in HEAD_SQL and len(found) < FIRST_PAGE:
        head = set(found)
        cursor = conn.execute(FIRST_SOURCE_PAGE_SQL)
        found += islice((num for (num,) in cursor if num not in head), FIRST_PAGE - len(found))
        cursor.close()
    return np.array(found, dtype=np.int64)


def _marked(nums: np.ndarray, mask: np.ndarray) -> np.ndarray:
    marked = np.zeros(len(nums), dtype=bool)
    inside = nums < len(mask)  # items added after the mask was read are not in it
    marked[inside] = mask[nums[inside]]
    return marked


def members(nums: np.ndarray, mask: np.ndarray) -> np.ndarray:
    """The part of ``nums`` that ``mask`` (a bool per item number) marks, order kept."""
    return nums[_marked(nums, mask)]


def others(nums: np.ndarray, mask: np.ndarray) -> np.ndarray:
    """The part of ``nums`` that ``mask`` does not mark, order kept."""
    return nums[~_marked(nums, mask)]


def as_mask(nums: np.ndarray) -> np.ndarray:
    mask = np.zeros(int(nums.max()) + 1 if len(nums) else 0, dtype=bool)
    mask[nums] = True
    return mask


def select_nums(
    conn: sqlite3.Connection,
    filter_: Filter,
    index: ListIndex,
    on_first: Callable[[np.ndarray], None] | None = None,
    wanted: Callable[[], bool] = lambda: True,
    open_reader: Callable[[], sqlite3.Connection] | None = None,
) -> np.ndarray | None:
    """The item numbers of ``filter_`` in its order, from ``index`` where it has them.

    ``on_first`` gets a first page when the order has to be read and nothing filters it.
    With ``open_reader``, masks missing while the order is read too are read beside it on
    a connection of their own (SQLite works without the GIL, so the two overlap).
    Returns None once ``wanted()`` turns false (a newer filter superseded this one).
    Raises ``sqlite3.OperationalError`` when interrupted or when FTS refuses the query.
    """
    wanted_clauses = clauses(filter_)
    order_kept = index.get(("order", filter_.sort)) is not None
    if on_first is not None and not wanted_clauses and not order_kept:
        on_first(first_page(conn, filter_.sort))
    beside = None if order_kept or open_reader is None else _read_masks_beside(open_reader, wanted_clauses, index)
    order = load_order(conn, filter_.sort, index)
    if beside is not None:
        beside.join()
    for clause in wanted_clauses:
        if not wanted():
            return None
        order = members(order, _mask(conn, clause, index))
    return order if wanted() else None


def _mask(conn: sqlite3.Connection, clause: Clause, index: ListIndex) -> np.ndarray:
    return index.get_or_read(clause.key, lambda: as_mask(read_nums(conn, clause.sql, clause.params)), clause.topics)


def _read_masks_beside(
    open_reader: Callable[[], sqlite3.Connection], wanted_clauses: list[Clause], index: ListIndex
) -> threading.Thread | None:
    """Start reading the masks ``index`` lacks in a thread of their own."""
    missing = [clause for clause in wanted_clauses if index.get(clause.key) is None]
    if not missing:
        return None

    def read() -> None:
        try:
            conn = open_reader()
        except sqlite3.Error:
            return  # read again, and reported, on the list's own connection
        try:
            for clause in missing:
                _mask(conn, clause, index)
        except sqlite3.Error:
            pass  # read again, and reported, on the list's own connection
        finally:
            conn.close()

    thread = threading.Thread(target=read, name="masks", daemon=True)
    thread.start()
    return thread
