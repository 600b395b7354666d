"""Nothing is smuggled out through an export: hostile corpus, review, status and
configuration text, written straight into a real database the way a script could, comes
out of every format as inert text.

The database holds the newsroom corpus (really ingested and linked) and hostile sources
whose every field (path, title, outlet, author, URL, date) and whose items (text,
speaker, role, cue, id, cluster), reviews (note, reviewer, date) and statuses (id,
label, colour) carry one of :data:`PAYLOADS` or :data:`URLS`.
"""

from __future__ import annotations

import csv
import html
import io
import json
import re
import unicodedata
from html.parser import HTMLParser
from itertools import cycle
from urllib.parse import unquote, urlsplit

import pytest
from click.testing import CliRunner
from markdown_it import MarkdownIt
from newsroom import write_corpus

from workbench.cli import cli
from workbench.link import link_items
from workbench.pipeline import ingest
from workbench.reports.common import note_pieces, safe_url
from workbench.store.database import open_db, write_transaction

PAYLOADS = [
    "</script><script>alert(1)</script>",
    "<!-- <script>alert(1)</script> -->",
    "]]><![CDATA[<script>alert(1)</script>",
    "\x1b]0;pwned\x07 renamed the window",
    "\x1b]8;;https://evil.example\x07click me\x1b]8;;\x07",
    "\x1b[2J\x1b[31mred\x1b[0m and \x1bP+q\x1b\\",
    "\x9b31m C1 CSI \x9d0;title\x9c",
    "bell\x07 backspace\x08 delete\x7f form\x0c feed",
    "bidi \u202eevil\u202c and \u2066isolate\u2069 \u061c",
    "zero\u200bwidth\u200djoiner\ufeffbom\u2060joiner\u00adsoft",
    "tags \U000e0049\U000e0047\U000e004e\U000e004f\U000e0052\U000e0045 hide text",
    "line\u2028separator\u2029paragraph\x85next line",
    "[click](javascript:alert(1)) ![img](https://evil.example/x.png) [ref]: javascript:alert(2)",
    "<https://evil.example/auto> https://evil.example/bare www.evil.example evil.example/path mail@evil.example",
    "HTTPS://EVIL.EXAMPLE WWW.EVIL.EXAMPLE mailto:x@evil.example xmpp:x@evil.example //evil.example/x",
    '<img src=x onerror=alert(1)> <a href="javascript:alert(1)">x</a> <svg onload=alert(1)>',
    "&lt;script&gt; &amp; &#x3C;script&#x3E; &#60;",
    '" onmouseover="alert(1)" x="',
    "' onfocus='alert(1)' autofocus='",
    '=HYPERLINK("https://evil.example","click")',
    " =1+1",
    "\uff1d1+1",
    "\t@SUM(A1)",
    "\n-2+3",
    "\u00a0+cmd|' /C calc'!A0",
    "\u200b=1+1",
    "# heading\n- list\n> quote\n1. item\n---",
    "*emph* _emph_ `code` ~~strike~~ | cell | \\ backslash",
    "{{7*7}} ${7*7} %0A%0D",
]
URLS = [
    "javascript:alert(1)",
    "JaVaScRiPt:alert(1)",
    " javascript:alert(1)",
    "java\nscript:alert(1)",
    "java\tscript:alert(1)",
    "data:text/html,<script>alert(1)</script>",
    "data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==",
    "vbscript:msgbox(1)",
    "file:///etc/passwd",
    "https://trusted.example@evil.example/",
    "https://user:pass@evil.example/",
    "//evil.example/x",
    "https:evil.example",
    "https:/\\evil.example",
    'http://evil.example/"><script>alert(1)</script>',
    "https://evil.example/ onmouseover=alert(1)",
    "https://evil.example/\u202etxt.exe",
    "\x1b]8;;https://evil.example\x07",
    "",
]
HOSTILE_ITEM_ID = '`x" onmouseover="alert(1)` <b>'
HOSTILE_STATUS = "</script><!--"
ORGANIZATION_NAME = "Desk </script><script>alert(1)</script> & <!-- co"
TITLE = "Report </title><script>alert(1)</script> <!-- & [x](javascript:alert(1)) *big* @all https://evil.example"
INVISIBLE = {"Cc", "Cf", "Zl", "Zp", "Cs"}  # Unicode's controls, format characters, separators


def hidden_characters(text: str) -> set[str]:
    return {char for char in text if unicodedata.category(char) in INVISIBLE and char != "\n"}


@pytest.fixture(scope="module")
def smuggler(tmp_path_factory) -> dict:
    base = tmp_path_factory.mktemp("smuggling")
    write_corpus(base / "corpus")
    path = base / "workbench.db"
    db = open_db(path)
    ingest(db, [str(base / "corpus")], workers=1)
    link_items(db)
    payload = cycle(PAYLOADS)
    stamp = "2026-01-01T00:00:00+00:00"
    with write_transaction(db):
        # What a script may write: labels with escape sequences, colours that are not colours.
        db.execute(
            "INSERT INTO statuses (id, label, description, color, position, verdict) VALUES (?, ?, ?, ?, 99, 1)",
            [HOSTILE_STATUS, next(payload), next(payload), "bluee"],
        )
        db.execute(
            "UPDATE statuses SET label = ?, color = ? WHERE id = 'false'",
            ["\x1b]0;pwned\x07False</title>", "red link https://evil.example"],
        )
        db.execute("UPDATE statuses SET color = '#fff' WHERE id = 'true'")
        number = 0
        for index, url in enumerate(URLS):
            source = f"evil{index:08d}"
            db["sources"].insert(
                {
                    "id": source,
                    "key": source,
                    "path": f"/corpus/{next(payload)}.txt",
                    "title": next(payload),
                    "outlet": next(payload),
                    "author": next(payload),
                    "url": url,
                    "published": next(payload) if index % 2 else "2020-09-20",
                    "sha256": "0",
                    "text": "",
                    "format": "txt",
                    "extractor": "test",
                    "ingested_at": stamp,
                }
            )
            for seq in range(2):
                item = HOSTILE_ITEM_ID if number == 0 else f"evil-{number:03d}"
                text = PAYLOADS[number % len(PAYLOADS)]
                db["items"].insert(
                    {
                        "id": item,
                        "source_id": source,
                        "seq": seq,
                        "kind": "claim" if seq else "quote",
                        "text": text,
                        "speaker": next(payload),
                        "role": next(payload),
                        "cue": next(payload),
                        "attribution": next(payload),
                        "start": 0,
                        "end": len(text),
                        "paragraph": 0,
                        "score": 0.5,
                        "cluster_id": f"evil-cluster-{index % 3}",
                        "first_seen": next(payload),
                    }
                )
                db.execute(
                    "INSERT INTO reviews (item_id, status, note, reviewer, created_at, item_text) "
                    "VALUES (?, ?, ?, ?, ?, ?)",
                    [
                        item,
                        [HOSTILE_STATUS, "false", "true"][number % 3],
                        next(payload),
                        next(payload),
                        next(payload) if number % 2 else stamp,
                        text,
                    ],
                )
                number += 1
    db.conn.close()
    config = base / "desk.toml"
    config.write_text(
        f"[report]\ntitle = {json.dumps(TITLE)}\n"
        f'[organization]\nname = {json.dumps(ORGANIZATION_NAME)}\nurl = "https://desk.example/"\n',
        encoding="utf-8",
    )
    return {"path": path, "config": config, "items": number}


def export(smuggler, format_: str) -> str:
    result = CliRunner().invoke(
        cli,
        ["export", "--db", str(smuggler["path"]), "--config", str(smuggler["config"]), "--format", format_],
        catch_exceptions=False,
    )
    assert result.exit_code == 0, result.stderr
    return result.stdout


def stored(smuggler, sql: str) -> list:
    return [row[0] for row in open_db(smuggler["path"], readonly=True).execute(sql)]


# --- JSON, JSON lines, ClaimReview --------------------------------------------------


@pytest.mark.parametrize("format_", ["json", "jsonl", "claimreview"])
def test_json_outputs_escape_what_could_close_a_script_element(smuggler, format_):
    raw = export(smuggler, format_)
    assert not {"<", ">", "&"} & set(raw)  # escaped as \u003c \u003e \u0026, keys and values
    assert hidden_characters(raw) == set()  # no raw DEL, C1, U+2028/2029, bidi, zero-width or tag character
    if format_ == "jsonl":
        assert len(raw.splitlines()) == len(stored(smuggler, "SELECT id FROM items"))


def test_json_keeps_every_hostile_string_exactly(smuggler):
    document = json.loads(export(smuggler, "json"))
    items = {item["id"]: item for item in document["items"]}
    for item_id, text, speaker in open_db(smuggler["path"], readonly=True).execute(
        "SELECT id, text, speaker FROM items WHERE source_id LIKE 'evil%'"
    ):
        assert (items[item_id]["text"], items[item_id]["speaker"]) == (text, speaker)
    statuses = {status["id"]: status for status in document["statuses"]}
    assert statuses[HOSTILE_STATUS]["label"] == PAYLOADS[0]
    # A colour that is not one is exported as none, whatever a script stored.
    assert statuses[HOSTILE_STATUS]["color"] is None and statuses["false"]["color"] is None
    assert statuses["true"]["color"] is None and statuses["misleading"]["color"] == "dark_orange"


class ScriptElements(HTMLParser):
    """The start tags of a page and the text of its script elements, as a browser reads them."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.tags: list[str] = []
        self.scripts: list[str] = []

    def handle_starttag(self, tag, attrs):
        self.tags.append(tag)
        if tag == "script":
            self.scripts.append("")

    def handle_data(self, data):
        if self.tags and self.tags[-1] == "script":
            self.scripts[-1] += data


def test_claimreview_stays_inside_the_script_element_it_is_published_in(smuggler):
    raw = export(smuggler, "claimreview")
    page = ScriptElements()
    page.feed(f'<html><head><script type="application/ld+json">{raw}</script></head><body><p>after</p></body></html>')
    assert page.tags == ["html", "head", "script", "body", "p"]
    assert page.scripts == [raw]
    reviews = json.loads(page.scripts[0])
    assert {review["author"]["name"] for review in reviews} == {ORGANIZATION_NAME}
    published = {review["identifier"]: review for review in reviews}
    # a quotation is published with who said it
    hostile = next(item for item in json.loads(export(smuggler, "json"))["items"] if item["id"] == HOSTILE_ITEM_ID)
    assert published[HOSTILE_ITEM_ID]["claimReviewed"] == f"{hostile['speaker']}: “{PAYLOADS[0]}”"
    assert (
        published[HOSTILE_ITEM_ID]["url"]
        == "https://desk.example/#%60x%22%20onmouseover%3D%22alert%281%29%60%20%3Cb%3E"
    )
    for review in reviews:
        for work in review["itemReviewed"].get("appearance", []):
            assert is_plain_web_link(work["url"]), work["url"]


# --- CSV ----------------------------------------------------------------------------

BLANK_START = {"Zs", "Zl", "Zp", "Cc", "Cf", "Mn", "Me"}
SIGNS = "=+-@\u2212\u2795\u2796\ua78a"  # and every compatibility form (＝ ﹢ ⁻ ＠ …) and dash


def runs_as_formula(cell: str) -> bool:
    """What a spreadsheet may do with a cell: skip blanks, fold compatibility forms, and
    take = + - @ (or a look-alike or any dash) as the start of a formula."""
    rest = "".join(char for char in cell if unicodedata.category(char) not in BLANK_START)
    first = unicodedata.normalize("NFKC", rest[:1])[:1]
    return bool(rest) and (first in SIGNS or rest[0] in SIGNS or unicodedata.category(rest[0]) == "Pd")


def test_csv_cells_are_inert_in_every_column(smuggler):
    rows = list(csv.reader(io.StringIO(export(smuggler, "csv"), newline="")))
    header, cells = rows[0], [cell for row in rows[1:] for cell in row]
    assert len(rows) - 1 == len(stored(smuggler, "SELECT id FROM items"))
    assert not any(runs_as_formula(column) for column in header)
    assert [cell for cell in cells if not cell.startswith("'") and runs_as_formula(cell)] == []
    assert set().union(*map(hidden_characters, cells)) == set()
    hostile = {row[0]: dict(zip(header, row)) for row in rows[1:] if row[16].startswith("evil")}
    assert hostile["evil-003"]["text"] == "␛]0;pwned␇ renamed the window"
    assert hostile["evil-020"]["text"] == "' =1+1" and hostile["evil-021"]["text"] == "'\uff1d1+1"
    assert hostile["evil-022"]["text"] == "'␉@SUM(A1)" and hostile["evil-023"]["text"] == "'\n-2+3"
    assert hostile["evil-025"]["text"] == "'<U+200B>=1+1"


# --- HTML ---------------------------------------------------------------------------

HTML_TAGS = {
    "html", "head", "meta", "title", "style", "body", "header", "h1", "h2", "h3", "p", "section", "ul", "li", "b",
    "figure", "svg", "text", "rect", "figcaption", "table", "thead", "tbody", "tr", "th", "td", "article", "span",
    "code", "blockquote", "dl", "dt", "dd", "a", "div", "del", "ins",
}  # fmt: skip


class Page(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict]] = []
        self.title = ""
        self._in_title = False

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))
        self._in_title = tag == "title"

    def handle_data(self, data):
        if self._in_title:
            self.title += data

    def handle_endtag(self, tag):
        self._in_title = False


def is_plain_web_link(url: str) -> bool:
    parts = urlsplit(url)
    return (
        parts.scheme in {"http", "https"}
        and bool(parts.hostname)
        and "@" not in parts.netloc
        and not set(url) & set(" \"'<>\\`\n\t")
        and url.isascii()
    )


def test_html_report_has_no_markup_links_or_controls_from_the_data(smuggler):
    raw = export(smuggler, "html")
    item_ids = set(stored(smuggler, "SELECT id FROM items"))
    assert hidden_characters(raw) == set()
    page = Page()
    page.feed(raw)
    assert {tag for tag, _ in page.tags} <= HTML_TAGS
    for tag, attributes in page.tags:
        assert not [name for name in attributes if name.startswith("on")], (tag, attributes)
        if "href" in attributes and attributes["href"].startswith("#"):
            # a link within the page, to the item that lists its cluster
            assert attributes["href"][len("#item-") :] in item_ids, attributes["href"]
        elif "href" in attributes:
            assert is_plain_web_link(attributes["href"]), attributes["href"]
        if "style" in attributes:
            assert re.fullmatch(r"--status: #[0-9a-f]{6}; --status-ink: #[0-9a-f]{6}", attributes["style"])
        if tag == "rect":
            assert re.fullmatch(r"#[0-9a-f]{6}", attributes["fill"])
    assert page.title == TITLE
    (policy,) = [attributes["content"] for tag, attributes in page.tags if attributes.get("http-equiv")]
    assert policy.startswith("default-src 'none';") and "img-src" not in policy and "script-src" not in policy


# --- Markdown -----------------------------------------------------------------------


@pytest.mark.parametrize("flavour", ["commonmark", "gfm-like"])
def test_markdown_report_renders_no_link_markup_or_control_from_the_data(smuggler, flavour):
    raw = export(smuggler, "md")
    assert hidden_characters(raw) == set()
    renderer = MarkdownIt(flavour).enable("table") if flavour == "commonmark" else MarkdownIt(flavour)
    page = Page()
    page.feed(renderer.render(raw))
    assert {tag for tag, _ in page.tags} <= {
        "h1", "h2", "h3", "p", "ul", "li", "strong", "del", "s", "blockquote", "table", "thead", "tbody", "tr", "th",
        "td", "code", "a",
    }  # fmt: skip
    source_links = {safe_url(url) for url in stored(smuggler, "SELECT url FROM sources") if safe_url(url)}
    # a reviewer's note links its http(s) addresses, as in HTML
    note_links = {
        target for note in stored(smuggler, "SELECT note FROM reviews") for _, target in note_pieces(note or "")
    }
    links = [attributes["href"] for tag, attributes in page.tags if tag == "a"]
    # no link from item text: not bare, auto, e-mail or www. (the renderer re-encodes what it writes)
    assert links and {unquote(link) for link in links} <= {unquote(link) for link in source_links | note_links if link}
    assert all(is_plain_web_link(link) for link in links)


def test_markdown_shows_hostile_ids_and_titles_as_text(smuggler):
    raw = export(smuggler, "md")
    rendered = MarkdownIt("commonmark").render(raw)
    assert f"<code>{html.escape(HOSTILE_ITEM_ID, quote=False)}</code>" in rendered.replace("&quot;", '"')
    heading = raw.splitlines()[0]
    assert MarkdownIt("commonmark").renderInline(heading[2:]) == html.escape(TITLE, quote=False)
