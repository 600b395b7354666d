"""What the review screen's tests share: a real database with a cluster and a hostile
item, the app started on it headless, a second connection or process standing for
someone else, and what a widget draws."""

from __future__ import annotations

import contextlib
import json
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest
from sqlite_utils import Database
from textual import events
from textual.geometry import Region
from textual.widgets import OptionList
from textual.worker import WorkerCancelled

from workbench.link.clusters import refresh_clusters
from workbench.store.reviews import history, now
from workbench.tui.app import ReviewApp

HOSTILE = "[bold red]x[/] [link=file:///etc/passwd]here[/link] \x1b[31m"
SIZE = (160, 45)


@pytest.fixture
def db_path(fixture_db, tmp_path):
    """The fixture corpus plus a known cluster of three linked quotes and a hostile item."""
    db = fixture_db
    quotes = [
        row[0]
        for row in db.execute(
            "SELECT items.id FROM items JOIN sources ON sources.id = items.source_id WHERE kind = 'quote' "
            "ORDER BY sources.rowid, items.seq"
        )
    ]
    first, second = quotes[0], next(q for q in quotes if source_of(db, q) != source_of(db, quotes[0]))
    third = quotes[1]
    stamp = now()
    with db.conn:
        db.execute("DELETE FROM links")
        for a, b, state, drift in (
            (first, second, "suggested", [["replace", "a", "b"]]),
            (first, third, "confirmed", None),
        ):
            a, b = sorted((a, b))
            db.execute(
                "INSERT INTO links (item_a, item_b, score, method, state, drift, created_at) "
                "VALUES (?, ?, 0.9, 'test', ?, ?, ?)",
                [a, b, state, json.dumps(drift) if drift else None, stamp],
            )
        refresh_clusters(db)
        source_id = source_of(db, first)
        db.execute(
            'INSERT INTO items (id, source_id, seq, kind, text, speaker, start, "end", paragraph, first_seen) '
            "VALUES ('hostile00000001', ?, 9999, 'quote', ?, ?, 0, 5, 0, ?)",
            [source_id, HOSTILE, "[i]Mallory[/i]", stamp],
        )
    db.close()  # the app must be the only connection in this process (see connect())
    return tmp_path / "wb.db"


def connect(path) -> Database:
    """A second connection for the test, not through ``open_db``: its header check opens
    and closes the file, which drops every POSIX lock this process (the app) holds on it."""
    conn = sqlite3.connect(path, timeout=30)
    return Database(conn)


def source_of(db, item_id):
    return db.execute("SELECT source_id FROM items WHERE id = ?", [item_id]).fetchone()[0]


def num_of(path, item_id):
    db = connect(path)
    try:
        return db.execute("SELECT num FROM items WHERE id = ?", [item_id]).fetchone()[0]
    finally:
        db.close()


def cluster_head(path):
    """The quote that has two links."""
    db = connect(path)
    try:
        return db.execute(
            "SELECT id FROM (SELECT item_a AS id FROM links UNION ALL SELECT item_b FROM links) "
            "GROUP BY id HAVING count(*) = 2"
        ).fetchone()[0]
    finally:
        db.close()


def shown_text(widget) -> str:
    """What a widget draws, as plain text (every line, not only the visible ones)."""
    return "\n".join(strip.text for strip in widget.render_lines(Region(0, 0, widget.size.width, widget.size.height)))


async def settle(app, pilot):
    """Let the app's workers finish; one cancelled because a newer one superseded it (a
    reload while the list was being read) is how the screen works, not a failure."""
    for _ in range(2):
        with contextlib.suppress(WorkerCancelled):
            await app.workers.wait_for_complete()
        await pilot.pause()


# Every time a snapshot's database stores, so the pictures change only when the screen does.
FIXED = "2026-01-15T09:30:00.000000+00:00"


@pytest.fixture
def still_db(db_path):
    """``db_path`` with every stored time set to :data:`FIXED` (and a decided link's decider fixed)."""
    db = connect(db_path)
    with db.conn:
        db.execute("UPDATE sources SET ingested_at = ?", [FIXED])
        db.execute("UPDATE items SET first_seen = ?", [FIXED])
        db.execute(
            "UPDATE links SET created_at = ?, decided_at = CASE WHEN state != 'suggested' THEN ? END, "
            "decided_by = CASE WHEN state != 'suggested' THEN 'tester' END",
            [FIXED, FIXED],
        )
    db.close()
    return db_path


@pytest.fixture
def review_app(db_path):
    """Start the review app on ``db_path`` and wait until its list and counts are shown:
    ``async with review_app(**options) as (app, screen, pilot)``; ``options`` go to ``ReviewApp``."""

    @contextlib.asynccontextmanager
    async def start(**options):
        app = ReviewApp(db_path, **{"reviewer": "tester", **options})
        async with app.run_test(size=SIZE) as pilot:
            await settle(app, pilot)
            yield app, app.review, pilot

    return start


async def select(app, pilot, item_id):
    num = num_of(app.db_path, item_id)
    assert app.review.item_list.select_num(num)
    await pilot.pause(0.2)  # past the detail pane's throttle
    return num


def current_review(path, item_id):
    db = connect(path)
    try:
        return history(db, item_id)[-1] if history(db, item_id) else None
    finally:
        db.close()


def other_process(*args: str) -> str:
    """Run the workbench CLI in another process, as a second reviewer would."""
    return subprocess.run([sys.executable, "-m", "workbench", *args], capture_output=True, text=True, check=True).stdout


# A process holding a lock on a database until its stdin closes: "write" takes the write
# lock (readers go on, writers wait), "exclusive" keeps even readers out.
HOLD_LOCK = """
import sqlite3, sys
conn = sqlite3.connect(sys.argv[1], isolation_level=None)
if sys.argv[2] == "exclusive":
    conn.execute("PRAGMA locking_mode = EXCLUSIVE")
    conn.execute("BEGIN EXCLUSIVE")
    conn.execute("SELECT count(*) FROM sqlite_master").fetchone()
else:
    conn.execute("BEGIN IMMEDIATE")
print("locked", flush=True)
sys.stdin.read()
"""


@contextlib.contextmanager
def lock_held(path: Path, mode: str = "write"):
    """Another process holds ``mode`` lock on ``path`` inside the block."""
    holder = subprocess.Popen(
        [sys.executable, "-c", HOLD_LOCK, str(path), mode], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True
    )
    try:
        assert holder.stdout.readline().strip() == "locked"
        yield holder
    finally:
        release(holder)


def release(holder: subprocess.Popen) -> None:
    """Let a :func:`lock_held` process end (it then releases its lock)."""
    if holder.poll() is None:
        holder.stdin.close()
        holder.wait(timeout=30)


@contextlib.contextmanager
def immutable(*paths: Path):
    """Files or folders nobody may write, root included (the immutable attribute), restored after."""
    done = []
    try:
        for path in paths:
            if subprocess.run(["chattr", "+i", str(path)], capture_output=True).returncode:
                pytest.skip("no immutable attribute on this file system (or not allowed to set it)")
            done.append(path)
        yield
    finally:
        for path in done:
            subprocess.run(["chattr", "-i", str(path)], capture_output=True)


def writable_again(*paths: Path) -> None:
    for path in paths:
        subprocess.run(["chattr", "-i", str(path)], capture_output=True, check=True)


def in_database(path, sql, params=()) -> list[tuple]:
    """Rows of ``sql`` read by another process: what is really in the file."""
    code = "import json, sqlite3, sys; print(json.dumps(sqlite3.connect(sys.argv[1]).execute(sys.argv[2], json.loads(sys.argv[3])).fetchall()))"
    result = subprocess.run(
        [sys.executable, "-c", code, str(path), sql, json.dumps(list(params))],
        capture_output=True,
        text=True,
        check=True,
    )
    return [tuple(row) for row in json.loads(result.stdout)]


async def wait_for(pilot, condition, seconds: float = 15.0) -> bool:
    """Let the app run until ``condition()`` holds (another process or a lock is involved),
    for at most ``seconds``; whether it holds."""
    for _ in range(int(seconds / 0.05)):
        if condition():
            return True
        await pilot.pause(0.05)
    return condition()


def reviews_of(path, item_id) -> list[tuple]:
    """(status, note, reviewer) of every review of ``item_id``, oldest first, as another process reads them."""
    return in_database(path, "SELECT status, note, reviewer FROM reviews WHERE item_id = ? ORDER BY id", [item_id])


def dialog_text(app) -> str:
    """Everything the screen on top (a dialog) says, its texts, inputs and choices, as one
    line (wrapping does not matter)."""
    texts = [shown_text(widget) for widget in app.screen.query("Static, Input")]
    for options in app.screen.query(OptionList):
        texts += [str(options.get_option_at_index(index).prompt) for index in range(options.option_count)]
    return flat("\n".join(texts))


def flat(text: str) -> str:
    """``text`` with every run of white space (line breaks, padding) one space."""
    return " ".join(text.split())


async def paste(pilot, text: str) -> None:
    """Paste ``text`` into the focused widget, as a terminal delivers a paste (control characters and all)."""
    pilot.app.focused.post_message(events.Paste(text))
    await pilot.pause()
