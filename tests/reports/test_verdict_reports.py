"""What an editor reads in a verdict report (Markdown, HTML): verdicts by default, the rest
on request; "in progress" never counted as a verdict; text that reads as the article wrote
it; reviewers' links; number conflicts counted. On a real database of the newsroom corpus
(two outlets' copies of one article: clusters, drift and a number conflict), really
ingested, linked and marked."""

from __future__ import annotations

import csv
import io
import json
import re

import pytest
from click.testing import CliRunner
from markdown_it import MarkdownIt
from newsroom import item_in, write_corpus

from workbench.cli import cli
from workbench.link import link_items
from workbench.pipeline import ingest
from workbench.store.database import open_db, write_transaction
from workbench.store.reviews import mark

# Article text a reader should see as written, raw and rendered alike.
PLAIN = {
    "p-parens": "It (is) evident that the plan [sic] will cost $2 billion, or 1,000+ jobs.",
    "p-money": "Wages rose 5% to $1,200 (U.S. figures, e.g. in 2020) and the 1+1 offer ended.",
    "p-words": "The state_owned firm's #1 priority is 3.5% growth, says the C.E.O. at 10:30.",
    "p-start": "2020 was the year the park grew by 12 companies.",
}


@pytest.fixture(scope="module")
def desk(tmp_path_factory) -> dict:
    base = tmp_path_factory.mktemp("verdicts")
    write_corpus(base / "corpus")
    path = base / "workbench.db"
    db = open_db(path)
    ingest(db, [str(base / "corpus")], workers=1)
    link_items(db)
    ids = {
        "five": item_in(db, "Reuters", "some 5% of all"),
        "seven": item_in(db, "Daily Planet", "some 7% of all"),
        "protests": item_in(db, "Reuters", "Mass protests have rocked"),
        "moscow": item_in(db, "The Moscow Times", "Lukashenko"),
    }
    source = db.execute("SELECT id FROM sources WHERE outlet = 'Reuters'").fetchone()[0]
    with write_transaction(db):
        for seq, (id_, text) in enumerate(PLAIN.items(), 1000):
            db["items"].insert(
                {"id": id_, "source_id": source, "seq": seq, "kind": "claim", "text": text, "start": 0,
                 "end": len(text), "paragraph": 0, "score": 0.5, "first_seen": "2026-01-01"}
            )  # fmt: skip
    mark(db, ids["five"], "false", note="See https://stats.example.org/exports_(2020)?t=1&u=2. Or javascript:alert(1).", reviewer="alice")  # fmt: skip
    mark(db, ids["seven"], "true", reviewer="alice")
    mark(db, ids["protests"], "in-progress", reviewer="bob")
    mark(db, ids["moscow"], "true", reviewer="carol")
    mark(db, ids["moscow"], "in-progress", reviewer="dave")  # taken back for another look
    for id_ in PLAIN:
        mark(db, id_, "mostly-true", reviewer="carol")
    counts = dict(db.execute("SELECT status, count(*) FROM items GROUP BY status").fetchall())
    db.close()
    return {"path": path, "counts": counts, **ids}


def export(desk, *args: str) -> str:
    result = CliRunner().invoke(cli, ["export", "--db", str(desk["path"]), *args], catch_exceptions=False)
    assert result.exit_code == 0, result.stderr
    return result.stdout


def markdown_items(text: str) -> list[str]:
    """The item ids of a Markdown report, in order."""
    return re.findall(r"^### \d+\. .*`([^`]+)`$", text, re.MULTILINE)


def html_items(page: str) -> list[str]:
    return re.findall(r'<article class="item" id="item-([^"]+)"', page)


VERDICTS = ("true", "mostly-true", "misleading", "false", "unverifiable")


def test_a_verdict_report_lists_verdicts_and_says_what_it_left_out(desk):
    with_verdict = sum(desk["counts"].get(status, 0) for status in VERDICTS)
    text = export(desk, "--format", "md")
    listed = markdown_items(text)
    assert len(listed) == with_verdict == len(PLAIN) + 2
    assert desk["protests"] not in listed and desk["moscow"] not in listed
    unreviewed, in_progress = desk["counts"]["unreviewed"], desk["counts"]["in-progress"]
    assert (
        f"Not in this report (no verdict yet): Unreviewed {unreviewed:,}, In progress {in_progress}; "
        "`--all` lists them." in text
    )
    assert f"**{with_verdict} verdicts** on {with_verdict} items" in text
    page = export(desk, "--format", "html")
    assert html_items(page) == listed
    assert f"Unreviewed {unreviewed:,}, In progress {in_progress}; <code>--all</code> lists them." in page


def test_all_and_status_list_the_rest(desk):
    everything = markdown_items(export(desk, "--format", "md", "--all"))
    assert len(everything) == sum(desk["counts"].values())
    assert "Not in this report" not in export(desk, "--format", "md", "--all")
    assert markdown_items(export(desk, "--format", "md", "--status", "In progress")) == [
        item for item in everything if item in (desk["protests"], desk["moscow"])
    ]
    assert len(html_items(export(desk, "--format", "html", "--all"))) == len(everything)
    refused = CliRunner().invoke(cli, ["export", "--db", str(desk["path"]), "--all", "--reviewed-only"])
    assert (
        refused.exit_code == 1
        and refused.stderr == "error: --all and --reviewed-only contradict each other: give one\n"
    )


def test_data_exports_keep_every_item_by_default(desk):
    assert export(desk, "--format", "jsonl").count("\n") == sum(desk["counts"].values())


def test_in_progress_is_not_a_verdict_in_the_summary_the_reviewers_or_the_items(desk):
    text = export(desk, "--format", "md", "--all")
    reviewers = text[text.index("### Reviewers") : text.index("## Items")]
    # bob and dave only took items in hand; carol's verdict on the Moscow item was taken back
    assert "| bob |" not in reviewers and "| dave |" not in reviewers
    assert f"| carol | {len(PLAIN)} |" in reviewers and "| alice | 2 |" in reviewers
    section = text[text.index(f"`{desk['protests']}`") :].split("\n### ")[0]
    assert re.search(r"- \*\*Verdict:\*\* none yet \(In progress, bob, \d{4}-\d\d-\d\d \d\d:\d\d UTC\)", section)
    with_verdict = sum(desk["counts"].get(status, 0) for status in VERDICTS)
    assert f"; {with_verdict} with a verdict." in text
    assert "| In progress | 2 |" in text  # counted as a status, not as a verdict
    page = export(desk, "--format", "html", "--all")
    card = page[page.index(f'id="item-{desk["moscow"]}"') :].split("</article>")[0]
    assert "none yet (In progress, dave, " in card and "carol" not in card
    assert f"<li><b>{with_verdict}</b>with a verdict</li>" in page


def test_data_exports_never_call_a_workflow_state_a_verdict(desk):
    items = {item["id"]: item for item in json.loads(export(desk, "--format", "json"))["items"]}
    taken_back = items[desk["moscow"]]
    assert taken_back["verdict"] is None and taken_back["status"] == "in-progress"
    assert [(review["status"], review["reviewer"]) for review in taken_back["reviews"]] == [
        ("true", "carol"),
        ("in-progress", "dave"),
    ]
    assert items[desk["five"]]["verdict"]["reviewer"] == "alice"
    rows = {row["id"]: row for row in csv.DictReader(io.StringIO(export(desk, "--format", "csv"), newline=""))}
    assert (rows[desk["moscow"]]["status"], rows[desk["moscow"]]["reviewer"]) == ("in-progress", "dave")


def test_markdown_keeps_plain_punctuation_plain_and_still_renders_it_as_text(desk):
    text = export(desk, "--format", "md")
    renderer = MarkdownIt("gfm-like")
    for id_, sentence in PLAIN.items():
        line = text[text.index(f"`{id_}`") :].split("\n> ", 1)[1].split("\n")[0]
        rendered = renderer.render(f"> {line}")
        assert rendered == f"<blockquote>\n<p>{sentence.replace('&', '&amp;')}</p>\n</blockquote>\n", id_
    assert "> It (is) evident that the plan [sic] will cost $2 billion, or 1,000+ jobs." in text
    assert "> Wages rose 5% to $1,200 (U.S. figures, e.g. in 2020) and the 1+1 offer ended." in text
    assert "> The state_owned firm's #1 priority is 3.5% growth, says the C.E.O. at 10:30." in text
    assert "> 2020 was the year the park grew by 12 companies." in text


def test_urls_in_notes_become_links_and_nothing_else_does(desk):
    page = export(desk, "--format", "html", "--status", "false")
    card = page[page.index(f'id="item-{desk["five"]}"') :].split("</article>")[0]
    note = card[card.index("<dt>Note</dt><dd>") :].split("</dd>")[0]
    assert (
        '<a href="https://stats.example.org/exports_%282020%29?t=1&amp;u=2" rel="nofollow noopener noreferrer">'
        "https://stats.example.org/exports_(2020)?t=1&amp;u=2</a>. Or javascript:alert(1)." in note
    )
    assert note.count("<a ") == 1
    text = export(desk, "--format", "md", "--status", "false")
    assert "- **Note:** See <https://stats.example.org/exports_%282020%29?t=1&u=2>. Or javascript\\:alert(1)." in text
    rendered = MarkdownIt("gfm-like").render(text)
    note = rendered[rendered.index("<strong>Note:</strong>") :].split("</li>")[0]
    assert note.count("<a ") == 1 and 'href="https://stats.example.org/exports_%282020%29?t=1&amp;u=2"' in note


def test_summaries_count_number_conflicts(desk):
    text = export(desk, "--format", "md", "--all")
    assert "**Figures disagree:** 2 items here give other figures than another source for the same statement (1 number conflict)." in text  # fmt: skip
    assert "<li><b>2</b>with figures that disagree</li>" in export(desk, "--format", "html", "--all")
    verdicts = export(desk, "--format", "md", "--status", "false")
    assert "**Figures disagree:** 1 item here gives other figures" in verdicts
