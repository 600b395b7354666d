"""The linker at a newsroom's scale: per-item work done once per item, not once per pair,
and a big corpus read in worker processes exactly as it is read in one."""

from __future__ import annotations

import numpy as np
import pytest
from test_link import add, links

from workbench.link import corpus as link_corpus
from workbench.link import link_items, linker, meaning
from workbench.pipeline import ingest
from workbench.store.database import open_db

TEMPLATE = "The ministry said hundreds of companies in the {} region moved their staff abroad after the August vote."


def town(n: int) -> str:
    return "bcdfghjklm"[n // 10] + "aeiouy"[n % 6] + "rstvwz"[n % 10 // 2] + "ovka"


@pytest.fixture
def db(tmp_path):
    database = open_db(tmp_path / "links.db")
    yield database
    database.conn.close()


def test_an_item_in_many_scored_pairs_is_reduced_to_plain_words_once(db, monkeypatch):
    # Near-repeats of one template: every pair of them is scored and linked, as in a corpus
    # of syndicated sentences each naming its own town.
    for n in range(60):
        add(db, f"s{n}", TEMPLATE.format(town(n)))
    calls = []
    real_plain = linker.plain

    def counted(text):
        calls.append(text)
        return real_plain(text)

    monkeypatch.setattr(linker, "plain", counted)
    summary = link_items(db)
    assert summary.links > 200  # the pairs are many ...
    assert len(calls) <= 60  # ... and each item's plain words were worked out once


def test_a_big_corpus_read_in_worker_processes_is_the_corpus_read_here(corpus, tmp_path):
    db = open_db(tmp_path / "news.db")
    ingest(db, [str(corpus)], workers=1, link=False)
    rows = db.execute(f"SELECT {link_corpus.COLUMNS} FROM items ORDER BY num").fetchall()
    here = link_corpus.build_corpus(rows)
    apart = link_corpus.build_corpus(rows, workers=2, batch=len(rows) // 5 + 1)
    for name in ("nums", "sources", "sizes", "indptr", "keys", "exact", "vectors", "quotes"):
        assert np.array_equal(getattr(here, name), getattr(apart, name)), name
    for name in ("texts", "figures", "key_names", "source_names", "unlinkable", "loaded"):
        assert getattr(here, name) == getattr(apart, name), name
    assert len(here.nums) > 100


def test_a_link_run_over_a_corpus_read_in_processes_finds_the_same_links(corpus, tmp_path, monkeypatch):
    found = []
    for parallel_from in (10**9, 0):  # read here, then in worker processes
        monkeypatch.setattr(link_corpus, "PARALLEL_MIN", parallel_from)
        db = open_db(tmp_path / f"news{parallel_from}.db")
        ingest(db, [str(corpus)], workers=1)
        found.append({(row["item_a"], row["item_b"], row["method"], row["score"]) for row in links(db).values()})
        db.conn.close()
    assert found[0] == found[1] and found[0]


def test_a_text_stored_many_times_is_embedded_once(monkeypatch):
    embedded = []
    real_embed = meaning._embed

    def counted(texts):
        embedded.extend(texts)
        return real_embed(texts)

    monkeypatch.setattr(meaning, "_embed", counted)
    syndicated = "The new bridge will pay for itself within ten years, the minister said."
    other = "Farmers expect a record harvest of winter wheat this summer."
    vectors = meaning.embed([syndicated] * 500 + [other, syndicated])
    assert sorted(embedded) == sorted([syndicated, other])
    assert np.array_equal(vectors[:500], np.repeat(real_embed([syndicated]), 500, axis=0))
    assert np.array_equal(vectors[500:], real_embed([other, syndicated]))
