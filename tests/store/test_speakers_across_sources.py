"""One person, one speaker string across sources (issue 13, m015_speakers): real article
files, the real extractor and ingest, a real SQLite file."""

from __future__ import annotations

import sqlite3

from workbench.pipeline import ingest
from workbench.store.database import open_db
from workbench.store.schema import MIGRATION_NAMES, migrations

LEDGER = """Bridge repairs will cost more than planned

Councillor Jane Roe said the repairs to the Elm Street bridge would cost $40 million, twice the first estimate.

The council will vote on the money in March, Roe said.
"""
COURIER = """Council split over bridge

Roe told the finance committee on Monday that the city could not wait another year.

The mayor’s office said the vote would take place on March 12.
"""
POST = """A second Roe joins the race

Tom Roe, a lawyer, said he would run for the council seat in the eastern ward.
"""
GAZETTE = """Bridge vote delayed

Roe said the committee needed three more weeks to study the costs of the repairs.
"""


def write(folder, name, text):
    path = folder / name
    path.write_text(text, encoding="utf-8")
    return str(path)


def speakers(db, name):
    return [
        row[0]
        for row in db.execute(
            "SELECT items.speaker FROM items JOIN sources ON sources.id = items.source_id "
            "WHERE sources.path LIKE ? AND items.speaker IS NOT NULL ORDER BY items.seq",
            [f"%{name}"],
        )
    ]


def test_a_surname_alone_is_the_one_full_name_stored_with_it(tmp_path):
    db = open_db(tmp_path / "wb.db")
    ingest(db, [write(tmp_path, "ledger.txt", LEDGER)], workers=1, link=False)
    ingest(db, [write(tmp_path, "courier.txt", COURIER)], workers=1, link=False)
    # Within an article the fullest form, the title apart; across sources the same string.
    assert speakers(db, "ledger.txt") == ["Jane Roe", "Jane Roe"]
    assert {role for (role,) in db.execute("SELECT role FROM items WHERE speaker = 'Jane Roe'")} == {"Councillor", None}
    assert speakers(db, "courier.txt")[0] == "Jane Roe"
    assert db.execute("SELECT full_name, short_name FROM speakers").fetchall() == [("Jane Roe", "Roe")]

    # A namesake makes the surname ambiguous: from then on it stays as the article wrote it,
    # and what was stored before is not rewritten.
    ingest(db, [write(tmp_path, "post.txt", POST)], workers=1, link=False)
    ingest(db, [write(tmp_path, "gazette.txt", GAZETTE)], workers=1, link=False)
    assert speakers(db, "post.txt") == ["Tom Roe"]
    assert speakers(db, "gazette.txt") == ["Roe"]
    assert speakers(db, "courier.txt")[0] == "Jane Roe"


def test_the_migration_fills_the_table_from_the_stored_speakers(tmp_path):
    path = tmp_path / "wb.db"
    db = open_db(path)
    ingest(db, [write(tmp_path, "ledger.txt", LEDGER), write(tmp_path, "post.txt", POST)], workers=1, link=False)
    db.conn.close()
    # The database as m014 left it: no speakers table, no record of m015.
    with sqlite3.connect(path) as conn:
        conn.execute("DROP TABLE speakers")
        conn.execute("DELETE FROM _sqlite_migrations WHERE name = 'm015_speakers'")
    conn.close()
    assert MIGRATION_NAMES[-1] == "m015_speakers" or "m015_speakers" in MIGRATION_NAMES
    db = open_db(path)
    assert [m.name for m in migrations.pending(db)] == []
    assert sorted(db.execute("SELECT full_name, short_name FROM speakers").fetchall()) == [
        ("Jane Roe", "Roe"),
        ("Tom Roe", "Roe"),
    ]
