"""The reviewer's writes, without Textual: marks, notes, undos and link decisions.

Every mark goes through :func:`workbench.store.reviews.mark` with the review the reviewer
was shown, so a mark on an item someone else changed meanwhile is refused
(:class:`~workbench.store.reviews.StaleReview`) instead of overwriting their verdict. The
marks of one action (one key, one cluster verdict) are one transaction and one undo.

Nothing the reviewer asked for is dropped on the way: a write the database cannot take now
(busy, read-only, full, failing) waits in the :class:`WriteQueue`, in order, and is tried
again; one that is refused comes back whole, with the note that was typed, to be shown and
offered again.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Callable
from dataclasses import dataclass, field, replace

from sqlite_utils import Database

from ..link import LinkError, set_link_state
from ..store.database import (
    SQLITE_AUTH,
    SQLITE_BUSY,
    SQLITE_CANTOPEN,
    SQLITE_FULL,
    SQLITE_LOCKED,
    SQLITE_PERM,
    SQLITE_READONLY,
    DatabaseError,
    affects_one_write,
    write_transaction,
)
from ..store.reviews import ReviewError, mark
from .rows import Row
from .statuses import Vocabulary
from .text import short_words, visible


class Keep:
    """The note the item has when the write is made (a status mark keeps the item's note)."""

    def __repr__(self) -> str:
        return "KEEP"


KEEP = Keep()
SUBJECT_CHARS = 60  # of an item's text, to name it in a message
TITLE_CHARS = 200  # of an item's text, to name it above the note box


@dataclass(frozen=True)
class Target:
    """One item's part of a write: the review the reviewer saw, and what they asked for."""

    num: int
    item_id: str
    text: str  # the start of the item, to name it (one character more than is shown: an ellipsis says it goes on)
    expected: int | None  # the id of the review shown (None: never reviewed)
    status: str
    note: str | Keep | None = KEEP
    restores: int | None = None  # of an undo: the review whose status and note it puts back


@dataclass
class Write:
    """One action of the reviewer that changes the database, kept until it is written.

    ``kind`` is ``mark`` (a key or a cluster verdict), ``note``, ``undo`` or ``link`` (then
    ``link`` is ``(item_a, item_b, state)`` and ``targets`` names the item it was decided on).
    """

    kind: str
    targets: tuple[Target, ...]
    link: tuple[str, str, str] | None = None
    waiting: str | None = None  # why the database did not take it yet ("database busy", ...)
    undoes: Write | None = None  # of an undo: the write it takes back


@dataclass(frozen=True)
class Change:
    """One item's status, before and after a committed mark (``review_id`` the new review)."""

    num: int
    before: str
    after: str
    review_id: int | None = field(default=None, compare=False)


def target(row: Row, status: str, note: str | Keep | None = KEEP) -> Target:
    """What marking ``row`` (as it was shown) with ``status`` and ``note`` asks for."""
    return Target(row.num, row.id, row.text[: TITLE_CHARS + 1], row.review_id, status, note)


def quoted(text: str, chars: int = SUBJECT_CHARS) -> str:
    """``text`` in quotes, shown literally and cut to ``chars`` at the end of a word."""
    return f"“{short_words(text, chars)}”"


def describe(write: Write, vocabulary: Vocabulary) -> str:
    """The write in words, for the reviewer: ``your mark False on “The park …”``."""
    first = write.targets[0]
    on = quoted(first.text) if len(write.targets) == 1 else f"{len(write.targets)} items"
    if write.kind == "link":
        return f"your link decision ({write.link[2]}) on {on}"
    if write.kind == "note":
        return f"your note {quoted(first.note or '', 200) if first.note else '(cleared)'} on {on}"
    if write.kind == "undo" and write.undoes is not None:
        return f"your undo of {describe(write.undoes, vocabulary).removeprefix('your ')}"
    words = "your undo (back to {})" if write.kind == "undo" else "your mark {}"
    return f"{words.format(vocabulary.label(first.status))} on {on}"


def undone(undo: Write, vocabulary: Vocabulary) -> str:
    """What an undo that was just made took back, and what is there again, in words."""
    done, first = undo.undoes, undo.targets[0]
    what = describe(done, vocabulary).removeprefix("your ") if done is not None else "the last change"
    if undo.link is not None:
        again = f"the link is {undo.link[2]} again"
    elif done is not None and done.kind == "note":
        again = f"the note is {quoted(first.note, 200)} again" if first.note else "the item has no note again"
    elif len(undo.targets) == 1:
        again = f"back to {vocabulary.label(first.status)}"
    else:
        again = "each item back to the status it had"
    return f"Undone: {what}; {again}."


def waiting_reason(error: sqlite3.Error) -> str:
    """Why the database did not take a write, in a few words."""
    code = (getattr(error, "sqlite_errorcode", None) or 0) & 0xFF
    if code in (SQLITE_BUSY, SQLITE_LOCKED):
        return "database busy"
    if code in (SQLITE_READONLY, SQLITE_CANTOPEN, SQLITE_PERM, SQLITE_AUTH):
        return "read-only"
    if code == SQLITE_FULL:
        return "disk full"
    return f"cannot write ({visible(str(error))})"


class Marker:
    """Records one reviewer's writes on a database and keeps, for undo, what each mark replaced."""

    def __init__(self, db: Database, reviewer: str, reopen: Callable[[], Database] | None = None) -> None:
        self.db = db
        self.reviewer = reviewer
        self.undo_stack: list[Write] = []  # the write that takes back each mark, latest last
        # A connection opened while the file was read-only stays so when it is made writable:
        # once ``db`` refuses as read-only, each write opens a connection of its own.
        self.reopen = reopen
        self.read_only = False

    def notes(self, rows: list[Row]) -> dict[str, str | None]:
        """The current note of each of ``rows`` that has one, by item id."""
        ids = [row.review_id for row in rows if row.review_id is not None]
        return dict(
            self.db.execute(
                "SELECT item_id, note FROM reviews WHERE id IN (SELECT value FROM json_each(?))", [json.dumps(ids)]
            ).fetchall()
        )

    def current(self, item_ids: list[str], db: Database | None = None) -> dict[str, dict]:
        """Each item's latest review as it is now: ``review_id``, ``status``, ``note``, ``reviewer``, ``created_at``."""
        found = (db or self.db).execute(
            "SELECT items.id, items.review_id, items.status, reviews.note, reviews.reviewer, reviews.created_at "
            "FROM items LEFT JOIN reviews ON reviews.id = items.review_id "
            "WHERE items.id IN (SELECT value FROM json_each(?))",
            [json.dumps(item_ids)],
        )
        keys = ("review_id", "status", "note", "reviewer", "created_at")
        return {item_id: dict(zip(keys, values)) for item_id, *values in found}

    def write(self, write: Write) -> list[Change]:
        """Make ``write`` in one transaction; a mark or a note becomes one undo.

        Raises :class:`~workbench.store.reviews.StaleReview` if any item changed since it
        was shown (nothing is written then), another ``ReviewError`` or a ``LinkError``
        when it is refused, ``sqlite3.Error`` when the database cannot take it now.
        """
        if not self.read_only or self.reopen is None:
            try:
                return self._write(self.db, write)
            except sqlite3.Error as error:
                if self.reopen is None or waiting_reason(error) != "read-only":
                    raise
                self.read_only = True
        db = self.reopen()
        try:
            return self._write(db, write)
        finally:
            db.close()

    def _write(self, db: Database, write: Write) -> list[Change]:
        if write.link is not None:
            self._decide(db, write)
            return []
        with write_transaction(db):
            current = self.current([target.item_id for target in write.targets], db)
            results = [
                mark(
                    db,
                    target.item_id,
                    target.status,
                    note=current.get(target.item_id, {}).get("note") if target.note is KEEP else target.note,
                    reviewer=self.reviewer,
                    expected=target.expected,
                )
                for target in write.targets
            ]
            if write.kind == "undo":  # the history says which review each undo takes back
                for target, result in zip(write.targets, results):
                    db.execute("UPDATE reviews SET undoes = ? WHERE id = ?", [target.expected, result.review_id])
        changes = [
            Change(target.num, result.previous_status, result.status, result.review_id)
            for target, result in zip(write.targets, results)
        ]
        if write.kind == "undo":
            # The undos below this one expect the reviews it put back, which it made anew.
            restored = {
                (target.item_id, target.restores): change.review_id for target, change in zip(write.targets, changes)
            }
            for undo in self.undo_stack:
                retarget(undo, restored)
        else:
            self.undo_stack.append(
                Write(
                    "undo",
                    tuple(
                        replace(
                            target,
                            expected=result.review_id,
                            status=result.previous_status,
                            note=current[target.item_id]["note"],
                            restores=target.expected,
                        )
                        for target, result in zip(write.targets, results)
                    ),
                    undoes=write,
                )
            )
        return changes

    def _decide(self, db: Database, write: Write) -> None:
        """A link decision; one the reviewer made (not an undo) becomes an undo that puts the link's state back."""
        item_a, item_b, _state = write.link
        with write_transaction(db):
            before = db.execute(
                "SELECT state FROM links WHERE item_a = ? AND item_b = ?", sorted((item_a, item_b))
            ).fetchone()
            set_link_state(db, *write.link, reviewer=self.reviewer)
        if write.kind != "undo" and before is not None:
            self.undo_stack.append(Write("undo", write.targets, link=(item_a, item_b, before[0]), undoes=write))


def retarget(write: Write, made: dict[tuple[str, int | None], int | None]) -> None:
    """Make ``write`` expect, on each item, the review ``made`` maps its (item id, expected review) to."""
    write.targets = tuple(
        replace(target, expected=made[found]) if (found := (target.item_id, target.expected)) in made else target
        for target in write.targets
    )


def on_top(write: Write, current: dict[str, dict]) -> Write:
    """``write`` asked for again over the reviews the items have now (``current``, from
    :meth:`Marker.current`): a note keeps the status someone else gave."""
    return Write(
        write.kind,
        tuple(
            replace(
                target,
                expected=current.get(target.item_id, {}).get("review_id"),
                status=current.get(target.item_id, {}).get("status", target.status)
                if write.kind == "note"
                else target.status,
            )
            for target in write.targets
        ),
        write.link,
    )


def command_line(write: Write, db_path: str, reviewer: str) -> list[list[str]]:
    """The ``workbench`` commands that would make ``write`` (one that was not saved)."""
    if write.link is not None:
        return [["workbench", "link-state", *write.link, "--reviewer", reviewer, "--db", db_path]]
    return [
        ["workbench", "mark", target.item_id, target.status]
        + (["--note", target.note] if isinstance(target.note, str) else [])
        + ["--reviewer", reviewer, "--db", db_path]
        for target in write.targets
    ]


class WriteQueue:
    """The writes the database has not taken yet, oldest first, tried in that order."""

    def __init__(self, marker: Marker) -> None:
        self.marker = marker
        self.waiting: list[Write] = []

    def add(self, write: Write) -> None:
        self.waiting.append(write)

    def cancel_last(self) -> Write | None:
        """Take back the latest write not made yet (an undo goes back on the undo stack)."""
        if not self.waiting:
            return None
        write = self.waiting.pop()
        if write.kind == "undo":
            self.marker.undo_stack.append(write)
        return write

    def flush(self) -> list[tuple[Write, list[Change] | ReviewError | LinkError]]:
        """Make the waiting writes in order: each one made (with its changes) or refused
        (with the error) is returned and leaves the queue. The first one the database
        cannot take now stops the flush and stays first, ``waiting`` saying why."""
        done: list[tuple[Write, list[Change] | ReviewError | LinkError]] = []
        while self.waiting:
            write = self.waiting[0]
            try:
                outcome: list[Change] | ReviewError | LinkError = self.marker.write(write)
            except (ReviewError, LinkError) as error:
                outcome = error
            except sqlite3.Error as error:
                if not affects_one_write(error):
                    write.waiting = waiting_reason(error)
                    break
                outcome = ReviewError(f"the database refused it ({visible(str(error))})")
            except DatabaseError as error:  # a connection of its own could not be opened
                write.waiting = visible(str(error))
                break
            self.waiting.pop(0)
            if isinstance(outcome, list):
                self._follow(write, outcome)
            done.append((write, outcome))
        return done

    def _follow(self, written: Write, changes: list[Change]) -> None:
        """Writes queued after ``written`` on the same items were asked for on top of it:
        they now expect the reviews it made, not the ones it replaced."""
        made = {(target.item_id, target.expected): change.review_id for target, change in zip(written.targets, changes)}
        for write in self.waiting:
            retarget(write, made)
