"""The status vocabulary as the review screen shows it, and how many items have each status."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable
from dataclasses import dataclass

from ..config import safe_color
from ..untrusted import visible


@dataclass(frozen=True)
class Status:
    """One status from the ``statuses`` table; ``verdict`` is False for workflow states
    such as unreviewed and in progress."""

    id: str
    label: str
    color: str
    position: int
    verdict: bool


def statuses(conn: sqlite3.Connection) -> list[Status]:
    return [
        # Labels and colours are configuration text, as untrusted as the corpus.
        Status(id_, visible(label), safe_color(color), position, bool(verdict))
        for id_, label, color, position, verdict in conn.execute(
            "SELECT id, label, color, position, verdict FROM statuses ORDER BY position"
        )
    ]


def status_counts(conn: sqlite3.Connection) -> dict[str, int]:
    """Items per status (an index-only scan of ``items_status``)."""
    return dict(conn.execute("SELECT status, count(*) FROM items GROUP BY status").fetchall())


def reviewed_count(counts: dict[str, int], vocabulary: Iterable[Status]) -> int:
    """How many of ``counts`` have a verdict: every status but the workflow states, as
    :func:`workbench.store.statuses.reviewed` counts (a status missing from the table is a verdict)."""
    workflow = {status.id for status in vocabulary if not status.verdict}
    return sum(count for status, count in counts.items() if status not in workflow)


def moved(counts: dict[str, int], before: str, after: str) -> None:
    """Count one item moved from status ``before`` to ``after``."""
    counts[before] = counts.get(before, 1) - 1
    counts[after] = counts.get(after, 0) + 1
