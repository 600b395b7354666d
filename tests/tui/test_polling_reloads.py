"""What another process's commits do to an open review screen: the app re-reads what it
shows, without ever moving the reviewer off their item, and without re-reading at every
poll while an ingest commits again and again."""

from __future__ import annotations

import subprocess
import sys

from reviewing import other_process, settle, wait_for

from workbench.tui import list_loader, lists
from workbench.tui.app import RELOAD_BURST

NEW_ARTICLE = """Harbour plan approved after late vote

The council approved the harbour plan on Tuesday by 9 votes to 4, the clerk said.
"We will start dredging in May," said Mayor Ilse Korver.
"""


def ingest_article(db_path, folder, name: str) -> None:
    """Another process ingests one new article (a new source: every kept list is stale)."""
    path = folder / f"{name}.txt"
    path.write_text(NEW_ARTICLE.replace("Tuesday", name), encoding="utf-8")
    other_process("ingest", str(path), "--db", str(db_path))


async def test_a_reload_keeps_the_cursor_on_the_reviewers_item(review_app, monkeypatch, tmp_path):
    # The reviewer's item lies past the first screenful that a re-read list shows first:
    # a key pressed while that screenful is shown would mark another item.
    for module in (lists, list_loader):
        monkeypatch.setattr(module, "FIRST_PAGE", 3)
    async with review_app(poll_seconds=0.1) as (app, screen, pilot):
        items = screen.item_list
        items.focus()
        for _ in range(10):
            await pilot.press("down")
        mine, before = items.current, len(items.nums)
        under_cursor = []
        screen.watch(items, "cursor", lambda: under_cursor.append(items.current), init=False)
        ingest_article(app.db_path, tmp_path, "Wednesday")
        assert await wait_for(pilot, lambda: len(items.nums) > before and screen.loader.complete)
        await settle(app, pilot)
        assert items.current == mine
        assert set(under_cursor) <= {mine}, "the cursor left the reviewer's item during the reload"


# Another reviewer marks one item after another, each mark its own commit, without pause.
MARK_BURST = """
import sys, time
from workbench.store.database import open_db
from workbench.store.reviews import mark
db = open_db(sys.argv[1])
items = [row[0] for row in db.execute("SELECT id FROM items ORDER BY num LIMIT ?", [int(sys.argv[2])])]
for item_id in items:
    mark(db, item_id, "false", reviewer="someone else")
    time.sleep(0.05)
"""


async def test_a_burst_of_commits_is_read_a_few_times_and_read_whole(review_app):
    commits = 60
    async with review_app(poll_seconds=0.05) as (app, screen, pilot):
        reloads = []
        reload = screen.reload
        screen.reload = lambda: reloads.append(1) or reload()  # counted, then done as ever
        burst = subprocess.Popen([sys.executable, "-c", MARK_BURST, str(app.db_path), str(commits)])
        assert await wait_for(pilot, lambda: burst.poll() is not None, seconds=60)
        assert burst.returncode == 0
        # Every poll saw a new commit: one re-read each would be about 50. A few at once
        # (RELOAD_BURST), then one per 1/RELOAD_SHARE times the CPU one takes.
        assert 1 <= len(reloads) <= RELOAD_BURST + 5, f"{len(reloads)} re-reads for {commits} commits"
        # What the last of them committed is on the screen once the app has re-read.
        assert await wait_for(pilot, lambda: screen.counts.get("false", 0) == commits, seconds=30)


async def test_no_re_read_starts_while_the_reviewer_is_typing(review_app):
    async with review_app(poll_seconds=0.05) as (app, screen, pilot):
        reloads = []
        reload = screen.reload
        screen.reload = lambda: reloads.append(1) or reload()
        burst = subprocess.Popen([sys.executable, "-c", MARK_BURST, str(app.db_path), "40"])
        while burst.poll() is None:  # keys far closer together than QUIET_SECONDS
            await pilot.press("down")
            await pilot.pause(0.1)
        assert burst.returncode == 0
        assert reloads == [], "a re-read started between two of the reviewer's keys"
        # Once the reviewer pauses, the screen catches up with everything committed meanwhile.
        assert await wait_for(pilot, lambda: screen.counts.get("false", 0) == 40, seconds=30)
        assert len(reloads) >= 1
