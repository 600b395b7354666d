"""Database reads for the review screen: filters, pages of rows, counts, details.

No Textual here. The list keeps only the item numbers of the current filter (an
``array('q')``, 8 bytes an item); rows are read a page at a time through
:class:`RowCache`. Functions take a plain ``sqlite3.Connection`` so worker threads can
pass their own.
"""

from __future__ import annotations

import json
import re
import sqlite3
from array import array
from collections import OrderedDict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field, replace

from sqlite_utils import Database

PAGE = 64
CACHE_ROWS = 4096
# The first screenful of a filter is sent before the whole list of numbers is read.
FIRST_PAGE = 200
PARSE_SLICE = 1 << 16

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


@dataclass(slots=True)
class Row:
    """One line of the list."""

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
    return [Status(id_, label, color or "default", position) for id_, label, color, position in conn.execute(
        "SELECT id, label, color, position FROM statuses ORDER BY position")]


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


def where_sql(filter_: Filter) -> tuple[str, list]:
    clauses: list[str] = []
    params: list = []
    for column, value in (("kind", filter_.kind), ("status", filter_.status),
                          ("source_id", filter_.source), ("speaker", filter_.speaker)):
        if value is not None:
            clauses.append(f"items.{column} = ?")
            params.append(value)
    if filter_.has_links:
        clauses.append("items.cluster_id IS NOT NULL")  # the link stage clusters only cross-source links
    if filter_.has_drift:
        clauses.append(f"items.id IN {_drifting_ids_sql()}")
    query = fts_query(filter_.search)
    if query:
        clauses.append("items.num IN (SELECT rowid FROM items_fts WHERE items_fts MATCH ?)")
        params.append(query)
    return (" WHERE " + " AND ".join(clauses)) if clauses else "", params


def nums_sql(filter_: Filter) -> tuple[str, list]:
    """The query listing the item numbers of ``filter_`` in its order."""
    where, params = where_sql(filter_)
    if filter_.sort == "source":
        # Sources in ingest order (their rowid), items in reading order. Unfiltered (or by
        # kind only), sources as the outer loop over the items_source index never sorts;
        # a narrow filter is better found first and sorted after, as the planner does.
        narrow = filter_.with_(kind=None, sort="source") != Filter()
        join = "JOIN" if narrow else "CROSS JOIN"
        return (f"SELECT items.num FROM sources {join} items ON items.source_id = sources.id{where} "
                "ORDER BY sources.rowid, items.seq", params)
    if filter_.sort == "score":
        return f"SELECT items.num FROM items{where} ORDER BY items.score DESC", params
    if filter_.sort == "changed":
        return (f"SELECT items.num FROM items{where} "
                "ORDER BY items.status_changed_at IS NULL, items.status_changed_at DESC, items.num", params)
    return (f"SELECT items.num FROM items LEFT JOIN (SELECT cluster_id, count(*) AS size FROM items "
            f"WHERE cluster_id IS NOT NULL GROUP BY cluster_id) AS clusters USING (cluster_id){where} "
            "ORDER BY coalesce(clusters.size, 1) DESC, items.cluster_id, items.source_id, items.seq", params)


def load_nums(conn: sqlite3.Connection, filter_: Filter, on_first: Callable[[array], None] | None = None) -> array:
    """Every item number matching ``filter_``, in order, read in chunks to keep memory flat.

    ``on_first`` gets the first :data:`FIRST_PAGE` numbers as soon as they are known.
    Raises ``sqlite3.OperationalError`` when interrupted or when FTS refuses the query.
    """
    sql, params = nums_sql(filter_)
    if on_first is not None:
        on_first(array("q", (row[0] for row in conn.execute(f"{sql} LIMIT {FIRST_PAGE}", params))))
    # One string from SQLite is several times faster than a million one-column rows
    # (each row costs a Python tuple and a GIL round trip); it is parsed in slices so
    # the list of small strings split() makes stays small.
    joined = conn.execute(f"SELECT group_concat(num) FROM ({sql})", params).fetchone()[0] or ""
    nums = array("q")
    start = 0
    while start < len(joined):
        end = joined.find(",", start + PARSE_SLICE)
        end = len(joined) if end < 0 else end
        nums.extend(map(int, joined[start:end].split(",")))
        start = end + 1
    return nums


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
            self._rows.update(fetch_rows(self.conn, [n for n in nums[start:start + PAGE] if n not in self._rows]))
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
           WHERE items.num = ?""", [CONTEXT_CHARS, CONTEXT_CHARS, CONTEXT_CHARS, num]).fetchone()
    if found is None:  # deleted by a re-ingest between the two queries
        return None
    (role, cue, attribution, paragraph_no, start, end, numbers, title, outlet, published, url, path,
     window_start, window, note, text_changed) = found
    # The paragraph is the text between the blank lines around the item's span.
    lo, hi = start - window_start, end - window_start
    para_start = window.rfind("\n\n", 0, max(lo, 0))
    para_start = 0 if para_start < 0 else para_start + 2
    para_end = window.find("\n\n", hi)
    para_end = len(window) if para_end < 0 else para_end
    history = [dict(zip(("id", "status", "note", "reviewer", "created_at"), values)) for values in conn.execute(
        "SELECT id, status, note, reviewer, created_at FROM reviews WHERE item_id = ? ORDER BY id", [row.id])]
    try:
        parsed_numbers = json.loads(numbers or "[]")
    except ValueError:
        parsed_numbers = []
    return Detail(row, role, cue, attribution, paragraph_no, window[para_start:para_end],
                  (lo - para_start, hi - para_start), parsed_numbers, title, outlet, published, url, path, note,
                  bool(text_changed), history)


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
            [item_id, item_id]):
        figures = json.loads(conflict or "[]")
        if item_b == item_id:  # orient figures as (this item, the other)
            figures = [{**f, "value_a": f.get("value_b"), "value_b": f.get("value_a")} for f in figures]
        links[item_b if item_a == item_id else item_a] = (state, method, bool(drift), figures)
    nums = [num for num, in db.execute(
        "SELECT items.num FROM items JOIN sources ON sources.id = items.source_id "
        "WHERE items.id IN (SELECT value FROM json_each(?)) ORDER BY sources.rowid, items.seq",
        [json.dumps(sorted(in_cluster | set(links)))])]
    rows = fetch_rows(db.conn, nums)
    return [Member(rows[num], rows[num].id in in_cluster, *links.get(rows[num].id, (None, None, False, [])))
            for num in nums if num in rows]


def search_sources(conn: sqlite3.Connection, term: str, limit: int = 100) -> list[tuple[str, str]]:
    """Sources whose title, outlet or path contains ``term``: (id, label)."""
    like = f"%{term}%"
    return [(id_, label) for id_, label in conn.execute(
        "SELECT id, coalesce(title, path) || coalesce(' — ' || outlet, '') FROM sources "
        "WHERE ? = '%%' OR title LIKE ? OR outlet LIKE ? OR path LIKE ? ORDER BY rowid LIMIT ?",
        [like, like, like, like, limit])]


def search_speakers(conn: sqlite3.Connection, term: str, limit: int = 100) -> list[tuple[str, str]]:
    """Speakers starting with ``term`` (an index range scan): (name, name)."""
    return [(name, name) for name, in conn.execute(
        "SELECT DISTINCT speaker FROM items WHERE speaker >= ? AND speaker < ? ORDER BY speaker LIMIT ?",
        [term, term + "\U0010ffff", limit])]
