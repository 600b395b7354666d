"""What the lower panes show about the highlighted item: its detail, and the items linked to it."""

from __future__ import annotations

import json
import sqlite3
from dataclasses import dataclass, field

from sqlite_utils import Database

from ..link import cluster_members
from ..store.links import conflicting, drifting, figures_seen_from
from .rows import Row, fetch_rows

# How much source text around an item is read to find its paragraph.
CONTEXT_CHARS = 4000


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


DETAIL_SQL = """
SELECT items.role, items.cue, items.attribution, items.paragraph, items.start, items."end",
       items.numbers, sources.title, sources.outlet, sources.published, sources.url, sources.path,
       max(items.start - :context, 0),
       substr(sources.text, max(items.start - :context, 0) + 1, items."end" - items.start + 2 * :context),
       reviews.note, coalesce(reviews.item_text IS NOT NULL AND reviews.item_text != items.text, 0)
FROM items JOIN sources ON sources.id = items.source_id
LEFT JOIN reviews ON reviews.id = items.review_id
WHERE items.num = :num
"""


def load_detail(conn: sqlite3.Connection, num: int) -> Detail | None:
    rows = fetch_rows(conn, [num])
    if num not in rows:
        return None
    row = rows[num]
    found = conn.execute(DETAIL_SQL, {"context": CONTEXT_CHARS, "num": num}).fetchone()
    if found is None:  # deleted by a re-ingest between the two queries
        return None
    (role, cue, attribution, paragraph_no, start, end, numbers, title, outlet, published, url, path) = found[:12]
    window_start, window, note, text_changed = found[12:]
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
    number_conflict: bool
    figures: list[dict]  # of a number conflict, as {"unit", "this", "other"} from the shown item's side


def linked_items(db: Database, item_id: str) -> list[Member]:
    """Everything linked to ``item_id``, grouped by source (source order, then reading order).

    The cluster is what :func:`workbench.link.cluster_members` says; items joined only by a
    rejected or number-conflict link are listed too, so those decisions can be seen and undone.
    """
    in_cluster = {member["id"] for member in cluster_members(db, item_id)} - {item_id}
    links = {}
    for item_a, item_b, state, method, drift, number_conflict, conflict in db.execute(
        f"SELECT item_a, item_b, state, method, {drifting()}, {conflicting()}, conflict FROM links "
        "WHERE item_a = ? OR item_b = ?",
        [item_id, item_id],
    ):
        figures = figures_seen_from(json.loads(conflict or "[]"), this_is_a=item_a == item_id)
        links[item_b if item_a == item_id else item_a] = (state, method, bool(drift), bool(number_conflict), figures)
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
        Member(rows[num], rows[num].id in in_cluster, *links.get(rows[num].id, (None, None, False, False, [])))
        for num in nums
        if num in rows
    ]
