"""JSON and JSON lines: items with their source, reviews, links and cluster.

The structure is documented in ``db/EXPORTS.md`` and versioned by ``VERSION``: keys
are only ever added within a version, never renamed or removed.
"""

from __future__ import annotations

from typing import TextIO

from ..store.database import now
from .common import json_text
from .formats import ExportFormat, register
from .query import Selection

FORMAT = "workbench-export"
# 2: ``cluster`` lists at most query.SHOWN_MEMBERS other members (``cluster_size`` counts them all).
VERSION = 2
ITEM_KEYS = (
    "id",
    "kind",
    "text",
    "speaker",
    "role",
    "cue",
    "attribution",
    "status",
    "status_label",
    "status_changed_at",
    "score",
    "numbers",
    "paragraph",
    "start",
    "end",
    "seq",
    "first_seen",
    "cut",
    "headline",
    "segments",
    "quoted",
    "cluster_id",
    "cluster_size",
    "cluster_sources",
    "source",
    "verdict",
    "review_count",
    "reviews",
    "links",
    "cluster",
    "checks",
)


# What an item is made of, for a database older than the extractor that records it.
SHAPE_DEFAULTS = {"headline": 0, "segments": [], "quoted": [], "checks": []}


def record(item: dict) -> dict:
    """The documented JSON object of one item from :meth:`Selection.items`."""
    return {key: item[key] if key in item else SHAPE_DEFAULTS[key] for key in ITEM_KEYS}


def _items(selection: Selection):
    return selection.items(history=True, links=True, cluster=True, checks=True)


def write_jsonl(selection: Selection, out: TextIO) -> int:
    """One item object per line; return the number of items."""
    count = 0
    for item in _items(selection):
        out.write(json_text(record(item)) + "\n")
        count += 1
    return count


def write_json(selection: Selection, out: TextIO) -> int:
    """One JSON document: header fields, the status vocabulary, then ``items``; return the count."""
    filters = selection.filters
    header = {
        "format": FORMAT,
        "version": VERSION,
        "exported_at": now("seconds"),
        "filters": {
            "statuses": list(filters.statuses),
            "kind": filters.kind,
            "sources": list(filters.sources),
            "reviewed_only": filters.reviewed_only,
        },
        "statuses": selection.statuses(),
    }
    # The header is written as a complete object minus its closing brace so the items
    # can follow one by one without ever being held together.
    out.write(json_text(header, indent=1)[:-2] + ',\n "items": [')
    count = 0
    for item in _items(selection):
        out.write(("\n  " if count == 0 else ",\n  ") + json_text(record(item)))
        count += 1
    out.write("\n ]\n}\n" if count else "]\n}\n")
    return count


register(ExportFormat("json", (".json",), write_json))
register(ExportFormat("jsonl", (".jsonl", ".ndjson"), write_jsonl))
