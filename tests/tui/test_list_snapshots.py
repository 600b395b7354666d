"""Snapshots of the review screen (pytest-textual-snapshot): the main screen at 80×24 and
160×45 and the help screen, on the fixture database with every time fixed, so that the
pictures change only when the screen does. ``pytest --snapshot-update`` redraws them
after a change that is meant; look at the report it writes before keeping them."""

from __future__ import annotations

from reviewing import settle

from workbench.tui.app import ReviewApp


async def _settled(pilot) -> None:
    await settle(pilot.app, pilot)
    await pilot.pause(0.2)  # past the detail pane's throttle


def test_main_screen_at_80_by_24(snap_compare, still_db):
    assert snap_compare(ReviewApp(still_db, reviewer="tester"), terminal_size=(80, 24), run_before=_settled)


def test_main_screen_at_160_by_45(snap_compare, still_db):
    assert snap_compare(ReviewApp(still_db, reviewer="tester"), terminal_size=(160, 45), run_before=_settled)


def test_help_screen(snap_compare, still_db):
    async def help_open(pilot) -> None:
        await _settled(pilot)
        await pilot.press("question_mark")
        await pilot.pause()

    assert snap_compare(ReviewApp(still_db, reviewer="tester"), terminal_size=(100, 40), run_before=help_open)
