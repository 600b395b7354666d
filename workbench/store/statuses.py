"""The status vocabulary in the ``statuses`` table, and what "reviewed" means.

An item is *reviewed* when its status is a verdict (``statuses.verdict = 1``); unreviewed
and in-progress are workflow states. Every count of reviewed items (review screen,
``stats``, reports, ClaimReview) uses :func:`reviewed`.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlite_utils import Database

from ..config import Config
from .database import write_transaction


def reviewed(column: str = "items.status") -> str:
    """SQL: the status in ``column`` is a verdict (a status missing from the table counts as one)."""
    return f"{column} NOT IN (SELECT id FROM statuses WHERE NOT verdict)"


def status_ids(db: Database) -> list[str]:
    """Every status id, in display order."""
    return [row[0] for row in db.execute("SELECT id FROM statuses ORDER BY position")]


def workflow_ids(db: Database) -> set[str]:
    """The statuses that are not verdicts."""
    return {row[0] for row in db.execute("SELECT id FROM statuses WHERE NOT verdict")}


@dataclass
class MirrorResult:
    changed: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)


def _plan(db: Database, config: Config) -> tuple[list[tuple], MirrorResult]:
    """The statements that make the ``statuses`` table match ``config``, and what they do."""
    result = MirrorResult()
    actions: list[tuple] = []
    wanted = {
        status.id: (status.label, status.description, status.color, position, int(status.verdict))
        for position, status in enumerate(config.statuses or [])
    }
    if "unreviewed" in wanted:  # never a verdict, whatever the file says
        wanted["unreviewed"] = (*wanted["unreviewed"][:4], 0)
    current = {
        row[0]: tuple(row[1:])
        for row in db.execute("SELECT id, label, description, color, position, verdict FROM statuses")
    }
    position = len(wanted)
    for id_ in sorted((id_ for id_ in current if id_ not in wanted), key=lambda id_: current[id_][3]):
        in_use = db.execute(
            "SELECT EXISTS (SELECT 1 FROM reviews WHERE status = ?) OR EXISTS (SELECT 1 FROM items WHERE status = ?)",
            [id_, id_],
        ).fetchone()[0]
        if in_use or id_ == "unreviewed":
            if in_use and id_ != "unreviewed":
                result.warnings.append(
                    f"status {id_!r} is not in {config.path or 'the configuration'} but reviews use it; kept"
                )
            label, description, color, _, verdict = current[id_]
            wanted[id_] = (label, description, color, position, verdict)
            position += 1
        else:
            actions.append(("DELETE FROM statuses WHERE id = ?", [id_]))
            result.changed.append(f"removed {id_}")
    for id_, row in wanted.items():
        if current.get(id_) != row:
            actions.append(
                (
                    "INSERT INTO statuses (id, label, description, color, position, verdict) "
                    "VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (id) DO UPDATE SET label = excluded.label, "
                    "description = excluded.description, color = excluded.color, position = excluded.position, "
                    "verdict = excluded.verdict",
                    [id_, *row],
                )
            )
            result.changed.append(f"{'updated' if id_ in current else 'added'} {id_}")
    return actions, result


def mirror_statuses(db: Database, config: Config) -> MirrorResult:
    """Make the ``statuses`` table say what the configured vocabulary says.

    Labels, descriptions, colours, positions and the verdict flag are upserted. A status the
    file no longer lists is deleted only if no review or item uses it; otherwise it is kept
    (after the configured ones) and a warning says so. ``unreviewed`` is always kept because
    new items start with it. When the table already matches, nothing is written and no write
    lock is taken. A configuration without a vocabulary leaves the table alone.
    """
    if config.statuses is None:
        return MirrorResult()
    actions, result = _plan(db, config)
    if not actions:
        return result
    with write_transaction(db):
        # Plan again inside the lock: a review may have arrived since.
        actions, result = _plan(db, config)
        for sql, params in actions:
            db.execute(sql, params)
    return result
