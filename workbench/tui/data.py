"""Database reads for the review screen: filters, pages of rows, counts, details.

No Textual here. The list keeps only the item numbers of the current filter (an
``array('q')``, 8 bytes an item); rows are read a page at a time through
:class:`RowCache`. A filter is an order (every item, sorted) narrowed by one mask per
clause, both kept in a :class:`ListIndex` so that the next keystroke reads only what
changed. Functions take a plain ``sqlite3.Connection`` so worker threads can pass their
own.
"""

from __future__ import annotations

import json
import re
import sqlite3
import threading
from collections import OrderedDict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field, replace
from itertools import islice
from typing import NamedTuple

import numpy as np
from sqlite_utils import Database

PAGE = 64
CACHE_ROWS = 4096
# The first screenful of a list is sent before the whole order of a sort is read.
FIRST_PAGE = 200
# Orders and filter masks kept between filters: 64 MB holds four orders and 32 masks at 1M items.
INDEX_BYTES = 64 << 20

SORTS = {
    "source": "source order",
    "score": "check-worthiness",
    "cluster": "cluster size",
    "changed": "last change",
}
KINDS = (None, "claim", "quote")

# A link "drifts" when the link stage recorded word differences on it (as in the quote_drift view).
DRIFT_SQL = "drift IS NOT NULL"


@dataclass(frozen=True)
class Status:
    """One verdict from the ``statuses`` table."""

    id: str
    label: str
    color: str
    position: int


@dataclass(frozen=True)
class Filter:
    """What the list shows and in which order; every field narrows the list."""

    kind: str | None = None
    status: str | None = None
    source: str | None = None  # a source id
    source_label: str | None = None
    speaker: str | None = None
    has_links: bool = False
    has_drift: bool = False
    search: str = ""
    sort: str = "source"

    def with_(self, **changes) -> Filter:
        return replace(self, **changes)

    @property
    def is_default(self) -> bool:
        return self.with_(sort="source") == Filter()


class Row(NamedTuple):
    """One line of the list.

    A tuple of plain values, which the garbage collector stops tracking: thousands of
    cached rows then cost nothing in the full collections that would pause a keystroke.
    """

    num: int
    id: str
    kind: str
    status: str
    review_id: int | None
    speaker: str | None
    source_id: str
    source: str
    text: str
    score: float
    changed_at: str | None
    links: int
    drift: bool


def statuses(conn: sqlite3.Connection) -> list[Status]:
    return [
        Status(id_, label, color or "default", position)
        for id_, label, color, position in conn.execute(
            "SELECT id, label, color, position FROM statuses ORDER BY position"
        )
    ]


def fts_query(text: str) -> str | None:
    """Turn what a person typed into a safe FTS5 query: every word a quoted prefix.

    Only word characters survive, so quotes, ``NEAR``, ``*``, ``:`` and brackets in the
    input can never be read as FTS syntax.
    """
    words = re.findall(r"\w+", text)
    return " ".join(f'"{word}"*' for word in words) or None


def _drifting_ids_sql() -> str:
    condition = f"state != 'rejected' AND {DRIFT_SQL}"
    return f"(SELECT item_a FROM links WHERE {condition} UNION SELECT item_b FROM links WHERE {condition})"


# The cache topics an entry depends on: a mark changes "status", a link decision "links".
STATUS, LINKS = "status", "links"

# Cheap fingerprints of what kept entries depend on, read when another process commits,
# so that another reviewer's marks drop only what depends on status. ``None`` stands for
# the items themselves: only an ingest changes them, and it always writes their source.
FINGERPRINT_SQL = {
    None: "SELECT count(*), max(rowid), max(ingested_at) FROM sources",
    STATUS: "SELECT max(id) FROM reviews",
    LINKS: "SELECT counter FROM change_counters WHERE topic = 'links'",  # moved by triggers (m005)
}


def fingerprints(conn: sqlite3.Connection, *topics: str | None) -> dict[str | None, tuple]:
    """The fingerprints of ``topics`` (all of them when none is given)."""
    return {topic: tuple(conn.execute(FINGERPRINT_SQL[topic]).fetchone()) for topic in topics or FINGERPRINT_SQL}


def stale_topics(before: dict[str | None, tuple], after: dict[str | None, tuple]) -> list[str | None]:
    """The topics to forget between two :func:`fingerprints`: ``[None]`` (everything) when
    the items may have changed, else those whose fingerprint moved."""
    if before.get(None) != after[None]:
        return [None]
    return [topic for topic in (STATUS, LINKS) if before.get(topic) != after[topic]]


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


@dataclass(frozen=True)
class Clause:
    """One condition of a filter: the query listing the items that meet it."""

    key: tuple
    sql: str
    params: tuple = ()
    topics: frozenset = frozenset()


def clauses(filter_: Filter) -> list[Clause]:
    found = []
    for column, value in (
        ("kind", filter_.kind),
        ("status", filter_.status),
        ("source_id", filter_.source),
        ("speaker", filter_.speaker),
    ):
        if value is not None:
            found.append(
                Clause(
                    (column, value),
                    f"SELECT num FROM items WHERE {column} = ?",
                    (value,),
                    frozenset({STATUS} if column == "status" else ()),
                )
            )
    if filter_.has_links:  # the link stage clusters only cross-source links
        found.append(
            Clause(("has_links",), "SELECT num FROM items WHERE cluster_id IS NOT NULL", topics=frozenset({LINKS}))
        )
    if filter_.has_drift:
        found.append(
            Clause(
                ("has_drift",), f"SELECT num FROM items WHERE id IN {_drifting_ids_sql()}", topics=frozenset({LINKS})
            )
        )
    query = fts_query(filter_.search)
    if query:
        found.append(Clause(("search", query), "SELECT rowid AS num FROM items_fts WHERE items_fts MATCH ?", (query,)))
    return found


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


class ListIndex:
    """Orders and filter masks kept between filters, shared by the worker threads.

    An order is every item number in one sort (8 bytes an item); a mask is a bool per
    item number for one clause. A filter is then its order with its masks applied, so
    changing one clause reads only that clause. Entries are never modified, only
    replaced; :meth:`forget` drops what a write made stale.
    """

    def __init__(self, capacity: int = INDEX_BYTES):
        self.capacity = capacity
        self.version = 0  # bumped by forget(): a result read before is not kept
        self._entries: OrderedDict[tuple, tuple[np.ndarray, frozenset]] = OrderedDict()
        self._lock = threading.Lock()
        self._reading: dict[tuple, threading.Lock] = {}

    def get(self, key: tuple) -> np.ndarray | None:
        with self._lock:
            entry = self._entries.get(key)
            if entry is None:
                return None
            self._entries.move_to_end(key)
            return entry[0]

    def get_or_read(self, key: tuple, read: Callable[[], np.ndarray], topics: frozenset) -> np.ndarray:
        """The entry ``key``, read and kept if missing. One thread reads a key at a time: a
        worker for the next keystroke waits for the walk a superseded worker is finishing
        instead of starting a second one beside it."""
        with self._lock:
            reading = self._reading.setdefault(key, threading.Lock())
        with reading:
            version = self.version
            value = self.get(key)
            if value is None:
                value = read()
                self.put(key, value, topics, version)
            return value

    def has_room(self, nbytes: int) -> bool:
        """Whether ``nbytes`` more fit without pushing anything out."""
        with self._lock:
            return sum(entry[0].nbytes for entry in self._entries.values()) + nbytes <= self.capacity

    def put(self, key: tuple, value: np.ndarray, topics: frozenset, version: int) -> None:
        with self._lock:
            if version != self.version:
                return
            self._entries[key] = (value, topics)
            while sum(entry[0].nbytes for entry in self._entries.values()) > self.capacity and len(self._entries) > 1:
                self._entries.popitem(last=False)

    def forget(self, topic: str | None = None) -> None:
        """Drop the entries depending on ``topic`` (everything when None)."""
        with self._lock:
            self.version += 1
            for key in [key for key, (_, topics) in self._entries.items() if topic is None or topic in topics]:
                del self._entries[key]


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
        conn = open_reader()
        try:
            for clause in missing:
                _mask(conn, clause, index)
        except sqlite3.OperationalError:
            pass  # read again, and reported, on the list's own connection
        finally:
            conn.close()

    thread = threading.Thread(target=read, name="masks", daemon=True)
    thread.start()
    return thread


def status_counts(conn: sqlite3.Connection) -> dict[str, int]:
    """Items per status (an index-only scan of ``items_status``)."""
    return dict(conn.execute("SELECT status, count(*) FROM items GROUP BY status").fetchall())


ROW_SQL = f"""
SELECT items.num, items.id, items.kind, items.status, items.review_id, items.speaker, items.source_id,
       coalesce(sources.title, sources.path), items.text, items.score, items.status_changed_at,
       (SELECT count(*) FROM items AS other
        WHERE other.cluster_id = items.cluster_id AND other.source_id != items.source_id),
       EXISTS (SELECT 1 FROM links WHERE (links.item_a = items.id OR links.item_b = items.id)
               AND links.state != 'rejected' AND links.{DRIFT_SQL})
FROM items JOIN sources ON sources.id = items.source_id
WHERE items.num IN (SELECT value FROM json_each(?))
"""


def fetch_rows(conn: sqlite3.Connection, nums: Iterable[int]) -> dict[int, Row]:
    rows = conn.execute(ROW_SQL, [json.dumps(list(nums))]).fetchall()
    return {row[0]: Row(*row[:-1], bool(row[-1])) for row in rows}


class RowCache:
    """Rows by item number, least recently used dropped first, read a page at a time."""

    def __init__(self, conn: sqlite3.Connection, capacity: int = CACHE_ROWS):
        self.conn = conn
        self.capacity = capacity
        self._rows: OrderedDict[int, Row] = OrderedDict()

    def row(self, nums: Sequence[int], index: int) -> Row | None:
        """The row at ``index`` of ``nums``, reading its whole page on a miss."""
        num = nums[index]
        row = self._rows.get(num)
        if row is None:
            start = index - index % PAGE
            self._rows.update(fetch_rows(self.conn, [n for n in nums[start : start + PAGE] if n not in self._rows]))
            while len(self._rows) > self.capacity:
                self._rows.popitem(last=False)
            row = self._rows.get(num)  # None if the item was deleted meanwhile
        else:
            self._rows.move_to_end(num)
        return row

    def forget(self, num: int | None = None) -> None:
        """Drop one row (or all) so the next read sees the database."""
        if num is None:
            self._rows.clear()
        else:
            self._rows.pop(num, None)


@dataclass
class Detail:
    """Everything the detail pane shows about one item."""

    row: Row
    role: str | None
    cue: str | None
    attribution: str | None
    paragraph_no: int
    paragraph: str
    highlight: tuple[int, int]  # the item's span inside ``paragraph``
    numbers: list[dict]
    title: str | None
    outlet: str | None
    published: str | None
    url: str | None
    path: str
    note: str | None
    text_changed: bool
    history: list[dict] = field(default_factory=list)


# How much source text around an item is read to find its paragraph.
CONTEXT_CHARS = 4000


def load_detail(conn: sqlite3.Connection, num: int) -> Detail | None:
    rows = fetch_rows(conn, [num])
    if num not in rows:
        return None
    row = rows[num]
    found = conn.execute(
        """SELECT items.role, items.cue, items.attribution, items.paragraph, items.start, items."end",
                  items.numbers, sources.title, sources.outlet, sources.published, sources.url, sources.path,
                  max(items.start - ?, 0), substr(sources.text, max(items.start - ?, 0) + 1, items."end" - items.start + 2 * ?),
                  reviews.note, coalesce(reviews.item_text IS NOT NULL AND reviews.item_text != items.text, 0)
           FROM items JOIN sources ON sources.id = items.source_id
           LEFT JOIN reviews ON reviews.id = items.review_id
           WHERE items.num = ?""",
        [CONTEXT_CHARS, CONTEXT_CHARS, CONTEXT_CHARS, num],
    ).fetchone()
    if found is None:  # deleted by a re-ingest between the two queries
        return None
    (
        role,
        cue,
        attribution,
        paragraph_no,
        start,
        end,
        numbers,
        title,
        outlet,
        published,
        url,
        path,
        window_start,
        window,
        note,
        text_changed,
    ) = found
    # The paragraph is the text between the blank lines around the item's span.
    lo, hi = start - window_start, end - window_start
    para_start = window.rfind("\n\n", 0, max(lo, 0))
    para_start = 0 if para_start < 0 else para_start + 2
    para_end = window.find("\n\n", hi)
    para_end = len(window) if para_end < 0 else para_end
    history = [
        dict(zip(("id", "status", "note", "reviewer", "created_at"), values))
        for values in conn.execute(
            "SELECT id, status, note, reviewer, created_at FROM reviews WHERE item_id = ? ORDER BY id", [row.id]
        )
    ]
    try:
        parsed_numbers = json.loads(numbers or "[]")
    except ValueError:
        parsed_numbers = []
    return Detail(
        row,
        role,
        cue,
        attribution,
        paragraph_no,
        window[para_start:para_end],
        (lo - para_start, hi - para_start),
        parsed_numbers,
        title,
        outlet,
        published,
        url,
        path,
        note,
        bool(text_changed),
        history,
    )


@dataclass
class Member:
    """An item linked to the one shown: in its cluster, or joined by a rejected or number-conflict link."""

    row: Row
    in_cluster: bool
    link_state: str | None  # of the direct link, None when joined through another member
    method: str | None
    drift: bool
    conflict: list[dict]


def cluster(db: Database, item_id: str) -> list[Member]:
    """Everything linked to ``item_id``, grouped by source (source order, then reading order).

    The cluster is what :func:`workbench.link.cluster_members` says; items joined only by a
    rejected or number-conflict link are listed too, so those decisions can be seen and undone.
    """
    from ..link import cluster_members  # the link stage owns what a cluster is

    in_cluster = {member["id"] for member in cluster_members(db, item_id)} - {item_id}
    links = {}
    for item_a, item_b, state, method, drift, conflict in db.execute(
        f"SELECT item_a, item_b, state, method, {DRIFT_SQL}, conflict FROM links WHERE item_a = ? OR item_b = ?",
        [item_id, item_id],
    ):
        figures = json.loads(conflict or "[]")
        if item_b == item_id:  # orient figures as (this item, the other)
            figures = [{**f, "value_a": f.get("value_b"), "value_b": f.get("value_a")} for f in figures]
        links[item_b if item_a == item_id else item_a] = (state, method, bool(drift), figures)
    nums = [
        num
        for (num,) in db.execute(
            "SELECT items.num FROM items JOIN sources ON sources.id = items.source_id "
            "WHERE items.id IN (SELECT value FROM json_each(?)) ORDER BY sources.rowid, items.seq",
            [json.dumps(sorted(in_cluster | set(links)))],
        )
    ]
    rows = fetch_rows(db.conn, nums)
    return [
        Member(rows[num], rows[num].id in in_cluster, *links.get(rows[num].id, (None, None, False, [])))
        for num in nums
        if num in rows
    ]


def search_sources(conn: sqlite3.Connection, term: str, limit: int = 100) -> list[tuple[str, str]]:
    """Sources whose title, outlet or path contains ``term``: (id, label)."""
    like = f"%{term}%"
    return [
        (id_, label)
        for id_, label in conn.execute(
            "SELECT id, coalesce(title, path) || coalesce(' — ' || outlet, '') FROM sources "
            "WHERE ? = '%%' OR title LIKE ? OR outlet LIKE ? OR path LIKE ? ORDER BY rowid LIMIT ?",
            [like, like, like, like, limit],
        )
    ]


def search_speakers(conn: sqlite3.Connection, term: str, limit: int = 100) -> list[tuple[str, str]]:
    """Speakers starting with ``term`` (an index range scan): (name, name)."""
    return [
        (name, name)
        for (name,) in conn.execute(
            "SELECT DISTINCT speaker FROM items WHERE speaker >= ? AND speaker < ? ORDER BY speaker LIMIT ?",
            [term, term + "\U0010ffff", limit],
        )
    ]
