"""The write queue without Textual: what the database cannot take now is kept, in order,
with the reason; a real SQLite file refusing as read-only or full."""

from __future__ import annotations

from reviewing import reviews_of

from workbench.store.database import open_db
from workbench.tui.marking import Marker, Write, WriteQueue, target
from workbench.tui.rows import fetch_rows


def test_a_read_only_connection_keeps_the_write_and_says_read_only(db_path):
    db = open_db(db_path, readonly=True)
    row = fetch_rows(db.conn, [1])[1]
    queue = WriteQueue(Marker(db, "tester"))
    queue.add(Write("mark", (target(row, "true"),)))
    assert queue.flush() == [] and queue.waiting[0].waiting == "read-only"
    db.close()
    assert reviews_of(db_path, row.id) == []


def test_a_full_disk_keeps_the_write_waiting_until_there_is_room(db_path):
    db = open_db(db_path)
    pages = db.execute("PRAGMA page_count").fetchone()[0]
    db.execute(f"PRAGMA max_page_count = {pages}")  # SQLite's own "database or disk is full"
    row = fetch_rows(db.conn, [1])[1]
    queue = WriteQueue(Marker(db, "tester"))
    queue.add(Write("note", (target(row, row.status, "x" * 200_000),)))
    assert queue.flush() == [] and queue.waiting[0].waiting == "disk full"
    db.execute("PRAGMA max_page_count = 1073741823")
    ((_, changes),) = queue.flush()
    assert changes[0].after == "unreviewed" and not queue.waiting
    db.close()
    assert reviews_of(db_path, row.id) == [("unreviewed", "x" * 200_000, "tester")]
