"""A verdict on words that have changed since is never published as if it were current:
every report flags it and ClaimReview leaves it out, saying so on standard error.

The change is a real one: an article with a typo is ingested, a reviewer marks the
sentence, the typo is fixed and the article ingested again (the verdict follows the
edited sentence and remembers the text it was given on).
"""

from __future__ import annotations

import csv
import io
import json

import pytest
from click.testing import CliRunner
from newsroom import item_in, write_corpus

from workbench.cli import cli
from workbench.link import link_items
from workbench.pipeline import ingest
from workbench.store.database import open_db, write_transaction
from workbench.store.reviews import mark

TYPO, FIXED = "gravest thret", "gravest threat"
WARNING = "warning: 1 left out of ClaimReview: the text changed since the verdict (review again to publish)\n"


@pytest.fixture(scope="module")
def edited(tmp_path_factory) -> dict:
    base = tmp_path_factory.mktemp("edited")
    corpus = base / "corpus"
    write_corpus(corpus)
    reuters = corpus / "reuters.txt"
    reuters.write_text(reuters.read_text(encoding="utf-8").replace(FIXED, TYPO), encoding="utf-8")
    db = open_db(base / "workbench.db")
    ingest(db, [str(corpus)], workers=1)
    link_items(db)
    mark(db, item_in(db, "Reuters", TYPO), "false", note="Given on the typo.", reviewer="ana")
    unchanged = item_in(db, "Reuters", "some 5% of all")
    mark(db, unchanged, "true", reviewer="ana")
    bare = item_in(db, "The Moscow Times", "Lukashenko")
    reuters.write_text(reuters.read_text(encoding="utf-8").replace(TYPO, FIXED), encoding="utf-8")
    ingest(db, [str(corpus)], workers=1)
    link_items(db)
    changed = item_in(db, "Reuters", FIXED)
    assert db.execute("SELECT text_changed FROM item_status WHERE item_id = ?", [changed]).fetchone() == (1,)
    db.close()
    config = base / "desk.toml"
    config.write_text('[organization]\nname = "Desk"\nurl = "https://desk.example/"\n', encoding="utf-8")
    return {"db": base / "workbench.db", "config": config, "changed": changed, "unchanged": unchanged, "bare": bare}


def export(edited, format_: str):
    result = CliRunner().invoke(
        cli,
        ["export", "--db", str(edited["db"]), "--config", str(edited["config"]), "--format", format_],
        catch_exceptions=False,
    )
    assert result.exit_code == 0, result.stderr
    return result


def test_claimreview_leaves_out_a_verdict_on_changed_text_and_says_so(edited):
    result = export(edited, "claimreview")
    published = {review["identifier"] for review in json.loads(result.stdout)}
    assert edited["unchanged"] in published and edited["changed"] not in published
    assert result.stderr == WARNING


def test_every_other_format_flags_it(edited):
    markdown = export(edited, "md").stdout
    section = markdown[markdown.index(edited["changed"]) :].split("\n### ")[0]
    assert "- **Warning:** the text changed since this verdict was given." in section
    assert markdown.count("**Warning:**") == 1
    page = export(edited, "html").stdout
    assert page.count('<span class="warning">the text changed since this verdict was given</span>') == 1
    rows = {row["id"]: row for row in csv.DictReader(io.StringIO(export(edited, "csv").stdout, newline=""))}
    assert (rows[edited["changed"]]["text_changed"], rows[edited["changed"]]["changed_since_verdict"]) == ("1", "text")
    assert (rows[edited["unchanged"]]["text_changed"], rows[edited["unchanged"]]["changed_since_verdict"]) == ("0", "")
    items = {item["id"]: item for item in json.loads(export(edited, "json").stdout)["items"]}
    assert items[edited["changed"]]["verdict"]["changed"] == ["text"]
    assert items[edited["changed"]]["verdict"]["text_changed"] is True
    assert items[edited["unchanged"]]["verdict"]["changed"] == []


def test_a_status_written_without_a_review_is_not_published(edited, tmp_path):
    copy = tmp_path / "workbench.db"
    copy.write_bytes(edited["db"].read_bytes())
    db = open_db(copy)
    with write_transaction(db):  # what a script may do: a status, no review behind it
        db.execute("UPDATE items SET status = 'false' WHERE id = ?", [edited["bare"]])
    db.close()
    result = export({**edited, "db": copy}, "claimreview")
    assert edited["bare"] not in {review["identifier"] for review in json.loads(result.stdout)}
    assert result.stderr == WARNING + "warning: 1 left out of ClaimReview: a status with no review behind it\n"


def test_other_changes_the_schema_records_are_flagged_and_not_published(edited, tmp_path):
    copy = tmp_path / "workbench.db"
    copy.write_bytes(edited["db"].read_bytes())
    db = open_db(copy)
    recorded = {row[0] for row in db.execute("SELECT name FROM pragma_table_info('item_status')")}
    if "speaker_changed" not in recorded:
        pytest.skip("this schema does not record the speaker a verdict was given on")
    with write_transaction(db):
        db.execute("UPDATE items SET speaker = 'Someone else' WHERE id = ?", [edited["unchanged"]])
    db.close()
    result = export({**edited, "db": copy}, "claimreview")
    assert edited["unchanged"] not in {review["identifier"] for review in json.loads(result.stdout)}
    assert "warning: 1 left out of ClaimReview: the speaker changed since the verdict" in result.stderr
    items = {item["id"]: item for item in json.loads(export({**edited, "db": copy}, "json").stdout)["items"]}
    assert items[edited["unchanged"]]["verdict"]["changed"] == ["speaker"]
    markdown = export({**edited, "db": copy}, "md").stdout
    assert "- **Warning:** the speaker changed since this verdict was given." in markdown
