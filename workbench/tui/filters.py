"""What the list shows: the filter, its clauses as SQL, and the choices of the pickers.

A :class:`Filter` is a sort order narrowed by clauses; each :class:`Clause` is a query
listing the items that meet it, kept as a mask by :mod:`.lists`.
"""

from __future__ import annotations

import re
import sqlite3
from dataclasses import dataclass, replace

from ..store.links import conflicting, drifting, shown
from .changes import LINKS, STATUS
from .search import parse

SORTS = {
    "source": "source order",
    "score": "check-worthiness",
    "cluster": "cluster size",
    "changed": "last change",
}
KINDS = (None, "claim", "quote")


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
    has_conflict: bool = False
    checked_before: bool = False
    search: str = ""
    sort: str = "source"

    def with_(self, **changes) -> Filter:
        return replace(self, **changes)

    @property
    def is_default(self) -> bool:
        return self.with_(sort="source") == Filter()


# The items with a shown link that records quote drift (as in the quote_drift view).
DRIFTING_IDS_SQL = (
    f"SELECT item_a FROM links WHERE {shown()} AND {drifting()} "
    f"UNION SELECT item_b FROM links WHERE {shown()} AND {drifting()}"
)


# The items with a number conflict nobody rejected: store.links.has_conflict's condition,
# read from the links' side (a few rows) instead of asked of a million items.
CONFLICTING_IDS_SQL = (
    f"SELECT item_a FROM links WHERE {conflicting()} AND {shown()} "
    f"UNION SELECT item_b FROM links WHERE {conflicting()} AND {shown()}"
)


@dataclass(frozen=True)
class Clause:
    """One condition of a filter: the query listing the items that meet it, and the
    topics (see :mod:`.changes`) a write to which makes its answer stale."""

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
            Clause(("has_drift",), f"SELECT num FROM items WHERE id IN ({DRIFTING_IDS_SQL})", topics=frozenset({LINKS}))
        )
    if filter_.has_conflict:
        found.append(
            Clause(
                ("has_conflict",),
                f"SELECT num FROM items WHERE id IN ({CONFLICTING_IDS_SQL})",
                topics=frozenset({LINKS}),
            )
        )
    if filter_.checked_before:  # a match decided or a linked item's verdict changes the answer
        found.append(
            Clause(
                ("checked_before",),
                "SELECT num FROM items WHERE id IN (SELECT item_id FROM checked_before)",
                topics=frozenset({STATUS, LINKS}),
            )
        )
    query = parse(filter_.search).query
    if query:
        found.append(Clause(("search", query), "SELECT rowid AS num FROM items_fts WHERE items_fts MATCH ?", (query,)))
    return found


def search_sources(conn: sqlite3.Connection, term: str, limit: int = 100) -> list[tuple[str, str]]:
    """Sources whose title, outlet or path contains ``term``: (id, label)."""
    like = f"%{term}%"
    return [
        (id_, label)
        for id_, label in conn.execute(
            "SELECT id, substr(CAST(coalesce(title, path) || coalesce(' — ' || outlet, '') AS TEXT), 1, 300) FROM sources "
            "WHERE ? = '%%' OR title LIKE ? OR outlet LIKE ? OR path LIKE ? ORDER BY rowid LIMIT ?",
            [like, like, like, like, limit],
        )
    ]


def search_speakers(conn: sqlite3.Connection, term: str, limit: int = 100) -> list[tuple[str, str]]:
    """Speakers whose name starts with ``term`` (an index range scan), then those with a
    later word starting with it ("glod" finds "Katia Glod", through the full-text index): (name, name)."""
    names = [
        name
        for (name,) in conn.execute(
            "SELECT DISTINCT speaker FROM items WHERE speaker >= ? AND speaker < ? ORDER BY speaker LIMIT ?",
            [term, term + "\U0010ffff", limit],
        )
    ]
    words = re.findall(r"\w+", term)
    if words and len(names) < limit:
        query = "speaker : (" + " ".join(f'"{word}"*' for word in words) + ")"
        seen = set(names)
        names += [
            name
            for (name,) in conn.execute(
                "SELECT DISTINCT speaker FROM items WHERE num IN "
                "(SELECT rowid FROM items_fts WHERE items_fts MATCH ?) ORDER BY speaker LIMIT ?",
                [query, limit],
            )
            if name not in seen
        ][: limit - len(names)]
    return [(name, name) for name in names]
