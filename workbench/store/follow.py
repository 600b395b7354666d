"""Reviews and link decisions follow an edited item.

When a re-ingested article's sentence changed slightly, its item gets a new id (ids come
from the text). A reviewer's verdicts and confirmed or rejected links on the old item are
moved to the new one, so nothing a reviewer entered is lost; suggested links are simply
made again by the next link run.
"""

from __future__ import annotations

from rapidfuzz import fuzz, process
from sqlite_utils import Database

from .database import in_batches
from .identity import canonical_text
from .links import decided, swap_sides

# A review follows its item to an edited sentence at least this similar (0-100).
FOLLOW_THRESHOLD = 85


def successors(
    db: Database, vanished: dict[str, tuple[str, str]], arrived: dict[str, tuple[str, str]]
) -> dict[str, str]:
    """The new item each vanished item with reviews or link decisions became: the most
    similar arrived item, of the same kind if one is similar enough, else of another kind
    (the sentence is now read as a quote, or no longer as one: ``item_status.kind_changed``
    says so); each taken at most once.

    ``vanished`` and ``arrived`` map item ids to ``(kind, text)``.
    """
    followed = {
        row[0]
        for row in in_batches(
            db,
            f"SELECT item_id FROM reviews WHERE item_id IN ({{}}) UNION "
            f"SELECT item_a FROM links WHERE {decided()} AND item_a IN ({{}}) UNION "
            f"SELECT item_b FROM links WHERE {decided()} AND item_b IN ({{}})",
            list(vanished),
        )
    }
    found: dict[str, str] = {}
    candidates = {new_id: (kind, canonical_text(text)) for new_id, (kind, text) in arrived.items()}
    for same_kind in (True, False):
        for old_id in sorted(followed - found.keys()):  # sorted: the same winner whatever the hash seed
            kind, text = vanished[old_id]
            choices = {
                new_id: text_ for new_id, (new_kind, text_) in candidates.items() if (new_kind == kind) == same_kind
            }
            best = process.extractOne(canonical_text(text), choices, scorer=fuzz.ratio, score_cutoff=FOLLOW_THRESHOLD)
            if best:
                found[old_id] = best[2]
                del candidates[best[2]]
    return found


def follow_reviews(db: Database, moves: dict[str, str]) -> int:
    """Move reviews of vanished items to the items they became; return how many moved."""
    return sum(
        db.execute(
            "UPDATE reviews SET moved_from = coalesce(moved_from, item_id), item_id = ? WHERE item_id = ?",
            [new_id, old_id],
        ).rowcount
        for old_id, new_id in moves.items()
    )


def follow_decisions(db: Database, moves: dict[str, str]) -> int:
    """Re-point confirmed and rejected links of vanished items at the items they became,
    decision kept. A suggestion already made for the new pair gives way; another decision
    on it is never overwritten (the old link is then left as it was)."""
    links = sorted(
        set(
            in_batches(
                db,
                f"SELECT item_a, item_b, drift, conflict FROM links WHERE {decided()} "
                "AND (item_a IN ({}) OR item_b IN ({}))",
                list(moves),
            )
        )
    )
    moved = 0
    for item_a, item_b, drift, conflict in links:
        new_a, new_b = moves.get(item_a, item_a), moves.get(item_b, item_b)
        if new_a > new_b:
            new_a, new_b = new_b, new_a
            drift, conflict = swap_sides(drift, conflict)
        taken = db.execute("SELECT state FROM links WHERE item_a = ? AND item_b = ?", [new_a, new_b]).fetchone()
        if taken and taken[0] != "suggested":
            continue
        if taken:
            db.execute("DELETE FROM links WHERE item_a = ? AND item_b = ?", [new_a, new_b])
        moved += db.execute(
            "UPDATE links SET item_a = ?, item_b = ?, drift = ?, conflict = ? WHERE item_a = ? AND item_b = ?",
            [new_a, new_b, drift, conflict, item_a, item_b],
        ).rowcount
    return moved
