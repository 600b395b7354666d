"""The list side of the review screen as a reviewer drives it: the filter pickers, the
cursor's place through filters and sorts, and what each key says it did."""

from __future__ import annotations

from reviewing import cluster_head, connect, current_review, dialog_text, select, settle

from workbench.tui.dialogs import ConfirmScreen, PickScreen


def _first(db_path, sql, params=()):
    db = connect(db_path)
    try:
        return db.execute(sql, params).fetchone()[0]
    finally:
        db.close()


# ---- the pickers --------------------------------------------------------------------------


async def test_typing_in_the_status_picker_narrows_and_enter_picks_what_is_shown(review_app):
    async with review_app() as (app, screen, pilot):
        await pilot.press("s", *"fal")
        assert isinstance(app.screen, PickScreen)
        shown = dialog_text(app)
        assert "False" in shown and "any status" not in shown and "Mostly true" not in shown
        await pilot.press("enter")
        await settle(app, pilot)
        assert screen.filter.status == "false"
        assert "status: False" in str(screen.filter_info.render())


async def test_a_mark_key_in_the_status_picker_picks_that_status(review_app):
    async with review_app() as (app, screen, pilot):
        await pilot.press("s", "5")
        await settle(app, pilot)
        assert not isinstance(app.screen, PickScreen)
        assert screen.filter.status == "unverifiable"
        await pilot.press("s", "0")
        await settle(app, pilot)
        assert screen.filter.status == "unreviewed"


async def test_speaker_picker_finds_a_word_inside_a_name(review_app):
    async with review_app() as (app, screen, pilot):
        await pilot.press("p", *"glod")
        assert "Katia Glod" in dialog_text(app) and "any speaker" not in dialog_text(app)
        await pilot.press("enter")
        await settle(app, pilot)
        assert screen.filter.speaker == "Katia Glod"
        assert len(screen.item_list.nums) == _first(
            app.db_path, "SELECT count(*) FROM items WHERE speaker = 'Katia Glod'"
        )


async def test_source_picker_enter_picks_the_narrowed_source(db_path, review_app):
    wanted = _first(db_path, "SELECT id FROM sources WHERE title LIKE '%exodus%'")
    async with review_app() as (app, screen, pilot):
        await pilot.press("o", *"exodus", "enter")
        await settle(app, pilot)
        assert screen.filter.source == wanted
        assert "exodus" in str(screen.filter_info.render())


async def test_the_cluster_dialog_takes_the_mark_keys(db_path, review_app):
    head = cluster_head(db_path)
    async with review_app() as (app, _screen, pilot):
        await select(app, pilot, head)
        await pilot.press("C", "4")
        assert isinstance(app.screen, ConfirmScreen)
        assert "as False?" in dialog_text(app)
        await pilot.press("y")
        await pilot.pause()
        assert current_review(db_path, head)["status"] == "false"


# ---- the cursor keeps the reviewer's place ---------------------------------------------------


async def _on_item(app, pilot, db_path, kind="quote"):
    """Put the cursor on an item of ``kind`` some way down the list; its id."""
    item_id = _first(
        db_path,
        "SELECT items.id FROM items JOIN sources ON sources.id = items.source_id WHERE kind = ? "
        "ORDER BY sources.rowid DESC, items.seq LIMIT 1",
        [kind],
    )
    await select(app, pilot, item_id)
    return item_id


async def test_an_empty_filter_then_escape_comes_back_to_the_same_item(db_path, review_app):
    async with review_app() as (app, screen, pilot):
        item_id = await _on_item(app, pilot, db_path)
        await pilot.press("s", "3")  # nothing is Misleading yet
        await settle(app, pilot)
        assert len(screen.item_list.nums) == 0
        await pilot.press("escape")
        await settle(app, pilot)
        assert screen.item_list.current_row().id == item_id
        await pilot.press("4")  # the mark goes to the item the reviewer sees highlighted
        assert current_review(db_path, item_id)["status"] == "false"


async def test_status_unreviewed_keeps_the_item(db_path, review_app):
    async with review_app() as (app, screen, pilot):
        item_id = await _on_item(app, pilot, db_path)
        await pilot.press("s", *"unrev", "enter")
        await settle(app, pilot)
        assert screen.filter.status == "unreviewed"
        assert screen.item_list.current_row().id == item_id


async def test_cycling_kind_comes_back_to_the_same_item_and_stays_near_it_meanwhile(db_path, review_app):
    async with review_app() as (app, screen, pilot):
        item_id = await _on_item(app, pilot, db_path)
        source = _first(db_path, "SELECT source_id FROM items WHERE id = ?", [item_id])
        await pilot.press("k")  # claims only: the quote is gone, the cursor on a claim near it
        await settle(app, pilot)
        near = screen.item_list.current_row()
        assert near.kind == "claim" and near.source_id == source
        await pilot.press("k", "k")  # quotes, then everything: back on the quote
        await settle(app, pilot)
        assert screen.item_list.current_row().id == item_id
        await pilot.press("r", "r", "r", "r")  # every sort and back
        await settle(app, pilot)
        assert screen.item_list.current_row().id == item_id


async def test_moving_after_a_filter_makes_the_new_item_the_place(db_path, review_app):
    async with review_app() as (app, screen, pilot):
        await _on_item(app, pilot, db_path)
        await pilot.press("k", "down")  # claims; the reviewer moves on to another claim
        await settle(app, pilot)
        chosen = screen.item_list.current_row().id
        await pilot.press("k", "k")
        await settle(app, pilot)
        assert screen.item_list.current_row().id == chosen
