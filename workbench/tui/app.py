"""The review app: list, detail and linked items over one workbench database.

Threads: the UI thread owns one connection (page reads, detail, marks); every worker
opens its own read connection. Marks are committed before the screen shows them, and
``PRAGMA data_version`` is polled so changes by other processes show up.
"""

from __future__ import annotations

import contextlib
import gc
import json
import sqlite3
from array import array
from collections.abc import Iterable
from dataclasses import dataclass
from functools import partial
from pathlib import Path

import numpy as np
from rich.text import Text
from textual import on, work
from textual.app import App, ComposeResult, SystemCommand
from textual.containers import Horizontal
from textual.message import Message
from textual.screen import Screen
from textual.widget import Widget
from textual.widgets import Footer, Input, Static
from textual.worker import get_current_worker

from ..store.database import BUSY_TIMEOUT_MS, open_db, write_transaction
from ..store.reviews import ReviewError, StaleReview, default_reviewer, mark
from . import data, keys
from .data import Filter, Row, RowCache, Status
from .detail import DetailPane
from .item_list import ItemList, header_line
from .links_pane import LinksPane, MemberList
from .screens import CANCELLED, ConfirmScreen, HelpScreen, NoteScreen, PickScreen
from .text import literal

POLL_SECONDS = 1.5
DETAIL_THROTTLE = 0.12


class NumsReady(Message):
    """A worker read the item numbers of a filter (``complete=False``: only the first screenful).

    ``position`` is where item ``keep`` is in ``nums`` (None: not there), found by the worker.
    """

    def __init__(self, generation: int, nums: np.ndarray, complete: bool, keep: int | None) -> None:
        super().__init__()
        self.generation, self.complete, self.keep = generation, complete, keep
        found = np.flatnonzero(nums == keep) if keep is not None else ()
        self.position = int(found[0]) if len(found) else None
        self.nums = array("q")  # what the list keeps: 8 bytes an item, plain ints for SQLite and JSON
        self.nums.frombytes(memoryview(np.ascontiguousarray(nums, dtype=np.int64)).cast("B"))  # one copy


class NumsFailed(Message):
    def __init__(self, generation: int, error: str) -> None:
        super().__init__()
        self.generation, self.error = generation, error


class CountsReady(Message):
    def __init__(self, counts: dict[str, int]) -> None:
        super().__init__()
        self.counts = counts


@dataclass
class Undo:
    """One of your marks, and what it replaced."""

    num: int
    item_id: str
    review_id: int
    previous_status: str
    previous_note: str | None


class ListHeader(Widget):
    """Column titles, aligned with the list below."""

    DEFAULT_CSS = "ListHeader { height: 1; }"

    def __init__(self, item_list: ItemList) -> None:
        super().__init__()
        self.item_list = item_list

    def render(self) -> Text:
        return header_line(self.item_list.scrollable_content_region.width or self.size.width)


class ReviewApp(App):
    """Review claims and quotes: one line each, the highlighted one in full, its links beside it."""

    TITLE = "workbench review"
    CSS_PATH = "app.tcss"
    BINDINGS = keys.bindings("app")

    def __init__(self, db_path: str | Path, reviewer: str | None = None, *, poll_seconds: float = POLL_SECONDS):
        super().__init__()
        self.db_path = Path(db_path)
        self.reviewer = reviewer or default_reviewer()
        self.poll_seconds = poll_seconds
        self.db = open_db(self.db_path)
        self.conn: sqlite3.Connection = self.db.conn
        self.cache = RowCache(self.conn)
        self.list_index = data.ListIndex()
        self.statuses: list[Status] = data.statuses(self.conn)
        self.by_id = {status.id: status for status in self.statuses}
        self.filter = Filter()
        self.generation = 0
        self.complete = False
        self.counts: dict[str, int] = {}
        self.undo_stack: list[list[Undo]] = []
        self.back_stack: list[tuple[Filter, int]] = []
        self._inflight: sqlite3.Connection | None = None
        self._partial_shown = False
        self._detail_timer = None
        self._detail_due: int | None = None
        self._version = self._data_version()
        self._fingerprints = data.fingerprints(self.conn)

    # ---- layout -------------------------------------------------------------------------

    def compose(self) -> ComposeResult:
        # Kept as attributes: app queries only see the top screen, and timers and
        # dialog callbacks run while a modal screen is on top.
        self.counts_bar = Static(id="counts")
        self.search = Input(placeholder="/ search text and speakers", id="search")
        self.filter_info = Static(id="filter-info")
        self.item_list = ItemList(self.cache, self.by_id, id="items")
        self.header = ListHeader(self.item_list)
        self.detail = DetailPane(id="detail")
        self.links = LinksPane(id="links")
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
        self.item_list.focus()
        self._show_filter()
        self.apply_filter(self.filter)
        self._count()
        self.set_interval(self.poll_seconds, self._poll)
        # What startup built (widgets, styles, caches) lives as long as the app: out of the
        # collector's sight, a full collection no longer pauses a keystroke for ~40 ms.
        self.call_after_refresh(gc.freeze)

    def on_unmount(self) -> None:
        gc.unfreeze()

    # ---- loading ------------------------------------------------------------------------

    def _reader(self) -> sqlite3.Connection:
        """A read-only connection for one worker.

        Not through ``open_db``: it reads the file header with a plain open()/close(),
        and closing any descriptor of a file drops every POSIX lock this process holds
        on it, the UI connection's included. Another process closing its connection
        would then think it was the last one and delete the WAL under us.
        """
        conn = sqlite3.connect(
            f"{self.db_path.resolve().as_uri()}?mode=ro",
            uri=True,
            check_same_thread=False,
            timeout=BUSY_TIMEOUT_MS / 1000,
        )
        conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
        return conn

    def apply_filter(self, filter_: Filter, keep: int | None = None) -> None:
        """Show ``filter_``; the numbers are read in a worker, the first screenful first."""
        self.filter = filter_
        self.generation += 1
        self.complete = False
        self._partial_shown = False
        if self._inflight is not None:
            with contextlib.suppress(sqlite3.ProgrammingError):
                self._inflight.interrupt()  # the superseded query stops instead of finishing
        self._inflight = self._reader()
        self._show_filter()
        self._load_nums(self._inflight, filter_, self.generation, keep)

    @work(thread=True, exclusive=True, group="nums")
    def _load_nums(self, conn: sqlite3.Connection, filter_: Filter, generation: int, keep: int | None) -> None:
        try:
            nums = data.select_nums(
                conn,
                filter_,
                self.list_index,
                on_first=lambda first: self.post_message(NumsReady(generation, first, False, keep)),
                wanted=lambda: generation == self.generation,
                open_reader=self._reader,
            )
        except sqlite3.OperationalError as error:
            self.post_message(NumsFailed(generation, str(error)))
            return
        finally:
            conn.close()
        if nums is not None:
            self.post_message(NumsReady(generation, nums, True, keep))

    def on_nums_ready(self, message: NumsReady) -> None:
        if message.generation != self.generation:
            return
        items = self.item_list
        if not message.complete:
            # The first screenful at once; the cursor returns to the kept item when the
            # whole list is known, if the item is further down.
            self._partial_shown = True
            items.set_nums(message.nums, message.keep, message.position)
        else:
            self.complete = True
            self._inflight = None
            moved = (
                self._partial_shown
                and items.current != message.keep
                and (message.keep is None or message.keep in message.nums[: data.FIRST_PAGE])
            )
            if moved:  # the reader moved in the first page, which the whole list starts with
                items.set_nums(message.nums, items.current, items.cursor)
            else:
                items.set_nums(message.nums, message.keep, message.position)
            if not message.nums:
                self._show_item(None)
            self._read_ahead()
        self._show_filter()

    def on_nums_failed(self, message: NumsFailed) -> None:
        if message.generation == self.generation and "interrupted" not in message.error:
            self.notify(f"The filter failed: {message.error}", severity="error", markup=False)
            self.item_list.set_nums(array("q"))
            self.complete = True
            self._show_filter()

    @work(thread=True, exclusive=True, group="prefetch")
    def _prefetch_orders(self) -> None:
        """Read the sort orders not kept yet, in the background once a list is shown, so a
        sort keystroke finds its order ready instead of walking a million items."""
        worker = get_current_worker()
        order_bytes = 8 * sum(self.counts.values())
        conn = self._reader()
        try:
            for sort in data.SORTS:
                if worker.is_cancelled:
                    return
                # Never push out what the screen uses: read ahead only into free room.
                if self.list_index.get(("order", sort)) is None and not self.list_index.has_room(order_bytes):
                    continue
                data.load_order(conn, sort, self.list_index)
        except sqlite3.OperationalError:
            pass  # only a head start: the list's own read reports any failure
        finally:
            conn.close()

    @work(thread=True, exclusive=True, group="counts")
    def _count(self) -> None:
        conn = self._reader()
        try:
            self.post_message(CountsReady(data.status_counts(conn)))
        finally:
            conn.close()

    def on_counts_ready(self, message: CountsReady) -> None:
        self.counts = message.counts
        self._show_counts()
        self._read_ahead()

    def _read_ahead(self) -> None:
        """Once the list and its counts are on screen (a cold disk serves them first)."""
        if self.complete and self.counts:
            self._prefetch_orders()

    def _data_version(self) -> int:
        return self.conn.execute("PRAGMA data_version").fetchone()[0]

    def _poll(self) -> None:
        """Another process committed: re-read everything that is on screen."""
        version = self._data_version()
        if version == self._version:
            return
        self._version = version
        self.reload()

    def reload(self) -> None:
        self.statuses = data.statuses(self.conn)
        self.by_id.clear()
        self.by_id.update({status.id: status for status in self.statuses})
        self.cache.forget()
        fingerprints = data.fingerprints(self.conn)
        for topic in data.stale_topics(self._fingerprints, fingerprints):
            self.list_index.forget(topic)
        self._fingerprints = fingerprints
        self.item_list.refresh()
        self._count()
        self.apply_filter(self.filter, keep=self.item_list.current)
        self._show_item(self.item_list.current)

    def _forget_own_write(self, topic: str) -> None:
        """Our own committed write: drop what depends on it, and take its fingerprint so
        the next change by another process is not mistaken for it."""
        # Fingerprint first: a worker may re-read between the two, and what it reads is
        # then no older than the fingerprint, so another process's later write is noticed.
        self._fingerprints[topic] = data.fingerprints(self.conn, topic)[topic]
        self.list_index.forget(topic)

    # ---- showing ------------------------------------------------------------------------

    def _show_counts(self) -> None:
        total = sum(self.counts.values())
        reviewed = total - self.counts.get("unreviewed", 0)
        line = Text(no_wrap=True, overflow="ellipsis")
        for status in self.statuses:
            line.append(f" {status.label} ", style=f"bold {status.color}")
            line.append(f"{self.counts.get(status.id, 0):,} ")
        line.append(" │ ", style="dim")
        line.append(f"reviewed {reviewed:,} / {total:,}", style="bold")
        if total:
            line.append(f" ({reviewed / total:.1%})", style="dim")
        line.append(" │ ", style="dim")
        line.append_text(literal(self.reviewer, "italic"))
        self.counts_bar.update(line)

    def _show_filter(self) -> None:
        f = self.filter
        parts = [f"sort: {data.SORTS[f.sort]}"]
        parts += [f"kind: {f.kind}"] if f.kind else []
        parts += [f"status: {self.by_id[f.status].label if f.status in self.by_id else f.status}"] if f.status else []
        parts += [f"source: {f.source_label or f.source}"] if f.source else []
        parts += [f"speaker: {f.speaker}"] if f.speaker else []
        parts += ["has links"] if f.has_links else []
        parts += ["has drift"] if f.has_drift else []
        line = literal(" · ".join(parts))
        shown = len(self.item_list.nums)
        noun = "item" if shown == 1 else "items"
        line.append(
            f"   {shown:,} {noun}" if self.complete else f"   {shown:,}+ items, counting…",
            style="bold" if self.complete else "dim",
        )
        self.filter_info.update(line)

    def _show_item(self, num: int | None) -> None:
        detail = data.load_detail(self.conn, num) if num is not None else None
        self.detail.show(detail, self.by_id)
        members = data.cluster(self.db, detail.row.id) if detail else []
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

    def on_resize(self) -> None:
        self.header.refresh()

    # ---- marking ------------------------------------------------------------------------

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "mark":
            return parameters[0] < len(self.statuses)
        return True

    def _record(self, rows: list[Row], status: str, *, note: str | None = None, advance: bool = False) -> bool:
        """Mark ``rows`` in one transaction, refusing if any changed since it was shown."""
        try:
            with write_transaction(self.db):
                notes = self._notes(rows)
                results = [
                    mark(self.db, row.id, status, note=note, reviewer=self.reviewer, expected=row.review_id)
                    for row in rows
                ]
        except StaleReview as error:
            self._stale(rows, error)
            return False
        except ReviewError as error:
            self.notify(str(error), severity="error", markup=False)
            return False
        self.undo_stack.append(
            [
                Undo(row.num, row.id, result.review_id, result.previous_status, notes.get(row.id))
                for row, result in zip(rows, results)
            ]
        )
        self._marked(rows, [result.previous_status for result in results], status)
        if advance:
            self.item_list.cursor += 1
        return True

    def _notes(self, rows: Iterable[Row]) -> dict[str, str | None]:
        ids = [row.review_id for row in rows if row.review_id is not None]
        return dict(
            self.conn.execute(
                "SELECT item_id, note FROM reviews WHERE id IN (SELECT value FROM json_each(?))", [json.dumps(ids)]
            ).fetchall()
        )

    def _marked(self, rows: list[Row], previous: list[str], status: str) -> None:
        """Show committed marks: rows re-read, counts adjusted, detail refreshed."""
        self._forget_own_write(data.STATUS)
        for row, before in zip(rows, previous):
            self.counts[before] = self.counts.get(before, 1) - 1
            self.counts[status] = self.counts.get(status, 0) + 1
            self.item_list.refresh_num(row.num)
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
        self.push_screen(ConfirmScreen(question, yes="Reload", no="Keep as is"), reload)

    def action_mark(self, position: int) -> None:
        row = self.item_list.current_row()
        if row is not None and position < len(self.statuses):
            self._record([row], self.statuses[position].id, advance=True)

    def action_note(self) -> None:
        row = self.item_list.current_row()
        if row is None:
            return
        current = self._notes([row]).get(row.id)
        title = Text("Note on: ", style="bold").append_text(literal(row.text[:200]))

        def save(note: str | None) -> None:
            if note is not None:
                self._record([row], row.status, note=note.strip() or None)

        self.push_screen(NoteScreen(title, current), save)

    def action_undo(self) -> None:
        if not self.undo_stack:
            self.notify("Nothing to undo.")
            return
        undos = self.undo_stack.pop()
        try:
            with write_transaction(self.db):
                results = [
                    mark(
                        self.db,
                        undo.item_id,
                        undo.previous_status,
                        note=undo.previous_note,
                        reviewer=self.reviewer,
                        expected=undo.review_id,
                    )
                    for undo in undos
                ]
        except StaleReview as error:
            self.notify(f"Cannot undo: {error}", severity="warning", markup=False, timeout=8)
            return
        except ReviewError as error:
            self.notify(str(error), severity="error", markup=False)
            return
        self._forget_own_write(data.STATUS)
        for undo, result in zip(undos, results):
            self.counts[result.previous_status] = self.counts.get(result.previous_status, 1) - 1
            self.counts[undo.previous_status] = self.counts.get(undo.previous_status, 0) + 1
            self.item_list.refresh_num(undo.num)
        self.item_list.select_num(undos[0].num)
        self._show_counts()
        self._show_item(self.item_list.current)
        self.notify(
            f"Undone: {len(undos)} item{'s' if len(undos) > 1 else ''} back to "
            f"{self._label(undos[0].previous_status)}.",
            markup=False,
        )

    def _label(self, status: str) -> str:
        return self.by_id[status].label if status in self.by_id else status

    def _status_choices(self, term: str = "") -> list[tuple[object, Text]]:
        choices = []
        for position, status in enumerate(self.statuses):
            key = keys.mark_key(position)
            label = Text(f"{key or ' '}  ", style="bold cyan").append(status.label, style=f"bold {status.color}")
            choices.append((status.id, label))
        return choices

    def action_cluster_verdict(self) -> None:
        row = self.item_list.current_row()
        if row is None:
            return
        rows = [row, *(member.row for member in data.cluster(self.db, row.id) if member.in_cluster)]
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

            self.push_screen(ConfirmScreen(question, yes="Mark all"), apply)

        self.push_screen(PickScreen("Verdict for the whole cluster", self._status_choices, typing=False), confirm)

    # ---- filters ------------------------------------------------------------------------

    def action_search(self) -> None:
        self.search.focus()

    @on(Input.Changed, "#search")
    def _search_changed(self, event: Input.Changed) -> None:
        self.apply_filter(self.filter.with_(search=event.value), keep=self.item_list.current)

    @on(Input.Submitted, "#search")
    def _search_done(self) -> None:
        self.item_list.focus()

    def action_cycle_kind(self) -> None:
        kind = data.KINDS[(data.KINDS.index(self.filter.kind) + 1) % len(data.KINDS)]
        self.apply_filter(self.filter.with_(kind=kind), keep=self.item_list.current)

    def action_cycle_sort(self) -> None:
        sorts = list(data.SORTS)
        self.apply_filter(
            self.filter.with_(sort=sorts[(sorts.index(self.filter.sort) + 1) % len(sorts)]), keep=self.item_list.current
        )

    def action_toggle_links(self) -> None:
        self.apply_filter(self.filter.with_(has_links=not self.filter.has_links), keep=self.item_list.current)

    def action_toggle_drift(self) -> None:
        self.apply_filter(self.filter.with_(has_drift=not self.filter.has_drift), keep=self.item_list.current)

    def action_clear_filters(self) -> None:
        if self.focused is self.search or isinstance(self.focused, MemberList):
            self.item_list.focus()
            return
        if not self.filter.is_default:
            self.search.value = ""
            self.apply_filter(Filter(sort=self.filter.sort), keep=self.item_list.current)

    def _pick(self, title: str, search, apply) -> None:
        def picked(value: object) -> None:
            if value is not CANCELLED:
                self.apply_filter(apply(value), keep=self.item_list.current)

        self.push_screen(PickScreen(title, search), picked)

    def action_pick_status(self) -> None:
        any_ = (None, Text("any status", style="italic"))
        self._pick(
            "Show status", lambda term: [any_, *self._status_choices()], lambda status: self.filter.with_(status=status)
        )

    def action_pick_source(self) -> None:
        def search(term: str) -> list[tuple[object, Text]]:
            return [
                ((None, None), Text("any source", style="italic")),
                *(((id_, label), literal(label)) for id_, label in data.search_sources(self.conn, term)),
            ]

        self._pick("Show source", search, lambda value: self.filter.with_(source=value[0], source_label=value[1]))

    def action_pick_speaker(self) -> None:
        def search(term: str) -> list[tuple[object, Text]]:
            return [
                (None, Text("any speaker", style="italic")),
                *((name, literal(label)) for name, label in data.search_speakers(self.conn, term)),
            ]

        self._pick("Show speaker", search, lambda speaker: self.filter.with_(speaker=speaker))

    # ---- links --------------------------------------------------------------------------

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
        from ..link import LinkError, set_link_state

        try:
            set_link_state(self.db, row.id, member.row.id, message.what, reviewer=self.reviewer)
        except LinkError as error:
            self.notify(f"Cannot change the link: {error}", severity="error", markup=False)
            return
        self.cache.forget()
        self._forget_own_write(data.LINKS)
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
            self.notify("Filters cleared to show the linked item (b goes back).")
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

    # ---- help, palette, misc ------------------------------------------------------------

    def action_reload(self) -> None:
        self.reload()
        self.notify("Reloaded.")

    def action_help(self) -> None:
        labels = {
            keys.mark_key(position): Text(status.label, style=f"bold {status.color}")
            for position, status in enumerate(self.statuses)
            if keys.mark_key(position)
        }
        self.push_screen(HelpScreen(labels))

    def get_system_commands(self, screen: Screen) -> Iterable[SystemCommand]:
        yield from super().get_system_commands(screen)
        for key in keys.KEYS:
            if not key.palette:
                continue
            shown = key.display or key.key
            if key.id.startswith("mark."):
                position = keys.MARK_KEYS.index(key.key)
                if position < len(self.statuses):
                    yield SystemCommand(
                        f"Mark as {self.statuses[position].label}", f"key {shown}", partial(self.run_action, key.action)
                    )
                continue
            target = {"app": self, "list": self.item_list, "links": self.links.member_list}[key.scope]
            yield SystemCommand(key.description, f"key {shown}", partial(self.run_action, key.action, target))
