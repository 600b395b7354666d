"""Markdown verdict report: a summary, then every item with its verdict and context.

Corpus text is untrusted: every piece of it goes through :func:`escape` (or
:func:`code`), so a claim that contains Markdown or HTML syntax or a bare URL shows as
text and never becomes a link, an image, emphasis or raw HTML; links are written only
for http(s) URLs.
"""

from __future__ import annotations

import re
from typing import TextIO

from ..store.database import now
from ..untrusted import visible
from .common import CUT_NOTE, changed_text, conflict_text, filters_text, safe_url, source_name, when
from .formats import ExportFormat, register
from .query import Selection, marked_drift

# Everything CommonMark or GitHub Markdown gives a meaning inline, plus ``&`` (entities).
INLINE_SYNTAX = re.compile(r"([\\`*_{}\[\]<>()#+!|~&$])")
# Markers that would start a block (heading, list, quote, rule) at the start of a line.
BLOCK_START = re.compile(r"^(\s*)([-=>+]|\d+[.)])")
# What GitHub and linkify turn into links without any syntax: the ``:`` of a scheme
# (https://, mailto:), the ``.`` before a domain label (www.evil.example, evil.example),
# and ``@`` (e-mail addresses, @mentions). Escaped, they render as themselves.
AUTOLINK = re.compile(r"@|(?<=[^\W\d_]):(?=\S)|(?<=\w)\.(?=[^\W\d_])")


def escape(text: str | None) -> str:
    """Corpus text as inert Markdown: one line, every syntax character backslash-escaped."""
    if not text:
        return ""
    text = " ".join(visible(text).split())
    text = AUTOLINK.sub(r"\\\g<0>", INLINE_SYNTAX.sub(r"\\\1", text))
    return BLOCK_START.sub(lambda match: match.group(1) + "\\" + match.group(2), text)


def code(text: str | None) -> str:
    """Corpus text as a one-line code span, fenced by more backticks than it contains."""
    text = " ".join(visible(text).split())
    fence = "`" * (max(map(len, re.findall("`+", text)), default=0) + 1)
    return f"{fence} {text} {fence}" if text.startswith("`") or text.endswith("`") else f"{fence}{text}{fence}"


def link(label: str | None, url: str | None) -> str:
    """``[label](url)`` for an http(s) URL, else the escaped label alone."""
    target = safe_url(url)
    return f"[{escape(label) or escape(target)}]({target})" if target else escape(label)


def _source(source: dict) -> str:
    details = [escape(part) for part in (source["outlet"], source["published"]) if part]
    return link(source_name(source), source["url"]) + (f" ({', '.join(details)})" if details else "")


def _table(headers: tuple[str, ...], rows, align: str) -> list[str]:
    lines = ["| " + " | ".join(headers) + " |", "| " + " | ".join("---:" if a == "r" else "---" for a in align) + " |"]
    lines += ["| " + " | ".join(str(cell) for cell in cells) + " |" for cells in rows]
    return lines + [""]


def summary_lines(selection: Selection, summary: dict) -> list[str]:
    """The summary section: totals, counts per status and source, reviewers, dates."""
    totals = summary["totals"]
    lines = [
        "## Summary",
        "",
        f"**{totals['items']:,} items** ({totals['claims']:,} claims, {totals['quotes']:,} quotes) "
        f"from {totals['sources']:,} sources; {totals['reviewed']:,} with a verdict.",
        "",
    ]
    if summary["reviewed_from"]:
        lines += [
            f"Verdicts given from {escape(when(summary['reviewed_from']))} to {escape(when(summary['reviewed_to']))}.",
            "",
        ]
    if summary["published_from"]:
        lines += [
            f"Sources published from {escape(summary['published_from'])} to {escape(summary['published_to'])}.",
            "",
        ]
    lines += ["### By status", ""] + _table(
        ("Status", "Items"), ((escape(row["label"]), f"{row['count']:,}") for row in summary["by_status"]), "lr"
    )
    lines += ["### By source", ""] + _table(
        ("Source", "Items", "With a verdict"),
        ((_source(row), f"{row['items']:,}", f"{row['reviewed']:,}") for row in summary["by_source"]),
        "lrr",
    )
    if summary["more_sources"]:
        lines += [f"… and {summary['more_sources']:,} more sources.", ""]
    if summary["reviewers"]:
        lines += ["### Reviewers", ""] + _table(
            ("Reviewer", "Current verdicts", "First", "Last"),
            (
                (
                    escape(row["reviewer"]) or "(unknown)",
                    f"{row['items']:,}",
                    escape(when(row["first"])),
                    escape(when(row["last"])),
                )
                for row in summary["reviewers"]
            ),
            "lrll",
        )
    return lines


def item_lines(number: int, item: dict) -> list[str]:
    """One item's section."""
    verdict = item["verdict"]
    lines = [
        f"### {number}. {escape(item['status_label'])}: {escape(item['kind'])} {code(item['id'])}",
        "",
        f"> {escape(item['text'])}",
        "",
    ]
    if item["cut"]:
        lines += [f"*{CUT_NOTE}*", ""]
    if verdict:
        by = f" by {escape(verdict['reviewer'])}" if verdict["reviewer"] else ""
        lines.append(f"- **Verdict:** {escape(item['status_label'])}{by}, {escape(when(verdict['created_at']))}")
        if verdict["note"]:
            lines.append(f"- **Note:** {escape(verdict['note'])}")
        if verdict["changed"]:
            lines.append(f"- **Warning:** {changed_text(verdict['changed'])}.")
    else:
        lines.append(f"- **Verdict:** none yet ({escape(item['status_label'])})")
    if item["speaker"]:
        role = f" ({escape(item['role'])})" if item["role"] else ""
        lines.append(f"- **Speaker:** {escape(item['speaker'])}{role}")
    lines.append(f"- **Source:** {_source(item['source'])}")
    if item["cluster"]:
        lines.append("- **Also appears in:**")
        for member in item["cluster"]:
            lines.append(f"  - {_source(member['source'])}: “{escape(member['text'])}”")
            if member["text"] != item["text"]:
                marked = marked_drift(item["text"], member["text"], escape, "~~{}~~", "**{}**")
                if marked:
                    lines.append(f"    - Drift: {marked}")
    if item["conflicts"]:
        lines.append("- **Figures disagree in:**")
        lines += [
            f"  - {_source(conflict['source'])}: “{escape(conflict['text'])}” "
            f"({escape(conflict_text(conflict['figures']))})"
            for conflict in item["conflicts"]
        ]
    return lines + [""]


def write(selection: Selection, out: TextIO) -> int:
    """Write the Markdown report; return the number of items in it."""
    head = [f"# {escape(selection.config.title)}", "", f"Generated {when(now('seconds'))}."]
    if filters_text(selection.filters):
        head[-1] += f" Filters: {escape(filters_text(selection.filters))}."
    out.write("\n".join(head + [""] + summary_lines(selection, selection.summary()) + ["## Items", "", ""]))
    count = 0
    for count, item in enumerate(selection.items(cluster=True, conflicts=True), 1):
        out.write("\n".join(item_lines(count, item)) + "\n")
    if not count:
        out.write("No items match.\n")
    return count


register(ExportFormat("md", (".md", ".markdown"), write))
