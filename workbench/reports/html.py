"""HTML verdict report: one self-contained file that reads well on screen and on paper.

Inline CSS and an inline SVG status chart; no scripts, fonts, images or any other
fetch (a Content-Security-Policy says so to the browser as well). Corpus text goes
through :func:`escape` (control characters made visible, then ``html.escape``); links are
written only for http(s) URLs.
"""

from __future__ import annotations

from html import escape as html_escape
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
    css_color,
    filters_text,
    ink_for,
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


def escape(text: str) -> str:
    """Corpus text as inert HTML, with no control characters left in the file."""
    return html_escape(visible(text, newlines=True))


CSP = "default-src 'none'; style-src 'unsafe-inline'; base-uri 'none'; form-action 'none'"
STYLE = """
:root { --ink: #1d1d1f; --muted: #5f6368; --rule: #d9dce1; --paper: #ffffff; --panel: #f6f7f9; }
* { box-sizing: border-box; }
body { margin: 0 auto; max-width: 60rem; padding: 2rem 1.5rem 4rem; color: var(--ink); background: var(--paper);
  font: 15px/1.5 -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, "Noto Sans", sans-serif; }
h1 { font-size: 1.9rem; margin: 0 0 .25rem; letter-spacing: -.01em; }
h2 { font-size: 1.3rem; margin: 2.2rem 0 .8rem; padding-bottom: .3rem; border-bottom: 2px solid var(--ink); }
h3 { font-size: 1rem; margin: 1.4rem 0 .5rem; }
.meta, .muted { color: var(--muted); }
.totals { display: flex; flex-wrap: wrap; gap: .75rem; margin: 1rem 0; padding: 0; list-style: none; }
.totals li { flex: 1 1 8rem; background: var(--panel); border-radius: 6px; padding: .6rem .8rem; }
.totals b { display: block; font-size: 1.5rem; }
figure { margin: 1rem 0; }
figcaption { color: var(--muted); font-size: .85rem; }
table { border-collapse: collapse; width: 100%; font-size: .9rem; }
th, td { text-align: left; padding: .3rem .5rem; border-bottom: 1px solid var(--rule); vertical-align: top; }
th { font-weight: 600; border-bottom-width: 2px; }
td.n, th.n { text-align: right; font-variant-numeric: tabular-nums; }
.item { border: 1px solid var(--rule); border-left: 6px solid var(--status); border-radius: 6px;
  padding: .8rem 1rem; margin: 0 0 1rem; break-inside: avoid; page-break-inside: avoid; }
.item > header { display: flex; flex-wrap: wrap; gap: .5rem; align-items: baseline; }
.badge { background: var(--status); color: var(--status-ink); border-radius: 4px; padding: .05rem .45rem;
  font-weight: 600; font-size: .85rem; }
.kind { text-transform: uppercase; font-size: .75rem; letter-spacing: .06em; color: var(--muted); }
code { font: .8rem ui-monospace, "SFMono-Regular", Menlo, Consolas, monospace; color: var(--muted); }
blockquote { margin: .6rem 0; font-size: 1.05rem; }
dl { display: grid; grid-template-columns: max-content 1fr; gap: .15rem .8rem; margin: .4rem 0 0; font-size: .9rem; }
dt { color: var(--muted); }
dd { margin: 0; }
.warning { color: #a4460b; }
.cluster ul { margin: .3rem 0 0; padding-left: 1.2rem; }
.cluster li { margin-bottom: .3rem; }
.drift { color: var(--muted); font-size: .85rem; }
em.quoted { font-style: italic; background: #eef3fd; }
.conflict { background: #fff1d6; color: #7a4b00; font-weight: 600; padding: 0 .25rem; border-radius: 3px; }
del { background: #fde2e1; color: #8a1c14; }
ins { background: #dff3e4; color: #135c2a; text-decoration: none; font-weight: 600; }
a { color: #0b57d0; }
@media print {
  @page { margin: 15mm; }
  body { max-width: none; padding: 0; font-size: 10.5pt; }
  * { -webkit-print-color-adjust: exact; print-color-adjust: exact; }
  h2 { break-after: avoid; page-break-after: avoid; }
  .summary { break-after: page; page-break-after: always; }
  a { color: inherit; text-decoration: none; }
  a[href]::after { content: " <" attr(href) ">"; font-size: 80%; color: var(--muted); word-break: break-all; }
}
"""


def _link(label: str | None, url: str | None) -> str:
    target = safe_url(url)
    label = escape(label or target or "")
    return f'<a href="{escape(target)}">{label}</a>' if target else label


def note_html(note: str) -> str:
    """A reviewer's note, escaped, with its http(s) addresses as links (nothing else becomes one)."""
    return "".join(
        f'<a href="{escape(target)}" rel="nofollow noopener noreferrer">{escape(text)}</a>' if target else escape(text)
        for text, target in note_pieces(note)
    )


def _source(source: dict) -> str:
    details = [escape(part) for part in (source["outlet"], source["published"]) if part]
    return _link(source_name(source), source["url"]) + (
        f' <span class="muted">({", ".join(details)})</span>' if details else ""
    )


def chart(by_status: list[dict]) -> str:
    """A horizontal bar chart of items per status, as inline SVG."""
    bar_height, gap, label_width, bar_width = 22, 8, 150, 420
    peak = max((row["count"] for row in by_status), default=0) or 1
    height = len(by_status) * (bar_height + gap) + gap
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" role="img" width="100%" '
        f'viewBox="0 0 {label_width + bar_width + 90} {height}" aria-label="Items per status" '
        'font-family="sans-serif" font-size="13">'
    ]
    for index, row in enumerate(by_status):
        y = gap + index * (bar_height + gap)
        width = round(bar_width * row["count"] / peak, 1)
        parts.append(
            f'<text x="{label_width - 8}" y="{y + bar_height * 0.7}" text-anchor="end" fill="#1d1d1f">'
            f"{escape(row['label'])}</text>"
            f'<rect x="{label_width}" y="{y}" width="{max(width, 1)}" height="{bar_height}" rx="3" '
            f'fill="{css_color(row["color"])}"/>'
            f'<text x="{label_width + max(width, 1) + 6}" y="{y + bar_height * 0.7}" fill="#1d1d1f">'
            f"{row['count']:,}</text>"
        )
    return "".join(parts) + "</svg>"


def summary_html(selection: Selection, figures: dict) -> str:
    """The summary section: totals, the status chart, sources, reviewers, dates."""
    totals = figures["totals"]
    verdicts_only = selection.filters.reviewed_only
    cards = "".join(
        f"<li><b>{value:,}</b>{label}</li>"
        for label, value in (
            ("verdicts" if verdicts_only else "items", totals["items"]),
            ("claims", totals["claims"]),
            ("quotes", totals["quotes"]),
            *(() if verdicts_only else (("with a verdict", totals["reviewed"]),)),
            ("sources", totals["sources"]),
            ("with figures that disagree", totals["in_conflict"]),
        )
    )
    parts = ['<section class="summary"><h2>Summary</h2>', f'<ul class="totals">{cards}</ul>']
    notes = []
    if figures["not_shown"]:
        left_out = ", ".join(f"{escape(row['label'])} {row['count']:,}" for row in figures["not_shown"])
        notes.append(f"Not in this report (no verdict yet): {left_out}; <code>--all</code> lists them.")
    if totals["in_conflict"]:
        notes.append(conflicts_sentence(totals))
    if totals["clustered"]:
        notes.append(spread_sentence(totals))
    if figures["reviewed_from"]:
        notes.append(
            f"Verdicts given from {escape(when(figures['reviewed_from']))} to {escape(when(figures['reviewed_to']))}."
        )
    if figures["published_from"]:
        notes.append(
            f"Sources published from {escape(figures['published_from'])} to {escape(figures['published_to'])}."
        )
    parts += [f"<p>{note}</p>" for note in notes]
    statuses = [row for row in figures["by_status"] if row["verdict"] or not verdicts_only]
    parts.append(f"<figure>{chart(statuses)}<figcaption>Items per status</figcaption></figure>")
    parts.append(
        '<h3>By source</h3><table><thead><tr><th>Source</th><th class="n">Items</th>'
        '<th class="n">With a verdict</th></tr></thead><tbody>'
    )
    parts += [
        f'<tr><td>{_source(row)}</td><td class="n">{row["items"]:,}</td><td class="n">{row["reviewed"]:,}</td></tr>'
        for row in figures["by_source"]
    ]
    parts.append("</tbody></table>")
    if figures["more_sources"]:
        parts.append(f'<p class="muted">… and {figures["more_sources"]:,} more sources.</p>')
    if figures["reviewers"]:
        parts.append(
            '<h3>Reviewers</h3><table><thead><tr><th>Reviewer</th><th class="n">Current verdicts</th>'
            "<th>First</th><th>Last</th></tr></thead><tbody>"
        )
        parts += [
            f'<tr><td>{escape(row["reviewer"]) or "(unknown)"}</td><td class="n">{row["items"]:,}</td>'
            f"<td>{escape(when(row['first']))}</td><td>{escape(when(row['last']))}</td></tr>"
            for row in figures["reviewers"]
        ]
        parts.append("</tbody></table>")
    return "".join(parts) + "</section>"


def marked_text(item: dict) -> str:
    """The item's text, escaped, with the words it quotes from its speaker marked."""
    return "".join(
        f'<em class="quoted">{escape(run)}</em>' if quoted else escape(run) for run, quoted in quoted_runs(item)
    )


def _verdict_rows(item: dict) -> list[tuple[str, str]]:
    verdict, review, label = item["verdict"], item["review"], escape(item["status_label"])
    if verdict is None:
        worked = ""
        if review is not None:  # a workflow state someone set, such as "in progress"
            by = f", {escape(review['reviewer'])}" if review["reviewer"] else ""
            worked = f"{by}, {escape(when(review['created_at']))}"
        return [("Verdict", f"none yet ({label}{worked})")]
    by = f" by {escape(verdict['reviewer'])}" if verdict["reviewer"] else ""
    rows = [("Verdict", f"{label}{by}, {escape(when(verdict['created_at']))}")]
    if verdict["note"]:
        rows.append(("Note", note_html(verdict["note"])))
    if verdict["changed"]:
        rows.append(("Warning", f'<span class="warning">{escape(changed_text(verdict["changed"]))}</span>'))
    return rows


def _cluster_html(item: dict) -> str:
    """Where else the item appears: listed under the cluster's first item in the report,
    linked to from the others."""
    if not item["cluster_size"]:
        return ""
    others = item["cluster_size"] - 1
    extent = f"{counted(item['cluster_size'], 'item')} in {counted(item['cluster_sources'], 'source')}"
    if item["cluster_lead"] != item["id"]:
        lead = escape(item["cluster_lead"])
        return (
            f'<div class="cluster"><h3>Also appears in</h3><p>the sources listed under '
            f'<a href="#item-{lead}"><code>{lead}</code></a> ({extent})</p></div>'
        )
    members = []
    for member in item["cluster"][:LISTED]:
        entry = f"{_source(member['source'])}: “{escape(member['text'])}”"
        if member["text"] != item["text"]:
            marked = marked_drift(item["text"], member["text"], escape, "<del>{}</del>", "<ins>{}</ins>")
            if marked:
                entry += f'<div class="drift">Drift: {marked}</div>'
        members.append(f"<li>{entry}</li>")
    if others > LISTED:
        members.append(f'<li class="muted">… and {others - LISTED:,} more</li>')
    return f'<div class="cluster"><h3>Also appears in <span class="muted">({extent})</span></h3><ul>{"".join(members)}</ul></div>'


def _conflicts_html(item: dict) -> str:
    if not item["conflicts"]:
        return ""
    entries = [
        f"<li>{_source(conflict['source'])}: “{escape(conflict['text'])}” "
        f'<span class="conflict">{escape(conflict_text(conflict["figures"]))}</span></li>'
        for conflict in item["conflicts"][:LISTED]
    ]
    if item["conflict_count"] > LISTED:
        entries.append(f'<li class="muted">… and {item["conflict_count"] - LISTED:,} more</li>')
    return f'<div class="cluster"><h3>Figures disagree in {counted(item["conflict_count"], "item")}</h3><ul>{"".join(entries)}</ul></div>'


def item_html(item: dict, colors: dict[str, str]) -> str:
    """One item as an ``<article>`` card."""
    color = colors.get(item["status"], css_color(None))
    rows = _verdict_rows(item)
    if item["speaker"]:
        rows.append(("Speaker", escape(item["speaker"]) + (f", {escape(item['role'])}" if item["role"] else "")))
    rows.append(("Source", _source(item["source"])))
    for check in item.get("checks", ()):
        who, said, url = check_parts(check)
        rows.append(("Previously checked by", f"{_link(who, url)}: {escape(said)}"))
    kind = escape(item["kind"]) + (" · headline" if item.get("headline") else "")
    parts = [
        f'<article class="item" id="item-{escape(item["id"])}" '
        f'style="--status: {color}; --status-ink: {ink_for(color)}">',
        f'<header><span class="badge">{escape(item["status_label"])}</span>'
        f'<span class="kind">{kind}</span><code>{escape(item["id"])}</code></header>',
        f"<blockquote>{marked_text(item)}</blockquote>",
        f'<p class="muted">{CUT_NOTE}</p>' if item["cut"] else "",
        "<dl>" + "".join(f"<dt>{label}</dt><dd>{value}</dd>" for label, value in rows) + "</dl>",
        _cluster_html(item),
        _conflicts_html(item),
    ]
    return "".join(parts) + "</article>\n"


def write(selection: Selection, out: TextIO) -> int:
    """Write the HTML report; return the number of items in it."""
    title = escape(selection.config.title)
    meta = f"Generated {escape(when(now('seconds')))}."
    if filters_text(selection.filters):
        meta += f" Filters: {escape(filters_text(selection.filters))}."
    figures = summary(selection)
    colors = {row["id"]: css_color(row["color"]) for row in figures["by_status"]}
    out.write(
        '<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f'<meta http-equiv="Content-Security-Policy" content="{CSP}">'
        f"<title>{title}</title><style>{STYLE}</style></head>\n<body>"
        f'<header><h1>{title}</h1><p class="meta">{meta}</p></header>\n'
        f'{summary_html(selection, figures)}\n<section class="items"><h2>Items</h2>\n'
    )
    count = 0
    for item in selection.items(cluster="lead", conflicts=True, checks=True):
        out.write(item_html(item, colors))
        count += 1
    if not count:
        out.write('<p class="muted">No items match.</p>')
    out.write("</section>\n</body></html>\n")
    return count


register(ExportFormat("html", (".html", ".htm"), write, verdicts_only=True))
