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
from ..store.schema import DEFAULT_STATUSES
from .keys import MARK_KEYS
from .text import short

LABEL_CHARS = 40


def key_rank(position: int) -> int:
    """Where the key that marks the status at ``position`` comes on the keyboard (see :data:`~.keys.MARK_KEYS`)."""
    keys = "1234560789"
    return keys.index(MARK_KEYS[position]) if position < len(MARK_KEYS) else len(keys) + position


# The built-in statuses as the screen draws them: a sign each, so no status is told by its
# colour alone, and colours after the Okabe-Ito palette (apart for colour-blind readers),
# orange and red chosen on the 256-colour grid (208, 160) so that a 256-colour terminal
# does not round two of them together. A colour set in workbench.toml wins.
SIGNS = {
    "unreviewed": "·",
    "in-progress": "◔",
    "true": "✔",
    "mostly-true": "≈",
    "misleading": "!",
    "false": "✘",
    "unverifiable": "?",
}
SCREEN_COLORS = {
    "unreviewed": "grey50",
    "in-progress": "#56b4e9",
    "true": "#009e73",
    "mostly-true": "#f0e442",
    "misleading": "#ff8700",
    "false": "#d70000",
    "unverifiable": "#cc79a7",
}
BUILT_IN_COLORS = {id_: color for id_, _label, _description, color in DEFAULT_STATUSES}


@dataclass(frozen=True)
class Status:
    """One status from the ``statuses`` table; ``verdict`` is False for workflow states
    such as unreviewed and in progress. ``sign`` is one character shown beside the colour."""

    id: str
    label: str
    color: str
    position: int
    verdict: bool
    sign: str = "•"

    def text(self, style: str = "bold") -> Text:
        """The sign and label in the status's colour (never parsed as markup)."""
        return Text(f"{self.sign} {self.label}", style=f"{style} {self.color}")


def sign(status_id: str, label: str) -> str:
    """The built-in status's sign, else the first letter of the label (a newsroom's own status)."""
    return SIGNS.get(status_id) or next((char.upper() for char in label if char.isalnum()), "•")


def screen_color(status_id: str, stored: object) -> str:
    """The colour a status is drawn in: the screen's palette while the stored one is the built-in default."""
    color = safe_color(stored)
    return SCREEN_COLORS[status_id] if status_id in SCREEN_COLORS and color == BUILT_IN_COLORS[status_id] else color


def statuses(conn: sqlite3.Connection) -> list[Status]:
    """The vocabulary in display order. ``verdict`` is read as SQL reads it
    (:func:`workbench.store.statuses.reviewed`), whatever a script stored there."""
    found = []
    for id_, label, color, position, verdict in conn.execute(
        "SELECT id, substr(CAST(label AS TEXT), 1, 100), color, position, CASE WHEN NOT verdict THEN 0 ELSE 1 END "
        "FROM statuses ORDER BY position"
    ):
        shown = short(label or id_, LABEL_CHARS)
        found.append(Status(id_, shown, screen_color(id_, color), position, bool(verdict), sign(id_, shown)))
    return found


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
        if found is not None:
            return found
        label = short(status_id, LABEL_CHARS)
        return Status(status_id, label, "default", -1, True, sign(status_id, label))

    def label(self, status_id: str) -> str:
        return self.get(status_id).label

    def in_key_order(self) -> list[Status]:
        """The statuses in the order of the keys that mark them (1 to 5, 6, 0, 7 ...), as the keys read."""
        return sorted(self.statuses, key=lambda status: key_rank(status.position))


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
