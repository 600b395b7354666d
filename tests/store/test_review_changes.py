"""A reviewed item that changes on re-ingest (text, speaker, kind, figures) is flagged, never
silently kept as reviewed. Real files, extraction, SQLite and CLI."""

from __future__ import annotations

import json
import sqlite3

from click.testing import CliRunner
from paths import FIXTURES
from sqlite_utils import Database

from workbench.cli import cli
from workbench.model import Article, ExtractedItem, NumberMention
from workbench.pipeline import ingest
from workbench.store.articles import prepare, write_article
from workbench.store.database import open_db
from workbench.store.reviews import mark
from workbench.store.schema import MIGRATION_NAMES, migrations

CHANGES = ("text_changed", "kind_changed", "speaker_changed", "figures_changed", "changed_since_review")


def flags(db, item: str) -> dict[str, int]:
    row = db.execute(f"SELECT {', '.join(CHANGES)} FROM item_status WHERE item_id = ?", [item]).fetchone()
    return dict(zip(CHANGES, row))


def test_reordered_paragraphs_that_change_who_said_a_reviewed_item_are_flagged(tmp_path):
    article = (FIXTURES / "003_9c5ba6eb5ac01bd5.txt").read_text(encoding="utf-8")
    path = tmp_path / "in" / "moscow.txt"
    path.parent.mkdir()
    path.write_text(article, encoding="utf-8")
    db_path = tmp_path / "wb.db"
    db = open_db(db_path)
    ingest(db, [str(path)], workers=1)
    speakers = dict(db.execute("SELECT id, speaker FROM items"))
    for item in speakers:
        mark(db, item, "true", reviewer="ana")
    title, *paragraphs = article.split("\n\n")
    path.write_text("\n\n".join([title, *reversed(paragraphs)]), encoding="utf-8")
    ingest(db, [str(path)], workers=1)
    now = dict(db.execute("SELECT id, speaker FROM items"))
    moved = {item for item in speakers.keys() & now.keys() if speakers[item] != now[item]}
    assert len(moved) >= 5  # the fixture's reversal hands several quotes to other speakers
    for item in moved:
        assert flags(db, item) == dict.fromkeys(CHANGES, 0) | {"speaker_changed": 1, "changed_since_review": 1}
    unchanged = {item for item in speakers.keys() & now.keys() if speakers[item] == now[item]}
    assert all(not flags(db, item)["speaker_changed"] for item in unchanged)
    stats = CliRunner().invoke(cli, ["stats", "--db", str(db_path)]).output
    assert f"{len(moved)} reviewed items changed speaker since their review" in stats


def test_a_corrected_publication_date_that_changes_a_reviewed_figure_is_flagged(tmp_path):
    path = tmp_path / "story.txt"
    body = "\n\nJobs\n\nThe ministry said 40 firms had left the country since the election on 9 August, a sharp rise.\n"
    path.write_text("date: 2020-09-14" + body)
    db = open_db(tmp_path / "wb.db")
    ingest(db, [str(path)], workers=1)
    item = db.execute("SELECT id FROM items WHERE text LIKE '%40 firms%'").fetchone()[0]
    mark(db, item, "false", reviewer="ana")
    path.write_text("date: 2021-09-14" + body)  # the same sentence now speaks of 2021
    ingest(db, [str(path)], workers=1)
    assert db.execute("SELECT id FROM items WHERE text LIKE '%40 firms%'").fetchone()[0] == item
    assert flags(db, item) == dict.fromkeys(CHANGES, 0) | {"figures_changed": 1, "changed_since_review": 1}


def write(db, items: list[ExtractedItem], text: str = "Alpha beta gamma. Delta epsilon zeta.") -> None:
    """Store one article with exactly ``items`` (the store's own path, without the extractor)."""
    article = Article(key="file:/story.txt", path="/story.txt", text=text, sha256=str(hash(tuple(map(repr, items)))))
    write_article(db, prepare(article, items, "test", "/story.txt"))


def test_a_reviewed_sentence_read_as_another_kind_keeps_its_review_flagged(tmp_path):
    db = open_db(tmp_path / "wb.db")
    sentence = "Alpha beta gamma."
    write(db, [ExtractedItem("claim", sentence, 0, 17)])
    claim = db.execute("SELECT id FROM items").fetchone()[0]
    mark(db, claim, "false", reviewer="ana")
    write(db, [ExtractedItem("quote", sentence, 0, 17, speaker="Delta")])
    quote, kind = db.execute("SELECT id, kind FROM items").fetchone()
    assert (quote != claim, kind) == (True, "quote")
    assert db.execute("SELECT item_id, moved_from FROM reviews").fetchall() == [(quote, claim)]
    assert flags(db, quote) == {
        "text_changed": 0,
        "kind_changed": 1,
        "speaker_changed": 1,
        "figures_changed": 0,
        "changed_since_review": 1,
    }


def test_figures_that_only_moved_inside_the_item_are_not_a_change(tmp_path):
    db = open_db(tmp_path / "wb.db")
    five = NumberMention("5%", 5.0, "percent", 10, 12)
    write(db, [ExtractedItem("claim", "Prices rose 5%", 0, 14, numbers=[five])])
    item = db.execute("SELECT id FROM items").fetchone()[0]
    mark(db, item, "true", reviewer="ana")
    write(db, [ExtractedItem("claim", "Prices rose 5%", 0, 14, numbers=[NumberMention("5 %", 5.0, "percent", 11, 14)])])
    assert flags(db, item)["figures_changed"] == 0
    write(db, [ExtractedItem("claim", "Prices rose 5%", 0, 14, numbers=[five, NumberMention("2020", "2020", "date")])])
    assert flags(db, item)["figures_changed"] == 1


def test_a_review_inserted_by_a_script_records_what_it_judged(tmp_path):
    db = open_db(tmp_path / "wb.db")
    write(db, [ExtractedItem("quote", "Alpha beta gamma.", 0, 17, speaker="Delta")])
    item = db.execute("SELECT id FROM items").fetchone()[0]
    script = sqlite3.connect(tmp_path / "wb.db")
    script.execute(
        "INSERT INTO reviews (item_id, status, reviewer, created_at) VALUES (?, 'false', 'script', '2024-01-01')",
        [item],
    )
    script.commit()
    assert db.execute("SELECT item_text, item_kind, item_speaker FROM reviews").fetchone() == (
        "Alpha beta gamma.",
        "quote",
        "Delta",
    )
    write(db, [ExtractedItem("quote", "Alpha beta gamma.", 0, 17, speaker="Epsilon")])
    assert flags(db, item)["speaker_changed"] == 1


def test_reviews_from_before_the_snapshots_are_kept_and_compared_from_now_on(tmp_path):
    path = tmp_path / "old.db"
    old = Database(path)
    migrations.apply(old, stop_before="m007_source_files")
    old.execute(
        "INSERT INTO sources (id, key, path, sha256, text, format, extractor, ingested_at) "
        "VALUES ('s1', 'file:/x.txt', '/x.txt', 'h', 'Prices rose 5%.', 'txt', 'old', '2024')"
    )
    old.execute(
        'INSERT INTO items (id, source_id, seq, kind, text, speaker, start, "end", paragraph, numbers, first_seen) '
        "VALUES ('i1', 's1', 0, 'claim', 'Prices rose 5%', 'Ana', 0, 14, 0, ?, '2024')",
        [json.dumps([{"text": "5%", "value": 5.0, "unit": "percent", "start": 12, "end": 14}])],
    )
    old.execute(
        "INSERT INTO reviews (item_id, status, reviewer, created_at, item_text) "
        "VALUES ('i1', 'true', 'ana', '2024', 'Prices rose 5%')"
    )
    old.execute(f"PRAGMA user_version = {len(MIGRATION_NAMES) - 3}")
    old.conn.commit()
    old.close()
    db = open_db(path)
    assert db.execute("SELECT item_kind, item_speaker, file FROM reviews, sources").fetchone() == (
        "claim",
        "Ana",
        "/x.txt",
    )
    assert flags(db, "i1") == dict.fromkeys(CHANGES, 0)
    db.execute("UPDATE items SET speaker = 'Ben' WHERE id = 'i1'")
    assert flags(db, "i1")["speaker_changed"] == 1
