"""Filling the item list: a filter's item numbers read by worker threads, the newest filter winning.

Threads: each worker opens its own read connection; a newer filter interrupts the query
of the one it supersedes. The first screenful of a long order is shown while the rest is
read, and once a list is complete the sort orders not kept yet are read ahead.
"""

from __future__ import annotations

import contextlib
import sqlite3
from array import array
from collections.abc import Callable
from functools import partial

from textual.dom import DOMNode
from textual.worker import get_current_worker

from .filters import SORTS, Filter
from .item_list import ItemList
from .list_index import ListIndex
from .lists import FIRST_PAGE, load_order, select_nums
from .messages import NumsFailed, NumsReady


class ListLoader:
    """Reads filters for ``item_list`` in workers of ``node``, which gets their messages
    (:class:`NumsReady`, :class:`NumsFailed`) and passes them to :meth:`show` and :meth:`failed`."""

    def __init__(self, node: DOMNode, item_list: ItemList, open_reader: Callable[[], sqlite3.Connection]) -> None:
        self.node = node
        self.item_list = item_list
        self.open_reader = open_reader
        self.index = ListIndex()
        self.generation = 0  # of the filter being shown; messages of older ones are dropped
        self.complete = False  # the whole list is shown, not only its first screenful
        self.partial_shown = False
        self.in_place = False  # the list on screen stays until the whole new one is read
        self._inflight: sqlite3.Connection | None = None

    def load(self, filter_: Filter, keep: tuple[int, ...] = (), in_place: bool = False) -> None:
        """Read ``filter_``, the cursor to stay on the first of ``keep`` it lists; the first
        screenful first, unless ``in_place``: a re-read of the same filter (another process
        committed) leaves the list as it is until the new one is whole, so the cursor never
        passes over another item while the reviewer may be typing a mark."""
        self.generation += 1
        self.complete = False
        self.partial_shown = False
        self.in_place = in_place
        if self._inflight is not None:
            with contextlib.suppress(sqlite3.ProgrammingError):
                self._inflight.interrupt()  # the superseded query stops instead of finishing
        try:
            self._inflight = self.open_reader()
        except sqlite3.Error as error:
            self._inflight = None
            self.node.post_message(NumsFailed(self.generation, str(error)))
            return
        self.node.run_worker(
            partial(self._read, self._inflight, filter_, self.generation, keep),
            name="read list",
            group="nums",
            exclusive=True,
            thread=True,
        )

    def _read(self, conn: sqlite3.Connection, filter_: Filter, generation: int, keep: tuple[int, ...]) -> None:
        post = self.node.post_message
        try:
            nums = select_nums(
                conn,
                filter_,
                self.index,
                on_first=lambda first: post(NumsReady(generation, first, False, keep)),
                wanted=lambda: generation == self.generation,
                open_reader=self.open_reader,
            )
        except sqlite3.Error as error:  # interrupted, refused by FTS, locked, failing
            post(NumsFailed(generation, str(error)))
            return
        finally:
            conn.close()
        if nums is not None:
            post(NumsReady(generation, nums, True, keep))

    def show(self, message: NumsReady) -> bool:
        """Put what a worker read in the list; False (and nothing shown) when a newer filter superseded it."""
        if message.generation != self.generation:
            return False
        items = self.item_list
        if not message.complete:
            if self.in_place:
                return True
            # The first screenful at once; the cursor returns to the kept item when the
            # whole list is known, if the item is further down.
            self.partial_shown = True
            items.set_nums(message.nums, message.position)
            return True
        self.complete = True
        self._inflight = None
        kept = message.keep[0] if message.keep else None
        moved = self.partial_shown and items.current != kept and (kept is None or kept in message.nums[:FIRST_PAGE])
        if moved:  # the reader moved in the first page, which the whole list starts with
            items.set_nums(message.nums, items.cursor)
        else:
            items.set_nums(message.nums, message.position)
        return True

    def failed(self, message: NumsFailed) -> bool:
        """Whether the current filter failed (not a superseded one interrupted); the list is then empty."""
        if message.generation != self.generation or "interrupted" in message.error:
            return False
        self.item_list.set_nums(array("q"))
        self.complete = True
        return True

    def read_ahead(self, order_bytes: int) -> None:
        """Read the sort orders not kept yet, in the background, so a sort keystroke finds
        its order ready instead of walking a million items; ``order_bytes`` is one order's size."""
        self.node.run_worker(
            partial(self._read_orders, order_bytes), name="read orders", group="prefetch", exclusive=True, thread=True
        )

    def _read_orders(self, order_bytes: int) -> None:
        worker = get_current_worker()
        try:
            conn = self.open_reader()
        except sqlite3.Error:
            return  # only a head start
        try:
            for sort in SORTS:
                if worker.is_cancelled:
                    return
                # Never push out what the screen uses: read ahead only into free room.
                if self.index.get(("order", sort)) is None and not self.index.has_room(order_bytes):
                    continue
                load_order(conn, sort, self.index)
        except sqlite3.Error:
            pass  # only a head start: the list's own read reports any failure
        finally:
            conn.close()
