"""Published fact-checks: the archive entries, their verdicts' history, and the matches
between items and entries that reviewers confirm or reject.

An entry is the same across imports when its review URL, publisher and claim are
(:func:`entry_key`): re-importing a file changes nothing, and a later verdict on the same
claim updates the entry after copying the one it replaces into ``factcheck_history``.
A verdict older than the stored one (by review date) never replaces it.

A match is kept like a link decision: the matcher writes suggestions and updates their
score; a reviewer's ``confirmed`` or ``rejected`` outlives every later run. Adopting a
confirmed match's verdict is an ordinary review (:func:`.reviews.mark`) whose note cites
the fact-check.
"""

from __future__ import annotations

import hashlib
import io
import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

import numpy as np
from sqlite_utils import Database

from ..archives.entry import ArchiveEntry
from ..config import fold_rating
from ..extract.numbers import find_numbers
from .database import in_batches, now, write_transaction
from .reviews import ANY, Mark, ReviewError, default_reviewer, mark, resolve_item_id

STATES = ("confirmed", "rejected", "suggested")
# The verdict of an entry: what a later import may change, with history kept.
VERDICT_COLUMNS = ("title", "review_date", "rating", "rating_value", "best_rating", "worst_rating")
DETAIL_COLUMNS = ("claimant", "claim_date", "publisher_site", "language")
# Entries written per transaction during an import.
BATCH = 2000
# Bytes per row of a stored index array (SQLite's largest value is 1 GB).
INDEX_PART = 64 * 1024**2


class FactcheckError(ReviewError):
    """A match decision or adoption that cannot be recorded; one line for the user."""


@dataclass
class ImportResult:
    added: int = 0
    updated: int = 0
    unchanged: int = 0
    older: list[str] = field(default_factory=list)  # origins of verdicts older than the stored one


def entry_key(entry: ArchiveEntry) -> str:
    """What makes two archive entries one fact-check: review URL, publisher and claim
    (case and spacing aside)."""
    said = [" ".join((part or "").split()).casefold() for part in (entry.url, entry.publisher, entry.claim)]
    return hashlib.sha256("\x1f".join(said).encode()).hexdigest()


def _figures(text: str) -> str:
    mentions = find_numbers(text)
    return json.dumps(
        [{"text": n.text, "value": n.value, "unit": n.unit, "start": n.start, "end": n.end} for n in mentions],
        ensure_ascii=False,
    )


def store_entries(db: Database, entries: Iterable[ArchiveEntry]) -> ImportResult:
    """Add new entries, update those whose verdict changed (old verdict into the history),
    leave the rest alone. Written :data:`BATCH` entries per transaction."""
    result = ImportResult()
    batch: list[ArchiveEntry] = []
    for entry in entries:
        batch.append(entry)
        if len(batch) >= BATCH:
            _store_batch(db, batch, result)
            batch = []
    if batch:
        _store_batch(db, batch, result)
    return result


def _store_batch(db: Database, batch: list[ArchiveEntry], result: ImportResult) -> None:
    """One transaction: the batch's stored rows read in one go, new entries inserted together."""
    stamp = now()
    columns = VERDICT_COLUMNS + DETAIL_COLUMNS
    select = f"SELECT key, id, origin, {', '.join(columns)} FROM factchecks WHERE key IN ({{}})"
    insert = (
        "INSERT INTO factchecks (key, claim, publisher, url, numbers, origin, format, imported_at, "
        f"updated_at, {', '.join(columns)}) VALUES ({', '.join('?' * (9 + len(columns)))})"
    )
    with write_transaction(db):
        keys = [entry_key(entry) for entry in batch]
        stored = {row[0]: row[1:] for row in in_batches(db, select, list(set(keys)))}
        new: dict[str, list] = {}
        for entry, key in zip(batch, keys):
            if key in new:  # twice in one batch: the first goes in, the second is compared with it
                db.execute(insert, new.pop(key))
                stored[key] = next(in_batches(db, select, [key]))[1:]
            values = [getattr(entry, column) for column in columns]
            if key not in stored:
                new[key] = [key, entry.claim, entry.publisher, entry.url, _figures(entry.claim), entry.origin]
                new[key] += [entry.format, stamp, stamp, *values]
                result.added += 1
                continue
            id_, origin, *old = stored[key]
            if old == values:
                result.unchanged += 1
                continue
            old_verdict = old[: len(VERDICT_COLUMNS)]
            if (entry.review_date or "") < (old_verdict[1] or ""):
                result.older.append(entry.origin)
                continue
            if old_verdict != values[: len(VERDICT_COLUMNS)]:
                db.execute(
                    f"INSERT INTO factcheck_history (factcheck_id, origin, replaced_at, {', '.join(VERDICT_COLUMNS)}) "
                    f"VALUES (?, ?, ?, {', '.join('?' * len(VERDICT_COLUMNS))})",
                    [id_, origin, stamp, *old_verdict],
                )
            db.execute(
                f"UPDATE factchecks SET {', '.join(f'{column} = ?' for column in columns)}, origin = ?, "
                "format = ?, updated_at = ? WHERE id = ?",
                [*values, entry.origin, entry.format, stamp, id_],
            )
            stored[key] = (id_, entry.origin, *values)
            result.updated += 1
        db.conn.executemany(insert, list(new.values()))


def save_matches(db: Database, rows: Iterable[tuple[str, int, float, str]]) -> int:
    """Record the matcher's ``(item_id, factcheck_id, score, method)`` suggestions: a new
    pair is suggested, a suggested one takes the new score, a decided one keeps everything.
    Call inside a write transaction; return how many rows were written."""
    stamp = now()
    return db.conn.executemany(
        "INSERT INTO factcheck_matches (item_id, factcheck_id, score, method, created_at) VALUES (?, ?, ?, ?, ?) "
        "ON CONFLICT (item_id, factcheck_id) DO UPDATE SET score = excluded.score, method = excluded.method "
        "WHERE factcheck_matches.state = 'suggested'",
        [(item_id, factcheck_id, round(score, 1), method, stamp) for item_id, factcheck_id, score, method in rows],
    ).rowcount


def archive_key(db: Database) -> str:
    """What the archive's matching index must have been built from to be current: how many
    entries, the last id, the last update (an import adds or updates entries, never deletes)."""
    return json.dumps(db.execute("SELECT count(*), max(id), max(updated_at) FROM factchecks").fetchone())


def save_index(db: Database, key: str, arrays: Mapping[str, np.ndarray]) -> None:
    """Store the archive's matching index (``factcheck_index``), built from the archive as
    :func:`archive_key` was then, in place of the one stored. Call inside a write transaction."""
    db.execute("DELETE FROM factcheck_index")
    rows = [("key", 0, key.encode())]
    for name, values in arrays.items():
        buffer = io.BytesIO()
        np.save(buffer, values, allow_pickle=False)
        data = buffer.getbuffer()
        rows += [(name, part, data[at : at + INDEX_PART]) for part, at in enumerate(range(0, len(data), INDEX_PART))]
    db.conn.executemany("INSERT INTO factcheck_index (name, part, value) VALUES (?, ?, ?)", rows)


def load_index(db: Database, key: str) -> dict[str, np.ndarray] | None:
    """The stored matching index, when it was built from the archive as it is (``key``)."""
    stored = db.execute("SELECT value FROM factcheck_index WHERE name = 'key'").fetchone()
    if stored is None or bytes(stored[0]).decode() != key:
        return None
    parts: dict[str, list[bytes]] = {}
    for name, value in db.execute("SELECT name, value FROM factcheck_index WHERE name != 'key' ORDER BY name, part"):
        parts.setdefault(name, []).append(value)
    return {name: np.load(io.BytesIO(b"".join(values)), allow_pickle=False) for name, values in parts.items()}


def matches_for_item(db: Database, item_id: str) -> list[dict]:
    """The archive entries matched to an item, nobody's rejection hidden: confirmed first,
    then by score. Each row has the match (``score``, ``method``, ``state``,
    ``decided_by``, ``decided_at``) and the entry (``factcheck_id``, ``claim``,
    ``claimant``, ``publisher``, ``url``, ``rating``, ``review_date``, ...)."""
    return list(
        db.query(
            "SELECT m.item_id, m.factcheck_id, m.score, m.method, m.state, m.created_at, m.decided_by, "
            "m.decided_at, f.claim, f.claimant, f.claim_date, f.publisher, f.publisher_site, f.url, f.title, "
            "f.review_date, f.rating, f.rating_value, f.best_rating, f.worst_rating, f.language "
            "FROM factcheck_matches m JOIN factchecks f ON f.id = m.factcheck_id WHERE m.item_id = ? "
            "ORDER BY m.state = 'confirmed' DESC, m.state = 'rejected', m.score DESC, f.id",
            [item_id],
        )
    )


def desk_checks_for_item(db: Database, item_id: str) -> list[dict]:
    """This desk's own verdicts on what the item repeats: linked items with a verdict
    (the ``checked_before`` view's ``via = 'desk'`` rows)."""
    return list(
        db.query(
            "SELECT other_item_id, state, score, checked_by, rating, checked_at FROM checked_before "
            "WHERE item_id = ? AND via = 'desk' ORDER BY checked_at DESC",
            [item_id],
        )
    )


def set_match_state(db: Database, item_id: str, factcheck_id: int, state: str, reviewer: str | None = None) -> dict:
    """Record a reviewer's ``confirmed`` or ``rejected`` on a match, or give it back to the
    matcher (``suggested``); return the match row."""
    if state not in STATES:
        raise FactcheckError(f"{state!r}: unknown match state (one of: {', '.join(STATES)})")
    with write_transaction(db):
        item_id = resolve_item_id(db, item_id)
        changed = db.execute(
            "UPDATE factcheck_matches SET state = ?, decided_by = ?, decided_at = ? "
            "WHERE item_id = ? AND factcheck_id = ?",
            [state, None if state == "suggested" else reviewer or default_reviewer(), now(), item_id, factcheck_id],
        ).rowcount
        if not changed:
            raise FactcheckError(f"{item_id}: not matched to fact-check {factcheck_id}")
        return next(
            db.query("SELECT * FROM factcheck_matches WHERE item_id = ? AND factcheck_id = ?", [item_id, factcheck_id])
        )


def citation(match: Mapping) -> str:
    """The note of an adopted verdict: who checked the claim, their rating, where."""
    who = match.get("publisher") or match.get("publisher_site") or "an unnamed publisher"
    when = f" on {match['review_date'][:10]}" if match.get("review_date") else ""
    where = f": {match['url']}" if match.get("url") else ""
    return f"Previously checked by {who}{when}, rated {match.get('rating')!r}{where}"


def adopt_verdict(
    db: Database,
    item_id: str,
    factcheck_id: int,
    rating_map: Mapping[str, str],
    *,
    reviewer: str | None = None,
    expected: int | object | None = ANY,
) -> Mark:
    """Mark an item with the verdict of a confirmed match, its textual rating mapped to a
    status through ``rating_map`` (``[ratings]`` of ``workbench.toml``, keys folded with
    :func:`~workbench.config.fold_rating`), with a note citing the fact-check. ``expected``
    is the item's review id as the caller saw it (see :func:`.reviews.mark`)."""
    item_id = resolve_item_id(db, item_id)
    match = next((row for row in matches_for_item(db, item_id) if row["factcheck_id"] == factcheck_id), None)
    if match is None:
        raise FactcheckError(f"{item_id}: not matched to fact-check {factcheck_id}")
    if match["state"] != "confirmed":
        raise FactcheckError(f"{item_id}: confirm the match to fact-check {factcheck_id} before adopting its verdict")
    status = rating_map.get(fold_rating(match["rating"] or ""))
    if status is None:
        raise FactcheckError(
            f"{item_id}: the rating {match['rating']!r} is not in [ratings] of workbench.toml; map it to a status"
        )
    return mark(db, item_id, status, note=citation(match), reviewer=reviewer, expected=expected)


def unknown_ratings(db: Database, rating_map: Mapping[str, str]) -> list[tuple[str, int]]:
    """The archive's textual ratings that ``rating_map`` does not map, with how many
    entries carry each, most common first."""
    counts: dict[str, int] = {}
    for rating, count in db.execute("SELECT rating, count(*) FROM factchecks WHERE rating IS NOT NULL GROUP BY 1"):
        if fold_rating(rating) not in rating_map:
            counts[rating] = counts.get(rating, 0) + count
    return sorted(counts.items(), key=lambda pair: (-pair[1], pair[0]))
