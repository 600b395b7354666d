"""The sort orders and filter masks kept between filters, shared by the worker threads.

An order is every item number in one sort (8 bytes an item); a mask is a bool per item
number for one clause. A filter is then its order with its masks applied, so changing
one clause reads only that clause.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable

import numpy as np

# 64 MB holds four orders and 32 masks at 1M items.
INDEX_BYTES = 64 << 20


class ListIndex:
    """Orders and masks by key, least recently used dropped first when over ``capacity`` bytes.

    Entries are never modified, only replaced; :meth:`forget` drops what a write made stale.
    """

    def __init__(self, capacity: int = INDEX_BYTES):
        self.capacity = capacity
        self.version = 0  # bumped by forget(): a result read before is not kept
        self._entries: OrderedDict[tuple, tuple[np.ndarray, frozenset]] = OrderedDict()
        self._lock = threading.Lock()
        self._reading: dict[tuple, threading.Lock] = {}

    def get(self, key: tuple) -> np.ndarray | None:
        with self._lock:
            entry = self._entries.get(key)
            if entry is None:
                return None
            self._entries.move_to_end(key)
            return entry[0]

    def get_or_read(self, key: tuple, read: Callable[[], np.ndarray], topics: frozenset) -> np.ndarray:
        """The entry ``key``, read and kept if missing. One thread reads a key at a time: a
        worker for the next keystroke waits for the walk a superseded worker is finishing
        instead of starting a second one beside it."""
        with self._lock:
            reading = self._reading.setdefault(key, threading.Lock())
        with reading:
            version = self.version
            value = self.get(key)
            if value is None:
                value = read()
                self.put(key, value, topics, version)
            return value

    def has_room(self, nbytes: int) -> bool:
        """Whether ``nbytes`` more fit without pushing anything out."""
        with self._lock:
            return sum(entry[0].nbytes for entry in self._entries.values()) + nbytes <= self.capacity

    def put(self, key: tuple, value: np.ndarray, topics: frozenset, version: int) -> None:
        with self._lock:
            if version != self.version:
                return
            self._entries[key] = (value, topics)
            while sum(entry[0].nbytes for entry in self._entries.values()) > self.capacity and len(self._entries) > 1:
                self._entries.popitem(last=False)

    def forget(self, topic: str | None = None) -> None:
        """Drop the entries depending on ``topic`` (everything when None)."""
        with self._lock:
            self.version += 1
            for key in [key for key, (_, topics) in self._entries.items() if topic is None or topic in topics]:
                del self._entries[key]
