"""The review screen at 80×24 and wider, its header, footer, help and palette, and the
list's marks for number conflicts and headlines, as a reviewer sees them."""

from __future__ import annotations

import contextlib
import json
from itertools import combinations

from reviewing import cluster_head, connect, dialog_text, select, settle, shown_text
from rich.color import Color, ColorSystem

from workbench.store.reviews import now
from workbench.tui.app import ReviewApp
from workbench.tui.dialogs import cluster_question
from workbench.tui.rows import fetch_rows
from workbench.tui.statuses import Vocabulary, statuses


def screen_lines(app) -> list[str]:
    """The whole terminal as the reviewer sees it, line by line."""
    return [strip.text for strip in app.screen._compositor.render_strips()]


@contextlib.asynccontextmanager
async def sized(db_path, size):
    app = ReviewApp(db_path, reviewer="tester")
    async with app.run_test(size=size) as pilot:
        await settle(app, pilot)
        yield app, app.review, pilot


async def test_at_80_by_24_the_text_gets_the_room_and_help_quit_and_counts_stay(db_path):
    async with sized(db_path, (80, 24)) as (app, screen, _pilot):
        lines = screen_lines(app)
        counts, header, footer = lines[0], lines[2], lines[-1]
        assert "reviewed 0/" in counts and counts.index("1✔") < counts.index("2≈") < counts.index("0·")
        assert "? Help" in footer and "q Quit" in footer and "1 2 3 4 5 6 0 Mark" in footer
        titles = header.split()
        assert titles[:5] == ["k", "status", "speaker", "source", "text"]
        text_width = header.index("lnk") - header.index("text")
        source_width = header.index("text") - header.index("source")
        assert text_width >= 30 and source_width <= 13
        row = screen.item_list.current_row()
        assert row.text[:20] in lines[3]


async def test_at_220_columns_the_source_is_not_cut_at_20(db_path):
    async with sized(db_path, (220, 50)) as (app, screen, _pilot):
        title = screen.item_list.current_row().source
        assert len(title) > 30
        assert title[:36] in screen_lines(app)[3]
        assert "1 ✔ True 0  2 ≈ Mostly true 0" in screen_lines(app)[0]


async def test_at_80_columns_the_filter_line_keeps_every_filter_and_the_count(db_path):
    async with sized(db_path, (80, 24)) as (app, _screen, pilot):
        await pilot.press("k", "s", "0", "o", *"warm", "enter", "p", *"glod", "enter", "l")
        await settle(app, pilot)
        line = " ".join(screen_lines(app)[1:3])  # the filter line wraps rather than hide a filter
        for shown in ("0 items", "kind: claim", "status: Unreviewed", "source: With", "speaker: Katia", "has links"):
            assert shown in line, shown


async def test_the_palette_lists_each_command_once(db_path):
    async with sized(db_path, (160, 45)) as (app, screen, _pilot):
        titles = [title for title, _prompt, _run in app.review_commands()]
        titles += [command.title for command in app.get_system_commands(screen)]
        assert len(titles) == len(set(titles)) and "Help" in titles


def test_built_in_statuses_differ_in_256_colours_and_by_sign(db_path):
    vocabulary = statuses(connect(db_path).conn)
    signs = [status.sign for status in vocabulary]
    assert len(set(signs)) == len(signs)
    palette = {status.id: Color.parse(status.color).downgrade(ColorSystem.EIGHT_BIT) for status in vocabulary}
    for (one, a), (other, b) in combinations(palette.items(), 2):
        distance = sum((x - y) ** 2 for x, y in zip(a.get_truecolor(), b.get_truecolor())) ** 0.5
        assert distance > 90, (one, other)  # grey and pink are the closest pair (99)


async def test_help_explains_the_marks_tab_and_where_keys_work(db_path):
    async with sized(db_path, (80, 24)) as (app, _screen, pilot):
        await pilot.press("question_mark")
        legend = shown_text(app.screen.query_one(".help-legend"))
        for mark in ("lnk", "≠", "±", "H", "⧗", "✔ True", "✘ False", "◔ In progress"):
            assert mark in legend, mark
        shown = dialog_text(app)
        assert "Tab and shift+Tab move between" in shown
        for where in ("Anywhere", "On the review screen", "In the list", "In the linked items"):
            assert where in shown, where


def _conflict_and_headline(db_path):
    """Two claims of different sources whose figures differ, and a headline among the items."""
    db = connect(db_path)
    claims = [
        row[0]
        for row in db.execute(
            "SELECT items.id FROM items JOIN sources ON sources.id = items.source_id WHERE kind = 'claim' "
            "GROUP BY items.source_id ORDER BY sources.rowid LIMIT 2"
        )
    ]
    item_a, item_b = sorted(claims)
    headline = db.execute("SELECT id FROM items WHERE kind = 'claim' ORDER BY num DESC LIMIT 1").fetchone()[0]
    with db.conn:
        db.execute(
            "INSERT INTO links (item_a, item_b, score, method, state, conflict, created_at) "
            "VALUES (?, ?, 0.9, 'number-conflict', 'suggested', ?, ?)",
            [item_a, item_b, json.dumps([{"unit": None, "value_a": 800.0, "value_b": 1200.0}]), now()],
        )
        db.execute("UPDATE items SET headline = 1 WHERE id = ?", [headline])
    db.close()
    return {item_a, item_b}, headline


async def test_number_conflicts_are_marked_and_filtered_and_headlines_marked(db_path):
    conflicting, headline = _conflict_and_headline(db_path)
    async with sized(db_path, (80, 24)) as (app, screen, pilot):
        await pilot.press("#")
        await settle(app, pilot)
        assert {row.id for row in fetch_rows(connect(db_path).conn, screen.item_list.nums).values()} == conflicting
        assert "number conflicts" in screen_lines(app)[1] and "2 items" in screen_lines(app)[1]
        assert all("±" in line.rstrip()[-3:] for line in screen_lines(app)[3:5])  # ± before any H
        await pilot.press("#")
        await settle(app, pilot)
        await select(app, pilot, headline)
        line = screen.item_list.render_line(screen.item_list.cursor - screen.item_list.scroll_offset.y).text
        assert line.rstrip().endswith("H")


def test_the_cluster_question_cuts_text_at_a_word(db_path):
    db = connect(db_path)
    nums = [num for (num,) in db.execute("SELECT num FROM items WHERE length(text) > 120 LIMIT 5")]
    rows = list(fetch_rows(db.conn, nums).values())
    question = cluster_question(rows, Vocabulary(statuses(db.conn)).get("true")).plain
    for line, row in zip(question.splitlines()[2:], rows):
        shown = line.split(": ", 1)[1].strip("“”")
        assert shown.endswith("…") and row.text.startswith(shown[:-1])
        assert row.text[len(shown) - 1] == " ", shown  # the cut falls between two words


async def test_a_conflict_dialog_says_when_in_words_not_a_raw_timestamp(db_path, review_app):
    from reviewing import other_process

    async with review_app(poll_seconds=3600) as (app, screen, pilot):
        row = screen.item_list.current_row()
        other_process("mark", row.id, "false", "--reviewer", "bob", "--db", str(db_path))
        await pilot.press("1")
        await pilot.pause(0.3)
        shown = dialog_text(app)
        assert "by bob just now (" in shown and "T" not in shown.split("by bob", 1)[1][:40]
        assert cluster_head(db_path)  # the fixture's cluster is still there


async def test_the_counts_bar_names_who_else_is_reviewing_at_the_desk(db_path):
    from sqlite_utils import Database

    from workbench.store.desk import join, leave

    desk = Database(db_path)
    join(desk, "browser-1", "bo\x1b[31m")  # a name is shown literally
    join(desk, "browser-2", "tester")  # the reviewer at this screen is not "else"
    async with sized(db_path, (200, 50)) as (app, _screen, pilot):
        counts = screen_lines(app)[0]
        assert "also here: bo␛[31m" in counts and "tester, " not in counts
        leave(desk, "browser-1")
        app.action_reload()
        await settle(app, pilot)
        assert "also here" not in screen_lines(app)[0]
