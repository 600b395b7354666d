"""``workbench review`` on a database it cannot use: one line naming the file and the
reason, exit status 1, never a traceback and never a screen that then crashes. The real
command on real files; a real process holds the lock."""

from __future__ import annotations

import fcntl
import os
import pty
import re
import sqlite3
import struct
import subprocess
import sys
import termios
import threading
import time

import pytest
from click.testing import CliRunner
from reviewing import connect, immutable, lock_held, reviews_of

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


ESCAPES = re.compile(r"\x1b\[[0-9;?<>=$]*[a-zA-Z~]")


class Terminal:
    """``workbench review`` in a real pseudo-terminal of 80x24: keys in, the screen drawn out."""

    def __init__(self, *args: str) -> None:
        master, slave = pty.openpty()
        fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", 24, 80, 0, 0))
        env = {**os.environ, "TERM": "xterm-256color", "WORKBENCH_REVIEWER": "ana"}
        # Textual draws on stderr; the command's own lines come after it has left the screen.
        self.process = subprocess.Popen(
            [sys.executable, "-m", "workbench", *args], stdin=slave, stdout=slave, stderr=slave, env=env
        )
        os.close(slave)
        self.master, self.screen = master, b""
        self.reader = threading.Thread(target=self._read, daemon=True)
        self.reader.start()

    def __enter__(self) -> Terminal:
        return self

    def __exit__(self, *exc) -> None:
        if self.process.poll() is None:  # a failed test leaves no app running
            self.process.kill()
            self.process.wait(timeout=30)

    def _read(self) -> None:
        while True:  # drained all along: a full pty would stall the app
            try:
                data = os.read(self.master, 65536)
            except OSError:
                return
            if not data:
                return
            self.screen += data

    def wait_for(self, text: str, seconds: float = 30) -> None:
        deadline = time.monotonic() + seconds
        while text.encode() not in self.screen:
            assert time.monotonic() < deadline and self.process.poll() is None, f"no {text!r} on the screen"
            time.sleep(0.05)

    def press(self, keys: str) -> None:
        os.write(self.master, keys.encode())

    def end(self) -> tuple[int, list[str]]:
        """The exit status, and the lines written once the app has given the screen back."""
        code = self.process.wait(timeout=30)
        self.reader.join(timeout=5)
        os.close(self.master)
        after = ESCAPES.sub("", self.screen.rpartition(b"\x1b[?1049l")[2].decode())
        return code, [line for line in after.replace("\r", "").splitlines() if line.strip()]


def test_quitting_with_a_mark_the_locked_database_did_not_take_prints_it_with_its_command(db_path):
    item = connect(db_path).execute("SELECT id FROM items ORDER BY num LIMIT 1").fetchone()[0]
    with lock_held(db_path), Terminal("review", "--db", str(db_path)) as terminal:
        terminal.wait_for("check-worthiness")  # the first item is drawn
        terminal.press("1")
        terminal.wait_for("database busy")
        terminal.press("q")
        terminal.wait_for("NOT saved")
        terminal.press("q")
        code, errors = terminal.end()
    assert code == 1 and "Traceback" not in "\n".join(errors)
    assert errors == [
        f"warning: not saved (database busy): your mark True on “{item_text(db_path, item)}”; "
        f"to save it: workbench mark {item} true --reviewer ana --db {db_path}"
    ]
    assert reviews_of(db_path, item) == []


def item_text(path, item_id) -> str:
    """The item's text as a message names it: cut at a word within 60 characters."""
    text = connect(path).execute("SELECT text FROM items WHERE id = ?", [item_id]).fetchone()[0]
    return text if len(text) <= 60 else text[:59].rsplit(" ", 1)[0] + "…"
