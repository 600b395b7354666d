"""Context one key away: the article (a), the source URL (w), the item's text and id (y, Y),
a link made by hand to an item found by search (m) and a link decision taken back (U)."""

from __future__ import annotations

import stat
import sys
import webbrowser

from reviewing import connect, flat, select, settle, shown_text, wait_for

from workbench.tui.article_view import ArticleScreen
from workbench.tui.dialogs import PickScreen


def first_item(path, sql, params=()):
    db = connect(path)
    try:
        return db.execute(f"SELECT id, text FROM items WHERE {sql} ORDER BY num LIMIT 1", params).fetchone()
    finally:
        db.close()


def toasts(app) -> str:
    return flat(" ".join(str(notification.message) for notification in app._notifications))


async def test_a_opens_the_article_with_the_item_highlighted_and_the_others_marked(db_path, review_app):
    item_id, text = first_item(
        db_path, "kind = 'quote' AND segments IS NULL AND source_id = (SELECT id FROM sources ORDER BY rowid LIMIT 1)"
    )
    async with review_app(poll_seconds=3600) as (app, screen, pilot):
        await select(app, pilot, item_id)
        db = connect(db_path)
        await pilot.press("3")  # the item gets a verdict: its article marks it in that status's colour
        await select(app, pilot, item_id)
        others = db.execute(
            "SELECT count(*) FROM items WHERE source_id = (SELECT source_id FROM items WHERE id = ?) "
            "AND coalesce(headline, 0) = 0",
            [item_id],
        ).fetchone()[0]
        title = db.execute(
            "SELECT title FROM sources WHERE id = (SELECT source_id FROM items WHERE id = ?)", [item_id]
        ).fetchone()[0]
        db.close()
        await pilot.press("a")
        await pilot.pause(0.2)
        assert isinstance(app.screen, ArticleScreen)
        article = app.screen
        assert title in flat(shown_text(article.query_one("#article-head")))
        assert len(article.article.items) == others > 1
        # The item's paragraph is on screen, the item in reverse; other items underlined.
        paragraph = article.query_one(f"#paragraph-{article.current}")
        body = article.query_one("#article-body").region
        assert paragraph.region.y < body.bottom and paragraph.region.bottom > body.y, "scrolled to the item"
        reversed_words = "".join(
            segment.text
            for strip in paragraph.render_lines(paragraph.region.reset_offset)
            for segment in strip
            if segment.style and segment.style.reverse
        )
        assert flat(reversed_words) == flat(text)
        await pilot.press("escape")
        assert app.screen is screen


async def test_w_opens_the_source_in_a_browser_or_shows_the_url(db_path, review_app, tmp_path, monkeypatch):
    item_id, _ = first_item(db_path, "source_id IN (SELECT id FROM sources WHERE url LIKE 'https://%')")
    db = connect(db_path)
    url = db.execute(
        "SELECT url FROM sources WHERE id = (SELECT source_id FROM items WHERE id = ?)", [item_id]
    ).fetchone()[0]
    db.close()
    opened = tmp_path / "opened.txt"
    browser = tmp_path / "browser"
    browser.write_text(
        f"#!{sys.executable}\nimport sys, pathlib\npathlib.Path({str(opened)!r}).write_text(sys.argv[1])\n"
    )
    browser.chmod(browser.stat().st_mode | stat.S_IEXEC)
    # A desktop browser (started in the background) is the only one webbrowser knows here.
    monkeypatch.setattr(webbrowser, "_tryorder", ["test-browser"])
    monkeypatch.setattr(
        webbrowser, "_browsers", {"test-browser": [None, webbrowser.BackgroundBrowser([str(browser), "%s"])]}
    )
    async with review_app(poll_seconds=3600) as (app, _screen, pilot):
        await select(app, pilot, item_id)
        await pilot.press("w")
        assert await wait_for(pilot, lambda: opened.exists() and opened.read_text() == url)
        assert f"Opening {url}" in toasts(app)
        # No browser at all: the URL is shown and copied.
        monkeypatch.setattr(webbrowser, "_tryorder", [])
        monkeypatch.setattr(webbrowser, "_browsers", {})
        monkeypatch.delenv("BROWSER", raising=False)
        await pilot.press("w")
        assert f"No browser to open it here; the URL (copied): {url}" in toasts(app)
        assert app.clipboard == url


async def test_w_refuses_what_is_not_a_web_address(db_path, review_app, monkeypatch):
    item_id, _ = first_item(db_path, "1")
    db = connect(db_path)
    with db.conn:
        db.execute(
            "UPDATE sources SET url = 'file:///etc/passwd' WHERE id = (SELECT source_id FROM items WHERE id = ?)",
            [item_id],
        )
    db.close()
    calls = []
    monkeypatch.setattr(webbrowser, "open", lambda *args, **kwargs: calls.append(args))
    monkeypatch.setattr(webbrowser, "get", lambda *args: calls.append(args))
    async with review_app(poll_seconds=3600) as (app, _screen, pilot):
        await select(app, pilot, item_id)
        await pilot.press("w")
        await pilot.pause()
        assert "Not opened (only http and https addresses are): file:///etc/passwd" in toasts(app)
        assert calls == []


async def test_y_and_shift_y_copy_the_items_text_and_id(db_path, review_app):
    item_id, text = first_item(db_path, "kind = 'claim'")
    async with review_app(poll_seconds=3600) as (app, _screen, pilot):
        await select(app, pilot, item_id)
        await pilot.press("y")
        assert app.clipboard == text
        await pilot.press("Y")
        assert app.clipboard == item_id
        assert f"Copied the item id {item_id}" in toasts(app)


async def test_m_links_the_item_to_one_found_by_search_and_u_takes_it_back(db_path, review_app):
    db = connect(db_path)
    this, other, other_text = db.execute(
        "SELECT a.id, b.id, b.text FROM items AS a JOIN items AS b ON a.source_id != b.source_id "
        "WHERE a.cluster_id IS NULL AND b.cluster_id IS NULL AND a.kind = 'claim' AND b.kind = 'claim' "
        "AND b.text LIKE '%Lithuania%' AND NOT EXISTS (SELECT 1 FROM links WHERE item_a IN (a.id, b.id) "
        "OR item_b IN (a.id, b.id)) ORDER BY a.num LIMIT 1"
    ).fetchone()
    db.close()
    async with review_app(poll_seconds=3600) as (app, screen, pilot):
        await select(app, pilot, this)
        await pilot.press("m")
        assert isinstance(app.screen, PickScreen)
        words = " ".join(word for word in other_text.split() if word.isalpha())[:40].rsplit(" ", 1)[0]
        await pilot.press(*("space" if char == " " else char for char in words))
        await pilot.pause()
        picker = app.screen
        assert picker.values and picker.values[0] == other, "the other item is the best match"
        await pilot.press("enter")
        await settle(app, pilot)
        assert "Link confirmed." in toasts(app)
        db = connect(db_path)
        link = db.execute(
            "SELECT method, state, decided_by, decided_at IS NOT NULL FROM links WHERE item_a = ? AND item_b = ?",
            sorted((this, other)),
        ).fetchone()
        db.close()
        assert link == ("manual", "confirmed", "tester", 1)
        await wait_for(pilot, lambda: any(member.row.id == other for member in screen.links.members))
        assert "manual" in shown_text(screen.links.member_list)
        # Taken back: the decision goes back to the linker, who and when kept.
        await pilot.press("L")
        assert screen.links.highlighted.row.id == other
        await pilot.press("U")
        await settle(app, pilot)
        db = connect(db_path)
        link = db.execute(
            "SELECT state, decided_by FROM links WHERE item_a = ? AND item_b = ?", sorted((this, other))
        ).fetchone()
        db.close()
        assert link == ("suggested", "tester")
        assert "Link suggested." in toasts(app)
