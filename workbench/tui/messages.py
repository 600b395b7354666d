"""What the review screen's worker threads send back to it.

Widgets' own messages (:class:`~.item_list.ItemList.Highlighted`,
:class:`~.links_pane.MemberList.Act`, ...) stay nested in their widget, as in Textual's own.
"""

from __future__ import annotations

from array import array
from collections.abc import Sequence

import numpy as np
from textual.message import Message


class NumsReady(Message):
    """A worker read the item numbers of a filter (``complete=False``: only the first screenful).

    ``keep`` is where the cursor should stay, in order of preference (the item the reviewer
    chose, then its neighbours nearest first); ``position`` is where the first of them that
    ``nums`` lists is (None: none is), found by the worker.
    """

    def __init__(self, generation: int, nums: np.ndarray, complete: bool, keep: Sequence[int] = ()) -> None:
        super().__init__()
        self.generation, self.complete, self.keep = generation, complete, tuple(keep)
        self.position = first_listed(nums, self.keep)
        self.nums = array("q")  # what the list keeps: 8 bytes an item, plain ints for SQLite and JSON
        self.nums.frombytes(memoryview(np.ascontiguousarray(nums, dtype=np.int64)).cast("B"))  # one copy


def first_listed(nums: np.ndarray, wanted: Sequence[int]) -> int | None:
    """Where in ``nums`` the first of ``wanted`` that it lists is (None: none is), in a few passes over ``nums``."""
    if not wanted or not len(nums):
        return None
    found = np.flatnonzero(nums == wanted[0])
    if not len(found) and len(wanted) > 1:
        listed = np.zeros(int(max(nums.max(), max(wanted))) + 1, dtype=bool)
        listed[nums] = True
        nearest = next((num for num in wanted[1:] if num >= 0 and listed[num]), None)
        found = np.flatnonzero(nums == nearest) if nearest is not None else found
    return int(found[0]) if len(found) else None


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
