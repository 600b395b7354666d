"""What the review screen's worker threads send back to it.

Widgets' own messages (:class:`~.item_list.ItemList.Highlighted`,
:class:`~.links_pane.MemberList.Act`, ...) stay nested in their widget, as in Textual's own.
"""

from __future__ import annotations

from array import array

import numpy as np
from textual.message import Message


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
    """A worker could not read the item numbers of a filter (FTS refused it, the disk failed...)."""

    def __init__(self, generation: int, error: str) -> None:
        super().__init__()
        self.generation, self.error = generation, error


class CountsReady(Message):
    """A worker counted the items of each status."""

    def __init__(self, counts: dict[str, int]) -> None:
        super().__init__()
        self.counts = counts
