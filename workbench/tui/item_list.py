"""The item list: a virtual list that renders only the lines on screen.

It holds the current filter's item numbers (an ``array('q')``) and asks a
:class:`~workbench.tui.rows.RowCache` for the rows it draws, so a million items cost
8 MB and a screenful of rows, never a widget per row. :class:`ListHeader` titles its columns.
"""

from __future__ import annotations

import re
import sqlite3
from array import array
from functools import lru_cache
from typing import ClassVar, NamedTuple

from rich.cells import cell_len, set_cell_size
from rich.segment import Segment
from rich.style import Style
from rich.text import Text
from textual import events
from textual.geometry import Size
from textual.message import Message
from textual.reactive import reactive
from textual.scroll_view import ScrollView
from textual.strip import Strip
from textual.widget import Widget

from .bindings import bindings
from .rows import Row, RowCache
from .statuses import Status, Vocabulary
from .text import visible

DRIFT_MARK = "≠"  # a linked quote is worded differently
CONFLICT_MARK = "±"  # a linked item gives other figures
CHECKED_MARK = "✓"  # checked before (a published fact-check, or this desk's verdict on a linked item)
HEADLINE_MARK = "H"  # the article's headline
PENDING_MARK = "⧗"  # before a status the database has not taken yet
NEAR_ITEMS = 100  # items each side of the cursor a new list may keep it on when the chosen one is gone
WIDE = 120  # from this width on, columns get their full titles and grow with the screen
LINKS_WIDTH, FLAGS_WIDTH = 3, 4


class Columns(NamedTuple):
    """Cell widths of the list's columns (a space after each but the last)."""

    kind: int
    status: int
    speaker: int
    source: int
    text: int
    links: int
    flags: int


def columns(width: int) -> Columns:
    """The columns at a total width: laid out for 80 first (the text gets the room, kind a
    letter, status its sign and a short label); wider, speaker and source grow with the
    screen, and the text takes what is left."""
    if width < WIDE:
        kind, status, speaker, source = 1, 9, 12, 12
    else:
        kind, status = 5, 14
        speaker, source = min(max(width * 12 // 100, 14), 32), min(max(width * 18 // 100, 20), 60)
    fixed = kind + status + speaker + source + LINKS_WIDTH + FLAGS_WIDTH + 6
    return Columns(kind, status, speaker, source, max(width - fixed, 10), LINKS_WIDTH, FLAGS_WIDTH)


def _cell(text: Text, width: int) -> Text:
    text.truncate(width, overflow="ellipsis", pad=True)
    return text


def header_line(width: int) -> Text:
    widths = columns(width)
    line = Text(style="bold")
    titles = ("kind" if widths.kind > 1 else "k", "status", "speaker", "source", "text", "lnk")
    for title, cell_width in zip(titles, widths):
        line.append_text(_cell(Text(title), cell_width)).append(" ")
    return line.append(DRIFT_MARK + CONFLICT_MARK + CHECKED_MARK + HEADLINE_MARK)


def fit(text: str, width: int) -> str:
    """``text`` cut or padded to exactly ``width`` cells, with an ellipsis when cut."""
    if text.isascii():  # the common case: one cell a character
        return text.ljust(width) if len(text) <= width else text[: width - 1] + "…"
    cells = cell_len(text)
    return text + " " * (width - cells) if cells <= width else set_cell_size(text, width - 1) + "…"


@lru_cache(maxsize=256)
def _style(definition: str) -> Style:
    return Style.parse(definition)


def row_segments(
    row: Row, width: int, status: Status, pending: bool = False, highlight: re.Pattern | None = None
) -> list[Segment]:
    """One list line as segments (no Text layout: this runs for every visible line of every frame).

    Every corpus string goes through :func:`visible`, so markup stays text and control
    characters stay out of the terminal. ``pending``: ``status`` is a mark the database has
    not taken yet, shown with :data:`PENDING_MARK`. ``highlight`` finds the searched words in the text.
    """
    widths = columns(width)
    shown_status = f"{PENDING_MARK if pending else status.sign} {status.label}"
    flags = (
        (DRIFT_MARK if row.drift else " ")
        + (CONFLICT_MARK if row.conflict else " ")
        + (CHECKED_MARK if row.checked else " ")
    )
    return [
        Segment(
            fit(visible(row.kind)[: widths.kind], widths.kind) + " ", _style("cyan" if row.kind == "quote" else "blue")
        ),
        Segment(fit(shown_status, widths.status) + " ", _style(f"bold {'italic ' if pending else ''}{status.color}")),
        Segment(fit(visible(row.speaker) or "—", widths.speaker) + " ", _style("italic" if row.speaker else "dim")),
        Segment(fit(visible(row.source), widths.source) + " ", _style("dim")),
        *_marked(fit(visible(row.text), widths.text) + " ", "bold" if row.headline else "", highlight),
        Segment(
            f"{row.links:>{widths.links}} " if row.links else f"{'·':>{widths.links}} ",
            _style("bold" if row.links else "dim"),
        ),
        Segment(flags, _style("bold magenta")),
        Segment(HEADLINE_MARK if row.headline else " ", _style("bold")),
    ]


def _marked(text: str, style: str, highlight: re.Pattern | None) -> list[Segment]:
    """``text`` as segments, what ``highlight`` finds in it reversed."""
    if highlight is None:
        return [Segment(text, _style(style))]
    segments, start = [], 0
    for found in highlight.finditer(text):
        segments += [
            Segment(text[start : found.start()], _style(style)),
            Segment(found.group(), _style(f"{style} reverse")),
        ]
        start = found.end()
    return [*segments, Segment(text[start:], _style(style))]


class ItemList(ScrollView, can_focus=True):
    """The list of claims and quotes matching the current filter, one line each."""

    BINDINGS = bindings("list")
    COMPONENT_CLASSES: ClassVar[set[str]] = {"item-list--cursor"}
    DEFAULT_CSS = """
    ItemList { overflow-x: hidden; }
    ItemList > .item-list--cursor { background: $block-cursor-blurred-background; }
    ItemList:focus > .item-list--cursor { background: $block-cursor-background; }
    """

    cursor: reactive[int] = reactive(0, always_update=True, init=False)

    class Highlighted(Message):
        """The cursor moved to another item (``num`` is None when the list is empty)."""

        def __init__(self, num: int | None) -> None:
            super().__init__()
            self.num = num

    class Opened(Message):
        """Enter was pressed on an item."""

    def __init__(self, cache: RowCache, vocabulary: Vocabulary, **kwargs) -> None:
        super().__init__(**kwargs)
        self.cache = cache
        self.vocabulary = vocabulary
        self.pending: dict[int, str] = {}  # item number -> the status of a mark not written yet
        self.nums = array("q")
        self._shown: int | None = None
        self.anchor: int | None = None  # the item the reviewer chose last (see place())
        self.highlight: re.Pattern | None = None  # the searched words
        self._placing = False  # the cursor is set by a new list, not by the reviewer

    @property
    def current(self) -> int | None:
        """The item number under the cursor."""
        return self.nums[self.cursor] if self.nums else None

    def current_row(self) -> Row | None:
        return self.cache.row(self.nums, self.cursor) if self.nums else None

    def set_nums(self, nums: array, position: int | None = None) -> None:
        """Show a new list, the cursor at ``position`` (the top when None).

        The caller finds the position: searching a million numbers here would stall a
        keystroke. The reviewer's place (:meth:`place`) stays where it was.
        """
        self.nums = nums
        self.virtual_size = Size(self.size.width, len(nums))
        self._shown = None
        self._placing = True
        try:
            self.cursor = position or 0
        finally:
            self._placing = False
        self.refresh()

    def place(self, near: int = NEAR_ITEMS) -> tuple[int, ...]:
        """Where the reviewer is, for the next list to keep: the item they chose last (a
        filter that hid it does not move it), then the items around the cursor, nearest
        first (the one below before the one above), ``near`` on each side."""
        cursor, nums = self.cursor, self.nums
        around = [
            nums[index]
            for step in range(near + 1)
            for index in (cursor + step, cursor - step)
            if 0 <= index < len(nums) and (step or index == cursor)
        ]
        return tuple(dict.fromkeys(([] if self.anchor is None else [self.anchor]) + around))

    def select_num(self, num: int) -> bool:
        try:
            self.cursor = self.nums.index(num)
        except ValueError:
            return False
        return True

    def validate_cursor(self, value: int) -> int:
        return max(0, min(value, len(self.nums) - 1))

    def watch_cursor(self, old: int, new: int) -> None:
        if not self._placing and self.nums:
            self.anchor = self.current  # the reviewer moved (or marked and moved on)
        self.refresh_line(old)
        self.refresh_line(new)
        self.scroll_to_cursor()
        if self.current != self._shown:
            self._shown = self.current
            self.post_message(self.Highlighted(self.current))

    def scroll_to_cursor(self) -> None:
        height = self.scrollable_content_region.height or 1
        top = self.scroll_offset.y
        if self.cursor < top:
            self.scroll_to(y=self.cursor, animate=False, immediate=True)
        elif self.cursor >= top + height:
            self.scroll_to(y=self.cursor - height + 1, animate=False, immediate=True)

    def on_resize(self, event: events.Resize) -> None:
        self.virtual_size = Size(event.size.width, len(self.nums))
        self.scroll_to_cursor()

    def render_line(self, y: int) -> Strip:
        width = self.scrollable_content_region.width
        index = self.scroll_offset.y + y
        base = self.rich_style
        if index >= len(self.nums):
            return Strip.blank(width, base)
        try:
            row = self.cache.row(self.nums, index)
        except sqlite3.Error as error:  # the database locked by another process, or failing
            row = f"(cannot read this item: {error})"
        if not isinstance(row, Row):
            strip = Strip([Segment(fit(visible(row or "(deleted)"), width), _style("dim"))], width)
        else:
            num = row.num
            status = self.vocabulary.get(self.pending.get(num, row.status))
            segments = row_segments(row, width, status, num in self.pending, self.highlight)
            strip = Strip(segments).adjust_cell_length(width)
        if index == self.cursor:
            # Applied first: a segment's own background wins over one applied later.
            strip = strip.apply_style(self.get_component_rich_style("item-list--cursor"))
        return strip.apply_style(base)

    def refresh_num(self, num: int) -> None:
        """Forget and redraw one item's row (after a mark)."""
        self.cache.forget(num)
        top = self.scroll_offset.y
        for index in range(top, min(top + self.size.height, len(self.nums))):
            if self.nums[index] == num:
                self.refresh_line(index)

    def on_click(self, event: events.Click) -> None:
        offset = event.get_content_offset(self)
        if offset is not None and self.nums:
            self.cursor = self.scroll_offset.y + offset.y

    def action_cursor(self, step: int) -> None:
        self.cursor += step

    def action_page(self, direction: int) -> None:
        height = max(self.scrollable_content_region.height, 1)
        self.scroll_to(y=self.scroll_offset.y + direction * height, animate=False, immediate=True)
        self.cursor += direction * height

    def action_first(self) -> None:
        self.cursor = 0

    def action_last(self) -> None:
        self.cursor = len(self.nums) - 1

    def action_open_links(self) -> None:
        self.post_message(self.Opened())


class ListHeader(Widget):
    """Column titles, aligned with the list below."""

    DEFAULT_CSS = "ListHeader { height: 1; }"

    def __init__(self, item_list: ItemList) -> None:
        super().__init__()
        self.item_list = item_list

    def render(self) -> Text:
        return header_line(self.item_list.scrollable_content_region.width or self.size.width)
