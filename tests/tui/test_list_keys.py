"""The list side of the review screen as a reviewer drives it: the filter pickers, the
cursor's place through filters and sorts, and what each key says it did."""

from __future__ import annotations

from reviewing import cluster_head, connect, current_review, dialog_text, in_database, select, settle

from workbench.tui.dialogs import ConfirmScreen, PickScreen
from workbench.tui.marking import quoted


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
        assert "as ✘ False?" in dialog_text(app)
        await pilot.press("y")
        await pilot.pause()
        assert current_review(db_path, head)["status"] == "false"


# ---- the cursor keeps the reviewer's place ---------------------------------------------------


async def _on_item(app, pilot, db_path, kind="quote"):
    """Put the cursor on an item of ``kind`` in the middle of the list (where keeping the
    cursor's index would land on another item); its id."""
    item_id = _first(
        db_path,
        "SELECT items.id FROM items JOIN sources ON sources.id = items.source_id WHERE kind = ? "
        "ORDER BY sources.rowid, items.seq LIMIT 1 OFFSET (SELECT count(*) / 2 FROM items WHERE kind = ?)",
        [kind, kind],
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


# ---- search ----------------------------------------------------------------------------------


def _matching(db_path, query):
    db = connect(db_path)
    try:
        return sorted(num for (num,) in db.execute("SELECT rowid FROM items_fts WHERE items_fts MATCH ?", [query]))
    finally:
        db.close()


async def test_search_takes_or_phrases_not_and_columns_and_highlights_matches(db_path, review_app):
    async with review_app() as (app, screen, pilot):
        for typed, query in (
            ("Lukashenko OR Korolevsky", "Lukashenko* OR Korolevsky*"),
            ('"fast visas"', '"fast visas"'),
            ("Belarus NOT Lithuania", "Belarus* NOT Lithuania*"),
            ("speaker:glod", "speaker : glod*"),
            ("visa* AND (IT OR tech)", "visa* AND (IT* OR tech*)"),
        ):
            screen.search.value = ""
            await pilot.press("escape", "slash", *typed)  # back to the list, then / again
            await settle(app, pilot)
            expected = _matching(db_path, query)
            assert expected and sorted(screen.item_list.nums) == expected, typed
        screen.search.value = ""
        await pilot.press("escape", "slash", *"Lukashenko OR Korolevsky")
        await settle(app, pilot)
        lines = [screen.item_list.render_line(y) for y in range(len(screen.item_list.nums))]
        marked = {segment.text.lower() for line in lines for segment in line if segment.style and segment.style.reverse}
        assert marked and marked <= {"lukashenko", "korolevsky", "lukashenko’s", "korolevsky’s"}


async def test_a_half_typed_search_never_fails_and_a_malformed_one_is_told_in_one_line(db_path, review_app):
    async with review_app() as (app, screen, pilot):
        await pilot.press("slash", *'"fast vis')  # the quote not closed yet
        await settle(app, pilot)
        assert sorted(screen.item_list.nums) == _matching(db_path, '"fast vis"')
        assert not app._notifications
        screen.search.value = ""
        await pilot.press(*"visas OR (")
        await settle(app, pilot)
        assert sorted(screen.item_list.nums) == _matching(db_path, "visas*") and not app._notifications
        screen.search.value = ""
        await pilot.press(*"NOT visas", "enter")
        await settle(app, pilot)
        told = [notification.message for notification in app._notifications]
        assert told == ["Search: NOT needs something on each side (a NOT b); the rest is searched."]
        assert app.focused is screen.item_list


# ---- undo says what it undid ----------------------------------------------------------------


def _told(app) -> list[str]:
    return [notification.message for notification in app._notifications]


async def test_undo_of_a_note_says_the_note_came_back_not_a_status(db_path, review_app):
    async with review_app() as (app, screen, pilot):
        row = screen.item_list.current_row()
        await pilot.press("n", *"first", "enter", "n", "ctrl+a", "ctrl+k", *"second", "enter", "u")
        await pilot.pause()
        assert current_review(db_path, row.id)["note"] == "first"
        assert _told(app)[-1] == f"Undone: note “second” on {quoted(row.text)}; the note is “first” again."


async def test_undo_of_a_mark_names_the_mark_and_the_status_back(db_path, review_app):
    async with review_app() as (app, screen, pilot):
        row = screen.item_list.current_row()
        await pilot.press("4", "u")
        await pilot.pause()
        assert current_review(db_path, row.id)["status"] == "unreviewed"
        assert _told(app)[-1] == f"Undone: mark False on {quoted(row.text)}; back to Unreviewed."
        rows = in_database(db_path, "SELECT id, status, undoes FROM reviews WHERE item_id = ? ORDER BY id", [row.id])
        assert rows == [(rows[0][0], "false", None), (rows[1][0], "unreviewed", rows[0][0])]  # the undo row says so


async def test_undo_takes_back_a_link_decision(db_path, review_app):
    head = cluster_head(db_path)
    async with review_app() as (app, screen, pilot):
        await select(app, pilot, head)
        await pilot.press("enter")
        member = screen.links.highlighted
        a, b = sorted((head, member.row.id))
        before = _first(db_path, "SELECT state FROM links WHERE item_a = ? AND item_b = ?", [a, b])
        await pilot.press("x")
        assert _first(db_path, "SELECT state FROM links WHERE item_a = ? AND item_b = ?", [a, b]) == "rejected"
        await pilot.press("escape", "u")
        await settle(app, pilot)
        assert _first(db_path, "SELECT state FROM links WHERE item_a = ? AND item_b = ?", [a, b]) == before
        assert _told(app)[-1].startswith("Undone: link decision (rejected) on “")
        assert _told(app)[-1].endswith(f"; the link is {before} again.")
