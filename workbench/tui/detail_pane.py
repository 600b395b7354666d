"""The detail pane: everything about the highlighted item."""

from __future__ import annotations

from rich.console import Group, RenderableType
from rich.table import Table
from rich.text import Text
from textual.containers import VerticalScroll
from textual.widgets import Static

from ..model import figure_text
from .detail_query import Detail
from .statuses import Status
from .text import literal


def _field(label: str, value: Text | str) -> Text:
    return Text.assemble((f"{label:<11}", "bold dim"), value)


def _number(number: dict) -> Text:
    return Text.assemble(
        literal(figure_text(number.get("value"), number.get("unit")), "bold"),
        literal(f" ← {number.get('text', '')!s}", "dim"),
    )


def render_detail(detail: Detail, statuses: dict[str, Status]) -> RenderableType:
    row = detail.row
    status = statuses.get(row.status)
    head = Text()
    head.append(row.kind.upper(), style="bold cyan" if row.kind == "quote" else "bold blue")
    head.append("  ")
    head.append(status.label if status else row.status, style=f"bold reverse {status.color}" if status else "bold")
    head.append(f"  check-worthiness {row.score:.2f}", style="dim")
    parts: list[RenderableType] = [head]
    if detail.text_changed:
        parts.append(
            Text("⚠ the text changed since the last review: check the verdict still holds", style="bold yellow")
        )
    parts += [Text(), literal(detail.row.text, "bold", newlines=True), Text()]
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
    if detail.numbers:
        numbers = Text()
        for index, number in enumerate(detail.numbers):
            numbers.append_text(Text("; " if index else "")).append_text(_number(number))
        parts.append(_field("numbers", numbers))
    paragraph = literal(detail.paragraph, "dim", newlines=True)
    start, end = detail.highlight
    paragraph.stylize("not dim bold reverse", max(start, 0), max(end, 0))
    parts += [Text(), Text(f"paragraph {detail.paragraph_no + 1}", style="bold dim"), paragraph]
    parts += [Text(), Text("history", style="bold dim")]
    if detail.history:
        table = Table.grid(padding=(0, 1))
        for review in detail.history:
            review_status = statuses.get(review["status"])
            table.add_row(
                Text((review["created_at"] or "")[:19].replace("T", " "), style="dim"),
                literal(review["reviewer"] or "?"),
                Text(
                    review_status.label if review_status else review["status"],
                    style=review_status.color if review_status else "",
                ),
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

    def show(self, detail: Detail | None, statuses: dict[str, Status]) -> None:
        self.num = detail.row.num if detail else None
        self.body.update(render_detail(detail, statuses) if detail else Text("No item.", style="dim"))
        self.scroll_home(animate=False)
