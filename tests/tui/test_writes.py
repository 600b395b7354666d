"""Nothing a reviewer typed is lost: a note or a mark refused because someone else changed
the item is shown whole and offered again; a database locked by another process, or
read-only, keeps the marks waiting (shown, tried again) and never freezes the screen;
quitting with marks not saved asks first and lists them. Real processes stand for the
other reviewer and for the lock."""

from __future__ import annotations

from reviewing import (
    cluster_head,
    connect,
    dialog_text,
    flat,
    immutable,
    in_database,
    lock_held,
    other_process,
    paste,
    release,
    reviews_of,
    select,
    settle,
    shown_text,
    wait_for,
    writable_again,
)

NOTE = "see the ministry's [b]report[/b], p. 4 \x1b]0;pwned\x07"
NOTE_SHOWN = "see the ministry's [b]report[/b], p. 4 \u241b]0;pwned\u2407"  # hidden characters made visible


def other_reviewer_marks(path, item_id, status, note="theirs"):
    other_process("mark", item_id, status, "--reviewer", "bob", "--note", note, "--db", str(path))


async def noticed(app, pilot) -> None:
    """Wait until the app has seen another process's commit."""
    version = app._version
    assert await wait_for(pilot, lambda: app._version != version)
    await settle(app, pilot)


# ---- someone else changed the item: what was typed comes back ------------------------------


async def test_a_note_typed_while_someone_else_marks_is_shown_and_saved_after_editing(db_path, review_app):
    async with review_app(poll_seconds=0.1) as (app, screen, pilot):
        row = screen.item_list.current_row()
        await pilot.press("n", *NOTE[:12])
        other_reviewer_marks(db_path, row.id, "false")
        await noticed(app, pilot)  # the screen behind the note box has reloaded meanwhile
        await paste(pilot, NOTE[12:])
        await pilot.press("enter")
        shown = dialog_text(app)
        assert "Not saved: someone else changed this item" in shown
        assert NOTE_SHOWN in shown and "bob" in shown and "False" in shown and "theirs" in shown
        assert "\x1b" not in shown and "\x07" not in shown
        assert reviews_of(db_path, row.id) == [("false", "theirs", "bob")]  # nothing of ours written
        await pilot.press("e")  # edit it again: the box holds what was typed, the cursor at its end
        assert app.screen.query_one("Input").value == NOTE
        await pilot.press(*" (checked)", "enter")
        await pilot.pause()
        assert app.screen is screen
        assert reviews_of(db_path, row.id) == [("false", "theirs", "bob"), ("false", NOTE + " (checked)", "tester")]
        assert flat(NOTE_SHOWN + " (checked)") in flat(shown_text(screen.detail.body))


async def test_a_refused_note_applied_on_top_keeps_their_verdict_and_adds_the_note(db_path, review_app):
    async with review_app(poll_seconds=3600) as (app, screen, pilot):
        row = screen.item_list.current_row()
        await pilot.press("n", *"checked twice")
        other_reviewer_marks(db_path, row.id, "misleading")
        await pilot.press("enter")
        assert "checked twice" in dialog_text(app)
        await pilot.press("a")
        await pilot.pause()
        assert reviews_of(db_path, row.id) == [
            ("misleading", "theirs", "bob"),
            ("misleading", "checked twice", "tester"),
        ]


async def test_a_refused_mark_says_what_happened_and_is_applied_again_with_one_key(db_path, review_app):
    async with review_app(poll_seconds=3600) as (app, screen, pilot):
        row = screen.item_list.current_row()
        other_reviewer_marks(db_path, row.id, "false")
        await pilot.press("1")  # true, on the item as it was loaded
        shown = dialog_text(app)
        assert "Not saved" in shown and "mark True" in shown and "is now ✘ False, by bob" in shown
        assert screen.item_list.cursor == 0  # the cursor stays on the item that was not marked
        assert reviews_of(db_path, row.id) == [("false", "theirs", "bob")]
        await pilot.press("a")
        await pilot.pause()
        # On top of theirs: a new review, theirs kept in the history; their note stays with the item.
        assert reviews_of(db_path, row.id) == [("false", "theirs", "bob"), ("true", "theirs", "tester")]
        assert screen.item_list.cache.row(screen.item_list.nums, 0).status == "true"


async def test_discarding_a_refused_mark_keeps_their_verdict(db_path, review_app):
    async with review_app(poll_seconds=3600) as (app, screen, pilot):
        row = screen.item_list.current_row()
        other_reviewer_marks(db_path, row.id, "false")
        await pilot.press("4", "escape")  # Escape does not throw a refused mark away
        assert "Not saved" in dialog_text(app)
        await pilot.press("d")
        await pilot.pause()
        assert app.screen is screen
        assert reviews_of(db_path, row.id) == [("false", "theirs", "bob")]
        assert screen.item_list.current_row().status == "false"  # the list shows theirs now


async def test_a_cluster_verdict_refused_names_the_changed_member_and_is_applied_on_top(db_path, review_app):
    head = cluster_head(db_path)
    async with review_app(poll_seconds=3600) as (app, screen, pilot):
        await select(app, pilot, head)
        members = [head, *(member.row.id for member in screen.links.members)]
        await pilot.press("C", "down", "down", "enter")  # true, for the three items
        other_reviewer_marks(db_path, members[2], "false", note="only this one")
        await pilot.press("y")
        shown = dialog_text(app)
        assert "items of this cluster" in shown and "only this one" in shown and shown.count("is now") == 1
        assert [len(reviews_of(db_path, member)) for member in members] == [0, 0, 1]
        await pilot.press("a")
        await pilot.pause()
        assert [reviews_of(db_path, member)[-1][0] for member in members] == ["true", "true", "true"]
        assert reviews_of(db_path, members[2])[0] == ("false", "only this one", "bob")


async def test_an_undo_refused_is_offered_again(db_path, review_app):
    async with review_app(poll_seconds=3600) as (app, screen, pilot):
        row = screen.item_list.current_row()
        await pilot.press("1")
        other_reviewer_marks(db_path, row.id, "false")
        await pilot.press("u")
        assert "undo of mark True on" in dialog_text(app)
        await pilot.press("a")
        await pilot.pause()
        assert [review[0] for review in reviews_of(db_path, row.id)] == ["true", "false", "unreviewed"]


async def test_a_note_on_an_item_removed_meanwhile_is_shown_whole_not_lost(db_path, review_app):
    async with review_app(poll_seconds=3600) as (app, screen, pilot):
        row = screen.item_list.current_row()
        await pilot.press("n")
        await paste(pilot, NOTE)
        gone = connect(db_path)
        with gone.conn:
            gone.execute("DELETE FROM items WHERE id = ?", [row.id])
        gone.close()
        await pilot.press("enter")
        shown = dialog_text(app)
        assert "Not saved" in shown and "no such item" in shown and NOTE_SHOWN in shown
        assert [line for line in app.unsaved_report() if "refused" in line and NOTE_SHOWN in line]
        await pilot.press("o")
        assert app.unsaved_report() == []


# ---- another process holds the database: the marks wait, the screen goes on ---------------


async def test_a_locked_database_keeps_marks_waiting_visible_and_writes_them_when_free(db_path, review_app):
    async with review_app(poll_seconds=0.1) as (app, screen, pilot):
        first, second = screen.item_list.current_row(), None
        with lock_held(db_path) as holder:
            await pilot.press("1")  # true: waits for the database, the cursor moves on
            second = screen.item_list.current_row()
            await pilot.press("4", "6", "up")  # false, then in progress on the item after it
            bar = shown_text(screen.writes)
            assert screen.writes.display and "database busy: 3 changes waiting" in bar
            assert "your mark True on" in bar
            lines = [screen.item_list.render_line(y).text for y in range(3)]
            assert "⧗ True" in lines[0] and "⧗ False" in lines[1] and "⧗ In progress" in lines[2]
            assert "not saved yet (database busy)" in flat(shown_text(screen.detail.body))
            assert in_database(db_path, "SELECT count(*) FROM reviews") == [(0,)]
            await pilot.press("u")  # takes back the last one, which was never written
            assert "2 changes waiting" in shown_text(screen.writes)
            await pilot.press("down", "down", "up")  # the screen answers keys all along
            release(holder)
            assert await wait_for(pilot, lambda: not screen.writes.waiting)
        await settle(app, pilot)
        assert not screen.writes.display
        assert [review[0] for review in reviews_of(db_path, first.id)] == ["true"]
        assert [review[0] for review in reviews_of(db_path, second.id)] == ["false"]
        assert screen.counts["true"] == 1 and screen.counts["false"] == 1


async def test_marks_on_one_item_while_locked_are_written_in_order_without_a_conflict(db_path, review_app):
    async with review_app(poll_seconds=3600) as (app, screen, pilot):
        row = screen.item_list.current_row()
        with lock_held(db_path) as holder:
            await pilot.press("1", "up", "4", "up", "n", *"on top of my own", "enter")
            assert len(screen.writes.waiting) == 3
            release(holder)
            assert await wait_for(pilot, lambda: not screen.writes.waiting)
        assert app.screen is screen  # no conflict with one's own waiting marks
        assert reviews_of(db_path, row.id) == [
            ("true", None, "tester"),
            ("false", None, "tester"),
            ("false", "on top of my own", "tester"),
        ]


async def test_a_database_damaged_under_the_running_screen_is_one_line_not_a_crash(db_path, review_app):
    async with review_app(poll_seconds=0.1) as (app, screen, pilot):
        row = screen.item_list.current_row()
        script = connect(db_path)
        with script.conn:  # a script renames a column the screen reads
            script.execute("ALTER TABLE sources RENAME COLUMN outlet TO outlet_name")
        script.close()
        await noticed(app, pilot)
        await pilot.press("end", "home")  # an item whose row and detail are read again
        await pilot.pause(0.3)
        assert "Cannot read this item now: no such column: sources.outlet" in flat(shown_text(screen.detail.body))
        await pilot.press("o")  # the source picker reads sources too
        await pilot.pause()
        assert "cannot read the database now" in dialog_text(app)
        await pilot.press("escape", "2")  # and a mark is still made
        assert [review[0] for review in reviews_of(db_path, row.id)] == ["mostly-true"]
        assert app.is_running


async def test_quitting_with_waiting_marks_asks_and_lists_each_with_the_command_that_saves_it(db_path, review_app):
    async with review_app(poll_seconds=3600) as (app, screen, pilot):
        row = screen.item_list.current_row()
        with lock_held(db_path):
            await pilot.press("3", "q")
            assert "1 of your changes is NOT saved" in dialog_text(app)
            await pilot.press("s")  # stay
            assert app.is_running and app.screen is screen
            await pilot.press("n", *"half typed")  # a note typed in an open box counts too
            await pilot.press("ctrl+q")
            assert "2 of your changes are NOT saved" in dialog_text(app)
            await pilot.press("q")
            await pilot.pause()
        report = app.unsaved_report()
    assert len(report) == 2 and all(line.startswith("not saved (") for line in report)
    assert f"workbench mark {row.id} misleading --reviewer tester --db {db_path}" in report[0]
    assert "database busy" in report[0] and "--note 'half typed'" in report[1]


# ---- a read-only database: said, kept, saved once it can be ---------------------------------


async def test_a_read_only_database_says_not_saved_and_saves_once_writable_again(db_path, review_app):
    with immutable(db_path):
        async with review_app(poll_seconds=3600) as (_app, screen, pilot):
            row = screen.item_list.current_row()
            await pilot.press("4")
            bar = shown_text(screen.writes)
            assert "read-only: 1 change NOT saved" in bar and "your mark False" in bar
            assert reviews_of(db_path, row.id) == []
            writable_again(db_path)  # the reviewer fixes the permissions; the next try saves it
            assert await wait_for(pilot, lambda: not screen.writes.waiting)
            assert [review[0] for review in reviews_of(db_path, row.id)] == ["false"]
            await pilot.press("1")  # later marks are saved at once
            assert len(reviews_of(db_path, screen.item_list.cache.row(screen.item_list.nums, 1).id)) == 1


async def test_enter_or_escape_in_the_conflict_dialog_neither_applies_nor_discards(db_path, review_app):
    async with review_app(poll_seconds=3600) as (app, screen, pilot):
        row = screen.item_list.current_row()
        other_reviewer_marks(db_path, row.id, "false")
        await pilot.press("n", *"mine", "enter")
        await pilot.press("enter", "escape", "space")
        assert "Not saved" in dialog_text(app) and "mine" in dialog_text(app)
        assert reviews_of(db_path, row.id) == [("false", "theirs", "bob")]
        assert [why for _, why in app.unsaved()] == ["refused, not answered"]
