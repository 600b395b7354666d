"""Reports say what an item was checked before: Markdown and HTML "previously checked by",
JSON carries the checks, ClaimReview of an adopted verdict cites the earlier check; the
publisher's words are shown literally everywhere."""

from __future__ import annotations

import json
import re

import pytest
from click.testing import CliRunner

from workbench.archives.entry import ArchiveEntry
from workbench.cli import cli
from workbench.config import DEFAULT_RATING_MAP
from workbench.store.database import write_transaction
from workbench.store.factchecks import adopt_verdict, save_matches, set_match_state, store_entries
from workbench.store.reviews import mark

HOSTILE = "Check <script>alert(1)</script> [Desk](javascript:alert(1))"


@pytest.fixture
def checked(fixture_db):
    """A database whose first claim repeats a confirmed fact-check, its verdict adopted."""
    db = fixture_db
    store_entries(
        db,
        [
            ArchiveEntry(
                claim="A claim checked elsewhere",
                origin="a.json#1",
                format="claimreview",
                publisher=HOSTILE,
                url="https://checks.example.net/1",
                rating="Pants on Fire",
                review_date="2024-02-01",
            )
        ],
    )
    item = db.execute("SELECT id FROM items WHERE kind = 'claim' ORDER BY num LIMIT 1").fetchone()[0]
    entry = db.execute("SELECT id FROM factchecks").fetchone()[0]
    with write_transaction(db):
        save_matches(db, [(item, entry, 77.0, "fuzzy")])
    set_match_state(db, item, entry, "confirmed", reviewer="ana")
    adopt_verdict(db, item, entry, DEFAULT_RATING_MAP, reviewer="ana")
    return db, item


def export(db, tmp_path, name, *extra):
    out = tmp_path / name
    db_path = db.execute("PRAGMA database_list").fetchone()[2]
    result = CliRunner().invoke(cli, ["export", "--db", db_path, "-o", str(out), *extra])
    assert result.exit_code == 0, result.output
    return out.read_text(encoding="utf-8")


def test_markdown_and_html_say_previously_checked_by_literally(checked, tmp_path):
    db, _ = checked
    markdown = export(db, tmp_path, "report.md")
    line = next(line for line in markdown.splitlines() if line.startswith("- **Previously checked by**"))
    assert "Pants on Fire, 2024-02-01" in line and "(https://checks.example.net/1)" in line
    assert "javascript" not in line.split("](https://checks.example.net/1)")[1]
    assert re.search(r"(?<!\\)<script>", markdown) is None and "](javascript:" not in markdown
    html = export(db, tmp_path, "report.html")
    assert "<dt>Previously checked by</dt>" in html
    assert '<a href="https://checks.example.net/1">Check &lt;script&gt;alert(1)&lt;/script&gt;' in html
    assert "<script>alert" not in html and 'href="javascript' not in html


def test_json_carries_the_checks_and_claimreview_cites_the_earlier_check(checked, tmp_path):
    db, item = checked
    records = {record["id"]: record for record in json.loads(export(db, tmp_path, "items.json"))["items"]}
    assert [(c["via"], c["state"], c["checked_by"], c["rating"], c["url"]) for c in records[item]["checks"]] == [
        ("archive", "confirmed", HOSTILE, "Pants on Fire", "https://checks.example.net/1")
    ]
    # Other items were checked before only through the desk's verdict on this one (a link).
    assert {check["via"] for key, record in records.items() if key != item for check in record["checks"]} <= {"desk"}
    published = export(
        db, tmp_path, "verdicts.jsonld", "--organization", "Our Desk", "--organization-url", "https://desk.test"
    )
    assert "<script>" not in published
    review = next(review for review in json.loads(published) if review["identifier"] == item)
    assert review["reviewRating"]["alternateName"] == "False"
    assert review["isBasedOn"] == [
        {
            "@type": "ClaimReview",
            "url": "https://checks.example.net/1",
            "author": {"@type": "Organization", "name": HOSTILE},
            "reviewRating": {"@type": "Rating", "alternateName": "Pants on Fire"},
        }
    ]


def test_a_desk_verdict_on_a_linked_item_is_reported_as_checked_before(fixture_db, tmp_path):
    db = fixture_db
    item_a, item_b = db.execute(
        "SELECT item_a, item_b FROM links WHERE state != 'rejected' AND method != 'number-conflict' LIMIT 1"
    ).fetchone()
    mark(db, item_b, "misleading", reviewer="bo")
    records = {record["id"]: record for record in json.loads(export(db, tmp_path, "all.json", "--all"))["items"]}
    assert [(c["via"], c["checked_by"], c["rating"]) for c in records[item_a]["checks"]] == [
        ("desk", "bo", "Misleading")
    ]
    markdown = export(db, tmp_path, "all.md", "--all")
    assert "- **Previously checked by** this desk (bo): Misleading, " in markdown
