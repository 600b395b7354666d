"""The review screen, driven headless with Textual's pilot on real databases."""

from __future__ import annotations

import json
import sqlite3
import subprocess
import sys
import threading

import numpy as np
import pytest
from reviewing import (
    cluster_head,
    connect,
    current_review,
    num_of,
    other_process,
    select,
    settle,
    shown_text,
)

from workbench.store.reviews import StaleReview, history, mark, now
from workbench.tui import lists
from workbench.tui.app import ReviewApp
from workbench.tui.changes import LINKS, STATUS
from workbench.tui.dialogs import ConfirmScreen, HelpScreen, NoteScreen, PickScreen
from workbench.tui.filters import SORTS, Filter
from workbench.tui.item_list import ItemList
from workbench.tui.keys import KEYS, KeymapError, check_keymap
from workbench.tui.list_index import ListIndex
from workbench.tui.marking import Change, Marker, Write, target
from workbench.tui.messages import NumsReady
from workbench.tui.rows import fetch_rows
from workbench.tui.search import parse
from workbench.tui.statuses import Status, reviewed_count

# The review screen's modules that the command line may import: none of them imports Textual.
WITHOUT_TEXTUAL = tuple(
    f"workbench.tui.{name}"
    for name in (
        "changes",
        "detail_query",
        "filters",
        "keys",
        "list_index",
        "lists",
        "marking",
        "pickers",
        "rows",
        "search",
        "statuses",
        "text",
    )
)


def test_cli_and_data_modules_do_not_import_textual():
    code = (
        "import importlib, pkgutil, sys, workbench\n"
        "import workbench.cli\n"
        "for info in pkgutil.walk_packages(workbench.__path__, 'workbench.'):\n"
        "    name = info.name\n"
        f"    if name.endswith('__main__') or name.startswith('workbench.tui.') and name not in {WITHOUT_TEXTUAL}:\n"
        "        continue\n"
        "    try:\n"
        "        importlib.import_module(name)\n"
        "    except ModuleNotFoundError as error:\n"
        "        if (error.name or '').startswith('workbench'): raise\n"  # optional extras may be missing
        "print(sorted(m for m in sys.modules if m == 'textual' or m.startswith('textual.')))\n"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert result.stdout.strip() == "[]"


def test_search_rebuilds_what_is_typed_as_a_safe_fts_query():
    assert parse('"unbalanced NEAR( x* OR').query == '"unbalanced NEAR x OR"'
    assert parse("  ()*:^ ").query is None
    assert parse("a OR (b AND").query == '"a"* OR ( "b"* )'  # half-typed: searched as far as it goes


async def test_first_screen_lists_every_item_with_counts(db_path, review_app):
    async with review_app() as (_app, screen, _pilot):
        total = connect(db_path).execute("SELECT count(*) FROM items").fetchone()[0]
        assert len(screen.item_list.nums) == total
        assert sum(screen.counts.values()) == total
        assert f"reviewed 0/{total}" in str(screen.counts_bar.render())


async def test_mark_writes_a_review_and_moves_on(db_path, review_app):
    async with review_app() as (_app, screen, pilot):
        row = screen.item_list.current_row()
        await pilot.press("4")
        review = current_review(db_path, row.id)
        assert (review["status"], review["reviewer"]) == ("false", "tester")
        assert screen.item_list.cursor == 1
        assert screen.item_list.cache.row(screen.item_list.nums, 0).status == "false"
        assert screen.counts["false"] == 1
        for key, status in (
            ("1", "true"),
            ("2", "mostly-true"),
            ("3", "misleading"),
            ("5", "unverifiable"),
            ("6", "in-progress"),
            ("0", "unreviewed"),
        ):
            row = screen.item_list.current_row()
            await pilot.press(key)
            assert current_review(db_path, row.id)["status"] == status


async def test_undo_adds_a_review_restoring_the_previous_status(db_path, review_app):
    async with review_app() as (_app, screen, pilot):
        row = screen.item_list.current_row()
        await pilot.press("1", "u")
        db = connect(db_path)
        assert [r["status"] for r in history(db, row.id)] == ["true", "unreviewed"]
        assert screen.item_list.current == row.num
        assert screen.counts["true"] == 0


async def test_note_is_recorded_with_the_current_status(db_path, review_app):
    async with review_app() as (app, screen, pilot):
        row = screen.item_list.current_row()
        await pilot.press("3", "up", "n")
        assert isinstance(app.screen, NoteScreen)
        await pilot.press(*"see [b]report[/b]", "enter")
        review = current_review(db_path, row.id)
        assert (review["status"], review["note"]) == ("misleading", "see [b]report[/b]")
        assert "see [b]report[/b]" in shown_text(screen.detail.body)


async def test_filters_kind_status_links_drift_source_speaker(db_path, review_app):
    async with review_app() as (app, screen, pilot):
        db = connect(db_path)

        def kinds():
            return {
                db.execute("SELECT kind FROM items WHERE num = ?", [n]).fetchone()[0] for n in screen.item_list.nums
            }

        await pilot.press("k")
        await settle(app, pilot)
        assert kinds() == {"claim"}
        await pilot.press("k")
        await settle(app, pilot)
        assert kinds() == {"quote"}
        await pilot.press("k", "4")  # back to all kinds; mark the item false
        await settle(app, pilot)
        await pilot.press("s", "3")  # the key that marks Misleading picks it
        await settle(app, pilot)
        assert screen.filter.status == "misleading" and len(screen.item_list.nums) == 0
        await pilot.press("escape")
        await settle(app, pilot)
        assert screen.filter.is_default
        await pilot.press("l")
        await settle(app, pilot)
        assert len(screen.item_list.nums) == 3
        await pilot.press("l", "d")
        await settle(app, pilot)
        assert len(screen.item_list.nums) == 2
        await pilot.press("d", "p")
        await pilot.press(*"Mallo", "enter")  # a word of the name, then the first match
        await settle(app, pilot)
        assert screen.filter.speaker == "[i]Mallory[/i]"
        await pilot.press("escape", "p", *"[i]Mall", "enter")
        await settle(app, pilot)
        assert screen.filter.speaker == "[i]Mallory[/i]" and len(screen.item_list.nums) == 1
        await pilot.press("escape", "o", "down", "enter")
        await settle(app, pilot)
        first_source = db.execute("SELECT id FROM sources ORDER BY rowid").fetchone()[0]
        assert screen.filter.source == first_source
        assert (
            len(screen.item_list.nums)
            == db.execute("SELECT count(*) FROM items WHERE source_id = ?", [first_source]).fetchone()[0]
        )
        await pilot.press("r")
        await settle(app, pilot)
        scores = [db.execute("SELECT score FROM items WHERE num = ?", [n]).fetchone()[0] for n in screen.item_list.nums]
        assert screen.filter.sort == "score" and scores == sorted(scores, reverse=True)


async def test_search_updates_as_you_type_and_survives_fts_syntax(db_path, review_app):
    async with review_app() as (app, screen, pilot):
        await pilot.press("slash", *"Lukash")
        await settle(app, pilot)
        db = connect(db_path)
        expected = [n for (n,) in db.execute("SELECT rowid FROM items_fts WHERE items_fts MATCH 'Lukash*'")]
        assert sorted(screen.item_list.nums) == sorted(expected) and expected
        screen.search.value = ""
        await pilot.press(*'"NEAR(*^ OR')
        await settle(app, pilot)
        assert screen.loader.complete  # no crash, an (empty) answer
        await pilot.press("enter")
        assert app.focused is screen.item_list


async def test_cluster_verdict_marks_every_member_after_confirmation(db_path, review_app):
    head = cluster_head(db_path)
    async with review_app() as (app, screen, pilot):
        await select(app, pilot, head)
        members = {head, *(m.row.id for m in screen.links.members)}
        assert len(members) == 3
        await pilot.press("C")
        assert isinstance(app.screen, PickScreen)
        await pilot.press("down", "down", "enter")  # unreviewed, in progress, true
        assert isinstance(app.screen, ConfirmScreen)
        await pilot.press("y")
        await pilot.pause()
        assert {current_review(db_path, m)["status"] for m in members} == {"true"}
        await pilot.press("u")
        assert {current_review(db_path, m)["status"] for m in members} == {"unreviewed"}


async def test_link_confirm_reject_jump_and_back(db_path, review_app):
    head = cluster_head(db_path)
    async with review_app() as (app, screen, pilot):
        num = await select(app, pilot, head)
        await pilot.press("enter")  # into the linked items
        assert app.focused is screen.links.member_list
        member = screen.links.highlighted
        await pilot.press("x")
        db = connect(db_path)
        a, b = sorted((head, member.row.id))
        assert db.execute("SELECT state FROM links WHERE item_a = ? AND item_b = ?", [a, b]).fetchone()[0] == "rejected"
        assert screen.links.highlighted.row.id == member.row.id and not screen.links.highlighted.in_cluster
        await pilot.press("c")
        assert (
            db.execute("SELECT state FROM links WHERE item_a = ? AND item_b = ?", [a, b]).fetchone()[0] == "confirmed"
        )
        assert screen.links.highlighted.in_cluster
        await pilot.pause()
        target = screen.links.highlighted.row.num
        await pilot.press("enter")
        await settle(app, pilot)
        assert screen.item_list.current == target
        await pilot.press("b")
        await settle(app, pilot)
        assert screen.item_list.current == num


async def test_external_change_is_picked_up_and_no_verdict_is_lost(db_path, review_app):
    async with review_app(poll_seconds=0.1) as (_app, screen, pilot):
        row = screen.item_list.current_row()
        other_process("mark", row.id, "unverifiable", "--reviewer", "someone-else", "--db", str(db_path))
        for _ in range(50):
            await pilot.pause(0.05)
            if screen.item_list.current_row().status == "unverifiable" and screen.counts.get("unverifiable") == 1:
                break
        assert screen.item_list.current_row().status == "unverifiable"
        assert screen.counts.get("unverifiable") == 1
        # The other process has exited; the app's next verdict must still reach the file.
        await pilot.press("down", "4")
        marked = screen.item_list.cache.row(screen.item_list.nums, 1)
    reviews = subprocess.run(
        [
            sys.executable,
            "-c",
            "import sqlite3, sys; print(sqlite3.connect(sys.argv[1]).execute("
            "'SELECT group_concat(item_id || \":\" || status) FROM reviews').fetchone()[0])",
            str(db_path),
        ],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    assert f"{row.id}:unverifiable" in reviews and f"{marked.id}:false" in reviews


async def test_corpus_markup_and_escapes_are_shown_literally(review_app):
    async with review_app() as (app, screen, pilot):
        num = await select(app, pilot, "hostile00000001")
        index = screen.item_list.nums.index(num)
        screen.item_list.scroll_to(y=index, animate=False, immediate=True)
        await pilot.pause()
        line = screen.item_list.render_line(index - screen.item_list.scroll_offset.y).text
        shown = "[bold red]x[/] [link=file:///etc/passwd]here[/link] \u241b[31m"
        assert shown in line and "[i]Mallory" in line and "\x1b" not in line
        detail = shown_text(screen.detail.body)
        assert shown in detail.replace("\n", "") and "[i]Mallory[/i]" in detail
        assert not any(char in detail for char in "\x1b\x07\r")


async def test_help_footer_and_palette_share_the_registry(review_app):
    async with review_app() as (app, _screen, pilot):
        await pilot.press("question_mark")
        assert isinstance(app.screen, HelpScreen)
        help_text = shown_text(app.screen.query_one("Static.help-table"))
        for key in KEYS:
            if not key.id.startswith("mark."):
                assert key.description in help_text
        assert "Mostly true" in help_text
        await pilot.press("escape")
        titles = {title for title, _prompt, _run in app.review_commands()}
        assert {"Mark as False", "Note", "Undo", "Cluster verdict", "Confirm link"} <= titles
        shown = {binding.id for _, binding, enabled, *_ in app.screen.active_bindings.values() if enabled}
        assert {"mark.1", "note", "undo", "quit"} <= shown


async def test_click_selects_a_row_and_q_quits(review_app):
    async with review_app() as (app, screen, pilot):
        await pilot.click(ItemList, offset=(10, 3))
        assert screen.item_list.cursor == 3
        await pilot.press("q")
    assert app.return_code == 0


# ---- the list index: orders, masks, stale results --------------------------------------


def _ordered(path, sql):
    db = connect(path)
    try:
        return [num for (num,) in db.execute(sql)]
    finally:
        db.close()


def _select(path, filter_, index=None):
    conn = sqlite3.connect(path)
    try:
        return lists.select_nums(conn, filter_, index or ListIndex()).tolist()
    finally:
        conn.close()


def test_every_sort_matches_its_plain_sql_order(db_path):
    db = connect(db_path)
    claims = [row[0] for row in db.execute("SELECT id FROM items WHERE kind = 'claim' ORDER BY num LIMIT 3")]
    for item_id, status in zip(claims, ("false", "true", "misleading")):
        mark(db, item_id, status, reviewer="tester")  # distinct status_changed_at, newest last
    db.close()
    expected = {
        "source": "SELECT items.num FROM items JOIN sources ON sources.id = items.source_id "
        "ORDER BY sources.rowid, items.seq",
        "score": "SELECT num FROM items ORDER BY score DESC, num DESC",
        # Reviewed items newest first, then the others in source order.
        "changed": "SELECT num FROM items JOIN sources ON sources.id = items.source_id ORDER BY "
        "status_changed_at IS NULL, status_changed_at DESC, "
        "CASE WHEN status_changed_at IS NOT NULL THEN num END, sources.rowid, seq",
        # Linked items by cluster, biggest first, then the others in source order.
        "cluster": "SELECT num FROM items JOIN sources ON sources.id = items.source_id LEFT JOIN (SELECT "
        "cluster_id, count(*) AS size FROM items WHERE cluster_id IS NOT NULL GROUP BY cluster_id) "
        "AS c USING (cluster_id) ORDER BY cluster_id IS NULL, c.size DESC, cluster_id, "
        "CASE WHEN cluster_id IS NOT NULL THEN source_id END, sources.rowid, seq",
    }
    for sort, sql in expected.items():
        assert _select(db_path, Filter(sort=sort)) == _ordered(db_path, sql), sort
    changed = _select(db_path, Filter(sort="changed"))
    assert changed[:3] == [num_of(db_path, item_id) for item_id in reversed(claims)]
    conn = sqlite3.connect(db_path)
    for sort in SORTS:  # what shows while the whole order is read is its start
        assert lists.first_page(conn, sort).tolist() == _select(db_path, Filter(sort=sort))[: lists.FIRST_PAGE]
    conn.close()


def test_filters_combine_clauses_in_the_sort_order(db_path):
    index = ListIndex()
    quotes_by_score = _select(db_path, Filter(kind="quote", sort="score"), index)
    assert quotes_by_score == _ordered(
        db_path, "SELECT num FROM items WHERE kind = 'quote' ORDER BY score DESC, num DESC"
    )
    # The kind mask is kept; adding a search reads only the search.
    assert index.get(("kind", "quote")) is not None
    found = _select(db_path, Filter(kind="quote", search="Mallory", sort="score"), index)
    assert found == [num_of(db_path, "hostile00000001")]


def test_list_index_forgets_what_a_write_made_stale():
    index = ListIndex()
    mask = lists.as_mask(np.array([1, 3]))
    index.put(("status", "false"), mask, frozenset({STATUS}), index.version)
    index.put(("kind", "claim"), mask, frozenset(), index.version)
    index.put(("has_links",), mask, frozenset({LINKS}), index.version)
    index.forget(STATUS)
    assert index.get(("status", "false")) is None
    assert index.get(("kind", "claim")) is not None and index.get(("has_links",)) is not None
    read_before = index.version - 1
    index.put(("status", "true"), mask, frozenset({STATUS}), read_before)  # read before the write
    assert index.get(("status", "true")) is None
    index.forget()
    assert index.get(("kind", "claim")) is None and index.get(("has_links",)) is None


def test_a_list_being_read_is_waited_for_not_read_twice():
    index = ListIndex()
    started, release, reads = threading.Event(), threading.Event(), []

    def slow_walk():
        reads.append(1)
        started.set()
        release.wait(5)
        return np.array([3, 1, 2])

    first = threading.Thread(target=index.get_or_read, args=(("order", "source"), slow_walk, frozenset()))
    first.start()
    started.wait(5)
    results = []
    second = threading.Thread(
        target=lambda: results.append(index.get_or_read(("order", "source"), slow_walk, frozenset()))
    )
    second.start()
    release.set()
    first.join(5)
    second.join(5)
    assert len(reads) == 1 and results[0].tolist() == [3, 1, 2]


def test_masks_read_beside_the_order_give_the_same_list(db_path):
    filter_ = Filter(kind="quote", has_links=True)
    expected = _select(db_path, filter_)
    index, opened = ListIndex(), []

    def open_reader():
        opened.append(sqlite3.connect(db_path, check_same_thread=False))
        return opened[-1]

    conn = sqlite3.connect(db_path)
    try:
        assert lists.select_nums(conn, filter_, index, open_reader=open_reader).tolist() == expected != []
    finally:
        conn.close()
    assert len(opened) == 1  # one side connection read both masks
    assert index.get(("kind", "quote")) is not None and index.get(("has_links",)) is not None


def test_room_is_counted_against_what_is_kept():
    index = ListIndex(capacity=100)
    assert index.has_room(100) and not index.has_room(101)
    index.put(("order", "source"), np.arange(10), frozenset(), index.version)  # 80 bytes
    assert index.has_room(20) and not index.has_room(21)


def test_members_keeps_order_and_ignores_items_newer_than_the_mask():
    mask = lists.as_mask(np.array([2, 5]))
    assert lists.members(np.array([9, 5, 1, 2]), mask).tolist() == [5, 2]


async def test_count_arrives_with_the_filtered_list(db_path, review_app):
    async with review_app() as (app, screen, pilot):
        claims = connect(db_path).execute("SELECT count(*) FROM items WHERE kind = 'claim'").fetchone()[0]
        screen.action_cycle_kind()  # what k does; the worker's answer waits for this handler to return
        assert not screen.loader.complete and "counting" in str(screen.filter_info.render())
        await settle(app, pilot)
        assert screen.loader.complete and len(screen.item_list.nums) == claims
        assert f"{claims:,} items" in str(screen.filter_info.render())


async def test_a_stale_filter_result_never_replaces_a_newer_one(review_app):
    async with review_app() as (app, screen, pilot):
        stale_generation = screen.loader.generation
        await pilot.press("k")
        await settle(app, pilot)
        claims = screen.item_list.nums
        screen.post_message(NumsReady(stale_generation, np.array([1, 2, 3]), True))
        await pilot.pause()
        assert screen.item_list.nums is claims and screen.filter.kind == "claim"


async def test_typing_fast_shows_the_last_search_only(db_path, review_app):
    async with review_app() as (app, screen, pilot):
        await pilot.press("slash", *"Mallory")  # each key supersedes the search before it
        await settle(app, pilot)
        assert screen.filter.search == "Mallory"
        assert list(screen.item_list.nums) == [num_of(db_path, "hostile00000001")]


async def test_marks_and_link_decisions_show_in_the_next_filter(db_path, review_app):
    head = cluster_head(db_path)
    async with review_app() as (app, screen, pilot):
        for keys in (("s", "down", "down", "down", "enter"), ("s", "enter"), ("l",), ("l",)):
            await pilot.press(*keys)  # status=true and has-links are read (and kept) before the writes
            await settle(app, pilot)
        first = screen.item_list.current
        await pilot.press("1")  # true
        await pilot.press("s", "down", "down", "down", "enter")
        await settle(app, pilot)
        assert screen.filter.status == "true" and list(screen.item_list.nums) == [first]
        await pilot.press("escape")
        await settle(app, pilot)
        await select(app, pilot, head)
        await pilot.press("enter", "x")  # reject one link of the three-item cluster
        await pilot.press("escape", "l")
        await settle(app, pilot)
        assert len(screen.item_list.nums) == 2


async def test_every_sort_order_is_read_ahead_once_the_list_is_shown(db_path, review_app):
    async with review_app() as (app, screen, pilot):
        await app.workers.wait_for_complete()
        kept = {sort: screen.loader.index.get(("order", sort)) for sort in SORTS}
        assert all(order is not None for order in kept.values())
        with sqlite3.connect(db_path) as conn:
            assert kept["score"].tolist() == [
                num for (num,) in conn.execute("SELECT num FROM items ORDER BY score DESC")
            ]
        await pilot.press("r")  # sort by check-worthiness: the order read ahead is the one shown
        await settle(app, pilot)
        assert screen.loader.index.get(("order", "score")) is kept["score"]
        assert list(screen.item_list.nums) == kept["score"].tolist()


async def test_another_processs_write_drops_only_the_kept_lists_it_changed(db_path, tmp_path, review_app):
    head = cluster_head(db_path)
    async with review_app(poll_seconds=0.1) as (app, screen, pilot):
        for keys in (("s", "down", "down", "down", "enter"), ("l",)):  # status=true, has links: both kept
            await pilot.press(*keys)
            await settle(app, pilot)
        keys = (("order", "source"), ("status", "true"), ("has_links",))

        async def after_other_process(*args):
            """Which kept lists the app read again after another process's command."""
            before = {key: screen.loader.index.get(key) for key in keys}
            version = app._version
            other_process(*args, "--db", str(db_path))
            for _ in range(50):
                await pilot.pause(0.05)
                if app._version != version:
                    break
            await settle(app, pilot)
            return {key for key in keys if screen.loader.index.get(key) is not before[key]}

        assert await after_other_process("mark", head, "true", "--reviewer", "bob") == {("status", "true")}
        assert screen.filter.status == "true" and list(screen.item_list.nums) == [num_of(db_path, head)]

        linked = connect(db_path).execute("SELECT item_a, item_b FROM links WHERE state = 'suggested'").fetchone()
        assert await after_other_process("link-state", *linked, "rejected", "--reviewer", "bob") == {("has_links",)}

        # A link run elsewhere that changes only cluster ids (no link row) is noticed too.
        before = screen.loader.index.get(("has_links",))
        other = connect(db_path)
        with other.conn:
            other.execute("UPDATE items SET cluster_id = NULL WHERE id = ?", [head])
        other.close()
        for _ in range(50):
            await pilot.pause(0.05)
            if screen.loader.index.get(("has_links",)) is not before:
                break
        await settle(app, pilot)
        assert screen.loader.index.get(("has_links",)) is not before

        article = tmp_path / "new" / "late.txt"
        article.parent.mkdir()
        article.write_text(
            "Bridge costs rise\n\nThe new bridge over the river will cost 40 million euros to build, "
            "twice the first estimate, the council said on Monday.\n\n"
            "Work is due to start in March and to finish within three years.\n"
        )
        assert await after_other_process("ingest", str(article.parent), "--no-link") == set(keys)


# ---- what "reviewed" counts, and figures as people write them ----------------------------


async def test_reviewed_counts_verdicts_only_not_workflow_states(db_path, review_app):
    async with review_app() as (_app, screen, pilot):
        total = sum(screen.counts.values())
        await pilot.press("6", "1")  # in progress (a workflow state), then true (a verdict)
        assert screen.counts["in-progress"] == 1 and screen.counts["true"] == 1
        assert f"reviewed 1/{total}" in str(screen.counts_bar.render())


def test_reviewed_count_follows_the_verdict_column():
    vocabulary = [Status("unreviewed", "Unreviewed", "", 0, False), Status("checking", "Checking", "", 1, False)]
    vocabulary.append(Status("true", "True", "", 2, True))
    # A status the table no longer lists counts as a verdict, as store.statuses.reviewed() says.
    assert reviewed_count({"unreviewed": 5, "checking": 2, "true": 3, "retired": 1}, vocabulary) == 4


async def test_conflicting_figures_are_shown_from_the_items_side_as_written(db_path, review_app):
    db = connect(db_path)
    claims = [
        row[0]
        for row in db.execute(
            "SELECT items.id FROM items JOIN sources ON sources.id = items.source_id WHERE kind = 'claim' "
            "GROUP BY items.source_id ORDER BY sources.rowid LIMIT 2"
        )
    ]
    item_a, item_b = sorted(claims)
    with db.conn:
        db.execute(
            "INSERT INTO links (item_a, item_b, score, method, state, conflict, created_at) "
            "VALUES (?, ?, 0.9, 'number-conflict', 'suggested', ?, ?)",
            [item_a, item_b, json.dumps([{"unit": None, "value_a": 800.0, "value_b": 1200.0}]), now()],
        )
    db.close()
    async with review_app() as (app, screen, pilot):
        for item_id, caption in ((item_a, "800 here, 1,200 there"), (item_b, "1,200 here, 800 there")):
            await select(app, pilot, item_id)
            assert [member.row.id for member in screen.links.members] == [({item_a, item_b} - {item_id}).pop()]
            await pilot.press("L")
            assert "numbers differ" in shown_text(screen.links.member_list)
            shown = shown_text(screen.links.drift_body)
            assert caption in shown and "800.0" not in shown
            await pilot.press("escape")


# ---- marking without Textual ---------------------------------------------------------------


def test_marker_marks_refuses_stale_marks_and_undoes(db_path):
    db = connect(db_path)
    first, second = fetch_rows(db.conn, [1, 2]).values()
    marker = Marker(db, "tester")
    assert marker.undo_stack == []
    assert marker.write(Write("mark", (target(first, "true", "checked"),))) == [Change(1, "unreviewed", "true")]
    assert (current_review(db_path, first.id)["status"], marker.notes(fetch_rows(db.conn, [1]).values())) == (
        "true",
        {first.id: "checked"},
    )
    # Another reviewer marks the second item after this one was read: nothing of the batch is written.
    mark(connect(db_path), second.id, "false", reviewer="someone-else")
    with pytest.raises(StaleReview):
        marker.write(Write("mark", (target(fetch_rows(db.conn, [1])[1], "misleading"), target(second, "misleading"))))
    assert current_review(db_path, first.id)["status"] == "true"
    assert [review["reviewer"] for review in history(db, second.id)] == ["someone-else"]
    # A status mark keeps the item's note; undo puts back what a mark replaced, status and note.
    marker.write(Write("mark", (target(fetch_rows(db.conn, [1])[1], "false"),)))
    assert (current_review(db_path, first.id)["status"], current_review(db_path, first.id)["note"]) == (
        "false",
        "checked",
    )
    marker.write(Write("note", (target(fetch_rows(db.conn, [1])[1], "false", "wrong after all"),)))
    assert marker.write(marker.undo_stack.pop()) == [Change(1, "false", "false")]
    assert current_review(db_path, first.id)["note"] == "checked"
    assert marker.write(marker.undo_stack.pop()) == [Change(1, "false", "true")]
    # Two undos in a row: the second expects the review the first one made, not the one it took back.
    assert (current_review(db_path, first.id)["status"], current_review(db_path, first.id)["note"]) == (
        "true",
        "checked",
    )
    # An undo of an item someone else marked since is refused.
    mark(connect(db_path), first.id, "unverifiable", reviewer="someone-else")
    with pytest.raises(StaleReview):
        marker.write(marker.undo_stack.pop())
    assert current_review(db_path, first.id)["status"] == "unverifiable"
    db.close()


# ---- the key map ---------------------------------------------------------------------------


def test_keymap_check_names_unknown_ids_and_clashes():
    check_keymap({})  # the registry itself has no clash
    check_keymap({"note": "N", "undo": "n"})  # a remapped binding frees its key
    check_keymap({"cluster-verdict": "ctrl+k", "link-confirm": "up"})  # lists and linked items are apart
    with pytest.raises(KeymapError, match=r"^\[keys\] nte: no such binding \(did you mean note\?\)$"):
        check_keymap({"nte": "x"})
    with pytest.raises(KeymapError, match="u is the key of undo too"):
        check_keymap({"note": "u"})
    with pytest.raises(KeymapError, match="question_mark is the key of help too"):
        check_keymap({"search": "?"})
    with pytest.raises(KeymapError, match="c is the key of link-confirm too"):
        check_keymap({"cluster-verdict": "c"})
    with pytest.raises(KeymapError, match="empty"):
        check_keymap({"note": "N,"})
    with pytest.raises(KeymapError):
        ReviewApp("unused.db", keymap={"nte": "x"})


async def test_a_remapped_key_works_and_is_shown_everywhere(review_app):
    async with review_app(keymap={"note": "N"}) as (app, screen, pilot):
        await pilot.press("n")
        assert app.screen is screen
        await pilot.press("N")
        assert isinstance(app.screen, NoteScreen)
        await pilot.press("escape", "question_mark")
        assert isinstance(app.screen, HelpScreen)
        help_lines = shown_text(app.screen.query_one("Static.help-table")).splitlines()
        assert [line.split()[0] for line in help_lines if " Note " in line] == ["N"]
        await pilot.press("escape")
        footer = {key: binding.id for key, (_, binding, *_) in screen.active_bindings.items()}
        assert footer.get("N") == "note" and "n" not in footer
        commands = {title: prompt.plain for title, prompt, _run in app.review_commands()}
        assert commands["Note"] == "Note  key N" and commands["Undo"] == "Undo  key u"


def test_an_unknown_binding_id_is_a_one_line_error_before_the_app_starts(db_path):
    (db_path.parent / "workbench.toml").write_text('[keys]\nnte = "x"\n')
    result = subprocess.run(
        [sys.executable, "-m", "workbench", "review", "--db", str(db_path)], capture_output=True, text=True
    )
    assert result.returncode == 1 and "Traceback" not in result.stderr
    assert result.stderr.splitlines() == [
        f"error: {db_path.parent / 'workbench.toml'}: [keys] nte: no such binding (did you mean note?)"
    ]


async def test_the_highlight_stays_on_a_member_whose_link_was_decided(db_path, review_app):
    head = cluster_head(db_path)
    async with review_app() as (app, screen, pilot):
        await select(app, pilot, head)
        await pilot.press("enter", "down")  # the second linked item
        member = screen.links.highlighted
        assert member.row.id != screen.links.members[0].row.id
        await pilot.press("x")  # the item's own row changes (its link count), the highlight must not
        assert screen.links.highlighted.row.id == member.row.id and screen.links.highlighted.link_state == "rejected"
        await pilot.press("c")
        assert screen.links.highlighted.row.id == member.row.id and screen.links.highlighted.link_state == "confirmed"
