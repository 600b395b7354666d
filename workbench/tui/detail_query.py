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

from ..store.factchecks import matches_for_item
from ..store.links import clustering, conflicting, drifting, figures_seen_from
from .rows import ROW_TEXT_CHARS, Row, bounded, fetch_rows, row_of
from .stored_json import json_records, spans

# How much article text around an item is read to find its paragraph.
CONTEXT_CHARS = 4000
NOTE_CHARS = 4000  # of the current note
HISTORY_NOTE_CHARS = 500  # of each older note
HISTORY_SHOWN = 30  # the latest reviews; the pane says how many earlier ones there are
NUMBERS_JSON_CHARS = 20_000  # an items.numbers longer than this is not parsed
NUMBERS_SHOWN = 30
SPANS_JSON_CHARS = 2000  # of items.segments and items.quoted (an item has a few)
CHECKS_SHOWN = 5  # published fact-checks matched to the item
MEMBERS_SHOWN = 20  # linked items listed a page at a time (the pane lays out every one); it says how many more
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
    segments: list[tuple[int, int]] = field(default_factory=list)  # a quotation's pieces inside ``paragraph``
    quoted: list[tuple[int, int]] = field(default_factory=list)  # words a claim quotes, inside ``row.text``
    headline: bool = False
    piece: bool = False  # items.cut: one piece of a longer sentence or quotation
    reviewed_text: str | None = None  # the wording reviewed, when it differs from today's
    before: str | None = None  # the paragraph before ``paragraph`` (None at the article's start)
    after: str | None = None  # and the one after it
    checks: list[dict] = field(default_factory=list)  # published fact-checks matched to it, rejected ones last


DETAIL_SQL = f"""
SELECT {bounded("items.role")}, {bounded("items.cue")}, {bounded("items.attribution")},
       coalesce(CAST(items.paragraph AS INTEGER), 0), coalesce(CAST(items.start AS INTEGER), 0),
       coalesce(CAST(items."end" AS INTEGER), 0), {bounded("items.numbers", NUMBERS_JSON_CHARS + 1)},
       {bounded("sources.title")}, {bounded("sources.outlet")}, {bounded("sources.published")},
       {bounded("sources.url")}, coalesce({bounded("sources.path")}, '?'), sources.id,
       {bounded("reviews.note", NOTE_CHARS + 1)},
       coalesce(reviews.item_text IS NOT NULL AND reviews.item_text != items.text, 0),
       {bounded("items.segments", SPANS_JSON_CHARS)}, {bounded("items.quoted", SPANS_JSON_CHARS)},
       coalesce(items.headline, 0), coalesce(items.cut, 0), {bounded("reviews.item_text", ROW_TEXT_CHARS + 1)}
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


def _neighbours(window: str, para_start: int, para_end: int, whole_start: bool, whole_end: bool):
    """The paragraphs before and after ``window[para_start:para_end]``, as far as the window
    holds them (an ellipsis where it cut one); None where the article starts or ends."""
    before = after = None
    if para_start >= 2:
        begin = window.rfind("\n\n", 0, para_start - 2)
        before = (
            window[begin + 2 : para_start - 2]
            if begin >= 0
            else ("" if whole_start else CUT) + window[: para_start - 2]
        )
    elif not whole_start:
        before = CUT
    if para_end + 2 <= len(window):
        end = window.find("\n\n", para_end + 2)
        after = window[para_end + 2 : end] if end >= 0 else window[para_end + 2 :] + ("" if whole_end else CUT)
    elif not whole_end:
        after = CUT
    return before or None, after or None


def load_detail(conn: sqlite3.Connection, num: int) -> Detail | None:
    rows = fetch_rows(conn, [num])
    if num not in rows:
        return None
    row = rows[num]
    found = conn.execute(DETAIL_SQL, [num]).fetchone()
    if found is None:  # deleted by a re-ingest between the two queries
        return None
    role, cue, attribution, paragraph_no, start, end, numbers, title, outlet, published, url, path = found[:12]
    source_id, note, text_changed, segments, quoted, headline, piece, reviewed_text = found[12:]
    # The paragraph is the text between the blank lines around the item's span, in a
    # window around it: the item's first ROW_TEXT_CHARS and CONTEXT_CHARS either side,
    # which holds the paragraphs before and after it as far as they fit.
    shown = min(max(end - start, 0), ROW_TEXT_CHARS)
    window_start = max(start - CONTEXT_CHARS, 0)
    found = conn.execute(
        "SELECT substr(CAST(text AS TEXT), ?, ?), length(CAST(text AS TEXT)) FROM sources WHERE id = ?",
        [window_start + 1, max(start - window_start, 0) + shown + CONTEXT_CHARS, source_id],
    ).fetchone()
    window, length = found if found else ("", 0)
    window = window or ""
    lo = max(min(start - window_start, len(window)), 0)
    hi = min(lo + shown, len(window))
    para_start = window.rfind("\n\n", 0, lo)
    para_start = 0 if para_start < 0 else para_start + 2
    para_end = hi if row.text_cut else window.find("\n\n", hi)
    para_end = len(window) if para_end < 0 else para_end
    before, after = (
        (None, None)
        if headline
        else _neighbours(window, para_start, para_end, window_start == 0, window_start + len(window) >= (length or 0))
    )
    pieces = [
        (max(a - window_start - para_start, 0), min(b - window_start - para_start, para_end - para_start))
        for a, b in spans(segments)
    ]
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
        "" if headline else window[para_start:para_end],
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
        [(a, b) for a, b in pieces if a < b] if len(pieces) > 1 else [],
        [(a, b) for a, b in spans(quoted) if b <= len(row.text)],
        bool(headline),
        bool(piece),
        cut(reviewed_text, ROW_TEXT_CHARS) if text_changed else None,
        before,
        after,
        matches_for_item(Database(conn), row.id)[:CHECKS_SHOWN],
    )


@dataclass
class Member:
    """An item linked to the one shown: in its cluster, or joined by a rejected or number-conflict link.

    ``row.links`` and ``row.drift`` are not read for a member (0 and False): counting a
    member's own links costs as much as its cluster is large, for every member.
    """

    row: Row
    in_cluster: bool
    link_state: str | None  # of the direct link, None when joined through another member
    method: str | None
    score: float | None  # of the direct link
    drift: bool
    number_conflict: bool
    figures: list[dict]  # of a number conflict, as {"unit", "this", "other"} from the shown item's side
    decided_by: str | None = None
    decided_at: str | None = None


@dataclass
class LinkedPage:
    """A page of the items linked to one item: ``members``, how many there are in all
    (``total``), and the member id the next page starts after (None on the last page)."""

    members: list[Member]
    total: int
    after: str | None


# Members without their link counts (see Member), in source order then reading order.
MEMBER_SQL = f"""
SELECT items.num, items.id, coalesce({bounded("items.kind", 20)}, '?'), coalesce({bounded("items.status")}, '?'),
       items.review_id, {bounded("items.speaker")}, items.source_id,
       coalesce({bounded("coalesce(sources.title, sources.path)")}, '?'),
       coalesce({bounded("items.text", ROW_TEXT_CHARS + 1)}, ''),
       coalesce(CAST(items.score AS REAL), 0.0), items.status_changed_at
FROM items JOIN sources ON sources.id = items.source_id
WHERE items.num IN (SELECT value FROM json_each(?))
ORDER BY sources.rowid, items.seq
"""
# A page of a cluster, through the items(cluster_id, id) index: a page of a 5,000-member
# cluster costs what a page of a small one does (as workbench.link.cluster_page reads it).
CLUSTER_PAGE_SQL = (
    "SELECT num FROM items WHERE cluster_id = :cluster AND id > :after AND id != :id ORDER BY id LIMIT :limit"
)
# Items joined to the item by a link that does not cluster (rejected, a number conflict),
# outside its cluster: listed so those decisions can be seen and undone.
OUTSIDE_SQL = f"""
SELECT items.num FROM (
    SELECT item_b AS other FROM links WHERE item_a = :id AND NOT ({clustering()})
    UNION SELECT item_a FROM links WHERE item_b = :id AND NOT ({clustering()})
) JOIN items ON items.id = other
WHERE items.cluster_id IS NOT (SELECT cluster_id FROM items WHERE id = :id) OR items.cluster_id IS NULL
LIMIT :limit
"""


def member_rows(conn: sqlite3.Connection, nums: list[int]) -> list[Row]:
    """The rows of ``nums`` in source order, without their link counts (see :class:`Member`)."""
    return [row_of(values) for values in conn.execute(MEMBER_SQL, [json.dumps(nums)])]


def _direct_links(conn: sqlite3.Connection, item_id: str, ids: list[str]) -> dict[str, tuple]:
    """The links between ``item_id`` and each of ``ids``, by primary key or the item_b index."""
    found = {}
    for item_a, item_b, state, method, score, drift, number_conflict, conflict, by, at in conn.execute(
        f"SELECT item_a, item_b, CAST(state AS TEXT), {bounded('method')}, CAST(score AS REAL), {drifting()}, "
        f"{conflicting()}, {bounded('conflict', NUMBERS_JSON_CHARS)}, {bounded('decided_by')}, "
        f"{bounded('decided_at', 19)} FROM links "
        "WHERE item_a = :id AND item_b IN (SELECT value FROM json_each(:ids)) "
        "OR item_b = :id AND item_a IN (SELECT value FROM json_each(:ids))",
        {"id": item_id, "ids": json.dumps(ids)},
    ):
        figures = figures_seen_from(json_records(conflict, NUMBERS_SHOWN), this_is_a=item_a == item_id)
        other = item_b if item_a == item_id else item_a
        found[other] = (state, method, score, bool(drift), bool(number_conflict), figures, by, at)
    return found


def linked_page(
    conn: sqlite3.Connection, item_id: str, after: str | None = None, limit: int = MEMBERS_SHOWN
) -> LinkedPage:
    """Up to ``limit`` items linked to ``item_id``: its cluster's members in id order after
    the member ``after``, then (on the first page) the items joined to it by a link that
    does not cluster. Costs what the page holds, whatever the cluster's size: never a pair
    of members is compared, and the total is counted in the cluster's index.
    """
    found = conn.execute("SELECT cluster_id FROM items WHERE id = ?", [item_id]).fetchone()
    cluster = found[0] if found else None
    nums, total, next_after = [], 0, None
    if cluster is not None:
        total = conn.execute("SELECT count(*) - 1 FROM items WHERE cluster_id = ?", [cluster]).fetchone()[0]
        page = {"cluster": cluster, "after": after or "", "id": item_id, "limit": limit}
        nums = [num for (num,) in conn.execute(CLUSTER_PAGE_SQL, page)]
    in_cluster = set(nums)
    if after is None:
        outside = [num for (num,) in conn.execute(OUTSIDE_SQL, {"id": item_id, "limit": limit})]
        total += conn.execute(
            f"SELECT count(*) FROM ({OUTSIDE_SQL.replace('LIMIT :limit', '')})", {"id": item_id}
        ).fetchone()[0]
        nums += outside[: max(limit - len(nums), 0)]
    rows = member_rows(conn, nums)
    if len(in_cluster) == limit:
        next_after = max((row.id for row in rows if row.num in in_cluster), default=None)
    links = _direct_links(conn, item_id, [row.id for row in rows])
    members = [
        Member(row, row.num in in_cluster, *links.get(row.id, (None, None, None, False, False, []))) for row in rows
    ]
    # In the cluster first, then the items outside it; each part in source order.
    members.sort(key=lambda member: not member.in_cluster)
    return LinkedPage(members, total, next_after)


def cluster_rows(conn: sqlite3.Connection, row: Row) -> list[Row]:
    """``row`` and every other item of its cluster (a verdict for the whole cluster marks them all):
    read through the cluster's index, without the members' link counts (see :class:`Member`)."""
    nums = [
        num
        for (num,) in conn.execute(
            "SELECT num FROM items WHERE cluster_id = (SELECT cluster_id FROM items WHERE id = ?) AND id != ? "
            "ORDER BY num",
            [row.id, row.id],
        )
    ]
    return [row, *sorted(member_rows(conn, nums), key=lambda member: member.num)]
