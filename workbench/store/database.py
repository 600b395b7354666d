"""Opening the workbench database safely.

A path that is not a regular file, not a SQLite file, a corrupt file, a SQLite file that
is neither empty nor a workbench database, and a file written by a newer release are
refused with a :class:`DatabaseError` whose message names the file and the reason; a
refused file is never written to. A database that is locked, read-only, full or failing
gives a :class:`DatabaseUnwritable` saying which. Opening checks that the triggers, views
and indexes the workbench relies on are there as the migrations made them, and puts back
any that a script dropped or changed (with the data they maintain). Every connection uses
WAL and a busy timeout so several reviewers and an ingest can share one file.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import functools
import os
import sqlite3
import stat
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path

from sqlite_utils import Database

from .schema import MIGRATION_NAMES, MIGRATION_SET, SCHEMA_VERSION, migrations

DEFAULT_DB = Path("db") / "workbench.db"
SQLITE_MAGIC = b"SQLite format 3\x00"
BUSY_TIMEOUT_MS = 30_000
# Values bound per statement by :func:`in_batches`, well under SQLite's limit.
BATCH = 500
# The fewest characters of an id that may stand for it (ids are hex digests: 16 million prefixes).
SHORTEST_PREFIX = 6
# SQLite's primary result codes that this module tells apart.
SQLITE_PERM, SQLITE_BUSY, SQLITE_LOCKED, SQLITE_READONLY, SQLITE_IOERR = 3, 5, 6, 8, 10
SQLITE_CORRUPT, SQLITE_FULL, SQLITE_CANTOPEN, SQLITE_TOOBIG, SQLITE_CONSTRAINT = 11, 13, 14, 18, 19
SQLITE_MISMATCH, SQLITE_AUTH, SQLITE_NOTADB = 20, 23, 26
# Errors that concern the one row or article being written; any other stops a batch.
ONE_WRITE_ERRORS = frozenset({SQLITE_TOOBIG, SQLITE_CONSTRAINT, SQLITE_MISMATCH})


class DatabaseError(Exception):
    """The database cannot be used; the message is one line for the user."""


class DatabaseUnwritable(DatabaseError):
    """The database cannot be written now (locked, read-only, disk full, failing disk):
    every further write would fail too, so a batch stops at the first."""


def default_db_path() -> Path:
    """``$WORKBENCH_DB`` if set, else ``db/workbench.db``."""
    return Path(os.environ.get("WORKBENCH_DB") or DEFAULT_DB)


def _refusal(path: Path, error: sqlite3.DatabaseError) -> DatabaseError:
    """Explain why SQLite refused ``path`` as a database.

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


def _primary_code(error: sqlite3.Error) -> int | None:
    code = getattr(error, "sqlite_errorcode", None)
    return None if code is None else code & 0xFF


def affects_one_write(error: sqlite3.Error) -> bool:
    """Whether ``error`` concerns only what was being written (a constraint, a row too
    large), so the next article can still be written."""
    code = _primary_code(error)
    return code is None or code in ONE_WRITE_ERRORS


def explain(error: sqlite3.Error, path: str | Path) -> DatabaseError:
    """One line for the user on what ``error`` says about the database at ``path``: locked,
    read-only, disk full, I/O error and corrupt are different messages."""
    path = Path(path)
    code = _primary_code(error)
    seconds = f"{BUSY_TIMEOUT_MS / 1000:g}"
    reasons = {
        SQLITE_BUSY: f"locked by another process for more than {seconds} s; try again when it has finished",
        SQLITE_LOCKED: f"locked by another process for more than {seconds} s; try again when it has finished",
        SQLITE_READONLY: "read-only (no permission to write the file or its folder, or a read-only disk)",
        SQLITE_FULL: "disk full: nothing more can be written (free some space and run again)",
        SQLITE_IOERR: f"disk I/O error ({error})",
        SQLITE_CANTOPEN: "cannot open it or create its journal files beside it (a read-only folder, or no permission)",
        SQLITE_PERM: "permission denied",
        SQLITE_AUTH: "permission denied",
    }
    if code in (SQLITE_CORRUPT, SQLITE_NOTADB):
        return _refusal(path, error)
    if code in reasons:
        return DatabaseUnwritable(f"{path}: {reasons[code]}")
    return DatabaseError(f"{path}: {error}")


def _check_file(path: Path, create: bool) -> None:
    """Refuse a path that cannot hold a database, or a missing one unless ``create``."""
    try:
        info = path.stat()
    except FileNotFoundError:
        info = None
    except OSError as error:
        raise DatabaseError(f"{path}: {error.strerror or error}") from None
    if info is not None and stat.S_ISDIR(info.st_mode):
        raise DatabaseError(f"{path}: is a folder, not a database file")
    if info is not None and not stat.S_ISREG(info.st_mode):
        raise DatabaseError(f"{path}: not a regular file (a device, pipe or socket cannot hold a database)")
    if info is not None and info.st_size:
        return
    if not create:
        raise DatabaseError(f"{path}: no such database (run `workbench ingest` first)")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        raise DatabaseError(f"{path}: cannot create the database folder ({error.strerror or error})") from None


def _check_kind(conn: sqlite3.Connection, path: Path) -> None:
    """Refuse a SQLite file that is neither empty nor a workbench database, and a
    workbench database from a newer release."""
    names = [row[0] for row in conn.execute("SELECT name FROM sqlite_master WHERE name NOT LIKE 'sqlite_%'")]
    if not names:
        return
    try:
        known = {
            row[0]
            for row in conn.execute("SELECT name FROM _sqlite_migrations WHERE migration_set = ?", [MIGRATION_SET])
        }
    except sqlite3.OperationalError:  # no such table, or one of that name from another program
        known = set()
    if not known:
        shown = ", ".join(sorted(names)[:3]) + (", ..." if len(names) > 3 else "")
        raise DatabaseError(f"{path}: not a workbench database (it holds {shown}); refusing to change it")
    version = conn.execute("PRAGMA user_version").fetchone()[0]
    if version > SCHEMA_VERSION or known - set(MIGRATION_NAMES):
        raise DatabaseError(
            f"{path}: written by a newer workbench (schema version {version}, this release knows {SCHEMA_VERSION}); "
            "upgrade workbench to open it"
        )


def open_db(
    path: str | Path | None = None,
    *,
    create: bool = True,
    readonly: bool = False,
    on_repair: Callable[[str], None] | None = None,
) -> Database:
    """Open (and create or migrate) the workbench database at ``path``.

    ``readonly`` opens without migrating or writing anything (a damaged schema is then
    refused instead of repaired). ``on_repair`` is told, in one line, what was repaired.
    """
    path = Path(path) if path is not None else default_db_path()
    _check_file(path, create=create and not readonly)
    conn = None
    try:
        # Opened as any reader opens it (a read-only open of a WAL file would leave its -wal
        # and -shm behind); ``readonly`` is then enforced by SQLite on this connection.
        conn = sqlite3.connect(path, timeout=BUSY_TIMEOUT_MS / 1000, check_same_thread=False)
        conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
        _check_kind(conn, path)
        db = Database(conn)
        if readonly:
            conn.execute("PRAGMA query_only = ON")
        else:
            if conn.execute("PRAGMA journal_mode").fetchone()[0] != "wal":
                conn.execute("PRAGMA journal_mode = WAL")
            conn.execute("PRAGMA synchronous = FULL")
            conn.execute("PRAGMA foreign_keys = ON")
            migrate(db)
        _check_schema(db, path, repair=not readonly, on_repair=on_repair)
    except (sqlite3.Error, DatabaseError) as error:
        if conn is not None:
            conn.close()
        if isinstance(error, DatabaseError):
            raise
        raise explain(error, path) from None
    return db


# What each trigger keeps up to date, to put right after the trigger was missing or altered.
_STATUSES = """UPDATE items SET (status, review_id, status_changed_at) = (
        SELECT status, id, created_at FROM reviews WHERE item_id = items.id ORDER BY id DESC LIMIT 1)
    WHERE EXISTS (SELECT 1 FROM reviews WHERE item_id = items.id)
      AND review_id IS NOT (SELECT max(id) FROM reviews WHERE item_id = items.id)"""
_SEARCH = "INSERT INTO items_fts (items_fts) VALUES ('rebuild')"
# The linker's index is a cache: emptied, and every item queued, the next run rebuilds it.
_LINKING = """DELETE FROM link_signatures; DELETE FROM link_blocks; DELETE FROM link_keys;
    INSERT INTO link_queue (num) SELECT num FROM items;
    INSERT OR IGNORE INTO link_stale_clusters SELECT DISTINCT cluster_id FROM items WHERE cluster_id IS NOT NULL"""
_COUNTERS = "UPDATE change_counters SET counter = counter + 1"
_SNAPSHOTS = """UPDATE reviews SET (item_text, item_kind, item_speaker, item_numbers) = (
        SELECT coalesce(reviews.item_text, text), kind, speaker, numbers FROM items WHERE id = reviews.item_id)
    WHERE item_kind IS NULL AND EXISTS (SELECT 1 FROM items WHERE id = reviews.item_id)"""
RESYNC = {
    "reviews_set_status": _STATUSES,
    "items_take_status": _STATUSES,
    "items_ai": _SEARCH,
    "items_ad": _SEARCH,
    "items_au": _SEARCH,
    "items_unindex": _LINKING,
    "items_reindex": _LINKING,
    "items_queue_new": _LINKING,
    "items_queue_changed": _LINKING,
    "links_count_insert": _COUNTERS,
    "links_count_update": _COUNTERS,
    "links_count_delete": _COUNTERS,
    "items_count_cluster": _COUNTERS,
    "reviews_snapshot": _SNAPSHOTS,
}


@functools.cache
def expected_schema() -> dict[str, tuple[str, str]]:
    """Every table, index, trigger and view the migrations make: name -> (type, SQL).
    Built once per process in memory, each migration run outside a transaction (where
    sqlite-utils runs a script whole instead of splitting it: several times faster)."""
    memory = Database(memory=True, execute_plugins=False)
    for migration in migrations.pending(memory):
        memory.conn.commit()
        migration.fn(memory)
    schema = {
        name: (type_, sql)
        for type_, name, sql in memory.execute("SELECT type, name, sql FROM sqlite_master WHERE sql IS NOT NULL")
    }
    memory.conn.close()
    return schema


def _damage(db: Database) -> tuple[list[str], list[str], dict[str, str]]:
    """Missing tables; indexes, triggers and views missing or not as the migrations made
    them; and the type of whatever holds each name now."""
    present = {name: (type_, sql or "") for type_, name, sql in db.execute("SELECT type, name, sql FROM sqlite_master")}
    tables, objects = [], []
    for name, (type_, sql) in expected_schema().items():
        found = present.get(name)
        if type_ == "table":
            if found is None:
                tables.append(name)
        elif found is None or found[0] != type_ or found[1].split() != sql.split():
            objects.append(name)
    return tables, objects, {name: present[name][0] for name in objects if name in present}


def _check_schema(db: Database, path: Path, *, repair: bool, on_repair: Callable[[str], None] | None) -> None:
    """Refuse a database missing a table; put back the indexes, triggers and views a
    script dropped or changed (and what they maintain), or refuse when read-only."""
    if not repair and migrations.pending(db):
        return  # an older file opened read-only: its schema is that of its own release
    tables, objects, holders = _damage(db)
    if tables:
        raise DatabaseError(f"{path}: damaged, table {', '.join(tables)} missing; restore it from a backup")
    if not objects:
        return
    expected = expected_schema()
    described = ", ".join(f"{expected[name][0]} {name}" for name in objects)
    if not repair or "table" in holders.values():
        raise DatabaseError(
            f"{path}: damaged schema ({described} missing or altered); "
            + ("a table holds the name" if "table" in holders.values() else "open it for writing once to repair it")
        )
    with write_transaction(db):
        _, objects, holders = _damage(db)  # again inside the lock: another process may have repaired it
        for name in objects:
            if name in holders:
                db.execute(f'DROP {holders[name].upper()} "{name}"')
            db.execute(expected[name][1])
        for statements in dict.fromkeys(RESYNC[name] for name in objects if name in RESYNC):
            db.executescript(statements)
    if objects and on_repair:
        on_repair(f"{path}: put back {described} (dropped or altered outside workbench)")


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
    """A full id in ``table``, or the one id that a prefix of :data:`SHORTEST_PREFIX`+ characters matches.

    Raises ``LookupError`` with a one-line message: "no such item", "ambiguous item id
    prefix", or, for a shorter prefix that some id starts with, how many characters to give.
    """
    if db.execute(f"SELECT 1 FROM {table} WHERE id = ?", [given]).fetchone():
        return given
    matches = [
        row[0]
        for row in db.execute(f"SELECT id FROM {table} WHERE id >= ? AND id < ? LIMIT 2", [given, given + "\uffff"])
    ]
    if len(given) < SHORTEST_PREFIX and matches:
        raise LookupError(f"{given}: too short; an id prefix needs {SHORTEST_PREFIX} or more characters")
    if len(matches) == 1:
        return matches[0]
    raise LookupError(
        f"{given}: {f'ambiguous {noun} id prefix; give more characters' if matches else f'no such {noun}'}"
    )


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
