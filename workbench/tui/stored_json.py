"""JSON columns as a script may have written them anyhow (``items.numbers``, ``segments``,
``quoted``, ``links.conflict``): what is not the expected shape is left out, never an exception."""

from __future__ import annotations

import json

SPANS_SHOWN = 50  # pairs read of one item's segments or quoted words


def _json_list(text: str | None) -> list:
    try:
        value = json.loads(text) if text else []
    except (ValueError, RecursionError):
        return []
    return value if isinstance(value, list) else []


def json_records(text: str | None, limit: int) -> list[dict]:
    """The first ``limit`` objects of a JSON list."""
    return [entry for entry in _json_list(text)[:limit] if isinstance(entry, dict)]


def spans(text: str | None, limit: int = SPANS_SHOWN) -> list[tuple[int, int]]:
    """The first ``limit`` ``[start, end]`` pairs of integers of a JSON list."""
    return [
        (start, end)
        for pair in _json_list(text)[:limit]
        if isinstance(pair, list) and len(pair) == 2 and all(type(value) is int for value in pair)
        for start, end in [pair]
        if 0 <= start <= end
    ]
