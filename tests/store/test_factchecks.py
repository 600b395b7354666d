"""Archive entries and matches in a real SQLite file: re-imports change nothing, a later
verdict keeps the one it replaced, reviewers' decisions outlive matching, adopting a
verdict is a review citing the fact-check."""

from __future__ import annotations

import pytest

from workbench.archives.entry import ArchiveEntry
from workbench.config import DEFAULT_RATING_MAP
from workbench.store.database import open_db, write_transaction
from workbench.store.factchecks import (
    FactcheckError,
    adopt_verdict,
    desk_checks_for_item,
    matches_for_item,
    save_matches,
    set_match_state,
    store_entries,
    unknown_ratings,
)
from workbench.store.reviews import mark


def entry(rating="False", review_date="2024-03-01", origin="a.json#1", **fields) -> ArchiveEntry:
    values = {
        "claim": "Unemployment rose 15% last year",
        "claimant": "A Senator",
        "publisher": "Check Desk",
        "url": "https://checks.example.net/unemployment",
        "rating": rating,
        "review_date": review_date,
        "origin": origin,
        "format": "claimreview",
    }
    return ArchiveEntry(**{**values, **fields})


def test_a_reimport_changes_nothing(tmp_path):
    db = open_db(tmp_path / "wb.db")
    first = store_entries(db, [entry(), entry(url="https://checks.example.net/other")])
    rows = list(db.query("SELECT * FROM factchecks ORDER BY id"))
    again = store_entries(db, [entry(), entry(url="https://checks.example.net/other")])
    assert (first.added, again.added, again.updated, again.unchanged) == (2, 0, 0, 2)
    assert list(db.query("SELECT * FROM factchecks ORDER BY id")) == rows
    assert rows[0]["numbers"] != "[]"  # the figure is kept for the number guard


def test_an_updated_verdict_updates_the_entry_and_keeps_the_old_one(tmp_path):
    db = open_db(tmp_path / "wb.db")
    store_entries(db, [entry()])
    result = store_entries(db, [entry(rating="Mostly False", review_date="2024-04-02", origin="b.json#7")])
    assert result.updated == 1
    row = next(db.query("SELECT rating, review_date, origin FROM factchecks"))
    assert row == {"rating": "Mostly False", "review_date": "2024-04-02", "origin": "b.json#7"}
    history = list(db.query("SELECT rating, review_date, origin FROM factcheck_history"))
    assert history == [{"rating": "False", "review_date": "2024-03-01", "origin": "a.json#1"}]


def test_an_older_verdict_never_replaces_a_newer_one(tmp_path):
    db = open_db(tmp_path / "wb.db")
    store_entries(db, [entry(rating="Mostly False", review_date="2024-04-02")])
    result = store_entries(db, [entry(rating="True", review_date="2023-01-01", origin="old.json#2")])
    assert result.older == ["old.json#2"]
    assert db.execute("SELECT rating FROM factchecks").fetchone()[0] == "Mostly False"
    assert db.execute("SELECT count(*) FROM factcheck_history").fetchone()[0] == 0


def test_decisions_outlive_matching_and_adoption_cites_the_fact_check(fixture_db):
    db = fixture_db
    store_entries(db, [entry(), entry(url="https://checks.example.net/b", rating="Cherry-picked")])
    item = db.execute("SELECT id FROM items ORDER BY num LIMIT 1").fetchone()[0]
    first, second = (row[0] for row in db.execute("SELECT id FROM factchecks ORDER BY id"))
    with write_transaction(db):
        save_matches(db, [(item, first, 81.25, "fuzzy"), (item, second, 90.0, "semantic")])
    with pytest.raises(FactcheckError, match="confirm the match"):
        adopt_verdict(db, item, first, DEFAULT_RATING_MAP)
    set_match_state(db, item, first, "confirmed", reviewer="ana")
    set_match_state(db, item, second, "rejected", reviewer="ana")
    with write_transaction(db):
        save_matches(db, [(item, first, 10.0, "fuzzy"), (item, second, 99.0, "fuzzy")])
    matches = matches_for_item(db, item)
    assert [(m["factcheck_id"], m["state"], m["score"]) for m in matches] == [
        (first, "confirmed", 81.2),
        (second, "rejected", 90.0),
    ]
    adopted = adopt_verdict(db, item, first, DEFAULT_RATING_MAP, reviewer="ana")
    assert adopted.status == "false"
    note = db.execute("SELECT note FROM reviews WHERE id = ?", [adopted.review_id]).fetchone()[0]
    assert "Check Desk" in note and "'False'" in note and "https://checks.example.net/unemployment" in note
    set_match_state(db, item, second, "confirmed", reviewer="ana")
    with pytest.raises(FactcheckError, match="Cherry-picked"):
        adopt_verdict(db, item, second, DEFAULT_RATING_MAP)
    assert unknown_ratings(db, DEFAULT_RATING_MAP) == [("Cherry-picked", 1)]
    assert db.execute("SELECT status FROM items WHERE id = ?", [item]).fetchone()[0] == "false"


def test_a_desk_verdict_on_a_linked_item_counts_as_checked_before(fixture_db):
    db = fixture_db
    item_a, item_b = db.execute(
        "SELECT item_a, item_b FROM links WHERE state != 'rejected' AND method != 'number-conflict' LIMIT 1"
    ).fetchone()
    assert desk_checks_for_item(db, item_a) == []
    mark(db, item_b, "false", reviewer="ana")
    checks = desk_checks_for_item(db, item_a)
    assert [(check["other_item_id"], check["checked_by"], check["rating"]) for check in checks] == [
        (item_b, "ana", "false")
    ]
    mark(db, item_b, "in-progress", reviewer="ana")  # a workflow state is no verdict
    assert desk_checks_for_item(db, item_a) == []


def test_one_fact_check_twice_in_one_import_is_one_entry_with_its_history(tmp_path):
    db = open_db(tmp_path / "wb.db")
    result = store_entries(db, [entry(), entry(), entry(rating="Mostly False", review_date="2024-04-02")])
    assert (result.added, result.unchanged, result.updated) == (1, 1, 1)
    assert db.execute("SELECT rating FROM factchecks").fetchall() == [("Mostly False",)]
    assert db.execute("SELECT rating FROM factcheck_history").fetchall() == [("False",)]
