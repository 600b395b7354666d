"""Matching items against published fact-checks on the real fixture articles: the same
claim reworded matches, the same claim with another figure does not, and matches come out
the same whichever arrives first (the archive or the articles), each side incrementally."""

from __future__ import annotations

import json
import os
import re
from dataclasses import asdict

import numpy as np
from paths import FIXTURES

from workbench.archives.entry import ArchiveEntry
from workbench.extract.numbers import find_numbers
from workbench.link import factchecks
from workbench.link.factchecks import PER_QUERY, Archive, _archive, match_new_entries, match_new_items, matches
from workbench.link.meaning import embed
from workbench.link.retrieve import Retriever
from workbench.pipeline import ingest
from workbench.store.database import open_db
from workbench.store.factchecks import archive_key, load_index, set_match_state, store_entries

CLAIM = "The IT industry accounts for some 5% of all Belarusian exports."


def checks(*claims: str) -> list[ArchiveEntry]:
    return [
        ArchiveEntry(
            claim=claim,
            origin=f"checks.json#{number}",
            format="claimreview",
            publisher="Check Desk",
            url=f"https://checks.example.net/{number}",
            rating="False",
        )
        for number, claim in enumerate(claims, 1)
    ]


ENTRIES = checks(
    "IT accounts for about 5% of Belarus's exports",
    "The IT industry accounts for some 15% of all Belarusian exports",  # another figure: not this claim
    "Penguins can fly across the Atlantic in a day",
)


def matched(db) -> set[tuple[str, str, float]]:
    return set(
        db.execute(
            "SELECT items.text, factchecks.claim, m.score FROM factcheck_matches m "
            "JOIN items ON items.id = m.item_id JOIN factchecks ON factchecks.id = m.factcheck_id"
        ).fetchall()
    )


def test_a_reworded_claim_matches_and_another_figure_never_does(fixture_db):
    db = fixture_db
    store_entries(db, ENTRIES)
    summary = match_new_entries(db)
    assert summary.entries == 3
    found = {(text, claim) for text, claim, _ in matched(db)}
    assert (CLAIM, ENTRIES[0].claim) in found
    assert not any(claim == ENTRIES[1].claim and "5%" in text for text, claim in found)
    assert not any(claim == ENTRIES[2].claim for _, claim in found)
    # Matched once: a second run has nothing new on either side.
    assert match_new_entries(db).entries == 0
    assert match_new_items(db).items == 0


def test_items_matched_together_match_as_each_alone(fixture_db):
    # The stored archive (entries read from the database when their figures are compared)
    # against items of different shapes, one batch: the same suggestions as one at a time.
    db = fixture_db
    store_entries(db, ENTRIES)
    match_new_items(db)  # builds and stores the archive's index
    archive = _archive(db)
    assert isinstance(archive.documents, factchecks.StoredEntries)
    texts = [
        CLAIM,
        "IT makes up 15% of what Belarus exports",  # another figure: the 15% entry, not the 5%
        "penguins fly!!",  # a short post
        *(text for (text,) in db.execute("SELECT text FROM items ORDER BY num LIMIT 20")),
    ]
    items = [(text, [asdict(mention) for mention in find_numbers(text)]) for text in texts]
    vectors = embed(texts)
    together = factchecks.matches_many(archive, items, vectors)
    assert together == [matches(archive, text, numbers, vector) for (text, numbers), vector in zip(items, vectors)]
    suggested = [{archive.ids.index(entry_id) for entry_id, *_ in found} for found in together]
    assert 0 in suggested[0] and 1 not in suggested[0] and 0 not in suggested[1]


def test_the_archive_first_or_the_articles_first_give_the_same_matches(tmp_path, corpus):
    articles_first = open_db(tmp_path / "a.db")
    ingest(articles_first, [str(corpus)], workers=1)
    store_entries(articles_first, ENTRIES)
    match_new_entries(articles_first)

    archive_first = open_db(tmp_path / "b.db")
    store_entries(archive_first, ENTRIES)
    match_new_entries(archive_first)  # no items yet
    ingest(archive_first, [str(corpus)], workers=1)  # the ingest matches its new items

    assert matched(archive_first) == matched(articles_first) != set()


def test_an_ingest_matches_only_its_new_items_and_keeps_decisions(tmp_path, corpus):
    db = open_db(tmp_path / "wb.db")
    store_entries(db, ENTRIES)
    first = [path for path in sorted(corpus.iterdir()) if not path.name.startswith("demo_01")]
    ingest(db, [str(path) for path in first], workers=1)
    before = db.execute("SELECT item_id, factcheck_id FROM factcheck_matches").fetchall()
    for item_id, factcheck_id in before:
        set_match_state(db, item_id, factcheck_id, "rejected", reviewer="ana")
    through = db.execute("SELECT items_through FROM factcheck_progress").fetchone()[0]
    ingest(db, [str(corpus)], workers=1)
    new_items = db.execute("SELECT count(*) FROM items WHERE num > ?", [through]).fetchone()[0]
    assert new_items > 0
    assert (
        db.execute("SELECT items_through FROM factcheck_progress").fetchone()[0]
        == db.execute("SELECT max(num) FROM items").fetchone()[0]
    )
    assert set(db.execute("SELECT item_id, factcheck_id FROM factcheck_matches WHERE state = 'rejected'")) == set(
        before
    )
    # The new article's claim is matched, as a new suggestion.
    assert db.execute(
        "SELECT count(*) FROM factcheck_matches m JOIN items ON items.id = m.item_id "
        "WHERE items.num > ? AND items.text = ? AND m.state = 'suggested'",
        [through, CLAIM],
    ).fetchone()[0]


def test_fixture_claim_is_in_the_corpus():
    assert CLAIM in (FIXTURES / "demo_01_wire_syndicated.txt").read_text(encoding="utf-8")


def test_a_post_without_a_claim_sentence_is_matched_as_a_whole(tmp_path):
    # A tweet as clean_post leaves it, a record of a JSON lines export: a line without a full
    # stop, the account's name at its end; no sentence of it is a claim.
    posts = tmp_path / "posts.jsonl"
    post = "Flood waters carried a crocodile into a shopping mall in Townsville NewsDesk"
    posts.write_text(json.dumps({"url": "https://social.example/status/1", "text": post}) + "\n")
    db = open_db(tmp_path / "wb.db")
    store_entries(db, checks("A crocodile was carried into a Townsville shopping mall by flood waters"))
    assert not ingest(db, [str(posts)], workers=1).failures
    assert {(text, claim) for text, claim, _ in matched(db)} == {
        (post, "A crocodile was carried into a Townsville shopping mall by flood waters")
    }


def test_a_short_post_is_matched_as_a_whole_on_its_closest_item(tmp_path):
    # Each sentence is a claim; the post as a whole says what the Flint check concerns, the
    # first sentence alone is nearer the Detroit one.
    posts = tmp_path / "posts.jsonl"
    post = "They found lead in the tap water. Flint residents are drinking five times the legal limit."
    posts.write_text(json.dumps({"url": "https://social.example/status/2", "text": post}) + "\n")
    db = open_db(tmp_path / "wb.db")
    flint, detroit = (
        "Flint's tap water has lead levels five times the legal limit",
        "Lead was found in the tap water of schools in Detroit",
    )
    store_entries(db, checks(flint, detroit, *(entry.claim for entry in ENTRIES)))
    ingest(db, [str(posts)], workers=1)
    ranked = sorted(matched(db), key=lambda found: -found[2])
    assert [claim for _, claim, _ in ranked][:1] == [flint]
    assert ranked[0][0] == "Flint residents are drinking five times the legal limit."


def test_the_stored_index_reads_back_as_built_and_matches_as_a_fresh_one(tmp_path, corpus):
    files = sorted(str(path) for path in corpus.iterdir())
    stored = open_db(tmp_path / "stored.db")
    store_entries(stored, ENTRIES)
    ingest(stored, files[:2], workers=1)  # builds the archive's index and stores it
    key = archive_key(stored)
    arrays = load_index(stored, key)
    assert arrays is not None
    fresh = _archive(stored)  # read back, not built
    built = Retriever(fresh.documents).arrays()
    assert set(fresh.index.arrays()) == set(built)
    for name, values in fresh.index.arrays().items():
        assert np.array_equal(values, built[name]), name
    ingest(stored, files, workers=1)  # the rest of the articles, matched with the stored index

    whole = open_db(tmp_path / "whole.db")
    store_entries(whole, ENTRIES)
    ingest(whole, files, workers=1)
    assert matched(stored) == matched(whole) != set()


def test_an_import_makes_the_stored_index_stale_and_its_entry_is_matched(fixture_db):
    db = fixture_db
    store_entries(db, ENTRIES[1:])
    match_new_entries(db)
    old_key = archive_key(db)
    assert load_index(db, old_key) is not None
    store_entries(db, ENTRIES[:1])
    assert load_index(db, archive_key(db)) is None  # the archive changed
    match_new_entries(db)
    assert load_index(db, archive_key(db)) is not None and archive_key(db) != old_key
    assert (CLAIM, ENTRIES[0].claim) in {(text, claim) for text, claim, _ in matched(db)}


def test_a_post_is_matched_the_same_whether_the_archive_or_the_post_comes_first(tmp_path):
    posts = tmp_path / "posts.jsonl"
    post = "They found lead in the tap water. Flint residents are drinking five times the legal limit."
    posts.write_text(json.dumps({"url": "https://social.example/status/2", "text": post}) + "\n")
    entries = checks("Flint's tap water has lead levels five times the legal limit", *(e.claim for e in ENTRIES))
    archive_first = open_db(tmp_path / "a.db")
    store_entries(archive_first, entries)
    ingest(archive_first, [str(posts)], workers=1)
    post_first = open_db(tmp_path / "b.db")
    ingest(post_first, [str(posts)], workers=1)
    store_entries(post_first, entries)
    match_new_entries(post_first)
    assert matched(post_first) == matched(archive_first) != set()


def test_another_statement_on_the_same_subject_is_not_suggested():
    # An archive of the fixture articles' sentences that do not state the item's claim (about
    # Belarus's IT industry, its exodus, its prospects) and one rewording of it. "There is huge
    # potential ... to come back to Belarus and invest" ranks among the item's best entries and
    # its sentence vector is close, but its wording is not: the gate weighs the character
    # n-grams' cosine too (with the vectors' cosine and the ranking alone, it passed).
    sentences = []
    for path in sorted(FIXTURES.glob("*.txt")):
        text = " ".join(path.read_text(encoding="utf-8").split())
        sentences += [
            part
            for part in re.split(r"(?<=[.!?”])\s+", text)
            if len(part.split()) > 6 and "Belarusian exports" not in part
        ]
    texts = [ENTRIES[0].claim, *sentences]
    documents = [(text, [asdict(mention) for mention in find_numbers(text)]) for text in texts]
    archive = Archive(list(range(len(texts))), documents, Retriever(documents))
    numbers = [asdict(mention) for mention in find_numbers(CLAIM)]
    ranked = [texts[position] for position, _ in archive.index.search(CLAIM, numbers, limit=PER_QUERY)]
    assert any("huge potential" in text for text in ranked)  # among the candidates the gate judges
    suggested = [texts[entry] for entry, *_ in matches(archive, CLAIM, numbers, embed([CLAIM])[0])]
    assert suggested[0] == ENTRIES[0].claim
    assert not any("huge potential" in text for text in suggested)


SPY = "WORKBENCH_TEST_WORKER_PIDS"


def recording_worker(rows):
    """The worker's function, writing its process id down first (a forked worker runs it)."""
    with open(os.environ[SPY], "a") as pids:
        pids.write(f"{os.getpid()}\n")
    return ORIGINAL_WORKER(rows)


ORIGINAL_WORKER = factchecks._worker_suggestions


def test_matching_in_worker_processes_suggests_what_one_process_does(tmp_path, corpus, monkeypatch):
    sentences = [part for path in sorted(corpus.glob("*.txt")) for part in re.split(r"(?<=[.!?])\s+", path.read_text())]
    entries = checks(*(entry.claim for entry in ENTRIES), *[s for s in sentences if len(s.split()) > 8][::7])
    monkeypatch.setattr(factchecks, "BATCH", 50)  # the corpus's items in several batches
    pids = tmp_path / "pids.txt"
    monkeypatch.setenv(SPY, str(pids))
    monkeypatch.setattr(factchecks, "_worker_suggestions", recording_worker)
    found = {}
    for workers in (1, 2):
        monkeypatch.setattr(factchecks, "WORKERS", workers)
        db = open_db(tmp_path / f"workers-{workers}.db")
        store_entries(db, entries)
        first, *rest = sorted(str(path) for path in corpus.iterdir())
        ingest(db, [first], workers=1)  # matched as it is ingested, the archive's index stored
        ingest(db, rest, workers=1)  # the stored index read back, its entries read by each worker
        found[workers] = matched(db)
        db.close()
    worker_pids = set(pids.read_text().split())
    assert worker_pids and str(os.getpid()) not in worker_pids  # the second run matched in other processes
    assert found[1] == found[2] and len(found[1]) > 10
