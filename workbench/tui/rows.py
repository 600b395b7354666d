"""The list's rows: one line's worth of an item, read a page at a time and kept in a cache.

The list itself keeps only item numbers; :class:`RowCache` reads the rows it draws.
A row holds a bounded part of each text (an old database or a script may hold items and
titles of megabytes), every text column read as text whatever type a script stored.
"""

from __future__ import annotations

import json
import sqlite3
from collections import OrderedDict
from collections.abc import Iterable, Sequence
from typing import NamedTuple

from ..extract.sentences import MAX_ITEM_CHARS
from ..store.links import drifting, has_conflict, shown

PAGE = 64
CACHE_ROWS = 4096
# What a row keeps of an item's text: all of any item extraction makes, the start of longer ones.
ROW_TEXT_CHARS = MAX_ITEM_CHARS
# What a row keeps of a speaker or a source title: more than any list column shows.
ROW_FIELD_CHARS = 300


class Row(NamedTuple):
    """One line of the list.

    A tuple of plain values, which the garbage collector stops tracking: thousands of
    cached rows then cost nothing in the full collections that would pause a keystroke.
    ``text`` is at most :data:`ROW_TEXT_CHARS` long; ``text_cut`` says the item is longer.
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
    text_cut: bool
    score: float
    changed_at: str | None
    links: int
    drift: bool
    conflict: bool = False  # figures that differ from a linked item's (a number conflict nobody rejected)
    headline: bool = False  # the article's headline
    checked: bool = False  # checked before: a published fact-check or this desk's verdict on a linked item


def bounded(column: str, chars: int = ROW_FIELD_CHARS) -> str:
    """SQL: the first ``chars`` characters of ``column`` as text (a number or a BLOB a
    script stored reads as text, and a value of megabytes is never read whole into Python)."""
    return f"substr(CAST({column} AS TEXT), 1, {int(chars)})"


# The checked_before view's condition for one row, arm by arm: asked of the view with a
# column of the outer query, SQLite materialises the whole view (22 ms a page at 1M items
# instead of 2), where each arm alone is an index search.
DESK_VERDICT_ON = """EXISTS (SELECT 1 FROM links JOIN items other ON other.id = links.{other}
    JOIN reviews ON reviews.id = other.review_id
    WHERE links.{this} = items.id AND links.state != 'rejected' AND links.method != 'number-conflict'
      AND other.status NOT IN (SELECT id FROM statuses WHERE NOT verdict))"""
CHECKED_BEFORE = (
    "(EXISTS (SELECT 1 FROM factcheck_matches WHERE factcheck_matches.item_id = items.id "
    "AND factcheck_matches.state != 'rejected') "
    f"OR {DESK_VERDICT_ON.format(this='item_a', other='item_b')} "
    f"OR {DESK_VERDICT_ON.format(this='item_b', other='item_a')})"
)


# A row's link count is its cluster's size (counted once per cluster on the page, through
# the cluster index) less the members from its own source: never a scan of the cluster per row.
ROW_SQL = f"""
WITH sizes AS (
    SELECT cluster_id, count(*) AS size FROM items
    WHERE cluster_id IN (SELECT cluster_id FROM items WHERE num IN (SELECT value FROM json_each(?1)))
    GROUP BY cluster_id
)
SELECT items.num, items.id, coalesce({bounded("items.kind", 20)}, '?'), coalesce({bounded("items.status")}, '?'),
       items.review_id, {bounded("items.speaker")}, items.source_id,
       coalesce({bounded("coalesce(sources.title, sources.path)")}, '?'),
       coalesce({bounded("items.text", ROW_TEXT_CHARS + 1)}, ''),
       coalesce(CAST(items.score AS REAL), 0.0), items.status_changed_at,
       coalesce((SELECT size FROM sizes WHERE sizes.cluster_id = items.cluster_id), 0)
       - (SELECT count(*) FROM items AS other INDEXED BY items_source
          WHERE other.source_id = items.source_id AND other.cluster_id = items.cluster_id),
       EXISTS (SELECT 1 FROM links WHERE (links.item_a = items.id OR links.item_b = items.id)
               AND {shown()} AND {drifting()}),
       {has_conflict()}, coalesce(items.headline, 0),
       {CHECKED_BEFORE}
FROM items JOIN sources ON sources.id = items.source_id
WHERE items.num IN (SELECT value FROM json_each(?1))
"""


def row_of(
    values: Sequence,
    links: int = 0,
    drift: bool = False,
    conflict: bool = False,
    headline: bool = False,
    checked: bool = False,
) -> Row:
    """A :class:`Row` from the columns every row query starts with (``num`` … ``status_changed_at``),
    its text cut to what a list line shows."""
    num, id_, kind, status, review_id, speaker, source_id, source, text, score, changed = values
    cut = len(text) > ROW_TEXT_CHARS
    return Row(
        num,
        id_,
        kind,
        status,
        review_id,
        speaker,
        source_id,
        source,
        text[:ROW_TEXT_CHARS],
        cut,
        score,
        changed,
        links,
        drift,
        conflict,
        headline,
        checked,
    )


def fetch_rows(conn: sqlite3.Connection, nums: Iterable[int]) -> dict[int, Row]:
    rows = {}
    for *values, links, drift, conflict, headline, checked in conn.execute(ROW_SQL, [json.dumps(list(nums))]):
        rows[values[0]] = row_of(values, links, bool(drift), bool(conflict), bool(headline), bool(checked))
    return rows


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
