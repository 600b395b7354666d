"""The detail pane: everything about the highlighted item, as much of it as fits a bounded window."""

from __future__ import annotations

from rich.console import Group, RenderableType
from rich.table import Table
from rich.text import Text
from textual.containers import VerticalScroll
from textual.widgets import Static

from ..model import figure_text
from .detail_query import Detail
from .marking import Write, describe
from .rows import ROW_TEXT_CHARS
from .statuses import Vocabulary
from .text import literal


def _field(label: str, value: Text | str) -> Text:
    return Text.assemble((f"{label:<11}", "bold dim"), value)


def _number(number: dict) -> Text:
    return Text.assemble(
        literal(figure_text(number.get("value"), number.get("unit")), "bold"),
        literal(f" ← {number.get('text', '')!s}", "dim"),
    )


def waiting_line(waiting: list[Write], num: int, vocabulary: Vocabulary) -> Text | None:
    """What of the reviewer's on item ``num`` the database has not taken yet, as one line."""
    for write in waiting:
        if any(target.num == num for target in write.targets):
            line = Text(f"⧗ not saved yet ({waiting[0].waiting or 'waiting'}): ", style="bold yellow")
            return line.append_text(literal(describe(write, vocabulary)))
    return None


def render_detail(detail: Detail, vocabulary: Vocabulary, pending: Text | None = None) -> RenderableType:
    """The pane's content; ``pending`` says what of the reviewer's is not written yet."""
    row = detail.row
    head = Text()
    head.append_text(literal(row.kind.upper(), "bold cyan" if row.kind == "quote" else "bold blue"))
    head.append("  ")
    head.append_text(vocabulary.get(row.status).text("bold reverse"))
    head.append(f"  check-worthiness {row.score:.2f}", style="dim")
    parts: list[RenderableType] = [head]
    if pending is not None:
        parts.append(pending)
    if detail.text_changed:
        parts.append(
            Text("⚠ the text changed since the last review: check the verdict still holds", style="bold yellow")
        )
    parts += [Text(), literal(detail.row.text, "bold", newlines=True)]
    if row.text_cut:
        parts.append(
            Text(f"✂ cut: only the first {ROW_TEXT_CHARS:,} characters of this item are shown", style="yellow")
        )
    parts.append(Text())
    if row.speaker or detail.role:
        who = literal(row.speaker or "—", "italic")
        if detail.role:
            who.append_text(literal(f", {detail.role}"))
        if detail.cue or detail.attribution:
            who.append_text(literal(f"  ({' '.join(filter(None, (detail.attribution, detail.cue)))})", "dim"))
        parts.append(_field("speaker", who))
    source = literal(detail.title or detail.path, "bold")
    if detail.outlet:
        source.append_text(literal(f" — {detail.outlet}"))
    parts.append(_field("source", source))
    if detail.published:
        parts.append(_field("date", literal(detail.published)))
    if detail.url:
        parts.append(_field("url", literal(detail.url, "underline")))
    if detail.note:
        parts.append(_field("note", literal(detail.note, "yellow", newlines=True)))
    if detail.numbers or detail.numbers_cut:
        numbers = Text()
        for index, number in enumerate(detail.numbers):
            numbers.append_text(Text("; " if index else "")).append_text(_number(number))
        if detail.numbers_cut:
            numbers.append(" … more not shown", style="dim")
        parts.append(_field("numbers", numbers))
    paragraph = literal(detail.paragraph, "dim", newlines=True)
    start, end = detail.highlight
    paragraph.stylize("not dim bold reverse", max(start, 0), max(end, 0))
    if row.text_cut:
        paragraph.append("…", style="dim")
    parts += [Text(), Text(f"paragraph {detail.paragraph_no + 1}", style="bold dim"), paragraph]
    parts += [Text(), Text("history", style="bold dim")]
    if detail.earlier_reviews:
        parts.append(Text(f"… {detail.earlier_reviews:,} earlier reviews not shown", style="dim"))
    if detail.history:
        table = Table.grid(padding=(0, 1))
        for review in detail.history:
            table.add_row(
                literal((review["created_at"] or "").replace("T", " "), "dim"),
                literal(review["reviewer"] or "?"),
                vocabulary.get(review["status"]).text(""),
                literal(review["note"] or "", "italic", newlines=True),
            )
        parts.append(table)
    else:
        parts.append(Text("never reviewed", style="dim"))
    return Group(*parts)


class DetailPane(VerticalScroll):
    """Shows the highlighted item in full: text, speaker, source, paragraph, numbers, history."""

    def __init__(self, **kwargs) -> None:
        super().__init__(**kwargs)
        self.body = Static(id="detail-body")
        self.num: int | None = None  # the item shown

    def compose(self):
        yield self.body

    def show(self, detail: Detail | None, vocabulary: Vocabulary, pending: Text | None = None) -> None:
        self.num = detail.row.num if detail else None
        self.body.update(render_detail(detail, vocabulary, pending) if detail else Text("No item.", style="dim"))
        self.scroll_home(animate=False)

    def show_error(self, message: str) -> None:
        """The item could not be read (the database locked or failing): say so, one line."""
        self.num = None
        self.body.update(literal(message, "bold red"))
