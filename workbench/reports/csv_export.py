"""CSV: one row per item, UTF-8 with a header row, safe to open in a spreadsheet."""

from __future__ import annotations

import csv
from typing import TextIO

from .common import source_name
from .formats import ExportFormat, register
from .query import Selection

COLUMNS = (
    "id",
    "kind",
    "status",
    "status_label",
    "text",
    "speaker",
    "role",
    "attribution",
    "cue",
    "score",
    "numbers",
    "note",
    "reviewer",
    "reviewed_at",
    "review_count",
    "text_changed",
    "source_id",
    "source_title",
    "source_outlet",
    "source_author",
    "source_url",
    "source_published",
    "source_path",
    "paragraph",
    "start",
    "end",
    "cluster_id",
    "cluster_size",
    "cluster_sources",
    "first_seen",
    "status_changed_at",
)
# Spreadsheets run a cell that starts with one of these as a formula (CSV injection).
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def neutralise(value: object) -> object:
    """Prefix a text cell that a spreadsheet would run as a formula with ``'``."""
    if isinstance(value, str) and value.startswith(FORMULA_START):
        return "'" + value
    return value


def row(item: dict) -> list:
    """The CSV cells of one item from :meth:`Selection.items`, in ``COLUMNS`` order."""
    source, verdict, cluster = item["source"], item["verdict"] or {}, item["cluster"]
    others = dict.fromkeys(
        member["source"]["url"] or source_name(member["source"])
        for member in cluster
        if member["source"]["id"] != source["id"]
    )
    values = (
        item["id"],
        item["kind"],
        item["status"],
        item["status_label"],
        item["text"],
        item["speaker"],
        item["role"],
        item["attribution"],
        item["cue"],
        item["score"],
        "; ".join(number.get("text", "") for number in item["numbers"]),
        verdict.get("note"),
        verdict.get("reviewer"),
        verdict.get("created_at"),
        item["review_count"],
        int(verdict.get("text_changed", False)),
        source["id"],
        source["title"],
        source["outlet"],
        source["author"],
        source["url"],
        source["published"],
        source["path"],
        item["paragraph"],
        item["start"],
        item["end"],
        item["cluster_id"],
        len(cluster) + 1 if item["cluster_id"] else "",
        "; ".join(others),
        item["first_seen"],
        item["status_changed_at"],
    )
    return [neutralise(value) for value in values]


def write(selection: Selection, out: TextIO) -> int:
    """Write the selection as CSV to ``out`` (opened with ``newline=""``); return the row count."""
    writer = csv.writer(out)
    writer.writerow(COLUMNS)
    count = 0
    for item in selection.items():
        writer.writerow(row(item))
        count += 1
    return count


register(ExportFormat("csv", (".csv",), write, newline=""))
