"""Reviewers' decisions on suggested links."""

from __future__ import annotations

from sqlite_utils import Database

from ..store.database import now, write_transaction
from ..store.reviews import ReviewError, default_reviewer, resolve_item_id
from .clusters import refresh_clusters

STATES = ("confirmed", "rejected")


class LinkError(Exception):
    """A link decision that cannot be recorded; the message is one line for the user."""


def set_link_state(db: Database, item_a: str, item_b: str, state: str, reviewer: str | None = None) -> dict:
    """Record that the link between two items (ids or unique prefixes, either order)
    is ``confirmed`` or ``rejected``; update the clusters and return the link row.

    Decided links keep their state through later link runs and re-ingests.
    """
    if state not in STATES:
        raise LinkError(f"{state!r}: unknown link state (one of: {', '.join(STATES)})")
    with write_transaction(db):
        try:
            first, second = sorted((resolve_item_id(db, item_a), resolve_item_id(db, item_b)))
        except ReviewError as error:
            raise LinkError(str(error)) from None
        if first == second:
            raise LinkError(f"{first}: an item cannot be linked to itself")
        changed = db.execute(
            "UPDATE links SET state = ?, decided_by = ?, decided_at = ? WHERE item_a = ? AND item_b = ?",
            [state, reviewer or default_reviewer(), now(), first, second],
        ).rowcount
        if not changed:
            raise LinkError(f"{first} and {second} are not linked")
        refresh_clusters(db, [first, second])
        return next(db.query("SELECT * FROM links WHERE item_a = ? AND item_b = ?", [first, second]))
