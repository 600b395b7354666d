"""The class behind every spreadsheet formula, Markdown autolink and hidden character:
every combination of a leading blank and a trigger look-alike, in every CSV column of a
real export; random text through the same functions; and the escaping of untrusted
text growing linearly with its length."""

from __future__ import annotations

import csv
import io
import time
import unicodedata
from itertools import product

import pytest
from click.testing import CliRunner
from hypothesis import given, settings
from hypothesis import strategies as st
from markdown_it import MarkdownIt

from workbench.cli import cli
from workbench.reports import csv_export, html, markdown
from workbench.reports.claimreview import claim_reviewed
from workbench.reports.common import json_text, safe_url
from workbench.store.database import open_db, write_transaction
from workbench.untrusted import visible

# What may come before the trigger: spaces of every width, tabs and line ends, zero-width
# and bidi characters, other controls, blank letters, a combining mark, and a mix.
BLANKS = [
    "", " ", "   ", "\t", "\n", "\r", "\r\n", "\x0b", "\x0c", "\x1c", "\x1f", "\x85", "\u00a0", "\u1680", "\u2000",
    "\u2007", "\u200a", "\u202f", "\u205f", "\u3000", "\u200b", "\u200c", "\u200d", "\u2060", "\ufeff", "\u202e",
    "\u2066", "\u180e", "\u00ad", "\u2028", "\u2029", "\u115f", "\u3164", "\uffa0", "\u2800", "\u0301", "\x1b",
    " \t\u00a0\u200b\n",
]  # fmt: skip
# The trigger itself: = + - @, their full-width, small, superscript, subscript and
# mathematical forms, minus signs, dashes, heavy signs.
TRIGGERS = [
    "=", "+", "-", "@", "\uff1d", "\uff0b", "\uff0d", "\uff20", "\ufe66", "\ufe62", "\ufe63", "\ufe6b", "\u207c",
    "\u207a", "\u207b", "\u208c", "\u208a", "\u208b", "\u2212", "\u2010", "\u2011", "\u2012", "\u2013", "\u2014",
    "\u2015", "\u2e3a", "\u30a0", "\ufe58", "\u2795", "\u2796", "\ua78a",
]  # fmt: skip
FORMULAS = ['HYPERLINK("https://evil.example","click")', "1+1", "cmd|' /C calc'!A0", "SUM(A1:A9)"]
HARMLESS = ["Unemployment fell", "5% growth", "'=quoted", "(=1)", "a=b", "“=” said", "1-2", "x -1", "€5", "*", "#1"]
COLUMNS = ("text", "speaker", "role", "cue", "note", "reviewer", "source_title", "source_outlet", "source_path")


@pytest.fixture(scope="module")
def cells(tmp_path_factory) -> dict[str, dict[str, str]]:
    """Every combination as a real item in a real database, exported as CSV: id -> row."""
    path = tmp_path_factory.mktemp("formulas") / "workbench.db"
    db = open_db(path)
    texts = [blank + trigger + formula for blank, trigger, formula in product(BLANKS, TRIGGERS, FORMULAS[:1])]
    texts += [blank + trigger + formula for blank, trigger, formula in zip(BLANKS * 4, TRIGGERS * 4, FORMULAS * 40)]
    texts += HARMLESS
    with write_transaction(db):
        for number, text in enumerate(texts):
            source = f"s{number:011d}"
            db["sources"].insert(
                {
                    "id": source, "key": source, "path": text, "title": text, "outlet": text, "sha256": "0",
                    "text": text, "format": "txt", "extractor": "test", "ingested_at": "2026-01-01",
                }
            )  # fmt: skip
            db["items"].insert(
                {
                    "id": f"i{number:015d}", "source_id": source, "seq": 0, "kind": "claim", "text": text,
                    "speaker": text, "role": text, "cue": text, "start": 0, "end": len(text), "paragraph": 0,
                    "first_seen": "2026-01-01",
                }
            )  # fmt: skip
            db.execute(
                "INSERT INTO reviews (item_id, status, note, reviewer, created_at) VALUES (?, 'false', ?, ?, ?)",
                [f"i{number:015d}", text, text, "2026-01-02"],
            )
    db.close()
    result = CliRunner().invoke(cli, ["export", "--db", str(path), "--format", "csv"], catch_exceptions=False)
    assert result.exit_code == 0, result.stderr
    rows = {row["id"]: row for row in csv.DictReader(io.StringIO(result.stdout, newline=""))}
    assert len(rows) == len(texts)
    return {text: rows[f"i{number:015d}"] for number, text in enumerate(texts)}


def test_every_blank_before_every_trigger_is_neutralised_in_every_column(cells):
    formulas = [text for text in cells if text not in HARMLESS]
    assert len(formulas) >= len(BLANKS) * len(TRIGGERS)
    for text in formulas:
        for column in COLUMNS:
            assert cells[text][column] == "'" + visible(text, newlines=True), (column, text)


def test_harmless_cells_are_left_as_they_are(cells):
    for text in HARMLESS:
        assert [cells[text][column] for column in COLUMNS] == [text] * len(COLUMNS)


def test_no_cell_keeps_a_hidden_character(cells):
    for row in cells.values():
        for value in row.values():
            assert not [char for char in value if unicodedata.category(char)[0] == "C" and char != "\n"], value


@settings(max_examples=200, deadline=None)
@given(
    st.lists(st.sampled_from(BLANKS), max_size=3).map("".join),
    st.sampled_from(TRIGGERS + ["", "a", "5", "'", "“"]),
    st.text(max_size=20),
)
def test_any_cell_a_spreadsheet_would_run_gains_a_quote(blanks, first, rest):
    text = blanks + first + rest
    cell = csv_export.neutralise(text)
    assert cell in (visible(text, newlines=True), "'" + visible(text, newlines=True))
    if first in TRIGGERS:
        assert cell == "'" + visible(text, newlines=True)


LINK_TEXT = [
    "https://evil.example/x", "HTTP://EVIL.EXAMPLE", "www.evil.example", "WWW.evil.example/path", "evil.example",
    "sub.evil.example/a?b=c", "mail@evil.example", "mailto:mail@evil.example", "xmpp:x@evil.example",
    "ftp://evil.example", "//evil.example", "<https://evil.example>", "[x](https://evil.example)",
    "![x](https://evil.example/i.png)", "[x]: https://evil.example", "http\\://evil.example", "evil.example:8080/x",
    "пример.рф", "xn--e1afmkfd.xn--p1ai", "@everyone", "1.2.3.4", "evil。example",
]  # fmt: skip


@pytest.mark.parametrize("flavour", ["commonmark", "gfm-like"])
@pytest.mark.parametrize("text", LINK_TEXT)
def test_no_text_becomes_a_markdown_link(text, flavour):
    rendered = MarkdownIt(flavour).render(f"Said: {markdown.escape(text)} and {markdown.code(text)}.")
    assert "<a " not in rendered and "<img" not in rendered, rendered


URLS = {
    "javascript:alert(1)": None, "JAVASCRIPT:alert(1)": None, " javascript:alert(1)": None,
    "java\tscript:alert(1)": None, "java\nscript:alert(1)": None, "\x00javascript:alert(1)": None,
    "data:text/html,<script>": None, "vbscript:x": None, "file:///etc/passwd": None, "//evil.example": None,
    "https://trusted.example@evil.example": None, "https://a:b@evil.example": None, "https:evil.example": None,
    "https:///evil.example": None, "http://[::1": None, "https://evil.example/\x1b": None, " https://a.example": None,
    "https://evil.example/\u202etxt": "https://evil.example/%E2%80%AEtxt",
    'https://evil.example/"><script>': "https://evil.example/%22%3E%3Cscript%3E",
    "https://evil.example/a b": None, "HTTPS://Good.Example/path?q=1#f": "HTTPS://Good.Example/path?q=1#f",
}  # fmt: skip


@pytest.mark.parametrize("url", URLS)
def test_only_plain_web_addresses_become_links(url):
    assert safe_url(url) == URLS[url]


def best_times(function, *texts: str) -> list[float]:
    """The least CPU time ``function`` took on each text over a few rounds; the texts take
    turns so that a busy machine slows them alike."""
    best = [float("inf")] * len(texts)
    for _ in range(5):
        for index, text in enumerate(texts):
            start = time.process_time()
            function(text)
            best[index] = min(best[index], time.process_time() - start)
    return best


def reviewed_claim(text: str) -> str:
    """``claimReviewed`` of a fragment found in ``text`` (the sentence around it is looked for)."""
    middle = len(text) // 2
    item = {"text": text[middle : middle + 20] or "x", "kind": "claim", "speaker": "the minister", "headline": 0}
    item["context"] = {
        "text": text,
        "start": middle,
        "end": middle + 20,
        "clipped_before": False,
        "clipped_after": False,
    }
    return claim_reviewed(item)


ESCAPES = {
    "markdown": markdown.escape,
    "markdown code": markdown.code,
    "markdown link text": lambda text: markdown.link(text, "https://a.example/"),
    "html": html.escape,
    "html note": html.note_html,
    "csv": csv_export.neutralise,
    "json": json_text,
    "terminal": visible,
    "url": safe_url,
    "claimreview": reviewed_claim,
}
WORST = {
    "dots": "a.",
    "colons": "a:",
    "at signs": "@",
    "backticks": "`",
    "blanks before a trigger": " \u200b\u00a0",
    "hidden": "\u200b\x1b\u202e\U000e0041",
    "markup": "<&>[](",
    "underscores": "a_",
    "dollars": "a$",
    "brackets": "]",
    "entities": "&#1",
    "domains": "www.",
    "abbreviations": "U.S.",
    "digits": "1",
    "web addresses": "http://a",
    "sentences": "A b. ",
}


@pytest.mark.parametrize("pattern", WORST)
@pytest.mark.parametrize("escape", ESCAPES)
def test_escaping_grows_linearly(escape, pattern):
    function = ESCAPES[escape]
    small = WORST[pattern] * (12_000 // len(WORST[pattern]))
    short, long = best_times(function, small + "=x", small * 4 + "=x")
    assert long < 8 * short + 0.005, (escape, pattern, short, long)  # four times the text: quadratic is 16 times
