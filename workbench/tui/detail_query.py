"""What the lower panes show about the highlighted item: its detail, and the items linked to it.

Everything is read bounded, whatever a script or an old release stored: a window of the
article around the item, the first characters of each field and note, the latest reviews,
the first linked items. Moving the cursor over an item of megabytes, with thousands of
reviews or links, reads and draws as much as over any other.
"""

from __future__ import annotations

import json
import sqlite3
from dataclasses import dataclass, field

from sqlite_utils import Database

from ..store.links import conflicting, drifting, figures_seen_from
from .rows import ROW_TEXT_CHARS, Row, bounded, fetch_rows

# How much article text around an item is read to find its paragraph.
CONTEXT_CHARS = 4000
NOTE_CHARS = 4000  # of the current note
HISTORY_NOTE_CHARS = 500  # of each older note
HISTORY_SHOWN = 30  # the latest reviews; the pane says how many earlier ones there are
NUMBERS_JSON_CHARS = 20_000  # an items.numbers longer than this is not parsed
NUMBERS_SHOWN = 30
MEMBERS_SHOWN = 200  # linked items listed; the pane says how many more there are
CUT = "…"


@dataclass
class Detail:
    """Everything the detail pane shows about one item (texts bounded, see the module)."""

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
    earlier_reviews: int = 0  # reviews older than ``history``
    numbers_cut: bool = False  # more figures than ``numbers``


DETAIL_SQL = f"""
SELECT {bounded("items.role")}, {bounded("items.cue")}, {bounded("items.attribution")},
       coalesce(CAST(items.paragraph AS INTEGER), 0), coalesce(CAST(items.start AS INTEGER), 0),
       coalesce(CAST(items."end" AS INTEGER), 0), {bounded("items.numbers", NUMBERS_JSON_CHARS + 1)},
       {bounded("sources.title")}, {bounded("sources.outlet")}, {bounded("sources.published")},
       {bounded("sources.url")}, coalesce({bounded("sources.path")}, '?'), sources.id,
       {bounded("reviews.note", NOTE_CHARS + 1)},
       coalesce(reviews.item_text IS NOT NULL AND reviews.item_text != items.text, 0)
FROM items JOIN sources ON sources.id = items.source_id
LEFT JOIN reviews ON reviews.id = items.review_id
WHERE items.num = ?
"""
HISTORY_SQL = f"""
SELECT id, coalesce(CAST(status AS TEXT), '?'), {bounded("note", HISTORY_NOTE_CHARS + 1)}, {bounded("reviewer")},
       {bounded("created_at", 19)}
FROM reviews WHERE item_id = ? ORDER BY id DESC LIMIT ?
"""


def cut(text: str | None, chars: int) -> str | None:
    """``text`` kept to ``chars`` characters, an ellipsis saying when it was longer."""
    return text if text is None or len(text) <= chars else text[:chars] + CUT


def json_records(text: str | None, limit: int) -> list[dict]:
    """The first ``limit`` objects of a JSON list a script may have written anyhow: anything
    that is not a list of objects gives none (never an exception)."""
    try:
        value = json.loads(text) if text else []
    except (ValueError, RecursionError):
        return []
    return [entry for entry in value[:limit] if isinstance(entry, dict)] if isinstance(value, list) else []


def load_detail(conn: sqlite3.Connection, num: int) -> Detail | None:
    rows = fetch_rows(conn, [num])
    if num not in rows:
        return None
    row = rows[num]
    found = conn.execute(DETAIL_SQL, [num]).fetchone()
    if found is None:  # deleted by a re-ingest between the two queries
        return None
    role, cue, attribution, paragraph_no, start, end, numbers, title, outlet, published, url, path = found[:12]
    source_id, note, text_changed = found[12:]
    # The paragraph is the text between the blank lines around the item's span, in a
    # window around it: the item's first ROW_TEXT_CHARS and CONTEXT_CHARS either side.
    shown = min(max(end - start, 0), ROW_TEXT_CHARS)
    window_start = max(start - CONTEXT_CHARS, 0)
    found = conn.execute(
        "SELECT substr(CAST(text AS TEXT), ?, ?) FROM sources WHERE id = ?",
        [window_start + 1, max(start - window_start, 0) + shown + CONTEXT_CHARS, source_id],
    ).fetchone()
    window = (found[0] if found else None) or ""
    lo = max(min(start - window_start, len(window)), 0)
    hi = min(lo + shown, len(window))
    para_start = window.rfind("\n\n", 0, lo)
    para_start = 0 if para_start < 0 else para_start + 2
    para_end = hi if row.text_cut else window.find("\n\n", hi)
    para_end = len(window) if para_end < 0 else para_end
    reviews = conn.execute(HISTORY_SQL, [row.id, HISTORY_SHOWN]).fetchall()
    history = [
        {"id": id_, "status": status, "note": cut(text, HISTORY_NOTE_CHARS), "reviewer": who, "created_at": at}
        for id_, status, text, who, at in reversed(reviews)
    ]
    earlier = 0
    if len(reviews) == HISTORY_SHOWN:
        earlier = conn.execute("SELECT count(*) FROM reviews WHERE item_id = ?", [row.id]).fetchone()[0] - len(reviews)
    numbers_too_long = numbers is not None and len(numbers) > NUMBERS_JSON_CHARS
    figures = [] if numbers_too_long else json_records(numbers, NUMBERS_SHOWN + 1)
    return Detail(
        row,
        role,
        cue,
        attribution,
        paragraph_no,
        window[para_start:para_end],
        (lo - para_start, hi - para_start),
        figures[:NUMBERS_SHOWN],
        title,
        outlet,
        published,
        url,
        path,
        cut(note, NOTE_CHARS),
        bool(text_changed),
        history,
        earlier,
        numbers_too_long or len(figures) > NUMBERS_SHOWN,
    )


@dataclass
class Member:
    """An item linked to the one shown: in its cluster, or joined by a rejected or number-conflict link."""

    row: Row
    in_cluster: bool
    link_state: str | None  # of the direct link, None when joined through another member
    method: str | None
    drift: bool
    number_conflict: bool
    figures: list[dict]  # of a number conflict, as {"unit", "this", "other"} from the shown item's side


# The items in the item's cluster (items.cluster_id, as workbench.link.cluster_members
# reads it) and those joined to it by any link, source order then reading order.
LINKED_SQL = """
FROM items JOIN sources ON sources.id = items.source_id
WHERE items.id != :id AND (
    items.cluster_id = (SELECT cluster_id FROM items WHERE id = :id)
    OR items.id IN (SELECT item_b FROM links WHERE item_a = :id UNION SELECT item_a FROM links WHERE item_b = :id))
"""


def linked_items(db: Database, item_id: str, limit: int = MEMBERS_SHOWN) -> tuple[list[Member], int]:
    """The first ``limit`` items linked to ``item_id``, grouped by source (source order,
    then reading order), and how many there are in all.

    Items joined only by a rejected or number-conflict link are listed too, so those
    decisions can be seen and undone.
    """
    total = db.execute(f"SELECT count(*) {LINKED_SQL}", {"id": item_id}).fetchone()[0]
    found = db.execute(
        f"SELECT items.num, items.cluster_id = (SELECT cluster_id FROM items WHERE id = :id) {LINKED_SQL} "
        "ORDER BY sources.rowid, items.seq LIMIT :limit",
        {"id": item_id, "limit": limit},
    ).fetchall()
    rows = fetch_rows(db.conn, [num for num, _ in found])
    links = {}
    for item_a, item_b, state, method, drift, number_conflict, conflict in db.execute(
        f"SELECT item_a, item_b, CAST(state AS TEXT), {bounded('method')}, {drifting()}, {conflicting()}, "
        f"{bounded('conflict', NUMBERS_JSON_CHARS)} FROM links "
        "WHERE item_a = :id AND item_b IN (SELECT value FROM json_each(:ids)) "
        "OR item_b = :id AND item_a IN (SELECT value FROM json_each(:ids))",
        {"id": item_id, "ids": json.dumps([row.id for row in rows.values()])},
    ):
        figures = figures_seen_from(json_records(conflict, NUMBERS_SHOWN), this_is_a=item_a == item_id)
        links[item_b if item_a == item_id else item_a] = (state, method, bool(drift), bool(number_conflict), figures)
    return [
        Member(rows[num], bool(in_cluster), *links.get(rows[num].id, (None, None, False, False, [])))
        for num, in_cluster in found
        if num in rows
    ], total


def cluster_rows(conn: sqlite3.Connection, row: Row) -> list[Row]:
    """``row`` and every other item of its cluster (a verdict for the whole cluster marks them all)."""
    nums = [
        num
        for (num,) in conn.execute(
            "SELECT num FROM items WHERE cluster_id = (SELECT cluster_id FROM items WHERE id = ?) AND id != ? "
            "ORDER BY num",
            [row.id, row.id],
        )
    ]
    others = fetch_rows(conn, nums)
    return [row, *(others[num] for num in nums if num in others)]
