"""Marking items and taking your marks back: the review screen's verdicts, without Textual.

Every mark goes through :func:`workbench.store.reviews.mark` with the review the reviewer
was shown, so a mark on an item someone else changed meanwhile is refused
(:class:`~workbench.store.reviews.StaleReview`) instead of overwriting their verdict. The
marks of one action (one key, one cluster verdict) are one transaction and one undo.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass

from sqlite_utils import Database

from ..store.database import write_transaction
from ..store.reviews import mark
from .rows import Row


@dataclass(frozen=True)
class Change:
    """One item's status, before and after a committed mark."""

    num: int
    before: str
    after: str


@dataclass(frozen=True)
class Undo:
    """One of your marks, and what it replaced."""

    num: int
    item_id: str
    review_id: int
    previous_status: str
    previous_note: str | None


class Marker:
    """Records one reviewer's marks on a database and keeps them for undo."""

    def __init__(self, db: Database, reviewer: str) -> None:
        self.db = db
        self.reviewer = reviewer
        self.undo_stack: list[list[Undo]] = []

    def notes(self, rows: Iterable[Row]) -> dict[str, str | None]:
        """The current note of each of ``rows`` that has one, by item id."""
        ids = [row.review_id for row in rows if row.review_id is not None]
        return dict(
            self.db.execute(
                "SELECT item_id, note FROM reviews WHERE id IN (SELECT value FROM json_each(?))", [json.dumps(ids)]
            ).fetchall()
        )

    def mark(self, rows: list[Row], status: str, *, note: str | None = None) -> list[Change]:
        """Mark ``rows`` with ``status`` (and ``note``) in one transaction, as one undo.

        Raises :class:`~workbench.store.reviews.StaleReview` if any row changed since it was
        read (nothing is written then), or another ``ReviewError``.
        """
        with write_transaction(self.db):
            notes = self.notes(rows)
            results = [
                mark(self.db, row.id, status, note=note, reviewer=self.reviewer, expected=row.review_id) for row in rows
            ]
        self.undo_stack.append(
            [
                Undo(row.num, row.id, result.review_id, result.previous_status, notes.get(row.id))
                for row, result in zip(rows, results)
            ]
        )
        return [Change(row.num, result.previous_status, status) for row, result in zip(rows, results)]

    def undo(self) -> list[Change] | None:
        """Put back what your last mark replaced, status and note, as new reviews (None: nothing to undo).

        Refused like a mark (and then dropped) if someone else marked one of the items since.
        """
        if not self.undo_stack:
            return None
        undos = self.undo_stack.pop()
        with write_transaction(self.db):
            results = [
                mark(
                    self.db,
                    undo.item_id,
                    undo.previous_status,
                    note=undo.previous_note,
                    reviewer=self.reviewer,
                    expected=undo.review_id,
                )
                for undo in undos
            ]
        return [Change(undo.num, result.previous_status, undo.previous_status) for undo, result in zip(undos, results)]
