"""Recording verdicts: the append-only ``reviews`` history.

A mark never overwrites anything: it is a new row. A caller that showed the reviewer an
item passes the review id it showed (``expected``); if someone else marked the item in
the meantime the mark is refused with :class:`StaleReview`, never silently applied.
"""

from __future__ import annotations

import getpass
import os
import re
from dataclasses import dataclass

from sqlite_utils import Database

from .database import now, resolve_id, write_transaction

ANY = object()  # ``expected=ANY``: apply whatever the item's current review is


class ReviewError(Exception):
    """A mark that cannot be recorded; the message is one line for the user."""


class UnknownItem(ReviewError):
    pass


class UnknownStatus(ReviewError):
    pass


class StaleReview(ReviewError):
    """Someone else reviewed the item after the caller loaded it."""

    def __init__(self, item_id: str, current: dict, message: str | None = None):
        self.item_id = item_id
        self.current = current
        who = current.get("reviewer") or "someone"
        super().__init__(
            message
            or (
                f"{item_id}: changed by {who} at {current.get('created_at')} to {current.get('status')!r} "
                "since you loaded it; reload and mark again"
            )
        )


@dataclass
class Mark:
    review_id: int
    item_id: str
    status: str
    previous_status: str


def default_reviewer() -> str:
    """``$WORKBENCH_REVIEWER``, else the OS user name."""
    try:
        return os.environ.get("WORKBENCH_REVIEWER") or getpass.getuser()
    except OSError:
        return "unknown"


def resolve_item_id(db: Database, item_id: str) -> str:
    """Accept a full item id or a unique prefix of one (at least 6 characters)."""
    try:
        return resolve_id(db, "items", item_id, "item")
    except LookupError as error:
        raise UnknownItem(str(error)) from None


def _folded(name: str) -> str:
    """A status name as people may type it: any case, hyphens, underscores or spaces alike."""
    return " ".join(re.split(r"[\s_-]+", name.casefold())).strip()


def resolve_status(db: Database, given: str) -> str:
    """The status id that ``given`` names: an id, or an id or label in any case
    (``False``, ``"Mostly true"``, ``mostly_true``)."""
    statuses = list(db.execute("SELECT id, label FROM statuses ORDER BY position"))
    if any(id_ == given for id_, _ in statuses):
        return given
    wanted = _folded(given)
    by_id = [id_ for id_, _ in statuses if _folded(id_) == wanted]
    by_label = [id_ for id_, label in statuses if _folded(label or "") == wanted]
    # An id wins over another status's label; two statuses alike in one way are ambiguous.
    for matches in (by_id, by_label):
        if len(set(matches)) == 1:
            return matches[0]
        if matches:
            raise UnknownStatus(f"{given!r}: ambiguous status (could be {', '.join(matches)}); give its id")
    known = ", ".join(
        f"{id_} ({label})" if label and _folded(label) != _folded(id_) else id_ for id_, label in statuses
    )
    raise UnknownStatus(f"{given!r}: unknown status (one of: {known})")


def mark(
    db: Database,
    item_id: str,
    status: str,
    *,
    note: str | None = None,
    reviewer: str | None = None,
    expected: int | object | None = ANY,
    expected_status: str | None = None,
) -> Mark:
    """Record a verdict on one item and return it. ``status`` and ``expected_status`` may
    be ids or labels, in any case (:func:`resolve_status`).

    ``expected`` is the id of the item's latest review as the caller saw it (``None``
    for "never reviewed"); a different current review raises :class:`StaleReview`.
    ``expected_status`` does the same with the status the caller saw.
    """
    with write_transaction(db):
        item_id = resolve_item_id(db, item_id)
        status = resolve_status(db, status)
        if expected_status is not None:
            expected_status = resolve_status(db, expected_status)
        current_id, previous = db.execute("SELECT review_id, status FROM items WHERE id = ?", [item_id]).fetchone()
        if expected_status is not None and expected_status != previous:
            raise StaleReview(
                item_id,
                {"status": previous},
                f"{item_id}: current status is {previous!r}, not {expected_status!r}; not marked",
            )
        if expected is not ANY and expected != current_id:
            raise StaleReview(
                item_id,
                dict(
                    zip(
                        ("status", "reviewer", "created_at"),
                        db.execute(
                            "SELECT status, reviewer, created_at FROM reviews WHERE id = ?", [current_id]
                        ).fetchone()
                        or (previous, None, None),
                    )
                ),
            )
        # The item as the reviewer saw it (item_text, item_kind, ...) is recorded by a trigger.
        cursor = db.execute(
            "INSERT INTO reviews (item_id, status, note, reviewer, created_at, based_on) VALUES (?, ?, ?, ?, ?, ?)",
            [item_id, status, note, reviewer or default_reviewer(), now(), current_id],
        )
        # Checked, not assumed: a mark whose status did not reach the item is rolled back.
        if db.execute("SELECT review_id FROM items WHERE id = ?", [item_id]).fetchone()[0] != cursor.lastrowid:
            raise ReviewError(f"{item_id}: the item's status did not follow the review (damaged schema?); not marked")
        return Mark(cursor.lastrowid, item_id, status, previous)


def history(db: Database, item_id: str) -> list[dict]:
    """Every review of an item, oldest first."""
    return list(db.query("SELECT * FROM reviews WHERE item_id = ? ORDER BY id", [item_id]))
