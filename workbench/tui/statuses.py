"""The status vocabulary as the review screen shows it, and how many items have each status.

Labels and colours come from ``workbench.toml`` or straight from the ``statuses`` table,
which any script can write: they are as untrusted as the corpus. Every place that shows a
status (counts, list, detail, linked items, dialogs, help, palette, pickers) takes its
label and colour from a :class:`Status` made here: the label made visible and cut to
:data:`LABEL_CHARS`, the colour one every display can use. A status the table does not
list (a script wrote it into ``reviews``) shows as its id, made visible the same way.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from rich.text import Text

from ..config import safe_color
from .text import short

LABEL_CHARS = 40


@dataclass(frozen=True)
class Status:
    """One status from the ``statuses`` table; ``verdict`` is False for workflow states
    such as unreviewed and in progress."""

    id: str
    label: str
    color: str
    position: int
    verdict: bool

    def text(self, style: str = "bold") -> Text:
        """The label in the status's colour (never parsed as markup)."""
        return Text(self.label, style=f"{style} {self.color}")


def statuses(conn: sqlite3.Connection) -> list[Status]:
    """The vocabulary in display order. ``verdict`` is read as SQL reads it
    (:func:`workbench.store.statuses.reviewed`), whatever a script stored there."""
    return [
        Status(id_, short(label or id_, LABEL_CHARS), safe_color(color), position, bool(verdict))
        for id_, label, color, position, verdict in conn.execute(
            "SELECT id, substr(CAST(label AS TEXT), 1, 100), color, position, CASE WHEN NOT verdict THEN 0 ELSE 1 END "
            "FROM statuses ORDER BY position"
        )
    ]


class Vocabulary:
    """The statuses of the database, by position and by id; reloaded in place."""

    def __init__(self, vocabulary: Iterable[Status] = ()) -> None:
        self.load(vocabulary)

    def load(self, vocabulary: Iterable[Status]) -> None:
        self.statuses = list(vocabulary)
        self.by_id = {status.id: status for status in self.statuses}

    def __iter__(self) -> Iterator[Status]:
        return iter(self.statuses)

    def __len__(self) -> int:
        return len(self.statuses)

    def __getitem__(self, position: int) -> Status:
        return self.statuses[position]

    def get(self, status_id: str) -> Status:
        """The status ``status_id``; one the table does not list shows as its id, uncoloured."""
        found = self.by_id.get(status_id)
        return found if found is not None else Status(status_id, short(status_id, LABEL_CHARS), "default", -1, True)

    def label(self, status_id: str) -> str:
        return self.get(status_id).label


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
