"""The review screen: the items of a filter, the highlighted one in full, its linked items;
marking them and deciding their links.

Threads: this screen reads and writes on the app's connection (pages of rows, details,
marks); list reads and counts run in workers on connections of their own. Marks are
committed before the screen shows them.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from functools import partial

from rich.text import Text
from sqlite_utils import Database
from textual import on, work
from textual.app import ComposeResult
from textual.containers import Horizontal
from textual.screen import Screen
from textual.widgets import Footer, Input

from ..link import LinkError, set_link_state
from ..store.reviews import ReviewError, StaleReview
from .bars import CountsBar, FilterBar
from .bindings import bindings
from .changes import LINKS, STATUS, Changes
from .detail_pane import DetailPane
from .detail_query import linked_items, load_detail
from .dialogs import CANCELLED, ConfirmScreen, NoteScreen, PickScreen
from .filters import KINDS, SORTS, Filter
from .item_list import ItemList, ListHeader
from .keys import BY_ID, Key
from .links_pane import LinksPane, MemberList
from .list_loader import ListLoader
from .marking import Change, Marker
from .messages import CountsReady, NumsFailed, NumsReady
from .pickers import Choices, source_choices, speaker_choices, status_choices
from .rows import Row, RowCache
from .statuses import Status, moved, status_counts, statuses
from .text import literal

DETAIL_THROTTLE = 0.12


class ReviewScreen(Screen):
    """Review claims and quotes: one line each, the highlighted one in full, its links beside it.

    ``open_reader`` opens a read connection for a worker; ``key_display`` writes the key
    that runs a binding (the app's key map applied).
    """

    AUTO_FOCUS = "#items"
    BINDINGS = bindings("screen")

    def __init__(
        self,
        db: Database,
        reviewer: str,
        open_reader: Callable[[], sqlite3.Connection],
        key_display: Callable[[Key], str],
    ) -> None:
        super().__init__()
        self.db, self.conn, self.reviewer = db, db.conn, reviewer
        self.open_reader, self.key_display = open_reader, key_display
        self.marker = Marker(db, reviewer)
        self.changes = Changes(self.conn)
        self.cache = RowCache(self.conn)
        self.statuses: list[Status] = statuses(self.conn)
        self.by_id = {status.id: status for status in self.statuses}
        self.filter = Filter()
        self.counts: dict[str, int] = {}
        self.back_stack: list[tuple[Filter, int]] = []
        self._detail_timer = None
        self._detail_due: int | None = None
        self.counts_bar = CountsBar(id="counts")
        self.search = Input(placeholder="/ search text and speakers", id="search")
        self.filter_info = FilterBar(id="filter-info")
        self.item_list = ItemList(self.cache, self.by_id, id="items")
        self.header = ListHeader(self.item_list)
        self.detail = DetailPane(id="detail")
        self.links = LinksPane(id="links")
        self.loader = ListLoader(self, self.item_list, open_reader)

    def compose(self) -> ComposeResult:
        yield self.counts_bar
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

    def apply_filter(self, filter_: Filter, keep: int | None = None) -> None:
        """Show ``filter_``, the cursor staying on item ``keep`` if the filter lists it."""
        self.filter = filter_
        self.loader.load(filter_, keep)
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
            self.notify(f"The filter failed: {message.error}", severity="error", markup=False)
            self._show_filter()

    @work(thread=True, exclusive=True, group="counts")
    def _count(self) -> None:
        conn = self.open_reader()
        try:
            self.post_message(CountsReady(status_counts(conn)))
        finally:
            conn.close()

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
        self.statuses = statuses(self.conn)
        self.by_id.clear()
        self.by_id.update({status.id: status for status in self.statuses})
        self.cache.forget()
        for topic in self.changes.since_seen():
            self.loader.index.forget(topic)
        self.item_list.refresh()
        self._count()
        self.apply_filter(self.filter, keep=self.item_list.current)
        self._show_item(self.item_list.current)

    def _forget_own_write(self, topic: str) -> None:
        """Our own committed write: drop the kept lists that depend on it."""
        self.changes.own_write(topic)
        self.loader.index.forget(topic)

    # Showing

    def _show_counts(self) -> None:
        self.counts_bar.show(self.counts, self.statuses, self.reviewer)

    def _show_filter(self) -> None:
        self.filter_info.show(self.filter, self.by_id, len(self.item_list.nums), self.loader.complete)

    def _show_item(self, num: int | None) -> None:
        detail = load_detail(self.conn, num) if num is not None else None
        self.detail.show(detail, self.by_id)
        members = linked_items(self.db, detail.row.id) if detail else []
        self.links.show(detail.row if detail else None, members, self.by_id)

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

    def _label(self, status: str) -> str:
        return self.by_id[status].label if status in self.by_id else status

    # Marking

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "mark":
            return parameters[0] < len(self.statuses)
        return True

    def _record(self, rows: list[Row], status: str, *, note: str | None = None) -> bool:
        """Mark ``rows``; a refusal (someone else changed one) is shown, not saved."""
        try:
            changes = self.marker.mark(rows, status, note=note)
        except StaleReview as error:
            self._stale(rows, error)
            return False
        except ReviewError as error:
            self.notify(str(error), severity="error", markup=False)
            return False
        self._show_marks(changes)
        return True

    def _show_marks(self, changes: list[Change]) -> None:
        """Show committed marks: rows re-read, counts adjusted, detail refreshed."""
        self._forget_own_write(STATUS)
        for change in changes:
            moved(self.counts, change.before, change.after)
            self.item_list.refresh_num(change.num)
        self._show_counts()
        self._show_item(self.item_list.current)

    def _stale(self, rows: list[Row], error: StaleReview) -> None:
        self.notify(str(error), title="Not saved: changed by someone else", severity="warning", markup=False, timeout=8)

        def reload(answer: bool | None) -> None:
            if answer:
                for row in rows:
                    self.item_list.refresh_num(row.num)
                self._show_item(self.item_list.current)

        question = Text(
            "Someone else changed this item since you loaded it; your verdict was NOT saved.\n\n", style="bold"
        )
        question.append_text(literal(str(error))).append("\n\nReload it to see the current verdict?")
        self.app.push_screen(ConfirmScreen(question, yes="Reload", no="Keep as is"), reload)

    def action_mark(self, position: int) -> None:
        row = self.item_list.current_row()
        if row is not None and position < len(self.statuses) and self._record([row], self.statuses[position].id):
            self.item_list.cursor += 1

    def action_note(self) -> None:
        row = self.item_list.current_row()
        if row is None:
            return
        title = Text("Note on: ", style="bold").append_text(literal(row.text[:200]))

        def save(note: str | None) -> None:
            if note is not None:
                self._record([row], row.status, note=note.strip() or None)

        self.app.push_screen(NoteScreen(title, self.marker.notes([row]).get(row.id)), save)

    def action_undo(self) -> None:
        try:
            changes = self.marker.undo()
        except StaleReview as error:
            self.notify(f"Cannot undo: {error}", severity="warning", markup=False, timeout=8)
            return
        except ReviewError as error:
            self.notify(str(error), severity="error", markup=False)
            return
        if changes is None:
            self.notify("Nothing to undo.")
            return
        self.item_list.select_num(changes[0].num)
        self._show_marks(changes)
        self.notify(
            f"Undone: {len(changes)} item{'s' if len(changes) > 1 else ''} back to {self._label(changes[0].after)}.",
            markup=False,
        )

    def action_cluster_verdict(self) -> None:
        row = self.item_list.current_row()
        if row is None:
            return
        rows = [row, *(member.row for member in linked_items(self.db, row.id) if member.in_cluster)]
        if len(rows) == 1:
            self.notify("This item has no linked items; mark it with the number keys.")
            return

        def confirm(status: object) -> None:
            if status is CANCELLED:
                return
            question = Text(f"Mark all {len(rows)} items of this cluster as ", style="bold")
            question.append(self._label(status), style=f"bold {self.by_id[status].color}")
            question.append("?\n\n")
            for member in rows:
                question.append_text(literal(f"• {member.source}: {member.text[:90]}")).append("\n")

            def apply(yes: bool | None) -> None:
                if yes and self._record(rows, status):
                    self.notify(f"{len(rows)} items marked {self._label(status)}.", markup=False)

            self.app.push_screen(ConfirmScreen(question, yes="Mark all"), apply)

        choices = status_choices(self.statuses, self.key_display)
        self.app.push_screen(PickScreen("Verdict for the whole cluster", lambda term: choices, typing=False), confirm)

    # Filters

    def action_search(self) -> None:
        self.search.focus()

    @on(Input.Changed, "#search")
    def _search_changed(self, event: Input.Changed) -> None:
        self.apply_filter(self.filter.with_(search=event.value), keep=self.item_list.current)

    @on(Input.Submitted, "#search")
    def _search_done(self) -> None:
        self.item_list.focus()

    def _refilter(self, **changes) -> None:
        self.apply_filter(self.filter.with_(**changes), keep=self.item_list.current)

    def action_cycle_kind(self) -> None:
        self._refilter(kind=KINDS[(KINDS.index(self.filter.kind) + 1) % len(KINDS)])

    def action_cycle_sort(self) -> None:
        sorts = list(SORTS)
        self._refilter(sort=sorts[(sorts.index(self.filter.sort) + 1) % len(sorts)])

    def action_toggle_links(self) -> None:
        self._refilter(has_links=not self.filter.has_links)

    def action_toggle_drift(self) -> None:
        self._refilter(has_drift=not self.filter.has_drift)

    def action_clear_filters(self) -> None:
        if self.focused is self.search or isinstance(self.focused, MemberList):
            self.item_list.focus()
            return
        if not self.filter.is_default:
            self.search.value = ""
            self.apply_filter(Filter(sort=self.filter.sort), keep=self.item_list.current)

    def _pick(self, title: str, search: Callable[[str], Choices], apply: Callable[[object], Filter]) -> None:
        def picked(value: object) -> None:
            if value is not CANCELLED:
                self.apply_filter(apply(value), keep=self.item_list.current)

        self.app.push_screen(PickScreen(title, search), picked)

    def action_pick_status(self) -> None:
        choices = status_choices(self.statuses, self.key_display, any_status=True)
        self._pick("Show status", lambda term: choices, lambda status: self.filter.with_(status=status))

    def action_pick_source(self) -> None:
        self._pick(
            "Show source",
            partial(source_choices, self.conn),
            lambda value: self.filter.with_(source=value[0], source_label=value[1]),
        )

    def action_pick_speaker(self) -> None:
        self._pick(
            "Show speaker", partial(speaker_choices, self.conn), lambda speaker: self.filter.with_(speaker=speaker)
        )

    # Links

    def action_focus_links(self) -> None:
        if self.links.members:
            self.links.member_list.focus()
        else:
            self.notify("No linked items.")

    def on_member_list_act(self, message: MemberList.Act) -> None:
        member, row = message.member, self.item_list.current_row()
        if row is None:
            return
        if message.what == "jump":
            self.jump_to(member.row.num)
            return
        try:
            set_link_state(self.db, row.id, member.row.id, message.what, reviewer=self.reviewer)
        except LinkError as error:
            self.notify(f"Cannot change the link: {error}", severity="error", markup=False)
            return
        self.cache.forget()
        self._forget_own_write(LINKS)
        self.item_list.refresh()
        self._show_item(row.num)
        self.notify(f"Link {message.what}.", markup=False)

    def jump_to(self, num: int) -> None:
        """Select item ``num``, clearing filters if it is not in the list; ``b`` comes back."""
        current = self.item_list.current
        if current is not None:
            self.back_stack.append((self.filter, current))
        self.item_list.focus()
        if not self.item_list.select_num(num):
            self.notify(f"Filters cleared to show the linked item ({self.key_display(BY_ID['back'])} goes back).")
            self.search.value = ""
            self.apply_filter(Filter(sort=self.filter.sort), keep=num)

    def action_back(self) -> None:
        if not self.back_stack:
            self.notify("Nowhere to go back to.")
            return
        filter_, num = self.back_stack.pop()
        if filter_ != self.filter:
            with self.prevent(Input.Changed):
                self.search.value = filter_.search
            self.apply_filter(filter_, keep=num)
        else:
            self.item_list.select_num(num)
        self.item_list.focus()
