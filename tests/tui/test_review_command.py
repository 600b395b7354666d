"""``workbench review`` on a database it cannot use: one line naming the file and the
reason, exit status 1, never a traceback and never a screen that then crashes. The real
command on real files; a real process holds the lock."""

from __future__ import annotations

import sqlite3

import pytest
from click.testing import CliRunner
from reviewing import connect, immutable, lock_held

from workbench.cli import cli
from workbench.store import database
from workbench.store.database import DatabaseError
from workbench.tui.app import ReviewApp


def review(path) -> tuple[int, str]:
    result = CliRunner().invoke(cli, ["review", "--db", str(path)])
    return result.exit_code, result.output


def one_line(output: str) -> str:
    lines = output.splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: "), output
    assert "Traceback" not in output
    return lines[0]


def damage(path, *statements: str) -> None:
    script = connect(path)
    with script.conn:
        for statement in statements:
            script.execute(statement)
    script.close()


def newer(path):
    damage(path, "PRAGMA user_version = 999")


def foreign(path):
    path.unlink()
    with sqlite3.connect(path) as conn:
        conn.execute("CREATE TABLE invoices (id INTEGER PRIMARY KEY, total REAL)")


def corrupt(path):
    data = bytearray(path.read_bytes())
    data[100:4096] = b"\xa5" * (4096 - 100)  # the header stays, the first page is garbage
    path.write_bytes(bytes(data))


def not_sqlite(path):
    path.write_bytes(b"%PDF-1.7 this is no database\n" * 100)


def table_missing(path):
    damage(path, "DROP TABLE change_counters")


def column_missing(path):
    damage(path, "ALTER TABLE statuses DROP COLUMN color")


def folder(path):
    path.unlink()
    path.mkdir()


def missing(path):
    path.unlink()


BROKEN = {
    "not SQLite": (not_sqlite, "not a SQLite database"),
    "corrupt": (corrupt, "corrupt database"),
    "foreign": (foreign, "not a workbench database"),
    "newer": (newer, "written by a newer workbench"),
    "table missing": (table_missing, "damaged, table change_counters missing"),
    "column missing": (column_missing, "no such column: color"),
    "a folder": (folder, "is a folder"),
    "missing": (missing, "no such database"),
}


@pytest.mark.parametrize("name", BROKEN)
def test_a_database_review_cannot_use_is_one_line(db_path, name):
    spoil, reason = BROKEN[name]
    spoil(db_path)
    code, output = review(db_path)
    line = one_line(output)
    assert code == 1 and line.startswith(f"error: {db_path}") and reason in line


def test_a_database_locked_by_another_process_is_one_line(db_path, monkeypatch):
    monkeypatch.setattr(database, "BUSY_TIMEOUT_MS", 300)
    with lock_held(db_path, "exclusive"):
        code, output = review(db_path)
    assert code == 1 and "locked by another process" in one_line(output)


def test_a_database_in_a_read_only_folder_is_one_line(db_path):
    with immutable(db_path.parent):  # no WAL files beside it, and none can be made
        code, output = review(db_path)
    assert code == 1 and "cannot open" in one_line(output)


def test_the_app_refuses_a_database_it_cannot_read_before_it_draws_anything(db_path):
    column_missing(db_path)
    with pytest.raises(DatabaseError, match=r"wb\.db: no such column: color$"):
        ReviewApp(db_path)
