"""Snapshots (pytest-textual-snapshot) of the context side of the review screen: the article
view, and a cluster with quote drift with the drifting link highlighted, every stored time
fixed so the pictures change only when the screen does. ``pytest --snapshot-update``
redraws them after a change that is meant; look at the report it writes before keeping them."""

from __future__ import annotations

from reviewing import cluster_head, num_of, settle

from workbench.tui.app import ReviewApp


def on_item(num: int):
    async def run_before(pilot) -> None:
        await settle(pilot.app, pilot)
        assert pilot.app.review.item_list.select_num(num)
        await pilot.pause(0.3)  # past the detail pane's throttle
        await settle(pilot.app, pilot)

    return run_before


def test_the_article_view(snap_compare, still_db):
    head = cluster_head(still_db)

    async def article_open(pilot) -> None:
        await on_item(num_of(still_db, head))(pilot)
        await pilot.press("a")
        await pilot.pause(0.3)

    assert snap_compare(ReviewApp(still_db, reviewer="tester"), terminal_size=(100, 32), run_before=article_open)


def test_a_cluster_with_drift(snap_compare, still_db):
    head = cluster_head(still_db)

    async def drift_shown(pilot) -> None:
        await on_item(num_of(still_db, head))(pilot)
        await pilot.press("L")
        links = pilot.app.review.links
        while links.highlighted is not None and not links.highlighted.drift:
            await pilot.press("down")
        await pilot.pause(0.2)

    assert snap_compare(ReviewApp(still_db, reviewer="tester"), terminal_size=(160, 45), run_before=drift_shown)
