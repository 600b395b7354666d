"""The review app: what is app-wide around the :class:`~.review_screen.ReviewScreen`.

The database path and the one UI connection, the reviewer, the key map, the command
palette, and polling ``PRAGMA data_version`` so that other processes' commits show up:
coalesced, a few at once after a quiet spell and then no more often than :data:`RELOAD_SHARE`
of a core allows (during an ingest every poll finds a commit, and twenty sessions re-reading
at every poll took the host's cores from the reviewers' keys), and never just after a key.

And nothing the reviewer asked for is lost: a write refused because someone else changed
the item comes back in a dialog, whole, to be applied on top of theirs, edited or
discarded; quitting while writes wait (or a typed note is open) asks first; and whatever
was not saved is listed when the app ends (:meth:`ReviewApp.unsaved_report`).
"""

from __future__ import annotations

import gc
import math
import shlex
import sqlite3
import time
from collections.abc import Callable, Iterable, Mapping
from functools import partial
from pathlib import Path

from rich.text import Text
from sqlite_utils import Database
from textual import events
from textual.app import App, SystemCommand
from textual.command import DiscoveryHit, Hit, Hits, Provider
from textual.content import Content
from textual.screen import Screen

from ..store.database import BUSY_TIMEOUT_MS, explain, open_db
from ..store.reviews import StaleReview, default_reviewer
from .bars import WaitingWrites
from .bindings import bindings, shown_key
from .changes import Changes
from .dialogs import ChoiceScreen, ConflictScreen, HelpScreen, NoteScreen, not_saved_message
from .keys import KEYS, Key, check_keymap
from .marking import Marker, Write, command_line, describe, on_top
from .review_screen import ReviewScreen
from .statuses import Vocabulary, statuses
from .text import literal, visible

POLL_SECONDS = 1.5
# Re-reading what the screen shows after others' commits: up to RELOAD_BURST at once after
# a quiet spell, then at most RELOAD_SHARE of one core, one re-read per 1/RELOAD_SHARE times
# the CPU the last one took (0.05-0.09 s: one every 5-9 s while an ingest commits throughout).
RELOAD_BURST = 5
RELOAD_SHARE = 0.01
# No re-read starts this soon after a key or click: the reviewer's work goes first...
QUIET_SECONDS = 1.0
# ...but one who never pauses still sees the others' work this often.
STALE_SECONDS_AT_MOST = 30.0
# How long a read or write of the screen waits for another process's lock before it is
# told (a read) or kept waiting (a write): a key is never held up for longer.
UI_BUSY_MS = 100


def lenient_text(value: bytes) -> str:
    """Text a script stored as bytes that are not UTF-8 reads with stand-ins, not as an error."""
    return value.decode("utf-8", "replace")


class ReviewCommands(Provider):
    """The review screen's keys in the command palette, titles shown literally (a status
    label is configuration text: never parsed as markup)."""

    def commands(self) -> list[tuple[str, Content, Callable[[], object]]]:
        app = self.app
        return app.review_commands() if isinstance(app, ReviewApp) and self.screen is app.review else []

    async def discover(self) -> Hits:
        for title, prompt, run in self.commands():
            yield DiscoveryHit(prompt, run, text=title)

    async def search(self, query: str) -> Hits:
        matcher = self.matcher(query)
        for title, prompt, run in self.commands():
            score = matcher.match(title)
            if score > 0:
                yield Hit(score, prompt, run, text=title)


class ReviewApp(App):
    """Review claims and quotes on the database at ``db_path``.

    ``keymap`` maps binding ids (:data:`~.keys.KEYS`) to the keys that run them instead
    of their default; an unknown id or a clash raises :class:`~.keys.KeymapError`. A
    database that cannot be opened or read raises :class:`~workbench.store.database.DatabaseError`.
    """

    TITLE = "workbench review"
    CSS_PATH = "app.tcss"
    BINDINGS = bindings("app")
    COMMANDS = App.COMMANDS | {ReviewCommands}

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
        self._stale_since: float | None = None  # when another connection's commit was first seen
        self._reloading: tuple[float, float] | None = None  # process CPU time and clock when the re-read began
        self._reload_cost: float | None = None  # CPU seconds the last re-read took
        self._credit = float(RELOAD_BURST)  # re-reads that may start now
        self._credit_at = 0.0
        self._last_input = -math.inf
        self.db = open_db(self.db_path)
        self.unresolved: list[Write] = []  # refused writes in a dialog, not answered yet
        conn = self.db.conn
        conn.text_factory = lenient_text
        try:
            conn.execute(f"PRAGMA busy_timeout = {UI_BUSY_MS}")
            # Read here, before the app runs, so that an unreadable database is one error.
            self._version = self._data_version()
            self._start = (Vocabulary(statuses(conn)), Changes(conn))
        except sqlite3.Error as error:
            conn.close()
            raise explain(error, self.db_path) from None
        self.review: ReviewScreen  # made by get_default_screen(), when the app starts

    def get_default_screen(self) -> ReviewScreen:
        marker = Marker(self.db, self.reviewer, reopen=self._open_writer)
        self.review = ReviewScreen(self.db, marker, self.open_reader, self.key_display, *self._start)
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
        conn.text_factory = lenient_text
        conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
        return conn

    def _open_writer(self) -> Database:
        """A connection for one write, once the UI connection turned out read-only
        (see :class:`~.marking.Marker`)."""
        db = open_db(self.db_path, create=False)
        db.conn.text_factory = lenient_text
        db.conn.execute(f"PRAGMA busy_timeout = {UI_BUSY_MS}")
        return db

    def _data_version(self) -> int:
        """Moves when another connection commits (never for our own writes); ``_version``
        is the one the screen last re-read at."""
        return self.db.conn.execute("PRAGMA data_version").fetchone()[0]

    async def on_event(self, event: events.Event) -> None:
        if isinstance(event, (events.Key, events.MouseDown)):
            self._last_input = time.monotonic()
        await super().on_event(event)

    def _poll(self) -> None:
        now = time.monotonic()
        self._reload_done(now)
        try:
            version = self._data_version()
        except sqlite3.Error:
            return  # locked by another process: the next poll looks again
        if version == self._version or self._reloading is not None or self._earned(now) < 1:
            return  # every commit since is read by the next re-read: one for all of them
        self._stale_since = self._stale_since or now
        if now - self._last_input < QUIET_SECONDS and now - self._stale_since < STALE_SECONDS_AT_MOST:
            return
        self._version, self._stale_since = version, None
        self._credit -= 1
        self._reloading = (time.process_time(), now)
        self.review.reload()

    def _earned(self, now: float) -> float:
        """The re-reads that may start now: one more for each 1/RELOAD_SHARE times the last one's cost."""
        if self._reload_cost is not None:
            self._credit = min(RELOAD_BURST, self._credit + (now - self._credit_at) * RELOAD_SHARE / self._reload_cost)
        self._credit_at = now
        return self._credit

    def _reload_done(self, now: float) -> None:
        """Once the re-read's workers are done, what it cost sets how soon the next ones may start."""
        if self._reloading is None:
            return
        cpu, began = self._reloading
        if any(worker.is_running for worker in self.workers) and now - began < STALE_SECONDS_AT_MOST:
            return
        self._reload_cost = max(time.process_time() - cpu, 0.001)  # every thread's, drawing included
        self._reloading = None

    def action_reload(self) -> None:
        self.review.reload()
        self.notify("Reloaded.")

    def action_help(self) -> None:
        self.push_screen(HelpScreen(self.review.vocabulary, self.key_display))

    def get_system_commands(self, screen: Screen) -> Iterable[SystemCommand]:
        """Textual's own commands but those the review screen has (help, quit): each command once."""
        ours = {key.description for key in KEYS}
        return [command for command in super().get_system_commands(screen) if command.title not in ours | {"Keys"}]

    def key_display(self, key: Key) -> str:
        """The key that runs ``key`` now, as the footer writes it."""
        return shown_key(self, key, self.keymap)

    def review_commands(self) -> list[tuple[str, Content, Callable[[], object]]]:
        """The palette's commands on the review screen: ``(title, prompt, run)``, the key in the prompt."""
        review = self.review
        targets = {"app": self, "screen": review, "list": review.item_list, "links": review.links.member_list}
        commands = []
        for key in KEYS:
            position = key.mark_position
            if not key.palette or (position is not None and position >= len(review.vocabulary)):
                continue
            title = key.description if position is None else f"Mark as {review.vocabulary[position].label}"
            prompt = Content.assemble(title, (f"  key {visible(self.key_display(key))}", "dim"))
            commands.append((title, prompt, partial(self.run_action, key.action, targets[key.scope])))
        return commands

    # Nothing the reviewer asked for is lost

    def on_waiting_writes_refused(self, message: WaitingWrites.Refused) -> None:
        write = message.write
        self.unresolved.append(write)
        if isinstance(message.error, StaleReview):
            self._offer_again(write)
        else:
            shown = not_saved_message(write, str(message.error), self.review.vocabulary)
            self.push_screen(ChoiceScreen(shown, [("o", "OK")]), lambda _: self.unresolved.remove(write))

    def _offer_again(self, write: Write) -> None:
        """The conflict dialog: apply ``write`` on top of what the items have now, edit its note, or discard it."""
        review = self.review
        try:
            current = review.marker.current([target.item_id for target in write.targets])
        except sqlite3.Error:
            current = None

        def answer(key: str | None) -> None:
            if key != "d" and current is None:
                self._offer_again(write)  # what the items have now could not be read: read again
                return
            self.unresolved.remove(write)
            again = on_top(write, current) if current is not None else write
            if key == "a":
                review.writes.submit(again)
            elif key == "e":
                saved = current.get(again.targets[0].item_id, {}).get("note")
                box = NoteScreen(again.targets[0], saved, write.targets[0].note)
                self.push_screen(box, lambda edited: edited and review.writes.submit(edited))
            else:
                self.notify(f"Discarded: {describe(write, review.vocabulary)}.", markup=False)

        self.push_screen(ConflictScreen(write, current, review.vocabulary), answer)

    def unsaved(self) -> list[tuple[Write, str]]:
        """What the reviewer asked for that is not in the database, and why: writes waiting
        for it, refused ones in a dialog, a note typed in an open note box."""
        waiting = self.review.writes.waiting
        why = (waiting[0].waiting or "not written yet") if waiting else ""
        return [
            *((write, why) for write in waiting),
            *((write, "refused, not answered") for write in self.unresolved),
            *(
                (box.unsaved, "typed, not submitted")
                for box in self.screen_stack
                if isinstance(box, NoteScreen) and box.unsaved
            ),
        ]

    async def action_quit(self) -> None:
        unsaved = self.unsaved()
        if not unsaved:
            self.exit()
            return
        message = Text(f"{len(unsaved)} of your changes {'is' if len(unsaved) == 1 else 'are'} NOT saved:\n\n", "bold")
        for write, why in unsaved[:10]:
            message.append_text(literal(f"• {describe(write, self.review.vocabulary)} ({why})")).append("\n")
        message.append("\nQuit anyway? Each is listed when the app has closed, with the command that saves it.")
        self.push_screen(
            ChoiceScreen(message, [("s", "Stay"), ("q", "Quit anyway")], escape="s"),
            lambda key: key == "q" and self.exit(),
        )

    def unsaved_report(self) -> list[str]:
        """One line for each change of the reviewer's that is not saved, with the
        ``workbench`` command that would save it (for the command line to print at exit)."""
        if not hasattr(self, "review"):
            return []
        return [
            f"not saved ({why}): {describe(write, self.review.vocabulary)}; to save it: {shlex.join(command)}"
            for write, why in self.unsaved()
            for command in command_line(write, str(self.db_path), self.reviewer)
        ]
