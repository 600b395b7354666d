"""The review screen: the items of a filter, the highlighted one in full, its linked items;
marking them and deciding their links.

Threads: this screen reads and writes on the app's connection (pages of rows, details,
marks), whose busy timeout is short so that a database locked by another process never
holds up a key; list reads and counts run in workers on connections of their own.

Writes (marks, notes, undos, link decisions) go through :class:`~.bars.WaitingWrites`:
one the database cannot take now waits, shown in the list, the detail and a bar, and is
tried again every second (the app offers again one that is refused). Marks are committed
before the screen counts them.
"""

from __future__ import annotations

import contextlib
import sqlite3
from collections.abc import Callable

from sqlite_utils import Database
from textual import on, work
from textual.app import ComposeResult
from textual.containers import Horizontal
from textual.screen import Screen
from textual.widgets import Footer, Input

from ..store.desk import present_reviewers
from .bars import CountsBar, FilterBar, WaitingWrites
from .bindings import bindings
from .changes import LINKS, STATUS, Changes
from .context_actions import ContextActions
from .detail_pane import DetailPane, waiting_line
from .detail_query import cluster_rows, load_detail
from .dialogs import CANCELLED, ConfirmScreen, NoteScreen, PickScreen, cluster_question
from .filter_actions import FilterActions
from .filters import Filter
from .item_list import ItemList, ListHeader
from .keys import BY_ID, Key
from .links_pane import LinksPane, MemberList
from .list_loader import ListLoader
from .marking import Marker, Target, Write, WriteQueue, describe, target, undone
from .messages import CountsReady, NumsFailed, NumsReady
from .pickers import status_choices, status_keys
from .rows import Row, RowCache
from .search import highlighter, parse
from .statuses import Vocabulary, moved, status_counts, statuses
from .text import visible

DETAIL_THROTTLE = 0.12


class ReviewScreen(ContextActions, FilterActions, Screen):
    """Review claims and quotes: one line each, the highlighted one in full, its links beside it.

    ``marker`` makes the reviewer's writes; ``open_reader`` opens a read connection for a worker; ``key_display`` writes the key
    that runs a binding (the app's key map applied); ``vocabulary`` and ``changes`` are the
    statuses and the fingerprints of what the screen shows, as read when the app started.
    """

    AUTO_FOCUS = "#items"
    BINDINGS = bindings("screen")

    def __init__(
        self,
        db: Database,
        marker: Marker,
        open_reader: Callable[[], sqlite3.Connection],
        key_display: Callable[[Key], str],
        vocabulary: Vocabulary,
        changes: Changes,
    ) -> None:
        super().__init__()
        self.db, self.conn, self.marker, self.reviewer = db, db.conn, marker, marker.reviewer
        self.open_reader, self.key_display = open_reader, key_display
        self.changes = changes
        self.cache = RowCache(self.conn)
        self.vocabulary = vocabulary
        self.filter = Filter()
        self.counts: dict[str, int] = {}
        self.back_stack: list[tuple[Filter, int]] = []
        self._detail_timer = None
        self._detail_due: int | None = None
        self.counts_bar = CountsBar(key_display, id="counts")
        self.writes = WaitingWrites(WriteQueue(self.marker), self.vocabulary, id="pending")
        self.search = Input(placeholder="/ search text and speakers", id="search")
        self.filter_info = FilterBar(id="filter-info")
        self.item_list = ItemList(self.cache, self.vocabulary, id="items")
        self.header = ListHeader(self.item_list)
        self.detail = DetailPane(id="detail")
        self.links = LinksPane(id="links")
        self.loader = ListLoader(self, self.item_list, open_reader)

    def compose(self) -> ComposeResult:
        yield self.counts_bar
        yield self.writes
        with Horizontal(id="bar"):
            yield self.search
            yield self.filter_info
        yield self.header
        yield self.item_list
        with Horizontal(id="bottom"):
            yield self.detail
            yield self.links
        yield Footer()

    def on_mount(self) -> None:
        self.detail.border_title = "item"
        self.links.border_title = "linked items"
        self.apply_filter(self.filter)
        self._count()

    def on_resize(self) -> None:
        self.header.refresh()

    # Loading: the list by ListLoader, the counts here, both in workers.

    def apply_filter(self, filter_: Filter, keep: tuple[int, ...] | None = None, in_place: bool = False) -> None:
        """Show ``filter_``, the cursor on the first of ``keep`` it lists (by default the
        reviewer's place: the item they chose, else the nearest one listed); ``in_place``:
        see :meth:`ListLoader.load`."""
        self.filter = filter_
        self.item_list.highlight = highlighter(parse(filter_.search).words)
        self.loader.load(filter_, self.item_list.place() if keep is None else keep, in_place)
        self._show_filter()

    def on_nums_ready(self, message: NumsReady) -> None:
        if not self.loader.show(message):
            return
        if message.complete:
            if not message.nums:
                self._show_item(None)
            self._read_ahead()
        self._show_filter()

    def on_nums_failed(self, message: NumsFailed) -> None:
        if self.loader.failed(message):
            self.notify(f"The filter failed: {visible(message.error)}", severity="error", markup=False)
            self._show_filter()

    @work(thread=True, exclusive=True, group="counts")
    def _count(self) -> None:
        try:
            conn = self.open_reader()
            try:
                self.post_message(CountsReady(status_counts(conn)))
            finally:
                conn.close()
        except sqlite3.Error:
            pass  # the counts stay as they were; the next reload counts again

    def on_counts_ready(self, message: CountsReady) -> None:
        self.counts = message.counts
        self._show_counts()
        self._read_ahead()

    def _read_ahead(self) -> None:
        """Once the list and its counts are on screen (a cold disk serves them first)."""
        if self.loader.complete and self.counts:
            self.loader.read_ahead(8 * sum(self.counts.values()))

    def reload(self) -> None:
        """Another process committed: re-read everything that is on screen."""
        try:
            self.vocabulary.load(statuses(self.conn))
            stale = self.changes.since_seen()
        except sqlite3.Error as error:
            self.read_failed(error)
            return
        self.cache.forget()
        for topic in stale:
            self.loader.index.forget(topic)
        self.item_list.refresh()
        self._count()
        self.apply_filter(self.filter, in_place=True)
        self._show_item(self.item_list.current)

    def _forget_own_write(self, topic: str) -> None:
        """Our own committed write: drop the kept lists that depend on it."""
        with contextlib.suppress(sqlite3.Error):  # unread, the next reload forgets them again
            self.changes.own_write(topic)
        self.loader.index.forget(topic)

    def read_failed(self, error: sqlite3.Error) -> None:
        """A read on the screen's connection failed (the database locked by another process,
        damaged by a script, or failing): one line, and the screen goes on."""
        self.notify(f"Cannot read the database now: {visible(str(error))}", severity="error", markup=False, timeout=4)

    # Showing

    def _show_counts(self) -> None:
        try:  # who else is reviewing through the desk (workbench serve) now
            others = [name for name in present_reviewers(self.db) if name != self.reviewer]
        except sqlite3.Error:
            others = []
        self.counts_bar.show(self.counts, self.vocabulary, self.reviewer, others)

    def _show_filter(self) -> None:
        self.filter_info.show(self.filter, self.vocabulary, len(self.item_list.nums), self.loader.complete)

    def _show_item(self, num: int | None) -> None:
        try:
            detail = load_detail(self.conn, num) if num is not None else None
        except sqlite3.Error as error:
            self.detail.show_error(f"Cannot read this item now: {error}")
            return
        self.detail.show(detail, self.vocabulary, waiting_line(self.writes.waiting, num, self.vocabulary))
        self.links.load(detail.row if detail else None, self.vocabulary)

    def _current_row(self) -> Row | None:
        try:
            return self.item_list.current_row()
        except sqlite3.Error as error:
            self.read_failed(error)
            return None

    def on_item_list_highlighted(self, message: ItemList.Highlighted) -> None:
        # Throttled: the first move shows at once, a burst (a held arrow key) shows its
        # last item when it pauses, so scrolling never waits for the panes.
        self._detail_due = message.num
        if self._detail_timer is None:
            self._show_item(message.num)
            self._detail_timer = self.set_timer(DETAIL_THROTTLE, self._detail_catch_up)

    def _detail_catch_up(self) -> None:
        self._detail_timer = None
        if self._detail_due != self.detail.num:
            self.on_item_list_highlighted(ItemList.Highlighted(self._detail_due))

    def on_item_list_opened(self, message: ItemList.Opened) -> None:
        self.action_focus_links()

    # Marking: every write goes through WaitingWrites

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "mark":
            return parameters[0] < len(self.vocabulary)
        return True

    def on_waiting_writes_written(self, message: WaitingWrites.Written) -> None:
        write, changes = message.write, message.changes
        if write.link is not None:
            self.cache.forget()
            self._forget_own_write(LINKS)
            self.item_list.refresh()
            self._show_item(self.item_list.current)
            self.notify(
                undone(write, self.vocabulary) if write.kind == "undo" else f"Link {write.link[2]}.", markup=False
            )
            return
        self._forget_own_write(STATUS)
        for change in changes:
            moved(self.counts, change.before, change.after)
            self.item_list.refresh_num(change.num)
        self._show_counts()
        self._show_item(self.item_list.current)
        after = self.vocabulary.label(changes[0].after)
        if write.kind == "undo":
            self.notify(undone(write, self.vocabulary), markup=False)
        elif len(changes) > 1:
            self.notify(f"{len(changes)} items marked {after}.", markup=False)

    def on_waiting_writes_changed(self) -> None:
        waiting = self.writes.waiting
        self.item_list.pending = {
            target.num: target.status for write in waiting if write.link is None for target in write.targets
        }
        self.item_list.refresh()
        if self.detail.num is not None:
            self._show_item(self.detail.num)

    def on_waiting_writes_refused(self, message: WaitingWrites.Refused) -> None:
        # The app shows the refused write and offers it again; here the items show what they have now.
        for refused in message.write.targets:
            self.item_list.refresh_num(refused.num)
        self._show_item(self.item_list.current)

    def action_mark(self, position: int) -> None:
        row = self._current_row()
        if row is None or position >= len(self.vocabulary):
            return
        if self.writes.submit(Write("mark", (target(row, self.vocabulary[position].id),))):
            self.item_list.cursor += 1

    def action_note(self) -> None:
        row = self._current_row()
        if row is None:
            return
        try:
            note = self.marker.notes([row]).get(row.id)
        except sqlite3.Error as error:
            self.read_failed(error)
            return
        # The item as the reviewer sees it: with the status of a mark still waiting.
        self._ask_note(target(row, self.item_list.pending.get(row.num, row.status)), note)

    def _ask_note(self, on: Target, saved: str | None) -> None:
        self.app.push_screen(NoteScreen(on, saved), lambda write: write and self.writes.submit(write))

    def action_undo(self) -> None:
        cancelled = self.writes.cancel_last()
        if cancelled is not None:
            self.notify(f"Taken back before it was saved: {describe(cancelled, self.vocabulary)}.", markup=False)
        elif not self.marker.undo_stack:
            self.notify("Nothing to undo.")
        else:
            undo = self.marker.undo_stack.pop()
            self.item_list.select_num(undo.targets[0].num)
            self.writes.submit(undo)

    def action_cluster_verdict(self) -> None:
        row = self._current_row()
        if row is None:
            return
        try:
            rows = cluster_rows(self.conn, row)
        except sqlite3.Error as error:
            self.read_failed(error)
            return
        if len(rows) == 1:
            self.notify("This item has no linked items; mark it with the number keys.")
            return

        def confirm(status: object) -> None:
            if status is not CANCELLED:
                question = cluster_question(rows, self.vocabulary.get(status))
                write = Write("mark", tuple(target(member, status) for member in rows))
                self.app.push_screen(
                    ConfirmScreen(question, yes="Mark all"), lambda yes: yes and self.writes.submit(write)
                )

        choices = status_choices(self.vocabulary, self.key_display)
        keys = status_keys(self.vocabulary, self.key_display)
        title = "Verdict for the whole cluster"
        self.app.push_screen(PickScreen(title, lambda term: choices, typing=False, keys=keys), confirm)

    # Filters

    def action_search(self) -> None:
        self.search.focus()

    @on(Input.Changed, "#search")
    def _search_changed(self, event: Input.Changed) -> None:
        self.apply_filter(self.filter.with_(search=event.value))

    @on(Input.Submitted, "#search")
    def _search_done(self, event: Input.Submitted) -> None:
        problem = parse(event.value).problem
        if problem:  # said once the reviewer is done typing, never while the query is half-typed
            self.notify(f"Search: {problem}; the rest is searched.", severity="warning", markup=False)
        self.item_list.focus()

    # Links

    def action_focus_links(self) -> None:
        if self.links.members:
            self.links.member_list.focus()
        else:
            self.notify("No linked items.")

    def on_member_list_act(self, message: MemberList.Act) -> None:
        member, row = message.member, self._current_row()
        if row is None:
            return
        if message.what == "jump":
            self.jump_to(member.row.num)
            return
        self.writes.submit(Write("link", (target(row, row.status),), link=(row.id, member.row.id, message.what)))

    def jump_to(self, num: int) -> None:
        """Select item ``num``, clearing filters if it is not in the list; ``b`` comes back."""
        current = self.item_list.current
        if current is not None:
            self.back_stack.append((self.filter, current))
        self.item_list.focus()
        if not self.item_list.select_num(num):
            self.notify(
                f"Filters cleared to show the linked item ({self.key_display(BY_ID['back'])} goes back).", markup=False
            )
            self.search.value = ""
            self.item_list.anchor = num
            self.apply_filter(Filter(sort=self.filter.sort), keep=(num,))

    def action_back(self) -> None:
        if not self.back_stack:
            self.notify("Nowhere to go back to.")
            return
        filter_, num = self.back_stack.pop()
        if filter_ != self.filter:
            with self.prevent(Input.Changed):
                self.search.value = filter_.search
            self.item_list.anchor = num
            self.apply_filter(filter_, keep=(num,))
        else:
            self.item_list.select_num(num)
        self.item_list.focus()
