"""Status labels and colours are configuration text, as untrusted as the corpus: written
straight into the ``statuses`` table by a script (escape sequences, Rich markup, colours
that are no colours, labels of every type and size), they are shown literally, in one
line, in every place that shows a status, and nothing of them is run."""

from __future__ import annotations

import pytest
from reviewing import (
    cluster_head,
    connect,
    dialog_text,
    flat,
    lock_held,
    other_process,
    select,
    settle,
    shown_text,
)
from rich.segment import Segment
from textual.geometry import Region

from workbench.store.reviews import mark

# id -> (label, colour) as a script writes them
HOSTILE = {
    "unreviewed": ("\x1b]0;pwned\x07Unreviewed", "bluee"),
    "true": ("[link=https://evil.example]x[/link]", "red link https://evil.example"),
    "false": ("[red]False", None),
    "misleading": ("[bold unclosed \\", 42),
    "mostly-true": ("M" * 100_000, "#12345g"),
    "in-progress": (7, "on red"),  # a number where a label belongs
    "unverifiable": (b"\xff\xfe[@click=app.quit]bytes\x1b[2J", "x" * 10_000),  # bytes that are not UTF-8
}
# How each label shows: hidden characters as visible symbols, markup as it is written, cut to 40.
SHOWN = {
    "unreviewed": "\u241b]0;pwned\u2407Unreviewed",
    "true": "[link=https://evil.example]x[/link]",
    "false": "[red]False",
    "misleading": "[bold unclosed \\",
    "mostly-true": "M" * 39 + "…",
    "in-progress": "7",
    "unverifiable": "\ufffd\ufffd[@click=app.quit]bytes\u241b[2J",
}
GHOST = "\x1b[31mghost[/]"  # a status no table lists, written into reviews by a script
GHOST_SHOWN = "\u241b[31mghost[/]"


@pytest.fixture
def hostile_db(db_path):
    """The review database with a hostile vocabulary, an item of each status and one of a ghost status."""
    head = cluster_head(db_path)
    script = connect(db_path)
    with script.conn:
        for status_id, (label, color) in HOSTILE.items():
            script.execute("UPDATE statuses SET label = ?, color = ? WHERE id = ?", [label, color, status_id])
    # The first items in list order but the cluster's head, which is marked true below.
    items = [row[0] for row in script.execute("SELECT id FROM items WHERE id != ? ORDER BY num LIMIT 7", [head])]
    for item_id, status in zip(items, ["true", "false", "misleading", "mostly-true", "in-progress", "unverifiable"]):
        mark(script, item_id, status, reviewer="\x1b[5mscript")
    with script.conn:
        script.execute(
            "INSERT INTO reviews (item_id, status, reviewer, created_at) VALUES (?, ?, 'script', '2024-01-01')",
            [items[6], GHOST],
        )
    mark(script, head, "true", reviewer="script")
    script.close()
    return db_path


def hostile_items(path) -> list[str]:
    """The items the fixture marked, in its order (the ghost status is the seventh)."""
    db = connect(path)
    try:
        return [
            row[0]
            for row in db.execute("SELECT id FROM items WHERE id != ? ORDER BY num LIMIT 7", [cluster_head(path)])
        ]
    finally:
        db.close()


def segments(widget) -> list[Segment]:
    return [
        segment
        for strip in widget.render_lines(Region(0, 0, widget.size.width, widget.size.height))
        for segment in strip
    ]


def assert_inert(text: str, *widgets) -> None:
    """Nothing hidden reaches the terminal and no markup was run: no link, no click action."""
    assert not any(char in text for char in "\x1b\x07\x9b\x9d"), text
    for widget in widgets:
        for segment in segments(widget):
            assert not any(char in segment.text for char in "\x1b\x07"), segment
            style = segment.style
            if style is not None:
                assert not style.link and not (style.meta or {}).get("@click"), segment


async def test_hostile_labels_and_colours_show_literally_everywhere(hostile_db, review_app):
    async with review_app(poll_seconds=3600) as (app, screen, pilot):
        # The counts bar: labels this long do not fit one line, so each status is its key,
        # sign and count (the help lists the labels); nothing hidden, no markup run.
        counts = shown_text(screen.counts_bar)
        total = screen.db.execute("SELECT count(*) FROM items").fetchone()[0]
        # Six verdicts and the ghost (a status missing from the table counts as a verdict, as
        # store.statuses.reviewed says).
        assert f"reviewed 7/{total}" in counts
        assert_inert(counts, screen.counts_bar)
        # The list: each item's status, the ghost one as its id made visible.
        lines = "\n".join(screen.item_list.render_line(y).text for y in range(9))
        for status_id in ("true", "false", "misleading", "in-progress"):
            assert SHOWN[status_id][:11] in lines, status_id  # cut to the column
        assert GHOST_SHOWN[:11] in lines
        assert_inert(lines, screen.item_list)
        # The detail pane: the status and the history, of every item with one.
        details = []
        for item_id in hostile_items(hostile_db):
            await select(app, pilot, item_id)
            details.append(flat(shown_text(screen.detail.body)))
            assert_inert(details[-1], screen.detail.body)
        assert SHOWN["true"] in details[0] and "␛[5mscript" in details[0]
        assert SHOWN["in-progress"] in details[4] and GHOST_SHOWN in details[6]
        # The linked items: a member's status.
        await select(app, pilot, cluster_head(hostile_db))
        linked = "\n".join(str(option.prompt) for option in screen.links.member_list._options)
        assert_inert(linked, screen.links.member_list)
        # The pickers: status filter, then the filter bar saying which status it shows.
        await pilot.press("s")
        picked = dialog_text(app)
        for status_id, shown in SHOWN.items():
            assert shown in picked, status_id
        assert_inert(picked, *app.screen.query("OptionList"))
        await pilot.press("down", "down", "down", "enter")  # "true"
        await settle(app, pilot)
        assert f"status: {SHOWN['true']}" in shown_text(screen.filter_info)
        await pilot.press("escape")
        await settle(app, pilot)
        # The cluster verdict: its picker and its question.
        await select(app, pilot, cluster_head(hostile_db))
        await pilot.press("C")
        assert SHOWN["true"] in dialog_text(app)
        await pilot.press("down", "down", "enter")
        question = dialog_text(app)
        assert f"as ✔ {SHOWN['true']}?" in question
        assert_inert(question, *app.screen.query("Static"))
        await pilot.press("n")
        # Help: every label in its colour, literally.
        await pilot.press("question_mark")
        help_text = shown_text(app.screen.query_one("Static.help-table"))
        assert f"Mark as ✔ {SHOWN['true']}" in help_text and f"Mark as ✘ {SHOWN['false']}" in help_text
        assert_inert(help_text, app.screen.query_one("Static.help-table"))
        legend = flat(shown_text(app.screen.query_one("Static.help-legend")))
        for status_id, shown in SHOWN.items():  # every label, as written, beside its key and sign
            assert shown[:30] in legend, status_id
        assert_inert(legend, app.screen.query_one("Static.help-legend"))
        await pilot.press("escape")
        # The command palette: "Mark as ..." with the label as written, no link, no click.
        commands = {title: prompt for title, prompt, _ in app.review_commands()}
        prompt = commands[f"Mark as {SHOWN['true']}"]
        assert prompt.plain.startswith(f"Mark as {SHOWN['true']}  key ")
        assert not any("link" in str(span.style) or "@click" in str(span.style) for span in prompt.spans)
        await pilot.press("ctrl+p")
        await pilot.pause(0.5)
        await pilot.press(*"Mark as")
        await pilot.pause(0.5)
        palette = dialog_text(app)
        assert f"Mark as {SHOWN['true']}" in palette and f"Mark as {SHOWN['false']}" in palette
        assert_inert(palette, *app.screen.query("OptionList"))
        await pilot.press("escape")
        assert app.is_running


async def test_hostile_labels_in_the_bar_of_waiting_marks_and_in_a_conflict(hostile_db, review_app):
    async with review_app(poll_seconds=3600) as (app, screen, pilot):
        row = screen.item_list.current_row()  # marked true ("[link=...]") by the script
        other_process("mark", row.id, "unreviewed", "--reviewer", "bob", "--db", str(hostile_db))
        with lock_held(hostile_db):
            await pilot.press("4")  # "[red]False", on the item as it was loaded: waiting
            bar = shown_text(screen.writes)
            assert f"your mark {SHOWN['false']}" in bar
            assert_inert(bar, screen.writes)
        await pilot.pause(1.5)  # tried again: refused, someone else changed the item
        shown = dialog_text(app)
        assert f"mark {SHOWN['false']} on" in shown and f"is now · {SHOWN['unreviewed']}, by bob" in shown
        assert_inert(shown, *app.screen.query("Static"))
        await pilot.press("d")
        assert app.is_running


async def test_a_key_name_from_the_key_map_is_shown_literally_in_help_and_palette(review_app):
    async with review_app(keymap={"note": "[red]n[/red]"}) as (app, _screen, pilot):
        await pilot.press("question_mark")
        table = app.screen.query_one("Static.help-table")
        assert "[red]n[/red]" in shown_text(table)
        assert_inert(shown_text(table), table)
        await pilot.press("escape")
        prompt = {title: prompt for title, prompt, _ in app.review_commands()}["Note"]
        assert prompt.plain == "Note  key [red]n[/red]"
