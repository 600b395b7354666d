"""Markdown verdict report: a summary, then every item with its verdict and context.

Corpus text is untrusted: every piece of it goes through :func:`escape` (or :func:`code`),
so a claim that contains Markdown or HTML syntax or a bare URL shows as text and never
becomes a link, an image, emphasis, a heading or raw HTML; links are written only for
http(s) URLs. Only what would change the rendering is escaped, so the raw file reads
like the article: "It (is) evident", "$2 billion", "1,000+" stay as they are.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import TextIO

from ..store.database import now
from ..untrusted import visible
from .checked import check_parts
from .common import (
    CUT_NOTE,
    LISTED,
    changed_text,
    conflict_text,
    conflicts_sentence,
    counted,
    filters_text,
    marked_drift,
    note_pieces,
    quoted_runs,
    safe_url,
    source_name,
    spread_sentence,
    when,
)
from .formats import ExportFormat, register
from .query import Selection
from .summary import summary

# What changes the rendering of a line of CommonMark or GitHub Markdown, wherever it stands.
_INLINE = (
    r"[`*~|@]"  # code, emphasis, strikethrough, table cells; e-mail and @mention autolinks
    r"|\\(?=[!-/:-@\[-`{-~]|$)"  # a backslash that would escape what follows
    r"|(?<![^\W_])_|_(?![^\W_])"  # an underscore at a word's edge (inside a word it is inert)
    r"|<(?=[A-Za-z/!?])"  # an HTML tag, comment or <autolink>
    r"|&(?=#?\w{1,32};)"  # an entity (&amp; &#60;)
    r"|\](?=[(\[:]|$)"  # the end of a link's text: [x](y) [x][y] [x]: y
    r"|(?:(?<=\S)|^)\$"  # a dollar that could close math ($x$); "costs $5" stays
    # What GitHub and linkify turn into links without any syntax: the ``:`` of a scheme
    # (https:, mailto:) and the ``.`` before a domain label (www.a, evil.example; not U.S.).
    r"|(?<=[^\W\d_]):(?=\S)|(?<=[Ww]{3})\.|(?<=\w)\.(?=[^\W\d_])(?![^\W\d_]\.)"
)
INLINE_SYNTAX = re.compile(_INLINE)
# In a link's own text every bracket counts.
LINK_TEXT_SYNTAX = re.compile(_INLINE + r"|[\[\]]")
# What starts a block (heading, quote, list item) when it opens a line; only the text at
# the start of a piece can, as every piece is written on one line.
BLOCK_START = re.compile(r"^(?:#(?=#{0,5}(?:\s|$))|>|[-+](?=\s|$|-))")
ORDERED = re.compile(r"^\d{1,9}(?=[.)](?:\s|$))")


def escape(text: str | None, *, syntax: re.Pattern = INLINE_SYNTAX, line_start: bool = True) -> str:
    """Corpus text as inert Markdown on one line: each character that would change the
    rendering backslash-escaped, nothing else. ``line_start=False`` for text that follows
    other text on its line (it cannot start a block)."""
    if not text:
        return ""
    text = syntax.sub(r"\\\g<0>", " ".join(visible(text).split()))
    if not line_start:
        return text
    ordered = ORDERED.match(text)
    if ordered:  # "2020. The year" would start an ordered list
        return f"{text[: ordered.end()]}\\{text[ordered.end() :]}"
    return BLOCK_START.sub(r"\\\g<0>", text)


def code(text: str | None) -> str:
    """Corpus text as a one-line code span, fenced by more backticks than it contains."""
    text = " ".join(visible(text).split())
    fence = "`" * (max(map(len, re.findall("`+", text)), default=0) + 1)
    return f"{fence} {text} {fence}" if text.startswith("`") or text.endswith("`") else f"{fence}{text}{fence}"


def link(label: str | None, url: str | None) -> str:
    """``[label](url)`` for an http(s) URL, else the escaped label alone."""
    target = safe_url(url)
    if not target:
        return escape(label)
    return f"[{escape(label, syntax=LINK_TEXT_SYNTAX) or escape(target, syntax=LINK_TEXT_SYNTAX)}]({target})"


def _source(source: dict) -> str:
    details = [escape(part) for part in (source["outlet"], source["published"]) if part]
    return link(source_name(source), source["url"]) + (f" ({', '.join(details)})" if details else "")


def _table(headers: tuple[str, ...], rows, align: str) -> list[str]:
    lines = ["| " + " | ".join(headers) + " |", "| " + " | ".join("---:" if a == "r" else "---" for a in align) + " |"]
    lines += ["| " + " | ".join(str(cell) for cell in cells) + " |" for cells in rows]
    return lines + [""]


def summary_lines(selection: Selection, figures: dict) -> list[str]:
    """The summary section: totals, counts per status and source, reviewers, dates."""
    totals = figures["totals"]
    kinds = f"({counted(totals['claims'], 'claim')}, {counted(totals['quotes'], 'quote')})"
    sources = counted(totals["sources"], "source")
    if selection.filters.reviewed_only:
        opening = (
            f"**{counted(totals['items'], 'verdict')}** on {counted(totals['items'], 'item')} {kinds} from {sources}."
        )
    else:
        opening = (
            f"**{counted(totals['items'], 'item')}** {kinds} from {sources}; {totals['reviewed']:,} with a verdict."
        )
    lines = ["## Summary", "", opening, ""]
    if figures["not_shown"]:
        left_out = ", ".join(f"{escape(row['label'])} {row['count']:,}" for row in figures["not_shown"])
        lines += [f"Not in this report (no verdict yet): {left_out}; `--all` lists them.", ""]
    if totals["in_conflict"]:
        lines += [f"**Figures disagree:** {conflicts_sentence(totals)}", ""]
    if totals["clustered"]:
        lines += [spread_sentence(totals), ""]
    if figures["reviewed_from"]:
        lines += [
            f"Verdicts given from {escape(when(figures['reviewed_from']))} to {escape(when(figures['reviewed_to']))}.",
            "",
        ]
    if figures["published_from"]:
        lines += [
            f"Sources published from {escape(figures['published_from'])} to {escape(figures['published_to'])}.",
            "",
        ]
    statuses = [row for row in figures["by_status"] if row["verdict"] or not selection.filters.reviewed_only]
    lines += ["### By status", ""] + _table(
        ("Status", "Items"), ((escape(row["label"]), f"{row['count']:,}") for row in statuses), "lr"
    )
    lines += ["### By source", ""] + _table(
        ("Source", "Items", "With a verdict"),
        ((_source(row), f"{row['items']:,}", f"{row['reviewed']:,}") for row in figures["by_source"]),
        "lrr",
    )
    if figures["more_sources"]:
        lines += [f"… and {figures['more_sources']:,} more sources.", ""]
    if figures["reviewers"]:
        lines += ["### Reviewers", ""] + _table(
            ("Reviewer", "Current verdicts", "First", "Last"),
            (
                (
                    escape(row["reviewer"]) or "(unknown)",
                    f"{row['items']:,}",
                    escape(when(row["first"])),
                    escape(when(row["last"])),
                )
                for row in figures["reviewers"]
            ),
            "lrll",
        )
    return lines


def _one_line(runs: list[tuple[str, Callable[[str], str]]]) -> str:
    """Runs of untrusted text on one line, each escaped then shaped by its function, the
    spaces between them kept."""
    parts = []
    for index, (run, shape) in enumerate(runs):
        words = escape(run, line_start=index == 0)
        spaced = (" " if index and run[:1].isspace() else "") + (shape(words) if words else "")
        parts.append(spaced + (" " if run[-1:].isspace() else ""))
    return "".join(parts).strip()


def marked_text(item: dict) -> str:
    """The item's text, escaped, with the words it quotes from its speaker in italics."""
    return _one_line([(run, "*{}*".format if quoted else str) for run, quoted in quoted_runs(item)])


def note_text(note: str) -> str:
    """A reviewer's note, escaped, with its http(s) addresses as links (``<https://…>``)."""
    return _one_line(
        [(text, (lambda _, url=target: f"<{url}>") if target else str) for text, target in note_pieces(note)]
    )


def _verdict_lines(item: dict) -> list[str]:
    verdict, review, label = item["verdict"], item["review"], escape(item["status_label"])
    if verdict is None:
        worked = ""
        if review is not None:  # a workflow state someone set, such as "in progress"
            by = f", {escape(review['reviewer'])}" if review["reviewer"] else ""
            worked = f"{by}, {escape(when(review['created_at']))}"
        return [f"- **Verdict:** none yet ({label}{worked})"]
    by = f" by {escape(verdict['reviewer'])}" if verdict["reviewer"] else ""
    lines = [f"- **Verdict:** {label}{by}, {escape(when(verdict['created_at']))}"]
    if verdict["note"]:
        lines.append(f"- **Note:** {note_text(verdict['note'])}")
    if verdict["changed"]:
        lines.append(f"- **Warning:** {changed_text(verdict['changed'])}.")
    return lines


def _cluster_lines(item: dict) -> list[str]:
    """Where else the item appears: listed under the cluster's first item in the report,
    pointed to from the others."""
    if not item["cluster_size"]:
        return []
    others = item["cluster_size"] - 1
    extent = f"{counted(item['cluster_size'], 'item')} in {counted(item['cluster_sources'], 'source')}"
    if item["cluster_lead"] != item["id"]:
        return [f"- **Also appears in:** the sources listed under {code(item['cluster_lead'])} ({extent})"]
    lines = [f"- **Also appears in** ({extent}):"]
    for member in item["cluster"][:LISTED]:
        lines.append(f"  - {_source(member['source'])}: “{escape(member['text'])}”")
        if member["text"] != item["text"]:
            marked = marked_drift(item["text"], member["text"], escape, "~~{}~~", "**{}**")
            if marked:
                lines.append(f"    - Drift: {marked}")
    if others > LISTED:
        lines.append(f"  - … and {others - LISTED:,} more")
    return lines


def _conflict_lines(item: dict) -> list[str]:
    if not item["conflicts"]:
        return []
    lines = [f"- **Figures disagree in** {counted(item['conflict_count'], 'item')}:"]
    lines += [
        f"  - {_source(conflict['source'])}: “{escape(conflict['text'])}” ({escape(conflict_text(conflict['figures']))})"
        for conflict in item["conflicts"][:LISTED]
    ]
    if item["conflict_count"] > LISTED:
        lines.append(f"  - … and {item['conflict_count'] - LISTED:,} more")
    return lines


def _checked_lines(item: dict) -> list[str]:
    lines = []
    for check in item.get("checks", ()):
        who, said, url = check_parts(check)
        lines.append(f"- **Previously checked by** {link(who, url)}: {escape(said)}")
    return lines


def item_lines(number: int, item: dict) -> list[str]:
    """One item's section."""
    kind = escape(item["kind"]) + (" (headline)" if item.get("headline") else "")
    lines = [
        f"### {number}. {escape(item['status_label'])}: {kind} {code(item['id'])}",
        "",
        f"> {marked_text(item)}",
        "",
    ]
    if item["cut"]:
        lines += [f"*{CUT_NOTE}*", ""]
    lines += _verdict_lines(item)
    if item["speaker"]:
        role = f" ({escape(item['role'])})" if item["role"] else ""
        lines.append(f"- **Speaker:** {escape(item['speaker'])}{role}")
    lines.append(f"- **Source:** {_source(item['source'])}")
    return lines + _checked_lines(item) + _cluster_lines(item) + _conflict_lines(item) + [""]


def write(selection: Selection, out: TextIO) -> int:
    """Write the Markdown report; return the number of items in it."""
    head = [f"# {escape(selection.config.title)}", "", f"Generated {when(now('seconds'))}."]
    if filters_text(selection.filters):
        head[-1] += f" Filters: {escape(filters_text(selection.filters))}."
    out.write("\n".join(head + [""] + summary_lines(selection, summary(selection)) + ["## Items", "", ""]))
    count = 0
    for count, item in enumerate(selection.items(cluster="lead", conflicts=True, checks=True), 1):
        out.write("\n".join(item_lines(count, item)) + "\n")
    if not count:
        out.write("No items match.\n")
    return count


register(ExportFormat("md", (".md", ".markdown"), write, verdicts_only=True))
