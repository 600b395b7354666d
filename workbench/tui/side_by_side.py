"""Two wordings in two columns, the words that differ highlighted (quote drift, a text changed since its review)."""

from __future__ import annotations

from rich.table import Table
from rich.text import Text

from ..link import word_diff
from .text import literal


def side_by_side(text_a: str, text_b: str, headers: tuple[str, str]) -> Table:
    """``text_a`` and ``text_b`` under ``headers``, with the words that differ highlighted."""
    left, right = Text(), Text()
    for tag, a_words, b_words in word_diff(text_a, text_b):
        changed = tag != "equal"
        if a_words:
            left.append_text(literal(a_words, "bold white on dark_red" if changed else ""))
            left.append(" ")
        if b_words:
            right.append_text(literal(b_words, "bold white on dark_green" if changed else ""))
            right.append(" ")
    table = Table(expand=True, show_edge=False, box=None, padding=(0, 1))
    table.add_column(headers[0], ratio=1, header_style="bold dim")
    table.add_column(headers[1], ratio=1, header_style="bold dim")
    table.add_row(left, right)
    return table
