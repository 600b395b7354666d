"""The detail pane: everything about the highlighted item, as much of it as fits a bounded window."""

from __future__ import annotations

from rich.console import Group, RenderableType
from rich.table import Table
from rich.text import Text
from textual.containers import VerticalScroll
from textual.widgets import Static

from ..link import word_diff
from ..model import figure_text
from .detail_query import Detail
from .marking import Write, describe
from .rows import ROW_TEXT_CHARS
from .side_by_side import side_by_side
from .statuses import Vocabulary
from .text import literal, short

CHECK_CLAIM_CHARS = 500  # of a checked claim


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


def item_text(detail: Detail) -> Text:
    """The item's words: a quotation in segments with its attribution between them (dim), a
    claim's quoted words underlined."""
    if detail.segments:
        first, last = detail.segments[0][0], detail.segments[-1][1]
        text = literal(detail.paragraph[first:last], "dim italic", newlines=True)
        for start, end in detail.segments:
            text.stylize("not dim not italic bold", start - first, end - first)
        return text
    text = literal(detail.row.text, "bold", newlines=True)
    for start, end in detail.quoted:
        text.stylize("underline", start, end)
    return text


CHECK_BADGES = {"confirmed": ("✔ confirmed", "green"), "rejected": ("✘ rejected", "red")}


def checked_before(detail: Detail) -> list[RenderableType]:
    """Each published fact-check matched to the item: its publisher, rating and date, the
    claim it checked with the words that differ from this item's marked, and its URL."""
    parts: list[RenderableType] = [Text(), Text("checked before", style="bold dim")]
    for check in detail.checks:
        badge, colour = CHECK_BADGES.get(check["state"], ("? suggested", "yellow"))
        line = Text(f"{badge} ", style=f"bold {colour}")
        line.append_text(literal(short(check["publisher"] or check["publisher_site"] or "?", 60), "bold"))
        line.append_text(literal(f"  rated {short(check['rating'] or '?', 40)}", "bold magenta"))
        if check["review_date"]:
            line.append_text(literal(f"  {short(check['review_date'], 10)}", "dim"))
        line.append(f"  match {check['score'] or 0:.0f}", style="dim")
        claim = Text("  ")
        for tag, _ours, theirs in word_diff(detail.row.text, short(check["claim"] or "", CHECK_CLAIM_CHARS)):
            if theirs:
                claim.append_text(literal(theirs, "" if tag == "equal" else "bold white on dark_green")).append(" ")
        parts += [line, claim]
        if check["url"]:
            parts.append(literal(f"  {short(check['url'], 300)}", "underline"))
    return parts


def context(detail: Detail) -> list[RenderableType]:
    """The paragraphs before and after the item's own (dim), the item highlighted in its own."""
    paragraph = literal(detail.paragraph, "dim", newlines=True)
    for start, end in detail.segments or [detail.highlight]:
        paragraph.stylize("not dim bold reverse", max(start, 0), max(end, 0))
    if detail.row.text_cut:
        paragraph.append("…", style="dim")
    number = detail.paragraph_no + 1
    parts: list[RenderableType] = []
    if detail.before is not None:
        parts += [
            Text(),
            Text(f"paragraph {number - 1}", style="bold dim"),
            literal(detail.before, "dim", newlines=True),
        ]
    parts += [Text(), Text(f"paragraph {number}", style="bold dim"), paragraph]
    if detail.after is not None:
        parts += [
            Text(),
            Text(f"paragraph {number + 1}", style="bold dim"),
            literal(detail.after, "dim", newlines=True),
        ]
    return parts


def render_detail(detail: Detail, vocabulary: Vocabulary, pending: Text | None = None) -> RenderableType:
    """The pane's content; ``pending`` says what of the reviewer's is not written yet."""
    row = detail.row
    head = Text()
    head.append_text(literal(row.kind.upper(), "bold cyan" if row.kind == "quote" else "bold blue"))
    if detail.headline:
        head.append("  HEADLINE", style="bold magenta")
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
        if detail.reviewed_text is not None:
            parts.append(side_by_side(detail.reviewed_text, row.text, ("reviewed wording", "wording now")))
    parts += [Text(), item_text(detail)]
    if detail.segments:
        parts.append(Text(f"a quotation in {len(detail.segments)} parts, its attribution between (dim)", style="dim"))
    if detail.quoted:
        parts.append(Text("underlined: the words quoted from the speaker", style="dim"))
    if detail.piece:
        parts.append(Text("✂ part of a longer sentence or quotation, cut at a clause boundary", style="yellow"))
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
    if detail.checks:
        parts += checked_before(detail)
    parts += context(detail)
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
        self.detail: Detail | None = None

    def compose(self):
        yield self.body

    def show(self, detail: Detail | None, vocabulary: Vocabulary, pending: Text | None = None) -> None:
        self.num, self.detail = (detail.row.num if detail else None), detail
        self.body.update(render_detail(detail, vocabulary, pending) if detail else Text("No item.", style="dim"))
        self.scroll_home(animate=False)

    def show_error(self, message: str) -> None:
        """The item could not be read (the database locked or failing): say so, one line."""
        self.num = self.detail = None
        self.body.update(literal(message, "bold red"))
