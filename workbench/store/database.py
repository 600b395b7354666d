"""Opening the workbench database safely.

A path that is not a SQLite file, a corrupt file and a file written by a newer release
are refused with a :class:`DatabaseError` whose message names the file and the reason;
a refused file is never written to. Every connection uses WAL and a busy timeout so
several reviewers and an ingest can share one file.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import os
import sqlite3
from collections.abc import Iterator, Sequence
from pathlib import Path

from sqlite_utils import Database

from .schema import MIGRATION_NAMES, MIGRATION_SET, SCHEMA_VERSION, migrations

DEFAULT_DB = Path("db") / "workbench.db"
SQLITE_MAGIC = b"SQLite format 3\x00"
BUSY_TIMEOUT_MS = 30_000
# Values bound per statement by :func:`in_batches`, well under SQLite's limit.
BATCH = 500


class DatabaseError(Exception):
    """The database cannot be used; the message is one line for the user."""


def default_db_path() -> Path:
    """``$WORKBENCH_DB`` if set, else ``db/workbench.db``."""
    return Path(os.environ.get("WORKBENCH_DB") or DEFAULT_DB)


def _refusal(path: Path, error: sqlite3.DatabaseError) -> DatabaseError:
    """Explain why SQLite refused ``path``.

    The header is read only after SQLite has refused the file: closing any descriptor of
    a file drops every POSIX lock this process holds on it, so reading the header of a
    database that another connection here has open would break that connection's locking.
    """
    try:
        with path.open("rb") as handle:
            header = handle.read(16)
    except OSError:
        header = SQLITE_MAGIC
    if header != SQLITE_MAGIC:
        return DatabaseError(f"{path}: not a SQLite database")
    return DatabaseError(f"{path}: corrupt database ({error})")


def _check_version(conn: sqlite3.Connection, path: Path) -> None:
    try:
        version = conn.execute("PRAGMA user_version").fetchone()[0]
        known = (
            {
                name
                for (name,) in conn.execute(
                    "SELECT name FROM _sqlite_migrations WHERE migration_set = ?", [MIGRATION_SET]
                )
            }
            if conn.execute("SELECT 1 FROM sqlite_master WHERE name = '_sqlite_migrations'").fetchone()
            else set()
        )
    except sqlite3.DatabaseError as error:
        conn.close()
        raise _refusal(path, error) from None
    if version > SCHEMA_VERSION or known - set(MIGRATION_NAMES):
        conn.close()
        raise DatabaseError(
            f"{path}: written by a newer workbench (schema version {version}, this release knows {SCHEMA_VERSION}); "
            "upgrade workbench to open it"
        )


def open_db(path: str | Path | None = None, *, create: bool = True, readonly: bool = False) -> Database:
    """Open (and create or migrate) the workbench database at ``path``.

    ``readonly`` opens without migrating or writing anything.
    """
    path = Path(path) if path is not None else default_db_path()
    if path.is_dir():
        raise DatabaseError(f"{path}: is a folder, not a database file")
    if not path.exists() or path.stat().st_size == 0:
        if not create or readonly:
            raise DatabaseError(f"{path}: no such database (run `workbench ingest` first)")
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
        except OSError as error:
            raise DatabaseError(f"{path}: cannot create the database folder ({error.strerror or error})") from None
    uri = f"{path.resolve().as_uri()}?mode=ro" if readonly else str(path)
    try:
        conn = sqlite3.connect(uri, uri=readonly, timeout=BUSY_TIMEOUT_MS / 1000, check_same_thread=False)
        _check_version(conn, path)
        db = Database(conn)
        conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
        if not readonly:
            if conn.execute("PRAGMA journal_mode").fetchone()[0] != "wal":
                conn.execute("PRAGMA journal_mode = WAL")
            conn.execute("PRAGMA synchronous = FULL")
            conn.execute("PRAGMA foreign_keys = ON")
            migrate(db)
    except sqlite3.DatabaseError as error:
        if isinstance(error, sqlite3.OperationalError) and "not a database" not in str(error):
            raise DatabaseError(f"{path}: {error}") from None  # locked, read-only, disk full...
        raise _refusal(path, error) from None
    return db


def migrate(db: Database) -> None:
    """Apply pending migrations and record the schema version in the file."""
    if migrations.pending(db):
        with write_transaction(db):
            migrations.apply(db)
            db.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")


@contextlib.contextmanager
def write_transaction(db: Database) -> Iterator[Database]:
    """A transaction that takes the write lock up front.

    ``BEGIN IMMEDIATE`` waits (up to the busy timeout) for other writers instead of
    failing later with "database is locked" when a read transaction tries to upgrade.
    """
    if db.conn.in_transaction:
        with db.atomic():
            yield db
        return
    db.conn.execute("BEGIN IMMEDIATE")
    try:
        yield db
    except BaseException:
        db.conn.rollback()
        raise
    try:
        db.conn.execute("COMMIT")
    except BaseException:
        # A failed COMMIT leaves the transaction open: later writes would nest inside it
        # as savepoints and never be committed.
        db.conn.rollback()
        raise


def resolve_id(db: Database, table: str, given: str, noun: str) -> str:
    """A full id in ``table``, or the one id that a prefix of 6+ characters matches.

    Raises ``LookupError`` with a one-line message ("no such item", "ambiguous item id prefix").
    """
    if db.execute(f"SELECT 1 FROM {table} WHERE id = ?", [given]).fetchone():
        return given
    matches = []
    if len(given) >= 6:
        matches = [
            row[0]
            for row in db.execute(f"SELECT id FROM {table} WHERE id >= ? AND id < ? LIMIT 2", [given, given + "\uffff"])
        ]
    if len(matches) == 1:
        return matches[0]
    raise LookupError(f"{given}: {f'ambiguous {noun} id prefix' if matches else f'no such {noun}'}")


def _batches(sql: str, values: Sequence) -> Iterator[tuple[str, list]]:
    slots = sql.count("{}")
    for begin in range(0, len(values), BATCH):
        part = list(values[begin : begin + BATCH])
        yield sql.format(*[",".join("?" * len(part))] * slots), part * slots


def in_batches(db: Database, sql: str, values: Sequence) -> Iterator[tuple]:
    """Rows of ``sql`` for ``values``, 500 at a time: each ``{}`` in ``sql`` becomes the
    placeholders of one batch (``... WHERE item_a IN ({}) OR item_b IN ({})``)."""
    for statement, params in _batches(sql, values):
        yield from db.execute(statement, params)


def run_in_batches(db: Database, sql: str, values: Sequence) -> int:
    """Run a write ``sql`` (``DELETE ... WHERE id IN ({})``) over ``values`` in batches; return the rows changed."""
    return sum(db.execute(statement, params).rowcount for statement, params in _batches(sql, values))


def now(timespec: str = "microseconds") -> str:
    """UTC now in ISO 8601, the form of every stamp the database keeps (it sorts as text)."""
    return dt.datetime.now(dt.UTC).isoformat(timespec=timespec)
