"""The one-line bars above the list: items per status, and the filter in words."""

from __future__ import annotations

from rich.text import Text
from textual.widgets import Static

from .filters import SORTS, Filter
from .statuses import Status, reviewed_count
from .text import literal


class CountsBar(Static):
    """Items per status, how many have a verdict, and who is reviewing."""

    def show(self, counts: dict[str, int], vocabulary: list[Status], reviewer: str) -> None:
        total = sum(counts.values())
        reviewed = reviewed_count(counts, vocabulary)
        line = Text(no_wrap=True, overflow="ellipsis")
        for status in vocabulary:
            line.append(f" {status.label} ", style=f"bold {status.color}")
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

    def show(self, filter_: Filter, by_id: dict[str, Status], shown: int, complete: bool) -> None:
        f = filter_
        parts = [f"sort: {SORTS[f.sort]}"]
        parts += [f"kind: {f.kind}"] if f.kind else []
        parts += [f"status: {by_id[f.status].label if f.status in by_id else f.status}"] if f.status else []
        parts += [f"source: {f.source_label or f.source}"] if f.source else []
        parts += [f"speaker: {f.speaker}"] if f.speaker else []
        parts += ["has links"] if f.has_links else []
        parts += ["has drift"] if f.has_drift else []
        line = literal(" · ".join(parts))
        noun = "item" if shown == 1 else "items"
        line.append(
            f"   {shown:,} {noun}" if complete else f"   {shown:,}+ items, counting…",
            style="bold" if complete else "dim",
        )
        self.update(line)
