"""The one-line bars: items per status, the filter in words, and the writes still waiting."""

from __future__ import annotations

from rich.text import Text
from textual.message import Message
from textual.widgets import Static

from .filters import SORTS, Filter
from .marking import Change, Write, WriteQueue, describe
from .statuses import Vocabulary, reviewed_count
from .text import literal, short

RETRY_SECONDS = 1.0  # between tries of a write the database did not take


class CountsBar(Static):
    """Items per status, how many have a verdict, and who is reviewing."""

    def show(self, counts: dict[str, int], vocabulary: Vocabulary, reviewer: str) -> None:
        total = sum(counts.values())
        reviewed = reviewed_count(counts, vocabulary)
        line = Text(no_wrap=True, overflow="ellipsis")
        for status in vocabulary:
            line.append(" ").append_text(status.text()).append(" ")
            line.append(f"{counts.get(status.id, 0):,} ")
        line.append(" │ ", style="dim")
        line.append(f"reviewed {reviewed:,} / {total:,}", style="bold")
        if total:
            line.append(f" ({reviewed / total:.1%})", style="dim")
        line.append(" │ ", style="dim")
        line.append_text(literal(reviewer, "italic"))
        self.update(line)


class FilterBar(Static):
    """The filter and sort in words, and how many items they list (``+`` while counting)."""

    def show(self, filter_: Filter, vocabulary: Vocabulary, shown: int, complete: bool) -> None:
        f = filter_
        parts = [f"sort: {SORTS[f.sort]}"]
        parts += [f"kind: {f.kind}"] if f.kind else []
        parts += [f"status: {vocabulary.label(f.status)}"] if f.status else []
        parts += [f"source: {short(f.source_label or f.source, 60)}"] if f.source else []
        parts += [f"speaker: {short(f.speaker, 60)}"] if f.speaker else []
        parts += ["has links"] if f.has_links else []
        parts += ["has drift"] if f.has_drift else []
        line = Text(no_wrap=True, overflow="ellipsis").append_text(literal(" · ".join(parts)))
        noun = "item" if shown == 1 else "items"
        line.append(
            f"   {shown:,} {noun}" if complete else f"   {shown:,}+ items, counting…",
            style="bold" if complete else "dim",
        )
        self.update(line)


class WaitingWrites(Static):
    """The reviewer's writes on their way to the database, and the bar of those still waiting.

    Every write is submitted here and made at once when the database takes it; one it
    cannot take now (busy, read-only, full) is kept in order, shown (the first, why, how
    many more) and tried again every :data:`RETRY_SECONDS`. The screen hears of each write
    made (:class:`Written`) or refused (:class:`Refused`), and when what waits changed
    (:class:`Changed`). Hidden while nothing waits.
    """

    class Written(Message):
        def __init__(self, write: Write, changes: list[Change]) -> None:
            super().__init__()
            self.write, self.changes = write, changes

    class Refused(Message):
        def __init__(self, write: Write, error: Exception) -> None:
            super().__init__()
            self.write, self.error = write, error

    class Changed(Message):
        """The writes waiting are not the same as before."""

    def __init__(self, queue: WriteQueue, vocabulary: Vocabulary, **kwargs) -> None:
        super().__init__(**kwargs)
        self.queue = queue
        self.vocabulary = vocabulary
        self._told: str | None = None  # why writes wait, as last told

    @property
    def waiting(self) -> list[Write]:
        return self.queue.waiting

    def on_mount(self) -> None:
        self.display = False
        self._retry = self.set_interval(RETRY_SECONDS, self.flush, pause=True)

    def submit(self, write: Write) -> bool:
        """Make ``write`` now, or keep it waiting; False when it was refused."""
        self.queue.add(write)
        return self.flush(write)

    def cancel_last(self) -> Write | None:
        """Take back the latest write not made yet."""
        write = self.queue.cancel_last()
        if write is not None:
            self._show()
        return write

    def flush(self, submitted: Write | None = None) -> bool:
        """Make what waits, in order; False when ``submitted`` was refused."""
        accepted, waited = True, 0
        outcomes = self.queue.flush()
        for write, outcome in outcomes:
            if isinstance(outcome, list):
                waited += write.waiting is not None
                self.post_message(self.Written(write, outcome))
            else:
                accepted = accepted and write is not submitted
                self.post_message(self.Refused(write, outcome))
        if waited:
            self.notify(f"Saved now: {waited} change{'s' if waited > 1 else ''} that waited for the database.")
        if outcomes or submitted is not None:
            self._show()
        return accepted

    def _show(self) -> None:
        waiting = self.waiting
        self.post_message(self.Changed())
        reason = waiting[0].waiting if waiting else None
        self.display = bool(waiting)
        if waiting:
            self._retry.resume()
        else:
            self._retry.pause()
        if reason is not None:
            busy = reason == "database busy"
            count = f"{len(waiting)} change{'s' if len(waiting) > 1 else ''}"
            line = Text(no_wrap=True, overflow="ellipsis")
            line.append(f"{'⧗' if busy else '✘'} {reason}: {count} ", style="bold")
            line.append("waiting" if busy else "NOT saved", style="bold")
            line.append_text(literal(f" · {describe(waiting[0], self.vocabulary)}"))
            line.append(" · tried again every second; quitting lists what is not saved", style="dim")
            self.update(line)
            if reason != self._told:
                told = "it is saved as soon as the database frees up" if busy else "it is kept and tried again"
                self.notify(
                    f"{reason}: {describe(waiting[0], self.vocabulary)} is {'waiting' if busy else 'NOT saved'}; {told}.",
                    severity="warning",
                    markup=False,
                    timeout=8,
                )
        self._told = reason
