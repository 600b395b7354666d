"""CSV: one row per item, UTF-8 with a header row, safe to open in a spreadsheet.

Every text cell has its hidden characters made visible (:func:`~workbench.untrusted.visible`,
line feeds kept), and a cell a spreadsheet would run as a formula gets a leading ``'``.
"""

from __future__ import annotations

import csv
import json
import unicodedata
from typing import TextIO

from ..untrusted import hidden, visible
from .common import quoted_runs, source_name
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
    "changed_since_verdict",
    "cut",
    "cluster_source_count",
    "headline",
    "segments",
    "quoted_words",
)
# Spreadsheets run a cell that starts with one of these as a formula (CSV injection),
# and with signs that look like them: compatibility forms (＝ ＋ － ＠ ﹦ ⁺ ₌ …, found by
# NFKC), the minus sign, heavy plus and minus, the modifier equals; and any dash (‐ – —,
# Unicode's Pd). A harmless cell that starts with one only gains a '.
TRIGGERS = frozenset("=+-@\u2212\u2795\u2796\ua78a")
# What a spreadsheet may skip before it reads the first character: spaces of every
# width, combining marks, and blank letters (Hangul fillers, the braille blank).
BLANK_LETTERS = frozenset("\u115f\u1160\u3164\uffa0\u2800")


def _blank(char: str) -> bool:
    return char.isspace() or hidden(char) or unicodedata.category(char) in {"Mn", "Me"} or char in BLANK_LETTERS


def is_formula(text: str) -> bool:
    """Whether a spreadsheet could read ``text`` as a formula: its first character that
    is not blank is ``= + - @`` or a look-alike (full-width, small, superscript or any
    other compatibility form, a minus sign, a dash)."""
    first = next((char for char in text if not _blank(char)), "")
    return bool(first) and (unicodedata.normalize("NFKC", first)[:1] in TRIGGERS or unicodedata.category(first) == "Pd")


def neutralise(value: object) -> object:
    """A text cell made inert: hidden characters made visible (line feeds kept), and
    a ``'`` in front when a spreadsheet would run it as a formula. Numbers stay numbers."""
    if not isinstance(value, str):
        return value
    return ("'" if is_formula(value) else "") + visible(value, newlines=True)


def row(item: dict) -> list:
    """The CSV cells of one item from :meth:`Selection.items`, in ``COLUMNS`` order."""
    source, review, verdict = item["source"], item["review"] or {}, item["verdict"] or {}
    others = dict.fromkeys(
        member["source"]["url"] or source_name(member["source"])
        for member in item["cluster"]
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
        review.get("note"),
        review.get("reviewer"),
        review.get("created_at"),
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
        item["cluster_size"] or "",
        "; ".join(others),
        item["first_seen"],
        item["status_changed_at"],
        "; ".join(verdict.get("changed", ())),
        int(item["cut"]),
        item["cluster_sources"] or "",
        int(bool(item.get("headline"))),
        json.dumps(item["segments"]) if item.get("segments") else "",
        "; ".join(run for run, quoted in quoted_runs(item) if quoted),
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
