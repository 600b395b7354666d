"""Clusters of any size in the review screen: the linked items are read a page at a time in a
worker, through the cluster's index, never pair by pair; each link shows its score, method
and who decided it; more pages one key away."""

from __future__ import annotations

import pytest
from reviewing import connect, num_of, select, settle, shown_text, wait_for

from workbench.store.reviews import now
from workbench.tui.detail_query import MEMBERS_SHOWN, cluster_rows, linked_page
from workbench.tui.rows import fetch_rows

TEXT = "The bridge will pay for itself within ten years, the mayor said."


def plant_cluster(path, size: int, name: str = "star") -> list[str]:
    """``size`` copies of one claim, each in a source of its own, held by star links to the
    first (as the linker stores repeats, db/LINKING.md); the member ids, the centre first."""
    script = connect(path)
    stamp = now()
    ids = [f"{name}{n:011d}" for n in range(size)]
    with script.conn:
        script.conn.executemany(
            "INSERT INTO sources (id, key, path, title, outlet, url, sha256, text, format, extractor, ingested_at) "
            "VALUES (?, ?, ?, ?, 'Wire (example)', ?, 'x', ?, 'txt', 'x', ?)",
            [
                (
                    f"{name}-s{n}",
                    f"{name}-k{n}",
                    f"{name}/{n}.txt",
                    f"Copy {n}",
                    f"https://example.org/{n}",
                    TEXT,
                    stamp,
                )
                for n in range(size)
            ],
        )
        script.conn.executemany(
            'INSERT INTO items (id, source_id, seq, kind, text, start, "end", paragraph, cluster_id, first_seen) '
            "VALUES (?, ?, 0, 'claim', ?, 0, ?, 0, ?, ?)",
            [(item_id, f"{name}-s{n}", TEXT, len(TEXT), ids[0], stamp) for n, item_id in enumerate(ids)],
        )
        script.conn.executemany(
            "INSERT INTO links (item_a, item_b, score, method, created_at) VALUES (?, ?, 100, 'exact', ?)",
            [(ids[0], other, stamp) for other in ids[1:]],
        )
    script.close()
    return ids


def steps(conn, read) -> int:
    """SQLite virtual-machine steps (in thousands) that ``read()`` takes: work done, not time."""
    count = [0]

    def tick():
        count[0] += 1
        return 0

    conn.set_progress_handler(tick, 1000)
    try:
        read()
    finally:
        conn.set_progress_handler(None, 0)
    return count[0]


def test_reading_a_page_of_linked_items_does_not_grow_with_the_cluster(db_path):
    """What moving onto a member reads (its linked items) and what C reads grow at most
    linearly with the cluster: the old reads counted every member's links for every member."""
    small, large = plant_cluster(db_path, 250, "small"), plant_cluster(db_path, 2000, "large")
    db = connect(db_path)
    page_small = steps(db.conn, lambda: linked_page(db.conn, small[7]))
    page_large = steps(db.conn, lambda: linked_page(db.conn, large[7]))
    row_small, row_large = (fetch_rows(db.conn, [num_of(db_path, ids[7])]) for ids in (small, large))
    verdict_small = steps(db.conn, lambda: cluster_rows(db.conn, next(iter(row_small.values()))))
    verdict_large = steps(db.conn, lambda: cluster_rows(db.conn, next(iter(row_large.values()))))
    db.close()
    # 8 times the members: the page's reads stay nearly flat (counting the cluster in its
    # index is the only part that grows), C reads 8 times as many rows, not 64 times.
    assert page_large <= 2 * page_small + 5
    assert verdict_large <= 10 * verdict_small + 5


async def test_a_member_of_a_large_cluster_lists_a_page_and_the_next_on_enter(db_path, review_app):
    ids = plant_cluster(db_path, 1000)
    async with review_app(poll_seconds=3600) as (app, screen, pilot):
        await select(app, pilot, ids[500])
        await wait_for(pilot, lambda: len(screen.links.members) == MEMBERS_SHOWN)
        assert screen.links.border_title == "linked items (999)"
        members = shown_text(screen.links.member_list)
        # Each member says its link's state, score and method; the centre its direct link.
        centre = next(member for member in screen.links.members if member.row.id == ids[0])
        assert centre.link_state == "suggested" and centre.method == "exact" and centre.score == 100
        assert "100 exact" in members and "· cluster" in members
        assert str(screen.links.member_list.get_option_at_index(screen.links.member_list.option_count - 1).prompt) == (
            f"… {999 - MEMBERS_SHOWN:,} more not listed"
        )
        await pilot.press("L", "end")
        assert f"lists the next {MEMBERS_SHOWN} linked items" in shown_text(screen.links.drift_body)
        await pilot.press("enter")
        await wait_for(pilot, lambda: len(screen.links.members) == 2 * MEMBERS_SHOWN)
        assert len({member.row.id for member in screen.links.members}) == 2 * MEMBERS_SHOWN
        options = screen.links.member_list
        assert (
            str(options.get_option_at_index(options.option_count - 1).prompt)
            == f"… {999 - 2 * MEMBERS_SHOWN:,} more not listed"
        )
        # The highlight is on the first member of the new page.
        assert screen.links.highlighted is screen.links.members[MEMBERS_SHOWN]
        await pilot.press("escape", "down")
        await pilot.pause(0.2)
        await settle(app, pilot)
        # Off the cluster: another item's members are never left under the link keys.
        assert all(member.row.id not in ids for member in screen.links.members) or (
            screen.item_list.current_row().id in ids
        )


async def test_the_centre_of_a_large_cluster_shows_who_decided_its_links(db_path, review_app):
    ids = plant_cluster(db_path, 300)
    async with review_app(poll_seconds=3600) as (app, screen, pilot):
        await select(app, pilot, ids[0])
        await wait_for(pilot, lambda: len(screen.links.members) == MEMBERS_SHOWN)
        await pilot.press("L", "c")  # confirm the first member's link
        assert await wait_for(
            pilot, lambda: screen.links.highlighted and screen.links.highlighted.link_state == "confirmed"
        )
        member = screen.links.highlighted
        caption = shown_text(screen.links.drift_body)
        assert "link: confirmed, exact, score 100, decided by tester at " in caption
        assert member.decided_by == "tester"
        db = connect(db_path)
        state = db.execute(
            "SELECT state, decided_by FROM links WHERE item_a = ? AND item_b = ?", sorted((ids[0], member.row.id))
        ).fetchone()
        db.close()
        assert state == ("confirmed", "tester")


@pytest.mark.parametrize("size", [2])
async def test_a_small_cluster_lists_every_member_without_more(db_path, review_app, size):
    ids = plant_cluster(db_path, size, "pair")
    async with review_app(poll_seconds=3600) as (app, screen, pilot):
        await select(app, pilot, ids[1])
        await wait_for(pilot, lambda: len(screen.links.members) == 1)
        assert screen.links.border_title == "linked items (1)"
        assert "more not listed" not in shown_text(screen.links.member_list)


def test_a_page_of_list_rows_in_one_cluster_costs_the_cluster_once_not_once_a_row(db_path):
    """The list's rows count each row's links: a page of 64 members of a cluster of K read
    the cluster 64 times (64 x K); now once, so the page costs about what one row does."""
    ids = plant_cluster(db_path, 2000, "large")
    db = connect(db_path)
    page = [num_of(db_path, item_id) for item_id in ids[:64]]
    one_row = steps(db.conn, lambda: fetch_rows(db.conn, page[:1]))
    whole_page = steps(db.conn, lambda: fetch_rows(db.conn, page))
    assert next(iter(fetch_rows(db.conn, page[:1]).values())).links == 1999
    db.close()
    assert whole_page <= 3 * one_row + 5


async def test_moving_between_members_reads_the_next_page_without_a_loading_overlay(db_path, review_app):
    """The pane's own "reading" state: it was named ``loading``, which is Textual's reactive
    for a loading overlay, so every move mounted and removed an indicator (and laid the
    screen out twice). Until the new page arrives the link keys act on nothing."""
    ids = plant_cluster(db_path, 100)
    async with review_app(poll_seconds=3600) as (app, screen, pilot):
        await select(app, pilot, ids[10])
        await wait_for(pilot, lambda: len(screen.links.members) == MEMBERS_SHOWN)
        overlays = []
        screen.watch(screen.links, "loading", lambda shown: overlays.append(shown), init=False)
        for _ in range(3):
            before = screen.item_list.current
            await pilot.press("down")
            await wait_for(pilot, lambda before=before: screen.links.row and screen.links.row.num != before)
            if screen.links.reading:
                assert screen.links.members == [] and screen.links.highlighted is None
                assert screen.links.border_title == "linked items (reading…)"
            await wait_for(pilot, lambda: not screen.links.reading)
            assert len(screen.links.members) == MEMBERS_SHOWN and screen.links.border_title == "linked items (99)"
        assert overlays == []
