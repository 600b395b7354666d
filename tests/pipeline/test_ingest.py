"""Ingest end to end: real files, real extraction, a real SQLite file, the real CLI."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pytest
from click.testing import CliRunner
from paths import FIXTURE_ARTICLES
from pdfmaker import write_pdf

from workbench.cli import cli
from workbench.pipeline import ingest
from workbench.store.database import DatabaseError, open_db
from workbench.store.reviews import StaleReview, UnknownItem, UnknownStatus, mark
from workbench.store.schema import MIGRATION_NAMES, SCHEMA_VERSION

REUTERS = "000_2b14526b3bd0fd47.txt"


def run(*args: str, env: dict | None = None):
    return CliRunner().invoke(cli, list(args), env=env, catch_exceptions=False)


def item_like(db, fragment: str) -> dict:
    rows = list(db.query("SELECT * FROM items WHERE text LIKE ?", [f"%{fragment}%"]))
    assert rows, f"no item contains {fragment!r}"
    return rows[0]


def dump(db) -> list:
    return [list(db.execute(f"SELECT * FROM {table} ORDER BY 1")) for table in ("sources", "items", "reviews")]


def test_fixtures_ingest_into_sources_and_items_with_exact_offsets(fixture_db):
    db = fixture_db
    assert db["sources"].count == FIXTURE_ARTICLES
    kinds = dict(db.execute("SELECT kind, count(*) FROM items GROUP BY kind").fetchall())
    assert kinds["claim"] > 30 and kinds["quote"] > 20
    # An item's text is its span of the article; a quotation interrupted by its attribution
    # is its segments' text joined by one space (db/README.md, items.text).
    rows = db.execute(
        'SELECT items.text, sources.text, items.start, items."end", items.segments, items.headline '
        "FROM items JOIN sources ON sources.id = items.source_id"
    ).fetchall()
    assert any(segments for *_, segments, _ in rows)
    # Every article with a headline has it as a claim (issue 13: headlines are checked first).
    titled = db.execute("SELECT count(*) FROM sources WHERE coalesce(title, '') != ''").fetchone()[0]
    assert titled >= 2 and sum(1 for *_, headline in rows if headline) == titled
    for text, article, start, end, segments, headline in rows:
        if headline:
            continue
        spans = json.loads(segments) if segments else [[start, end]]
        assert text == " ".join(article[a:b] for a, b in spans)
        assert (spans[0][0], spans[-1][1]) == (start, end)
    assert db.execute("SELECT count(*) FROM items WHERE status != 'unreviewed'").fetchone()[0] == 0
    # the full-text index follows the items table
    hits = db.execute("SELECT count(*) FROM items_fts WHERE items_fts MATCH 'truncheons'").fetchone()[0]
    assert hits == db.execute("SELECT count(*) FROM items WHERE text LIKE '%truncheons%'").fetchone()[0] >= 1


def test_item_ids_are_derived_from_source_and_text_not_row_order(tmp_path, corpus):
    first, second = open_db(tmp_path / "a.db"), open_db(tmp_path / "b.db")
    ingest(first, [str(corpus / REUTERS)], workers=1)
    ingest(second, [str(corpus)], workers=1)
    ids_first = {row[0] for row in first.execute("SELECT id FROM items")}
    ids_second = {row[0] for row in second.execute("SELECT id FROM items")}
    assert ids_first and ids_first <= ids_second


def test_reingesting_the_same_files_changes_nothing(fixture_db, corpus):
    before = dump(fixture_db)
    summary = ingest(fixture_db, [str(corpus)], workers=1)
    assert (summary.unchanged, summary.new, summary.updated, summary.items_added) == (FIXTURE_ARTICLES, 0, 0, 0)
    assert dump(fixture_db) == before


def test_edited_article_keeps_every_review(fixture_db, corpus):
    db = fixture_db
    unchanged = item_like(db, "Mass protests have rocked the country")
    edited = item_like(db, "on the eastern outskirts of the capital Minsk")
    removed = item_like(db, "two employees were arrested and beaten")
    for item, status in ((unchanged, "true"), (edited, "mostly-true"), (removed, "false")):
        mark(db, item["id"], status, reviewer="ana", note=f"checked {status}")

    path = corpus / REUTERS
    text = path.read_text(encoding="utf-8")
    gismart = next(p.strip() for p in text.split("\n\n") if p.strip().startswith("Gismart, a gaming app developer"))
    text = text.replace("since its launching in 2006", "since its launch in 2006").replace(gismart, "")
    text = text.replace(
        "Neighbouring countries quickly opened their doors.",
        "Neighbouring countries quickly opened their doors.\n\nPoland offered 1,000 visas in a week.",
    )
    path.write_text(text, encoding="utf-8")

    summary = ingest(db, [str(corpus)], workers=1)
    assert (summary.updated, summary.unchanged) == (1, FIXTURE_ARTICLES - 1)
    assert summary.reviews_moved == 1
    assert db["reviews"].count == 3

    assert db.execute("SELECT status FROM items WHERE id = ?", [unchanged["id"]]).fetchone()[0] == "true"
    followed = item_like(db, "since its launch in 2006")
    assert followed["id"] != edited["id"] and followed["status"] == "mostly-true"
    review = db.execute("SELECT moved_from, item_text FROM reviews WHERE item_id = ?", [followed["id"]]).fetchone()
    assert review == (edited["id"], edited["text"])
    assert db.execute("SELECT text_changed FROM item_status WHERE item_id = ?", [followed["id"]]).fetchone()[0] == 1
    assert [row["item_id"] for row in db.query("SELECT item_id FROM orphan_reviews")] == [removed["id"]]
    item_like(db, "Poland offered 1,000 visas in a week")

    result = run("stats", "--db", db.execute("PRAGMA database_list").fetchone()[2])
    assert "1 reviews belong to items that no longer exist" in result.output
    assert "two employees were arrested and beaten" in result.output
    assert "1 reviewed items changed text since their review" in result.output


def test_bad_files_are_named_one_line_each_and_the_rest_goes_in(tmp_path):
    corpus = tmp_path / "in"
    corpus.mkdir()
    (corpus / "good.txt").write_text("Park grows\n\nThe park has risen to 750 companies since its launch in 2006.\n")
    (corpus / "empty.txt").write_bytes(b"")
    (corpus / "binary.txt").write_bytes(bytes(range(256)) * 64)
    (corpus / "latin.txt").write_bytes(
        "Prices\n\nCafé prices in Minsk rose 5% in August 2020 at the José bakery chain.\n".encode("cp1252")
    )
    (corpus / "broken.html").write_bytes(b"<html><body><div><p")
    (corpus / "corrupt.pdf").write_bytes(b"%PDF-1.4\n1 0 obj <<< garbage\n%%EOF")
    write_pdf(corpus / "real.pdf", ["Officials said the park employs 58,000 people in Minsk."], title="Jobs")
    (tmp_path / "nothing").mkdir()
    db_path = tmp_path / "wb.db"
    result = CliRunner().invoke(
        cli, ["ingest", str(corpus), str(tmp_path / "missing.txt"), str(tmp_path / "nothing"), "--db", str(db_path)]
    )
    assert result.exit_code == 1
    errors = [line for line in result.output.splitlines() if line.startswith("skipped ")]
    named = {Path(line.split(": ")[0].removeprefix("skipped ")).name for line in errors}
    assert named == {"empty.txt", "binary.txt", "broken.html", "corrupt.pdf", "missing.txt", "nothing"}
    assert "Traceback" not in result.output
    db = open_db(db_path)
    assert sorted(Path(p).name for (p,) in db.execute("SELECT path FROM sources")) == [
        "good.txt",
        "latin.txt",
        "real.pdf",
    ]
    item_like(db, "Café prices in Minsk rose 5%")


def test_a_failed_write_leaves_no_half_ingested_source(tmp_path):
    corpus = tmp_path / "in"
    corpus.mkdir()
    (corpus / "a.txt").write_text(
        "A\n\nThe park has risen to 750 companies since 2006.\n\nPoison gas leaks rose by 12% in Minsk in 2020, officials said.\n"
    )
    (corpus / "b.txt").write_text("B\n\nThe park employs 58,000 people in Minsk.\n")
    db = open_db(tmp_path / "wb.db")
    db.execute(
        "CREATE TRIGGER poison BEFORE INSERT ON items WHEN NEW.text LIKE '%Poison%' "
        "BEGIN SELECT RAISE(ABORT, 'poisoned'); END"
    )
    summary = ingest(db, [str(corpus)], workers=1)
    assert [str(f) for f in summary.failures] == [f"{corpus / 'a.txt'}: not stored, database error: poisoned"]
    assert [Path(p).name for (p,) in db.execute("SELECT path FROM sources")] == ["b.txt"]
    assert db.execute("SELECT count(*) FROM items WHERE text LIKE '%750 companies%'").fetchone()[0] == 0


def test_db_that_is_not_sqlite_is_refused_untouched(tmp_path):
    path = tmp_path / "notes.db"
    path.write_text("these are my notes, not a database\n")
    result = CliRunner().invoke(cli, ["stats", "--db", str(path)])
    assert result.exit_code == 1
    assert result.output.strip() == f"error: {path}: not a SQLite database"
    assert path.read_text() == "these are my notes, not a database\n"


def test_corrupt_database_gets_a_clear_error(tmp_path):
    path = tmp_path / "corrupt.db"
    path.write_bytes(b"SQLite format 3\x00" + b"\xff" * 4000)
    with pytest.raises(DatabaseError, match="corrupt"):
        open_db(path)
    result = CliRunner().invoke(cli, ["ingest", "--db", str(path), "fixtures"])
    assert result.exit_code == 1 and "corrupt" in result.output and "Traceback" not in result.output


def test_database_from_a_newer_schema_is_refused_and_untouched(tmp_path, corpus):
    path = tmp_path / "future.db"
    db = open_db(path)
    db.execute(
        "INSERT INTO _sqlite_migrations (migration_set, name, applied_at) "
        "VALUES ('workbench', 'm999_from_the_future', '2030-01-01')"
    )
    db.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 1}")
    db.conn.commit()
    db.execute("PRAGMA journal_mode = DELETE")
    db.close()
    before = path.read_bytes()
    with pytest.raises(DatabaseError, match="newer workbench"):
        open_db(path)
    result = CliRunner().invoke(cli, ["ingest", "--db", str(path), str(corpus)])
    assert result.exit_code == 1 and "newer workbench" in result.output
    assert path.read_bytes() == before


def test_schema_version_is_the_number_of_migrations_and_reopening_is_idempotent(tmp_path):
    assert SCHEMA_VERSION == len(MIGRATION_NAMES) >= 1
    open_db(tmp_path / "a.db").close()
    db = open_db(tmp_path / "a.db")
    assert db.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
    assert db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert db.execute("SELECT count(*) FROM statuses").fetchone()[0] == 7


def test_mark_from_python_checks_item_status_and_staleness(fixture_db):
    db = fixture_db
    item = item_like(db, "Mass protests have rocked the country")
    with pytest.raises(UnknownItem):
        mark(db, "doesnotexist", "true")
    with pytest.raises(UnknownStatus):
        mark(db, item["id"], "probably")
    first = mark(db, item["id"], "in-progress", reviewer="ana", expected=None)
    with pytest.raises(StaleReview, match="changed by ana"):
        mark(db, item["id"], "true", reviewer="ben", expected=None)
    mark(db, item["id"][:8], "true", reviewer="ben", expected=first.review_id)
    assert [r[0] for r in db.execute("SELECT status FROM reviews ORDER BY id")] == ["in-progress", "true"]


def test_mark_and_stats_from_the_command_line(fixture_db):
    db_path = fixture_db.execute("PRAGMA database_list").fetchone()[2]
    item = item_like(fixture_db, "Mass protests have rocked the country")
    result = run("mark", item["id"], "false", "--note", "26 years is right", "--reviewer", "ana", "--db", db_path)
    assert result.output.strip().startswith(f"{item['id']}: unreviewed -> false")
    unknown = CliRunner().invoke(cli, ["mark", "nope", "false", "--db", db_path])
    assert unknown.exit_code == 1 and unknown.output.strip() == "error: nope: no such item"
    bad_status = CliRunner().invoke(cli, ["mark", item["id"], "fake", "--db", db_path])
    assert bad_status.exit_code == 1 and "unknown status (one of: unreviewed, in-progress, true" in bad_status.output
    stale = CliRunner().invoke(cli, ["mark", item["id"], "true", "--expect", "unreviewed", "--db", db_path])
    assert stale.exit_code == 1 and "current status is 'false', not 'unreviewed'; not marked" in stale.output
    row = fixture_db.execute("SELECT status, note, reviewer, item_text FROM reviews").fetchone()
    assert row == ("false", "26 years is right", "ana", item["text"])
    stats = run("stats", "--db", db_path).output
    assert "False" in stats and "reviewed items" in stats


def test_default_database_and_environment_variable(tmp_path, monkeypatch, corpus):
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("WORKBENCH_DB", raising=False)
    assert run("ingest", str(corpus / REUTERS)).exit_code == 0
    assert (tmp_path / "db" / "workbench.db").exists()
    assert run("ingest", str(corpus / REUTERS), env={"WORKBENCH_DB": str(tmp_path / "other.db")}).exit_code == 0
    assert sqlite3.connect(tmp_path / "other.db").execute("SELECT count(*) FROM sources").fetchone()[0] == 1


def test_process_pool_gives_the_same_result_as_one_process(tmp_path, corpus):
    for n in range(20):
        (corpus / f"copy{n}.txt").write_text((corpus / REUTERS).read_text().replace("750", str(700 + n)))
    single, pooled = open_db(tmp_path / "one.db"), open_db(tmp_path / "pool.db")
    ingest(single, [str(corpus)], workers=1)
    ingest(pooled, [str(corpus)], workers=2)
    query = 'SELECT id, kind, text, speaker, start, "end" FROM items ORDER BY id'
    assert list(single.execute(query)) == list(pooled.execute(query))


def test_the_extraction_processes_end_before_linking_starts(tmp_path, corpus):
    import multiprocessing

    from workbench.pipeline import POOL_MIN_FILES

    folder = tmp_path / "many"
    folder.mkdir()
    reuters = (corpus / REUTERS).read_text(encoding="utf-8")
    for n in range(POOL_MIN_FILES + 2):
        (folder / f"r{n}.txt").write_text(reuters.replace("750", str(750 + n)), encoding="utf-8")
    children_while_linking = []
    ingest(
        open_db(tmp_path / "wb.db"),
        [str(folder)],
        workers=2,
        link_progress=lambda *_: children_while_linking.append(len(multiprocessing.active_children())),
    )
    assert children_while_linking and set(children_while_linking) == {0}
