"""Consistent copies of a live database, through SQLite's online backup API."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from sqlite_utils import Database


def backup_to(db: Database, destination: Path) -> int:
    """Copy ``db`` to ``destination`` while others keep reading and writing; return pages copied.

    The copy is written to a temporary file and renamed into place, so a failed or
    interrupted backup never leaves a half-written file under the destination name.
    """
    destination = Path(destination).resolve()
    live = Path(db.execute("PRAGMA database_list").fetchone()[2]).resolve()
    if destination in {live, *(live.with_name(live.name + suffix) for suffix in ("-wal", "-shm", "-journal"))}:
        raise OSError("cannot back up a database onto itself or its own journal files")
    if not destination.parent.is_dir():
        raise OSError(f"no such folder {destination.parent}")
    partial = destination.with_name(destination.name + ".partial")
    partial.unlink(missing_ok=True)
    target = sqlite3.connect(partial)
    pages = 0

    def count(status: int, remaining: int, total: int) -> None:
        nonlocal pages
        pages = total

    try:
        db.conn.backup(target, pages=1024, progress=count)
        target.execute("PRAGMA journal_mode = DELETE")  # a single self-contained file
    finally:
        target.close()
    partial.replace(destination)
    return pages
