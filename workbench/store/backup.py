"""Consistent copies of a live database, through SQLite's online backup API."""

from __future__ import annotations

import errno
import os
import sqlite3
from dataclasses import dataclass
from pathlib import Path

from sqlite_utils import Database


@dataclass(frozen=True)
class Backup:
    """What a backup holds: its size on disk and what is in it."""

    path: Path
    size: int  # bytes
    sources: int
    items: int
    reviews: int


def backup_to(db: Database, destination: Path, *, replace: bool = False) -> Backup:
    """Copy ``db`` to ``destination`` while others keep reading and writing.

    The copy is written to a temporary file and moved into place only when complete, so a
    failed or interrupted backup never leaves a half-written file under the destination
    name. An existing ``destination`` is kept (``FileExistsError``) unless ``replace``.
    """
    destination = Path(destination).resolve()
    live = Path(db.execute("PRAGMA database_list").fetchone()[2]).resolve()
    if destination in {live, *(live.with_name(live.name + suffix) for suffix in ("-wal", "-shm", "-journal"))}:
        raise OSError("cannot back up a database onto itself or its own journal files")
    if not destination.parent.is_dir():
        raise OSError(f"no such folder {destination.parent}")
    if destination.exists() and not replace:
        raise FileExistsError("already exists")
    partial = destination.with_name(destination.name + ".partial")
    partial.unlink(missing_ok=True)
    target = sqlite3.connect(partial)
    try:
        db.conn.backup(target, pages=1024)
        target.execute("PRAGMA journal_mode = DELETE")  # a single self-contained file
        sources, items, reviews = (
            target.execute(f"SELECT count(*) FROM {table}").fetchone()[0] for table in ("sources", "items", "reviews")
        )
    except BaseException:
        target.close()
        partial.unlink(missing_ok=True)
        raise
    target.close()
    try:
        _move_into_place(partial, destination, replace=replace)
    finally:
        partial.unlink(missing_ok=True)
    return Backup(destination, destination.stat().st_size, sources, items, reviews)


def _move_into_place(partial: Path, destination: Path, *, replace: bool) -> None:
    """Rename ``partial`` onto ``destination``; without ``replace``, a file that appeared
    there meanwhile is kept (a hard link cannot land on an existing name)."""
    if replace:
        partial.replace(destination)
        return
    try:
        os.link(partial, destination)
    except FileExistsError:
        raise FileExistsError("already exists") from None
    except OSError as error:
        if error.errno not in (errno.EPERM, errno.ENOTSUP, errno.EOPNOTSUPP, errno.EXDEV):
            raise
        # A file system without hard links: checking first is the best that can be done.
        if destination.exists():
            raise FileExistsError("already exists") from None
        partial.replace(destination)
