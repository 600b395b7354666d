"""Reviewers' decisions on links, and links a reviewer makes.

Confirming or rejecting two items the linker did not link creates the link (method
``manual``): a reviewer may join two statements the linker missed, or record that two
are not the same before the linker ever suggests it. ``suggested`` takes a decision back:
the link is the linker's again (a manual one is dropped by the next full run, which does
not find it). Every decision records who made it and when.
"""

from __future__ import annotations

import json

import numpy as np
from sqlite_utils import Database

from ..store.database import now, write_transaction
from ..store.reviews import ReviewError, default_reviewer, resolve_item_id
from .clusters import refresh_clusters
from .drift import drift, same_speaker
from .normalise import normalise
from .scoring import score_pairs

STATES = ("confirmed", "rejected", "suggested")


class LinkError(Exception):
    """A link decision that cannot be recorded; the message is one line for the user."""


def set_link_state(db: Database, item_a: str, item_b: str, state: str, reviewer: str | None = None) -> dict:
    """Record that the link between two items (ids or unique prefixes, either order) is
    ``confirmed`` or ``rejected`` (creating it when the linker made none), or give it back
    to the linker (``suggested``); update the clusters and return the link row.

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
        decision = [state, reviewer or default_reviewer(), now()]
        changed = db.execute(
            "UPDATE links SET state = ?, decided_by = ?, decided_at = ? WHERE item_a = ? AND item_b = ?",
            [*decision, first, second],
        ).rowcount
        if not changed:
            if state == "suggested":
                raise LinkError(f"{first} and {second} are not linked: there is no decision to take back")
            _create(db, first, second, decision)
        refresh_clusters(db, [first, second])
        return next(db.query("SELECT * FROM links WHERE item_a = ? AND item_b = ?", [first, second]))


def _create(db: Database, first: str, second: str, decision: list) -> None:
    """A reviewer's link between two items the linker did not link: scored on their wording,
    with the drift of two quotes by one speaker."""
    items = {
        row[0]: row[1:]
        for row in db.execute(
            "SELECT id, kind, text, speaker, source_id FROM items WHERE id IN (?, ?)", [first, second]
        )
    }
    (kind_a, text_a, speaker_a, source_a), (kind_b, text_b, speaker_b, source_b) = items[first], items[second]
    if source_a == source_b:
        raise LinkError(f"{first} and {second} come from one source: links join different sources")
    forms = [normalise(text_a), normalise(text_b)]
    sizes = np.array([len(set(form.tokens)) for form in forms])
    scores, _ = score_pairs([form.sorted_text for form in forms], sizes, np.array([0]), np.array([1]), 0, workers=1)
    changes = drift(text_a, text_b) if kind_a == kind_b == "quote" and same_speaker(speaker_a, speaker_b) else None
    db.execute(
        "INSERT INTO links (item_a, item_b, score, method, state, drift, created_at, decided_by, decided_at) "
        "VALUES (?, ?, ?, 'manual', ?, ?, ?, ?, ?)",
        [
            first,
            second,
            round(float(scores[0]), 1),
            decision[0],
            json.dumps(changes, ensure_ascii=False) if changes else None,
            decision[2],
            decision[1],
            decision[2],
        ],
    )
