"""How a row of ``links`` reads, written once for every layer that reads it.

A link joins ``item_a`` and ``item_b`` (``item_a < item_b``). Its ``drift`` is a JSON list
of ``[tag, a_words, b_words]`` runs and its ``conflict`` a JSON list of
``{"unit", "value_a", "value_b"}`` figures, both said from ``item_a``'s side. Readers that
show one item speak of "this" item and "the other"; :func:`figures_seen_from` turns a
conflict around for them, and :func:`swap_sides` re-states a link whose items trade places.
"""

from __future__ import annotations

import json

_FLIPPED_TAGS = {"delete": "insert", "insert": "delete"}


# SQL conditions on a ``links`` row for ``WHERE`` clauses; ``table`` is its name or alias in the query.
def shown(table: str = "links") -> str:
    """Suggested or confirmed: a reviewer sees it as a link."""
    return f"{table}.state != 'rejected'"


def decided(table: str = "links") -> str:
    """Confirmed or rejected: a reviewer's decision, which outlives re-linking."""
    return f"{table}.state != 'suggested'"


def suggested(table: str = "links") -> str:
    return f"{table}.state = 'suggested'"


def drifting(table: str = "links") -> str:
    """A quote reworded between the two sources."""
    return f"{table}.drift IS NOT NULL"


def conflicting(table: str = "links") -> str:
    """The same claim stated with other figures."""
    return f"{table}.method = 'number-conflict'"


def has_conflict(item: str = "items.id") -> str:
    """The item (an id column or parameter) has a number conflict nobody rejected: two lookups
    through the links' indexes (``item_a`` first in the primary key, ``links_b``), so a list
    of a million items can mark or filter them."""
    found = f"{conflicting()} AND {shown()}"
    return (
        f"(EXISTS (SELECT 1 FROM links WHERE links.item_a = {item} AND {found}) "
        f"OR EXISTS (SELECT 1 FROM links WHERE links.item_b = {item} AND {found}))"
    )


def clustering(table: str = "links") -> str:
    """Joins its two items into one cluster: shown, and not a number conflict."""
    return f"{shown(table)} AND NOT {conflicting(table)}"


def figures_seen_from(conflict: list[dict], this_is_a: bool) -> list[dict]:
    """A conflict's figures as ``{"unit", "this", "other"}``, "this" being the item the reader stands on."""
    this, other = ("value_a", "value_b") if this_is_a else ("value_b", "value_a")
    return [{"unit": figure.get("unit"), "this": figure.get(this), "other": figure.get(other)} for figure in conflict]


def swap_sides(drift: str | None, conflict: str | None) -> tuple[str | None, str | None]:
    """A link's drift and conflict JSON restated with ``item_a`` and ``item_b`` exchanged."""
    if drift:
        runs = json.loads(drift)
        drift = json.dumps([[_FLIPPED_TAGS.get(tag, tag), b, a] for tag, a, b in runs], ensure_ascii=False)
    if conflict:
        figures = json.loads(conflict)
        conflict = json.dumps(
            [{**figure, "value_a": figure["value_b"], "value_b": figure["value_a"]} for figure in figures],
            ensure_ascii=False,
        )
    return drift, conflict
