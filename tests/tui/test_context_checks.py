"""Checked before (#16) in the detail pane: each published fact-check matched to the item
(publisher, rating, date, the checked claim with the words that differ marked, its URL),
and A adopts its verdict with a note citing it, through the same writes as any mark."""

from __future__ import annotations

import json

import pytest
from reviewing import connect, current_review, flat, other_process, select, settle, shown_text
from textual.geometry import Region

from workbench.tui.dialogs import ConfirmScreen
from workbench.tui.rows import fetch_rows

CLAIM = "Young professionals have been at the forefront of protests in Belarus."
CHECKED = "Young professionals were at the forefront of the protests in Belarus."
URL = "https://checkers.example.org/young-professionals"
DARK_GREEN = (0, 95, 0)  # what the detail pane marks a checked claim's other words with


@pytest.fixture
def checked_db(db_path, tmp_path):
    """A published fact-check of one of the corpus's claims, imported as a desk would."""
    archive = tmp_path / "claimreview.json"
    archive.write_text(
        json.dumps(
            {
                "@context": "https://schema.org",
                "@type": "ClaimReview",
                "url": URL,
                "claimReviewed": CHECKED,
                "author": {"@type": "Organization", "name": "Example Checkers (example)"},
                "datePublished": "2020-09-20",
                "reviewRating": {"@type": "Rating", "alternateName": "False"},
            }
        ),
        encoding="utf-8",
    )
    other_process("factchecks", "import", "--db", str(db_path), str(archive))
    return db_path


def claim_id(path) -> str:
    db = connect(path)
    try:
        return db.execute("SELECT id FROM items WHERE text = ?", [CLAIM]).fetchone()[0]
    finally:
        db.close()


async def test_a_matched_fact_check_is_shown_and_its_verdict_adopted_with_a(checked_db, review_app):
    item_id = claim_id(checked_db)
    async with review_app(poll_seconds=3600) as (app, screen, pilot):
        await select(app, pilot, item_id)
        detail = flat(shown_text(screen.detail.body))
        assert "checked before ? suggested Example Checkers (example) rated False 2020-09-20" in detail
        assert flat(CHECKED) in detail and URL in detail
        # The words of the checked claim that this item does not have are marked.
        body = screen.detail.body
        marked = [
            segment.text.strip()
            for strip in body.render_lines(Region(0, 0, body.size.width, body.size.height))
            for segment in strip
            if segment.style and segment.style.bgcolor and tuple(segment.style.bgcolor.get_truecolor()) == DARK_GREEN
        ]
        assert "were" in marked and "Young" not in marked
        await pilot.press("A")
        await pilot.pause()
        assert isinstance(app.screen, ConfirmScreen)
        question = flat(" ".join(shown_text(widget) for widget in app.screen.query("Static")))
        assert "Adopt this verdict?" in question and "False" in question and "adopting confirms it" in question
        assert f"Their claim: “{CHECKED}”" in question
        await pilot.press("y")
        await settle(app, pilot)
        review = current_review(checked_db, item_id)
        assert review["status"] == "false" and review["reviewer"] == "tester"
        assert review["note"] == f"Previously checked by Example Checkers (example) on 2020-09-20, rated 'False': {URL}"
        db = connect(checked_db)
        state = db.execute(
            "SELECT m.state, m.decided_by FROM factcheck_matches m JOIN factchecks f ON f.id = m.factcheck_id "
            "WHERE m.item_id = ? AND f.url = ?",
            [item_id, URL],
        ).fetchone()
        db.close()
        assert state == ("confirmed", "tester")
        await select(app, pilot, item_id)
        assert "✔ confirmed Example Checkers (example)" in flat(shown_text(screen.detail.body))


async def test_a_rating_no_status_maps_is_one_line_and_nothing_is_marked(checked_db, review_app):
    db = connect(checked_db)
    with db.conn:
        db.execute("UPDATE factchecks SET rating = 'Four Pinocchios and a half'")
    db.close()
    item_id = claim_id(checked_db)
    async with review_app(poll_seconds=3600) as (app, screen, pilot):
        await select(app, pilot, item_id)
        await pilot.press("A")
        await pilot.pause()
        assert app.screen is screen
        shown = " ".join(str(note.message) for note in app._notifications)
        assert "The rating 'Four Pinocchios and a half' is not mapped to a status: add it to [ratings]" in shown
    assert current_review(checked_db, item_id) is None


async def test_checked_items_are_marked_and_f_lists_only_them(checked_db, review_app):
    """The list marks an item checked before, by a published fact-check or by this desk's
    verdict on an item linked to it, and ``f`` lists only those; ``f`` again lists all."""
    item_id = claim_id(checked_db)
    db = connect(checked_db)
    linked_a, linked_b = db.execute(
        "SELECT item_a, item_b FROM links WHERE state != 'rejected' AND method != 'number-conflict' "
        "AND item_a != ? AND item_b != ? LIMIT 1",
        [item_id, item_id],
    ).fetchone()
    db.close()
    async with review_app(poll_seconds=3600) as (app, screen, pilot):
        everything = len(screen.item_list.nums)
        await select(app, pilot, linked_a)
        await pilot.press("4")  # False: a verdict of this desk, so the item linked to it was checked before
        await settle(app, pilot)
        await pilot.press("f")
        await settle(app, pilot)
        listed = {row.id for row in fetch_rows(connect(checked_db).conn, screen.item_list.nums).values()}
        assert {item_id, linked_b} <= listed and linked_a not in listed
        assert len(listed) < everything and "checked before" in flat(shown_text(screen.filter_info))
        await select(app, pilot, item_id)
        line = screen.item_list.render_line(screen.item_list.cursor - screen.item_list.scroll_offset.y).text
        assert line.rstrip().endswith("✓")  # (not a headline: nothing after it)
        await pilot.press("f")
        await settle(app, pilot)
        assert len(screen.item_list.nums) == everything
