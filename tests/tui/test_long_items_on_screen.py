"""Items of megabytes (an old database, a script) and items with thousands of reviews or
links: the review screen reads and draws a bounded part of each, says what it cut, and
moving the cursor over them draws no more than over any other item. Sizes of what is
drawn are checked, not times."""

from __future__ import annotations

import json

import pytest
from reviewing import connect, flat, select, settle, shown_text

from workbench.store.reviews import now
from workbench.tui.detail_query import HISTORY_SHOWN, MEMBERS_SHOWN
from workbench.tui.rows import ROW_TEXT_CHARS

MB = 1_000_000
BIG = "The council said the bridge will cost 40 million euros, twice the estimate. " * (5 * MB // 76)
DETAIL_BOUND = 30_000  # characters a detail pane may draw, whatever the item holds
REVIEWS, LINKED = 100, 300  # each review rewrites the 5 MB row (items.status): a hundred is plenty


@pytest.fixture
def big_db(db_path):
    """A script's doing: a 5 MB item in a source with a 1 MB title, a 1 MB speaker and role,
    100 reviews (the last note 1 MB), 300 items linked to it, 50,000 figures."""
    script = connect(db_path)
    stamp = now()
    with script.conn:
        source = script.execute("SELECT id FROM sources ORDER BY rowid LIMIT 1").fetchone()[0]
        script.execute("UPDATE sources SET title = ?, outlet = ? WHERE id = ?", ["T" * MB, "O" * MB, source])
        script.execute(
            'INSERT INTO items (id, source_id, seq, kind, text, speaker, role, start, "end", paragraph, numbers, '
            "cluster_id, first_seen) VALUES ('big0000000000001', ?, -1, 'claim', ?, ?, ?, 0, ?, 0, ?, "
            "'big-cluster', ?)",
            [source, BIG, "S" * MB, "R" * MB, len(BIG), json.dumps([{"value": 1}] * 50_000), stamp],
        )
        script.conn.executemany(
            # With the item as reviewed given: the trigger would copy the 5 MB into each review.
            "INSERT INTO reviews (item_id, status, note, reviewer, created_at, item_text, item_kind, item_speaker, "
            "item_numbers) VALUES ('big0000000000001', ?, ?, ?, ?, 'then', 'claim', 'S', '[]')",
            [
                ("true" if n % 2 else "false", "N" * MB if n == REVIEWS - 1 else f"note {n}", f"r{n}", stamp)
                for n in range(REVIEWS)
            ],
        )
        others = script.execute("UPDATE items SET cluster_id = 'big-cluster' WHERE id != 'big0000000000001'").rowcount
        for n in range(others, LINKED):  # more items, each in a source of the script's making
            script.execute(
                "INSERT INTO sources (id, key, path, title, sha256, text, format, extractor, ingested_at) "
                "VALUES (?, ?, ?, ?, 'x', 'text', 'txt', 'x', ?)",
                [f"s{n}", f"k{n}", f"p{n}", f"extra {n}", stamp],
            )
            script.execute(
                'INSERT INTO items (id, source_id, seq, kind, text, start, "end", paragraph, cluster_id, first_seen) '
                "VALUES (?, ?, 0, 'quote', 'more', 0, 4, 0, 'big-cluster', ?)",
                [f"extra{n:011d}", f"s{n}", stamp],
            )
    script.close()
    return db_path


async def test_an_item_of_megabytes_is_drawn_bounded_and_says_it_is_cut(big_db, review_app):
    async with review_app(poll_seconds=3600) as (app, screen, pilot):
        await select(app, pilot, "big0000000000001")
        index = screen.item_list.cursor
        for key in ("down", "up", "down", "up"):  # off it and back, as a reviewer does
            await pilot.press(key)
            await pilot.pause(0.2)
            detail = shown_text(screen.detail.body)
            assert len(detail) < DETAIL_BOUND
        assert screen.item_list.cursor == index
        detail = flat(shown_text(screen.detail.body))
        assert f"✂ cut: only the first {ROW_TEXT_CHARS:,} characters of this item are shown" in detail
        assert f"… {REVIEWS - HISTORY_SHOWN:,} earlier reviews not shown" in detail
        assert "numbers … more not shown" in detail
        row = screen.item_list.current_row()
        assert len(row.text) == ROW_TEXT_CHARS and row.text_cut
        assert len(row.speaker) <= 300 and len(row.source) <= 300
        # A list line is the list's width, however long the item, its speaker and its source.
        width = screen.item_list.scrollable_content_region.width
        line = screen.item_list.render_line(screen.item_list.cursor - screen.item_list.scroll_offset.y)
        assert line.cell_length == width
        # The linked items: the first ones, and how many more.
        options = screen.links.member_list.option_count
        sources = {member.row.source_id for member in screen.links.members}
        assert len(screen.links.members) == MEMBERS_SHOWN and options == MEMBERS_SHOWN + len(sources) + 1
        assert screen.links.border_title == f"linked items ({LINKED:,})"
        last = screen.links.member_list.get_option_at_index(options - 1).prompt
        assert str(last) == f"… {LINKED - MEMBERS_SHOWN:,} more not listed"


async def test_marking_a_huge_item_and_its_cluster_works_and_stays_bounded(big_db, review_app):
    async with review_app(poll_seconds=3600) as (app, _screen, pilot):
        await select(app, pilot, "big0000000000001")
        await pilot.press("C", "down", "down", "down", "enter")  # mostly true, for all 301 items
        question = "\n".join(shown_text(widget) for widget in app.screen.query("Static"))
        assert f"Mark all {LINKED + 1:,} items" in question and "… and 281 more" in flat(question)
        assert len(question) < DETAIL_BOUND
        await pilot.press("y")
        await settle(app, pilot)
        check = connect(big_db)
        assert (
            check.execute(
                "SELECT count(*) FROM items WHERE cluster_id = 'big-cluster' AND status = 'mostly-true'"
            ).fetchone()[0]
            == LINKED + 1
        )
        check.close()
