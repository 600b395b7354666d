"""What an item is made of shows in every export (``m011_item_shape``): the words a claim
quotes from its speaker are marked in Markdown and HTML and listed in CSV; a quotation
interrupted by its attribution keeps its segments in CSV and JSON; a headline is marked.
On a short article written as another outlet would, really ingested and marked."""

from __future__ import annotations

import csv
import io
import json

import pytest
from click.testing import CliRunner
from markdown_it import MarkdownIt

from workbench.cli import cli
from workbench.pipeline import ingest
from workbench.store.database import open_db, write_transaction
from workbench.store.reviews import mark

ARTICLE = """title: Minister defends the bridge
outlet: Demo Daily (example)
url: https://demo-daily.news/bridge

The minister said the plan was "a historic mistake" that would cost 2,000 jobs.

"We will not raise taxes," she told reporters. "Not this year, and not next year."
"""
HEADLINE = "Bridge Will Pay For Itself, Mayor Says"


@pytest.fixture(scope="module")
def shaped(tmp_path_factory) -> dict:
    base = tmp_path_factory.mktemp("shape")
    (base / "bridge.txt").write_text(ARTICLE, encoding="utf-8")
    path = base / "workbench.db"
    db = open_db(path)
    ingest(db, [str(base / "bridge.txt")], workers=1)
    partial = db.execute("SELECT id, text, quoted FROM items WHERE quoted IS NOT NULL").fetchone()
    split = db.execute("SELECT id, text, segments FROM items WHERE segments IS NOT NULL").fetchone()
    assert partial and split, "the extractor no longer finds a partial or a split quotation here"
    source = db.execute("SELECT id FROM sources").fetchone()[0]
    with write_transaction(db):  # a headline, as the extractor stores one it finds in the title
        db["items"].insert(
            {"id": "headline0000", "source_id": source, "seq": -1, "kind": "claim", "text": HEADLINE, "start": 0,
             "end": 0, "paragraph": 0, "score": 0.6, "headline": 1, "first_seen": "2026-01-01"}
        )  # fmt: skip
    for item in (partial[0], split[0], "headline0000"):
        mark(db, item, "misleading", reviewer="ana")
    db.close()
    (start, end), *_ = json.loads(partial[2])
    return {
        "path": str(path),
        "partial": partial[0],
        "quoted": partial[1][start:end],
        "split": split[0],
        "segments": json.loads(split[2]),
    }


def export(shaped, format_: str) -> str:
    result = CliRunner().invoke(
        cli,
        ["export", "--db", shaped["path"], "--format", format_, "--organization", "Desk",
         "--organization-url", "https://desk.news/"],
        catch_exceptions=False,
    )  # fmt: skip
    assert result.exit_code == 0, result.stderr
    return result.stdout


def test_quoted_words_are_marked_in_markdown_and_html(shaped):
    assert shaped["quoted"] == "a historic mistake"
    text = export(shaped, "md")
    assert '> the plan was "*a historic mistake*" that would cost 2,000 jobs.' in text
    rendered = MarkdownIt("commonmark").render(text)
    assert "the plan was &quot;<em>a historic mistake</em>&quot; that would cost" in rendered
    page = export(shaped, "html")
    assert 'the plan was &quot;<em class="quoted">a historic mistake</em>&quot; that would cost' in page


def test_a_headline_is_marked_as_one(shaped):
    text = export(shaped, "md")
    assert "### 1. Misleading: claim (headline) `headline0000`" in text
    assert '<span class="kind">claim · headline</span><code>headline0000</code>' in export(shaped, "html")
    reviews = {review["identifier"]: review for review in json.loads(export(shaped, "claimreview"))}
    assert reviews["headline0000"]["claimReviewed"] == HEADLINE  # not the article's first sentence
    assert reviews[shaped["partial"]]["claimReviewed"] == (
        'The minister said the plan was "a historic mistake" that would cost 2,000 jobs.'
    )


def test_csv_and_json_carry_the_shape_of_each_item(shaped):
    rows = {row["id"]: row for row in csv.DictReader(io.StringIO(export(shaped, "csv"), newline=""))}
    assert rows[shaped["partial"]]["quoted_words"] == "a historic mistake"
    assert json.loads(rows[shaped["split"]]["segments"]) == shaped["segments"] and len(shaped["segments"]) == 2
    assert rows["headline0000"]["headline"] == "1" and rows[shaped["split"]]["headline"] == "0"
    items = {item["id"]: item for item in json.loads(export(shaped, "json"))["items"]}
    partial = items[shaped["partial"]]
    assert [partial["text"][start:end] for start, end in partial["quoted"]] == ["a historic mistake"]
    assert items[shaped["split"]]["segments"] == shaped["segments"] and items[shaped["split"]]["quoted"] == []
    assert items["headline0000"]["headline"] == 1 and items[shaped["partial"]]["headline"] == 0
