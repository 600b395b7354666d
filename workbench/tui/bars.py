"""The one-line bars: items per status, the filter in words, and the writes still waiting."""

from __future__ import annotations

from collections.abc import Callable

from rich.text import Text
from textual.message import Message
from textual.widgets import Static

from .filters import SORTS, Filter
from .keys import BY_ID, Key, mark_id
from .marking import Change, Write, WriteQueue, describe
from .statuses import Vocabulary, reviewed_count
from .text import literal, short

RETRY_SECONDS = 1.0  # between tries of a write the database did not take


# Names of the others at the desk shown in the counts bar; the rest are counted.
PRESENT_NAMED = 3


class CountsBar(Static):
    """Items per status in the order of the keys that mark them, how many have a verdict,
    who is reviewing, and who else is at the desk now; at 80 columns each status is its
    key, sign and count."""

    def __init__(self, key_display: Callable[[Key], str], **kwargs) -> None:
        super().__init__(**kwargs)
        self.key_display = key_display
        self._shown: tuple[dict[str, int], Vocabulary, str, list[str]] | None = None

    def show(self, counts: dict[str, int], vocabulary: Vocabulary, reviewer: str, others: list[str]) -> None:
        self._shown = (counts, vocabulary, reviewer, others)
        self.update(self._line(self.content_size.width or 80))

    def on_resize(self) -> None:
        if self._shown is not None:
            self.update(self._line(self.content_size.width))

    def _line(self, width: int) -> Text:
        counts, vocabulary, reviewer, others = self._shown
        total = sum(counts.values())
        reviewed = reviewed_count(counts, vocabulary)
        tail = Text(" │ ", style="dim").append(f"reviewed {reviewed:,}/{total:,}", style="bold")
        if total:
            tail.append(f" ({reviewed / total:.0%})", style="dim")
        tail.append(" │ ", style="dim").append_text(literal(reviewer, "italic"))
        if others:
            named = ", ".join(others[:PRESENT_NAMED]) + (
                f" +{len(others) - PRESENT_NAMED}" if len(others) > PRESENT_NAMED else ""
            )
            tail.append(" │ also here: ", style="dim").append_text(literal(named, "italic"))
        for compact in (False, True):
            line = Text(no_wrap=True, overflow="ellipsis")
            for status in vocabulary.in_key_order():
                binding_id = mark_id(status.position)
                key = self.key_display(BY_ID[binding_id]) if binding_id else ""
                line.append(f"{key}" if compact else f" {key} ", style="dim")
                shown = Text(status.sign, style=f"bold {status.color}") if compact else status.text()
                line.append_text(shown).append(f"{'' if compact else ' '}{counts.get(status.id, 0):,} ")
            if line.cell_len + tail.cell_len - len(reviewer) + 4 <= width:
                break
        return line.append_text(tail)


class FilterBar(Static):
    """How many items the filter lists (``+`` while counting), then the filter and sort in
    words; long names are cut to fit one line, and a line that still overflows wraps (up
    to three lines): no active filter is ever hidden."""

    def show(self, filter_: Filter, vocabulary: Vocabulary, shown: int, complete: bool) -> None:
        f = filter_
        noun = "item" if shown == 1 else "items"
        count = Text(
            f"{shown:,} {noun}" if complete else f"{shown:,}+ items, counting…", style="bold" if complete else "dim"
        )
        named = [("source: ", f.source_label or f.source)] if f.source else []
        named += [("speaker: ", f.speaker)] if f.speaker else []
        fixed = [f"sort: {SORTS[f.sort]}"] if f.sort != "source" or f.is_default else []
        fixed += [f"kind: {f.kind}"] if f.kind else []
        fixed += [f"status: {vocabulary.label(f.status)}"] if f.status else []
        fixed += ["has links"] if f.has_links else []
        fixed += ["has drift"] if f.has_drift else []
        fixed += ["number conflicts"] if f.has_conflict else []
        fixed += ["checked before"] if f.checked_before else []
        room = (self.content_size.width or 80) - count.cell_len - len(" · ".join(fixed)) - 3 * (len(named) + 1)
        chars = max(8, (room - sum(len(title) for title, _ in named)) // max(len(named), 1))
        parts = fixed + [f"{title}{short(value, min(chars, 60))}" for title, value in named]
        self.update(count.append_text(literal("  " + " · ".join(parts))).append(" "))


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
