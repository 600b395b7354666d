"""Opening the database: only a workbench database (or an empty file) is used, a locked,
read-only, full or corrupt one is one line saying which, and a schema a script damaged is
put back. Real SQLite files, real lock-holding processes, the real CLI."""

from __future__ import annotations

import contextlib
import os
import shutil
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner
from paths import FIXTURE_ARTICLES, FIXTURES, ROOT

from workbench.cli import cli
from workbench.pipeline import ingest
from workbench.store import database
from workbench.store.database import DatabaseError, DatabaseUnwritable, expected_schema, open_db
from workbench.store.reviews import ReviewError, mark

# A process that holds a lock on a database until its stdin closes.
HOLD_LOCK = """
import sqlite3, sys
conn = sqlite3.connect(sys.argv[1], isolation_level=None)
if sys.argv[2] == "exclusive":  # nobody may even read
    conn.execute("PRAGMA locking_mode = EXCLUSIVE")
    conn.execute("BEGIN EXCLUSIVE")
    conn.execute("SELECT count(*) FROM sqlite_master").fetchone()
else:  # the write lock: readers go on, writers wait
    conn.execute("BEGIN IMMEDIATE")
print("locked", flush=True)
sys.stdin.read()
"""


def run(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(cli, list(args))
    return result.exit_code, result.output


def one_error_line(output: str) -> str:
    lines = output.splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: "), output
    assert "Traceback" not in output
    return lines[0]


@pytest.fixture
def small_db(tmp_path) -> tuple[Path, str]:
    """A database with the fixture articles, closed; and one item id in it."""
    path = tmp_path / "wb.db"
    db = open_db(path)
    ingest(db, [str(FIXTURES)], workers=1)
    item = db.execute("SELECT id FROM items ORDER BY id LIMIT 1").fetchone()[0]
    db.close()
    return path, item


@contextlib.contextmanager
def lock_held(path: Path, mode: str):
    holder = subprocess.Popen(
        [sys.executable, "-c", HOLD_LOCK, str(path), mode], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True
    )
    try:
        assert holder.stdout.readline().strip() == "locked"
        yield
    finally:
        holder.stdin.close()
        holder.wait(timeout=30)


@contextlib.contextmanager
def read_only(*paths: Path):
    """Files and folders nobody may write, root included (the immutable attribute), restored after."""
    modes = {path: path.stat().st_mode for path in paths}
    try:
        for path in paths:
            path.chmod(0o555 if path.is_dir() else 0o444)
            if os.geteuid() == 0 and subprocess.run(["chattr", "+i", str(path)], capture_output=True).returncode:
                pytest.skip("running as root on a file system without the immutable attribute")
        yield
    finally:
        for path, mode in modes.items():
            if os.geteuid() == 0:
                subprocess.run(["chattr", "-i", str(path)], capture_output=True)
            path.chmod(mode)


COMMANDS = [
    ["stats"],
    ["mark", "{item}", "false", "--reviewer", "ana"],
    ["link"],
    ["link-state", "{item}", "{item}", "confirmed"],
    ["backup", "{copy}"],
]


@pytest.mark.parametrize("command", COMMANDS, ids=[command[0] for command in COMMANDS])
def test_a_locked_database_is_locked_not_corrupt(small_db, tmp_path, monkeypatch, command):
    path, item = small_db
    monkeypatch.setattr(database, "BUSY_TIMEOUT_MS", 300)
    args = [part.format(item=item, copy=tmp_path / "copy.db") for part in command]
    with lock_held(path, "exclusive"):
        code, output = run(*args, "--db", str(path))
    assert code == 1
    line = one_error_line(output)
    assert "locked by another process for more than 0.3 s" in line and "corrupt" not in line


def test_a_write_lock_stops_an_ingest_with_one_error_and_writes_nothing(small_db, tmp_path, monkeypatch):
    path, item = small_db
    monkeypatch.setattr(database, "BUSY_TIMEOUT_MS", 300)
    folder = tmp_path / "more"
    folder.mkdir()
    for n in range(3):
        (folder / f"a{n}.txt").write_text(f"Title\n\nThe park has risen to {700 + n} companies since 2006.\n")
    db = open_db(path)
    failures = []
    with lock_held(path, "write"):
        with pytest.raises(DatabaseUnwritable, match="locked by another process") as raised:
            ingest(db, [str(folder)], workers=1, on_failure=failures.append)
        assert failures == []  # said once, as the exception, not once per file
        assert str(raised.value).startswith(f"{path}: ")
        code, output = run("mark", item, "false", "--db", str(path))
        assert code == 1 and "locked" in one_error_line(output)
        assert run("stats", "--db", str(path))[0] == 0  # readers are not blocked by a writer
    assert db.execute("SELECT count(*) FROM sources").fetchone()[0] == FIXTURE_ARTICLES
    assert ingest(db, [str(folder)], workers=1).new == 3  # and the batch goes in once the lock is gone


def test_a_read_only_database_reads_and_refuses_writes_with_one_line(small_db, tmp_path):
    path, item = small_db
    before = path.read_bytes()
    with read_only(path):
        assert run("stats", "--db", str(path))[0] == 0
        for args in (["mark", item, "false"], ["link"]):
            code, output = run(*args, "--db", str(path))
            assert code == 1
            line = one_error_line(output)
            assert "read-only" in line and "corrupt" not in line and "locked" not in line
        (tmp_path / "new.txt").write_text("Title\n\nThe park has risen to 750 companies since 2006.\n")
        db = open_db(path)
        with pytest.raises(DatabaseUnwritable, match="read-only"):
            ingest(db, [str(tmp_path / "new.txt")], workers=1)
        db.close()
    assert path.read_bytes() == before


def test_ingest_into_a_read_only_database_is_one_line_and_stores_nothing(small_db, tmp_path):
    path, _ = small_db
    folder = tmp_path / "incoming"
    folder.mkdir()
    for n in range(3):
        (folder / f"new{n}.txt").write_text(f"Title\n\nThe park has risen to {n} companies since 2006.\n")
    before = path.read_bytes()
    with read_only(path):
        code, output = run("ingest", str(folder), "--db", str(path))
    assert code == 1
    assert "read-only" in one_error_line(output)
    assert path.read_bytes() == before


def test_a_database_in_a_read_only_folder_is_one_line(small_db):
    path, item = small_db
    with read_only(path.parent):
        code, output = run("mark", item, "false", "--db", str(path))
    assert code == 1
    line = one_error_line(output)
    assert "read-only folder" in line and "corrupt" not in line


def test_a_read_only_connection_stops_an_ingest_once(small_db, tmp_path):
    path, _ = small_db
    for n in range(3):
        (tmp_path / f"new{n}.txt").write_text(f"Title\n\nThe park has risen to {n} companies since 2006.\n")
    db = open_db(path, readonly=True)
    failures = []
    with pytest.raises(DatabaseUnwritable, match=r": read-only \("):
        ingest(db, [str(tmp_path / "missing.txt"), str(tmp_path)], workers=1, on_failure=failures.append)
    assert [failure.path for failure in failures] == [str(tmp_path / "missing.txt")]


def test_disk_full_stops_the_ingest_once_and_keeps_every_stored_article_whole(tmp_path):
    folder = tmp_path / "many"
    folder.mkdir()
    base = (FIXTURES / "000_2b14526b3bd0fd47.txt").read_text(encoding="utf-8")
    for n in range(8):
        (folder / f"a{n}.txt").write_text(base.replace("750", str(n)).replace("Korolevsky", f"Korolev{n}"))
    path = tmp_path / "full.db"
    db = open_db(path)
    pages = db.execute("PRAGMA page_count").fetchone()[0]
    db.execute(f"PRAGMA max_page_count = {pages + 60}")  # SQLite's own 'database or disk is full'
    failures = []
    with pytest.raises(DatabaseUnwritable, match="disk full") as raised:
        ingest(db, [str(folder)], workers=1, on_failure=failures.append)
    assert str(raised.value).startswith(f"{path}: disk full") and failures == []
    stored = [row[0] for row in db.execute("SELECT id FROM sources")]
    assert 0 < len(stored) < 8
    clean = open_db(tmp_path / "clean.db")
    ingest(clean, [str(folder)], workers=1)
    items = "SELECT id, text, speaker FROM items WHERE source_id = ? ORDER BY id"
    for source in stored:  # no half-written article
        assert db.execute(items, [source]).fetchall() == clean.execute(items, [source]).fetchall()
    db.execute("PRAGMA max_page_count = 1073741823")  # space freed: the next run finishes the job
    ingest(db, [str(folder)], workers=1)
    links = "SELECT item_a, item_b, score, method, drift, conflict FROM links ORDER BY 1, 2"
    assert db.execute(links).fetchall() == clean.execute(links).fetchall() != []


def test_disk_full_stops_an_ingest_in_a_process_pool_too(tmp_path):
    folder = tmp_path / "many"
    folder.mkdir()
    base = (FIXTURES / "003_9c5ba6eb5ac01bd5.txt").read_text(encoding="utf-8")
    for n in range(20):  # enough for the pool (POOL_MIN_FILES)
        (folder / f"a{n}.txt").write_text(base.replace("50 firms", f"{n} firms"))
    db = open_db(tmp_path / "full.db")
    db.execute(f"PRAGMA max_page_count = {db.execute('PRAGMA page_count').fetchone()[0] + 40}")
    failures = []
    with pytest.raises(DatabaseUnwritable, match="disk full"):
        ingest(db, [str(folder)], workers=2, on_failure=failures.append)
    assert failures == [] and 0 < db.execute("SELECT count(*) FROM sources").fetchone()[0] < 20


def test_a_write_the_file_system_refuses_is_one_line(small_db):
    """A file-size limit makes every write past it fail for real (EFBIG): a disk I/O error."""
    path, item = small_db
    limit = "import resource, sys; resource.setrlimit(resource.RLIMIT_FSIZE, (4096, 4096)); "
    result = subprocess.run(
        [sys.executable, "-c", limit + "from workbench.cli.main import main; sys.argv[0] = 'workbench'; main()",
         "mark", item, "false", "--db", str(path)],
        capture_output=True, text=True, cwd=ROOT, timeout=120,
    )  # fmt: skip
    assert result.returncode == 1, result.stderr
    line = one_error_line(result.stderr)
    assert "disk I/O error" in line and "corrupt" not in line
    assert open_db(path).execute("SELECT count(*) FROM reviews").fetchone()[0] == 0


def foreign_databases(folder: Path) -> dict[str, Path]:
    """SQLite files written by other programs."""
    made = {}
    for name, statements in {
        "customers": [
            "CREATE TABLE customers (id INTEGER PRIMARY KEY, name TEXT)",
            "INSERT INTO customers VALUES (1, 'Ana')",
        ],
        "high user_version": ["CREATE TABLE t (x)", "PRAGMA user_version = 99"],
        "wal mode": ["PRAGMA journal_mode = WAL", "CREATE TABLE notes (body TEXT)"],
        "our table names": ["CREATE TABLE sources (id)", "CREATE TABLE items (id)", "CREATE TABLE reviews (id)"],
        "other migrations": [
            "CREATE TABLE _sqlite_migrations (id INTEGER PRIMARY KEY, migration_set TEXT, name TEXT, applied_at TEXT)",
            "INSERT INTO _sqlite_migrations VALUES (1, 'someapp', 'm001_initial', '2024-01-01')",
        ],
        "odd migrations table": ["CREATE TABLE _sqlite_migrations (x)"],
        "only a view": ["CREATE VIEW v AS SELECT 1"],
    }.items():
        path = folder / f"{name.replace(' ', '_')}.db"
        conn = sqlite3.connect(path)
        for statement in statements:
            conn.execute(statement)
        conn.commit()
        conn.execute("PRAGMA journal_mode = DELETE") if name != "wal mode" else None
        conn.close()
        made[name] = path
    return made


def test_a_foreign_database_is_refused_and_left_byte_identical(tmp_path):
    (tmp_path / "dbs").mkdir()
    databases = foreign_databases(tmp_path / "dbs")
    for name, path in databases.items():
        before = path.read_bytes()
        for args in (["stats"], ["mark", "abcdef12", "false"], ["link"], ["ingest", str(FIXTURES)], ["review"]):
            code, output = run(*args, "--db", str(path))
            assert code == 1, (name, args, output)
            line = one_error_line(output)
            assert line.startswith(f"error: {path}: not a workbench database (it holds "), (name, line)
            assert "newer" not in line
        with pytest.raises(DatabaseError, match="not a workbench database"):
            open_db(path, readonly=True)
        assert path.read_bytes() == before, name
        assert sorted(p.name for p in path.parent.iterdir() if p.name.startswith(path.name)) == [path.name], name


def test_an_empty_sqlite_file_becomes_a_workbench_database(tmp_path):
    path = tmp_path / "empty.db"
    sqlite3.connect(path).execute("VACUUM").connection.close()
    assert path.stat().st_size > 0
    assert run("ingest", str(FIXTURES), "--db", str(path))[0] == 0
    assert open_db(path).execute("SELECT count(*) FROM sources").fetchone()[0] == FIXTURE_ARTICLES


SPECIAL_PATHS = {
    "named pipe": lambda folder: os.mkfifo(folder / "pipe.db") or folder / "pipe.db",
    "character device": lambda folder: Path("/dev/null"),
    "endless device": lambda folder: Path("/dev/zero"),
    "folder": lambda folder: folder,
    "symlink loop": lambda folder: (folder / "loop.db").symlink_to(folder / "loop.db") or folder / "loop.db",
    "under a file": lambda folder: (folder / "plain.txt").write_text("x") and folder / "plain.txt" / "wb.db",
    "name too long": lambda folder: folder / ("x" * 300 + ".db"),
}


@pytest.mark.parametrize("kind", list(SPECIAL_PATHS))
def test_a_path_that_cannot_hold_a_database_is_one_line_without_hanging(tmp_path, kind):
    path = SPECIAL_PATHS[kind](tmp_path)
    for args in (["stats"], ["ingest", str(FIXTURES / "000_2b14526b3bd0fd47.txt")]):
        result = subprocess.run(
            [sys.executable, "-m", "workbench", *args, "--db", str(path)],
            capture_output=True, text=True, cwd=ROOT, timeout=60,
        )  # fmt: skip
        assert result.returncode == 1, (kind, result.stderr)
        assert one_error_line(result.stderr).startswith(f"error: {path}: ")


def test_a_truncated_database_is_corrupt(small_db):
    path, _ = small_db
    data = path.read_bytes()
    path.write_bytes(data[: len(data) // 3])
    code, output = run("stats", "--db", str(path))
    assert code == 1 and "corrupt database" in one_error_line(output)


# --- the schema the workbench relies on ---------------------------------------------------


def sql_of(path: Path, name: str) -> str | None:
    row = sqlite3.connect(path).execute("SELECT sql FROM sqlite_master WHERE name = ?", [name]).fetchone()
    return row and row[0]


def damage(path: Path, *statements: str) -> None:
    conn = sqlite3.connect(path)
    for statement in statements:
        conn.execute(statement)
    conn.commit()
    conn.close()


PUT_BACK = sorted(name for name, (kind, _) in expected_schema().items() if kind != "table")


@pytest.mark.parametrize("name", PUT_BACK)
def test_every_dropped_trigger_view_and_index_is_put_back_on_open(small_db, name):
    path, item = small_db
    kind, sql = expected_schema()[name]
    damage(path, f'DROP {kind.upper()} "{name}"')
    code, output = run("mark", item, "false", "--reviewer", "ana", "--db", str(path))
    assert code == 0, output
    assert output.splitlines()[0] == f"warning: {path}: put back {kind} {name} (dropped or altered outside workbench)"
    assert sql_of(path, name) == sql
    db = open_db(path)
    assert db.execute("SELECT status FROM items WHERE id = ?", [item]).fetchone()[0] == "false"
    assert db.execute("SELECT text_changed FROM item_status WHERE item_id = ?", [item]).fetchone()[0] == 0


def test_marks_made_while_the_status_trigger_was_gone_show_once_it_is_back(small_db):
    path, item = small_db
    damage(
        path,
        "DROP TRIGGER reviews_set_status",
        f"INSERT INTO reviews (item_id, status, reviewer, created_at) VALUES ('{item}', 'false', 'script', '2024')",
        "DROP TRIGGER items_ai",
        "INSERT INTO sources (id, key, path, sha256, text, format, extractor, ingested_at) "
        "VALUES ('s', 'k', 'p', '', 'Zanzibar cloves.', 'txt', 'x', '')",
        'INSERT INTO items (id, source_id, seq, kind, text, start, "end", paragraph, first_seen) '
        "VALUES ('zz', 's', 0, 'claim', 'Zanzibar cloves', 0, 15, 0, '')",
    )
    db = open_db(path, on_repair=lambda line: None)
    assert db.execute("SELECT status FROM items WHERE id = ?", [item]).fetchone()[0] == "false"
    assert db.execute("SELECT count(*) FROM items_fts WHERE items_fts MATCH 'zanzibar'").fetchone()[0] == 1


def test_an_altered_trigger_is_put_back(small_db):
    path, item = small_db
    damage(
        path,
        "DROP TRIGGER reviews_set_status",
        "CREATE TRIGGER reviews_set_status AFTER INSERT ON reviews BEGIN SELECT 1; END",
    )
    repairs = []
    db = open_db(path, on_repair=repairs.append)
    assert repairs == [f"{path}: put back trigger reviews_set_status (dropped or altered outside workbench)"]
    mark(db, item, "true", reviewer="ana")
    assert db.execute("SELECT status FROM items WHERE id = ?", [item]).fetchone()[0] == "true"


def test_a_damaged_schema_is_refused_when_it_cannot_be_repaired(small_db):
    path, _ = small_db
    damage(path, "DROP VIEW item_status")
    with pytest.raises(DatabaseError, match=r"damaged schema \(view item_status missing or altered\); open it for"):
        open_db(path, readonly=True)
    damage(path, "CREATE TABLE item_status (mine TEXT)")
    with pytest.raises(DatabaseError, match="a table holds the name"):
        open_db(path)
    assert sql_of(path, "item_status") == "CREATE TABLE item_status (mine TEXT)"  # a table is never dropped
    damage(path, "DROP TABLE item_status", "DROP TABLE reviews")
    code, output = run("stats", "--db", str(path))
    assert (
        code == 1
        and one_error_line(output) == f"error: {path}: damaged, table reviews missing; restore it from a backup"
    )


def test_a_mark_whose_status_does_not_reach_the_item_is_refused(small_db):
    path, item = small_db
    db = open_db(path)  # opened whole; the trigger goes while it is open
    damage(path, "DROP TRIGGER reviews_set_status")
    with pytest.raises(ReviewError, match="the item's status did not follow the review"):
        mark(db, item, "false", reviewer="ana")
    assert db.execute("SELECT count(*) FROM reviews").fetchone()[0] == 0


def test_opening_a_sound_database_writes_nothing(small_db):
    path, _ = small_db
    before = path.read_bytes()
    shutil.copy(path, path.with_name("copy.db"))
    for _ in range(3):
        open_db(path).close()
    assert path.read_bytes() == before
