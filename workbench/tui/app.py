"""The review app: what is app-wide around the :class:`~.review_screen.ReviewScreen`.

The database path and the one UI connection, the reviewer, the key map, the command
palette, and polling ``PRAGMA data_version`` so that other processes' commits show up.
"""

from __future__ import annotations

import gc
import sqlite3
from collections.abc import Iterable, Mapping
from functools import partial
from pathlib import Path

from rich.text import Text
from textual.app import App, SystemCommand
from textual.screen import Screen

from ..store.database import BUSY_TIMEOUT_MS, open_db
from ..store.reviews import default_reviewer
from .bindings import bindings, shown_key
from .dialogs import HelpScreen
from .keys import KEYS, Key, check_keymap
from .review_screen import ReviewScreen

POLL_SECONDS = 1.5


class ReviewApp(App):
    """Review claims and quotes on the database at ``db_path``.

    ``keymap`` maps binding ids (:data:`~.keys.KEYS`) to the keys that run them instead
    of their default; an unknown id or a clash raises :class:`~.keys.KeymapError`.
    """

    TITLE = "workbench review"
    CSS_PATH = "app.tcss"
    BINDINGS = bindings("app")

    def __init__(
        self,
        db_path: str | Path,
        reviewer: str | None = None,
        *,
        keymap: Mapping[str, str] | None = None,
        poll_seconds: float = POLL_SECONDS,
    ):
        super().__init__()
        self.keymap = dict(keymap or {})
        check_keymap(self.keymap)
        self.set_keymap(self.keymap)
        self.db_path = Path(db_path)
        self.reviewer = reviewer or default_reviewer()
        self.poll_seconds = poll_seconds
        self.db = open_db(self.db_path)
        self._version = self._data_version()
        self.review: ReviewScreen  # made by get_default_screen(), when the app starts

    def get_default_screen(self) -> ReviewScreen:
        self.review = ReviewScreen(self.db, self.reviewer, self.open_reader, self.key_display)
        return self.review

    def on_mount(self) -> None:
        self.set_interval(self.poll_seconds, self._poll)
        # What startup built (widgets, styles, caches) lives as long as the app: out of the
        # collector's sight, a full collection no longer pauses a keystroke for ~40 ms.
        self.call_after_refresh(gc.freeze)

    def on_unmount(self) -> None:
        gc.unfreeze()

    def open_reader(self) -> sqlite3.Connection:
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

    def _data_version(self) -> int:
        """Moves when another connection commits (never for our own writes)."""
        return self.db.conn.execute("PRAGMA data_version").fetchone()[0]

    def _poll(self) -> None:
        version = self._data_version()
        if version != self._version:
            self._version = version
            self.review.reload()

    def action_reload(self) -> None:
        self.review.reload()
        self.notify("Reloaded.")

    def action_help(self) -> None:
        labels = {
            position: Text(status.label, style=f"bold {status.color}")
            for position, status in enumerate(self.review.statuses)
        }
        self.push_screen(HelpScreen(labels, self.key_display))

    def key_display(self, key: Key) -> str:
        """The key that runs ``key`` now, as the footer writes it."""
        return shown_key(self, key, self.keymap)

    def get_system_commands(self, screen: Screen) -> Iterable[SystemCommand]:
        yield from super().get_system_commands(screen)
        review = self.review
        if screen is not review:
            return
        targets = {"app": self, "screen": review, "list": review.item_list, "links": review.links.member_list}
        for key in KEYS:
            if not key.palette:
                continue
            run = partial(self.run_action, key.action, targets[key.scope])
            position = key.mark_position
            if position is None:
                yield SystemCommand(key.description, f"key {self.key_display(key)}", run)
            elif position < len(review.statuses):
                yield SystemCommand(f"Mark as {review.statuses[position].label}", f"key {self.key_display(key)}", run)
