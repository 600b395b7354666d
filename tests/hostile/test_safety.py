"""Nothing lost, nobody overwritten: concurrency, crashes, re-ingest, migrations, backups.

Real SQLite files and real processes throughout; the figures each test runs with are
module constants so the closing note can quote them.
"""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner
from paths import FIXTURES, ROOT

from workbench.cli import cli
from workbench.pipeline import ingest
from workbench.store.database import open_db
from workbench.store.reviews import mark
from workbench.store.schema import MIGRATION_NAMES, migrations

WORKER = str(Path(__file__).resolve().parent / "proc_workers.py")
PROCESSES, MARKS_EACH = 4, 2000
CRASH_AFTER_MARKS = 300
INGEST_FILES = 60
REVIEWED = 100
LINK_FILES = 10  # articles that link to one another, for the resumable-linking tests


def db_file(db) -> str:
    return db.execute("PRAGMA database_list").fetchone()[2]


def spawn(*args: str) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, WORKER, *args], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def integrity(path: str) -> str:
    conn = sqlite3.connect(path)
    try:
        return conn.execute("PRAGMA integrity_check").fetchone()[0]
    finally:
        conn.close()


def test_concurrent_processes_lose_no_mark_and_report_conflicts(fixture_db):
    path = db_file(fixture_db)
    fixture_db.close()
    workers = [spawn("mark", path, str(MARKS_EACH), str(seed)) for seed in range(PROCESSES)]
    outputs = [worker.communicate(timeout=600) for worker in workers]
    for worker, (_out, err) in zip(workers, outputs):
        assert worker.returncode == 0, err
        assert "locked" not in err
    committed = {int(line.split()[1]) for out, _ in outputs for line in out.splitlines() if line.startswith("ok ")}
    stale = sum(int(out.splitlines()[-1].split("=")[1]) for out, _ in outputs)
    assert len(committed) + stale == PROCESSES * MARKS_EACH
    db = open_db(path)
    assert {row[0] for row in db.execute("SELECT id FROM reviews")} == committed
    # every item shows the status of its latest review
    assert (
        db.execute(
            "SELECT count(*) FROM items JOIN reviews ON reviews.id = items.review_id "
            "WHERE reviews.id != (SELECT max(id) FROM reviews r WHERE r.item_id = items.id)"
        ).fetchone()[0]
        == 0
    )
    # conflicting marks were refused, never silently applied: every stale attempt is counted
    assert stale > 0
    assert integrity(path) == "ok"


def test_sigkill_during_marks_keeps_every_committed_mark(fixture_db):
    path = db_file(fixture_db)
    fixture_db.close()
    worker = spawn("mark", path, "100000", "1")
    committed = []
    for line in worker.stdout:
        if line.startswith("ok "):
            committed.append(int(line.split()[1]))
        if len(committed) >= CRASH_AFTER_MARKS:
            break
    os.kill(worker.pid, signal.SIGKILL)
    worker.wait()
    assert integrity(path) == "ok"
    stored = {row[0] for row in sqlite3.connect(path).execute("SELECT id FROM reviews")}
    assert set(committed) <= stored


def test_sigkill_during_ingest_leaves_no_half_ingested_source(tmp_path, corpus):
    folder = tmp_path / "many"
    folder.mkdir()
    base = (corpus / "000_2b14526b3bd0fd47.txt").read_text(encoding="utf-8")
    for n in range(INGEST_FILES):
        (folder / f"a{n:03d}.txt").write_text(
            base.replace("750", str(n)).replace("Korolevsky", f"Korolev{n}"), encoding="utf-8"
        )
    path = str(tmp_path / "killed.db")
    worker = spawn("ingest", path, str(folder))
    stored = 0
    for line in worker.stdout:
        stored += line.startswith("file ")
        if stored >= INGEST_FILES // 3:
            break
    os.kill(worker.pid, signal.SIGKILL)
    worker.wait()
    assert integrity(path) == "ok"
    reference = open_db(tmp_path / "reference.db")
    ingest(reference, [str(folder)], workers=1)
    killed = open_db(path)
    sources = [row[0] for row in killed.execute("SELECT id FROM sources")]
    assert INGEST_FILES // 3 <= len(sources) < INGEST_FILES
    query = "SELECT id FROM items WHERE source_id = ? ORDER BY id"
    for source in sources:
        assert list(killed.execute(query, [source])) == list(reference.execute(query, [source]))
    # the interrupted batch completes when run again
    ingest(killed, [str(folder)], workers=1)
    assert killed.execute("SELECT count(*) FROM sources").fetchone()[0] == INGEST_FILES


def linked_corpus(folder: Path) -> list[Path]:
    """Versions of the two fixture articles with other figures and wording: exact links,
    number conflicts and drifting quotes between every pair of files."""
    folder.mkdir()
    reuters = (FIXTURES / "000_2b14526b3bd0fd47.txt").read_text(encoding="utf-8")
    moscow = (FIXTURES / "003_9c5ba6eb5ac01bd5.txt").read_text(encoding="utf-8")
    files = []
    for n in range(LINK_FILES):
        text = reuters if n % 2 else moscow
        text = text.replace("750", str(750 + n)).replace("50 firms", f"{50 + n} firms")
        if n % 3 == 0:
            text = text.replace("gravest threat", "biggest threat").replace("quickly opened", "soon opened")
        files.append(folder / f"a{n:02d}.txt")
        files[-1].write_text(text, encoding="utf-8")
    return files


def links_and_clusters(db) -> tuple[list, list]:
    return (
        db.execute("SELECT item_a, item_b, score, method, state, drift, conflict FROM links ORDER BY 1, 2").fetchall(),
        db.execute("SELECT id, cluster_id FROM items ORDER BY id").fetchall(),
    )


def killed_at(path: Path, folder: Path, stop: str) -> None:
    """Run an ingest in another process and SIGKILL it once it has printed ``stop``."""
    worker = spawn("ingest", str(path), str(folder), stop)
    for line in worker.stdout:
        if line.strip() == stop:
            break
    else:
        pytest.fail(f"the ingest never reached {stop!r}: {worker.stderr.read()}")
    os.kill(worker.pid, signal.SIGKILL)
    worker.wait()
    assert integrity(str(path)) == "ok"


@pytest.mark.parametrize(
    "stop", ["file 4", "link reading", "link indexing", "link candidates", "link scoring", "link writing"]
)
def test_sigkill_mid_ingest_or_mid_link_then_a_rerun_links_as_a_clean_run(tmp_path, stop):
    folder = tmp_path / "articles"
    linked_corpus(folder)
    clean = open_db(tmp_path / "clean.db")
    ingest(clean, [str(folder)], workers=1)
    expected = links_and_clusters(clean)
    assert len(expected[0]) > 300 and {"exact", "number-conflict"} <= {link[3] for link in expected[0]}
    path = tmp_path / "killed.db"
    killed_at(path, folder, stop)
    killed = open_db(path)
    assert killed.execute("SELECT count(*) FROM links").fetchone()[0] == 0  # nothing linked before the kill
    ingest(killed, [str(folder)], workers=1)
    assert links_and_clusters(killed) == expected
    assert killed.execute("SELECT count(*) FROM link_queue").fetchone()[0] == 0


def test_sigkill_mid_second_ingest_then_a_rerun_links_as_a_clean_run(tmp_path):
    folder = tmp_path / "articles"
    files = linked_corpus(folder)
    clean = open_db(tmp_path / "clean.db")
    ingest(clean, [str(folder)], workers=1)
    path = tmp_path / "killed.db"
    first = open_db(path)
    ingest(first, [str(file) for file in files[:4]], workers=1)  # linked, indexed
    first.close()
    killed_at(path, folder, "file 7")  # three new articles stored, none linked
    killed = open_db(path)
    ingest(killed, [str(folder)], workers=1)
    assert links_and_clusters(killed) == links_and_clusters(clean)


def test_reingest_after_edits_keeps_all_hundred_reviews(tmp_path, corpus):
    folder = tmp_path / "articles"
    folder.mkdir()
    reuters = (corpus / "000_2b14526b3bd0fd47.txt").read_text(encoding="utf-8")
    moscow = (corpus / "003_9c5ba6eb5ac01bd5.txt").read_text(encoding="utf-8")
    for n in range(4):
        (folder / f"r{n}.txt").write_text(reuters.replace("750", str(750 + n)), encoding="utf-8")
        (folder / f"m{n}.txt").write_text(moscow.replace("50 firms", f"{50 + n} firms"), encoding="utf-8")
    edited_file = folder / "r0.txt"
    edited_file.write_text(reuters.replace("gravest threat", "gravest thret"), encoding="utf-8")  # the typo
    db = open_db(tmp_path / "wb.db")
    ingest(db, [str(folder)], workers=1)

    def in_r0(fragment: str) -> str:
        return db.execute(
            "SELECT items.id FROM items JOIN sources ON sources.id = items.source_id "
            "WHERE sources.path = ? AND items.text LIKE ?",
            [str(edited_file), f"%{fragment}%"],
        ).fetchone()[0]

    typo, dropped = in_r0("gravest thret"), in_r0("two employees were arrested")
    others = [
        row[0]
        for row in db.execute(
            "SELECT id FROM items WHERE id NOT IN (?, ?) ORDER BY id LIMIT ?", [typo, dropped, REVIEWED - 2]
        )
    ]
    reviewed = [typo, dropped, *others]
    for n, item in enumerate(reviewed):
        mark(db, item, ["true", "false", "misleading", "mostly-true"][n % 4], reviewer="ana", note=f"n{n}")

    text = reuters.replace(
        "Neighbouring countries quickly opened their doors.",
        "Neighbouring countries quickly opened their doors.\n\nEstonia offered 200 visas in a week.",
    )
    gismart = next(p.strip() for p in text.split("\n\n") if p.strip().startswith("Gismart, a gaming app developer"))
    edited_file.write_text(text.replace(gismart, ""), encoding="utf-8")  # typo fixed, paragraph added and removed
    (folder / "m3.txt").unlink()
    summary = ingest(db, [str(folder)], workers=1)

    assert summary.updated == 1 and summary.reviews_moved == 1
    assert db.execute("SELECT count(*) FROM reviews").fetchone()[0] == REVIEWED
    assert {row[0] for row in db.execute("SELECT coalesce(moved_from, item_id) FROM reviews")} == set(reviewed)
    fixed = in_r0("gravest threat")
    assert db.execute("SELECT moved_from, status FROM reviews WHERE item_id = ?", [fixed]).fetchone() == (typo, "true")
    assert db.execute("SELECT text_changed FROM item_status WHERE item_id = ?", [fixed]).fetchone()[0] == 1
    assert [row[0] for row in db.execute("SELECT item_id FROM orphan_reviews")] == [dropped]
    attached = db.execute("SELECT count(*) FROM reviews WHERE item_id IN (SELECT id FROM items)").fetchone()[0]
    assert attached == REVIEWED - 1
    stats = CliRunner().invoke(cli, ["stats", "--db", db_file(db)]).output
    assert "1 reviews belong to items that no longer exist" in stats


def test_database_from_the_first_schema_migrates_with_reviews_intact(tmp_path, corpus):
    path = tmp_path / "old.db"
    from sqlite_utils import Database

    old = Database(path)
    migrations.apply(old, stop_before=MIGRATION_NAMES[1:] or None)
    old.execute("PRAGMA user_version = 1")
    old.conn.commit()
    old.close()
    db = open_db(path)
    ingest(db, [str(corpus)], workers=1)
    item = db.execute("SELECT id FROM items LIMIT 1").fetchone()[0]
    mark(db, item, "false", reviewer="ana")
    db.close()
    reopened = open_db(path)
    assert reopened.execute("SELECT count(*) FROM _sqlite_migrations").fetchone()[0] == len(MIGRATION_NAMES)
    assert reopened.execute("SELECT status FROM items WHERE id = ?", [item]).fetchone()[0] == "false"


def test_backup_is_consistent_while_reviewers_mark(fixture_db, tmp_path):
    path = db_file(fixture_db)
    fixture_db.close()
    worker = spawn("mark", path, "3000", "9")
    next(worker.stdout)  # marking has started
    copy = tmp_path / "backup.db"
    result = CliRunner().invoke(cli, ["backup", str(copy), "--db", path])
    worker.kill()
    worker.wait()
    assert result.exit_code == 0, result.output
    assert integrity(str(copy)) == "ok"
    copied = sqlite3.connect(copy).execute("SELECT count(*) FROM reviews").fetchone()[0]
    live = sqlite3.connect(path).execute("SELECT count(*) FROM reviews").fetchone()[0]
    assert 0 < copied <= live
    assert open_db(copy).execute("SELECT count(*) FROM items").fetchone()[0] > 0


def test_opening_the_database_again_in_one_process_keeps_other_connections_safe(fixture_db):
    """Regression: reading the file header with Python I/O dropped this process's SQLite
    locks, so another process closing its connection deleted the WAL under us."""
    path = db_file(fixture_db)
    items = [row[0] for row in fixture_db.execute("SELECT id FROM items LIMIT 2")]
    mark(fixture_db, items[0], "true", reviewer="ana")
    second = open_db(path)
    other = subprocess.run(
        [
            sys.executable,
            "-c",
            "import sys; from workbench.store.database import open_db; "
            "db = open_db(sys.argv[1]); db.execute('SELECT count(*) FROM items'); db.close()",
            path,
        ],
        capture_output=True,
        text=True,
        cwd=ROOT,
    )
    assert other.returncode == 0, other.stderr
    mark(fixture_db, items[1], "false", reviewer="ana")
    second.close()
    fresh = subprocess.run(
        [
            sys.executable,
            "-c",
            "import sqlite3, sys; "
            "print(sqlite3.connect(sys.argv[1]).execute('SELECT count(*) FROM reviews').fetchone()[0])",
            path,
        ],
        capture_output=True,
        text=True,
    )
    assert fresh.stdout.strip() == "2"


@pytest.mark.parametrize("name", ["with space.txt", "Минск — résumé.txt", "日本語 ファイル.md"])
def test_paths_with_spaces_and_non_ascii(tmp_path, name):
    path = tmp_path / "dir with spaces" / name
    path.parent.mkdir()
    path.write_text("Title\n\nThe park has risen to 750 companies since 2006, officials said.\n", encoding="utf-8")
    result = CliRunner().invoke(cli, ["ingest", str(path.parent), "--db", str(tmp_path / "wb.db")])
    assert result.exit_code == 0, result.output
    assert open_db(tmp_path / "wb.db").execute("SELECT path FROM sources").fetchone()[0] == str(path)


def test_two_articles_with_one_identity_in_a_batch_never_overwrite_each_other(tmp_path):
    corpus = tmp_path / "in"
    corpus.mkdir()
    for name, body in (
        ("a.txt", "The park has risen to 750 companies since 2006, officials said on Monday."),
        ("b.txt", "Kazakhstan offered a year of free office space to 40 relocating firms."),
    ):
        (corpus / name).write_text(f"title: {name}\nurl: https://example.com/story\n\n{body}\n", encoding="utf-8")
    db = open_db(tmp_path / "wb.db")
    ingest(db, [str(corpus / "a.txt")], workers=1)
    reviewed = db.execute("SELECT id FROM items").fetchone()[0]
    mark(db, reviewed, "false", reviewer="ana")
    summary = ingest(db, [str(corpus)], workers=1)
    assert not summary.failures and summary.apart == 1  # a different article: kept, apart
    assert dict(db.execute("SELECT path, key FROM sources")) == {
        str(corpus / "a.txt"): "url:https://example.com/story",
        str(corpus / "b.txt"): f"url:https://example.com/story @ file:{corpus / 'b.txt'}",
    }
    assert db.execute("SELECT item_id, moved_from FROM reviews").fetchall() == [(reviewed, None)]
    assert db.execute("SELECT count(*) FROM orphan_reviews").fetchone()[0] == 0


def test_json_lines_records_keep_their_reviews_when_records_are_inserted_above(tmp_path):
    import json

    feed = tmp_path / "feed.jsonl"
    records = [
        {"text": "The park has risen to 750 companies since 2006, officials said on Monday."},
        {"text": "Kazakhstan offered a year of free office space to 40 relocating firms."},
    ]
    feed.write_text("\n".join(json.dumps(r) for r in records) + "\n")
    db = open_db(tmp_path / "wb.db")
    ingest(db, [str(feed)], workers=1)
    reviewed = db.execute("SELECT id FROM items WHERE text LIKE '%Kazakhstan%'").fetchone()[0]
    mark(db, reviewed, "true", reviewer="ana")
    records.insert(0, {"text": "Poland issued 1,000 humanitarian visas to Belarusian programmers in a week."})
    feed.write_text("\n".join(json.dumps(r) for r in records) + "\n")
    ingest(db, [str(feed)], workers=1)
    assert db.execute("SELECT status FROM items WHERE id = ?", [reviewed]).fetchone()[0] == "true"
    assert db.execute("SELECT count(*) FROM orphan_reviews").fetchone()[0] == 0


def test_a_failed_commit_is_rolled_back_so_later_marks_are_committed(fixture_db):
    from workbench.store.database import write_transaction

    db = fixture_db
    item = db.execute("SELECT id FROM items LIMIT 1").fetchone()[0]
    with pytest.raises(sqlite3.IntegrityError), write_transaction(db):
        db.execute("PRAGMA defer_foreign_keys = ON")
        db.execute(
            'INSERT INTO items (id, source_id, seq, kind, text, start, "end", paragraph, first_seen) '
            "VALUES ('orphan', 'no-such-source', 0, 'claim', 'x', 0, 1, 0, '')"
        )
    assert not db.conn.in_transaction
    mark(db, item, "false", reviewer="ana")
    fresh = sqlite3.connect(db_file(db))
    assert fresh.execute("SELECT count(*) FROM reviews").fetchone()[0] == 1


def test_backup_refuses_missing_folders_and_the_databases_own_journal(fixture_db, tmp_path):
    path = db_file(fixture_db)
    missing = CliRunner().invoke(cli, ["backup", str(tmp_path / "nope" / "x.db"), "--db", path])
    assert missing.exit_code == 1 and "no such folder" in missing.output and "Traceback" not in missing.output
    onto_wal = CliRunner().invoke(cli, ["backup", path + "-wal", "--db", path])
    assert onto_wal.exit_code == 1 and "its own journal files" in onto_wal.output


def test_stats_shows_markup_in_titles_literally(tmp_path):
    corpus = tmp_path / "in"
    corpus.mkdir()
    (corpus / "a.txt").write_text(
        "title: Budget row [/bold] deepens [red]now\n\n"
        "The park has risen to 750 companies since 2006, officials said.\n"
    )
    db_path = str(tmp_path / "wb.db")
    assert CliRunner().invoke(cli, ["ingest", str(corpus), "--db", db_path]).exit_code == 0
    result = CliRunner().invoke(cli, ["stats", "--db", db_path])
    assert result.exit_code == 0, result.output
    assert "Budget row [/bold] deepens" in result.output


def test_bare_command_on_an_unusable_database_is_one_line(tmp_path):
    bogus = tmp_path / "notes.txt"
    bogus.write_text("not a database")
    result = CliRunner().invoke(cli, [], env={"WORKBENCH_DB": str(bogus)})
    assert result.exit_code == 1 and result.output.strip() == f"error: {bogus}: not a SQLite database"
