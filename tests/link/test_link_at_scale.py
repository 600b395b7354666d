"""The linker at a newsroom's scale: per-item work done once per item, not once per pair,
and a big corpus read in worker processes exactly as it is read in one."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pytest
from test_link import add, links

import workbench
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
    batch = len(rows) // 5 + 1
    # the vectors go in place when the rows expected are given, however many come
    for total in (0, len(rows) // 3, len(rows) * 2):
        apart = link_corpus.build_corpus(rows, total, workers=2, batch=batch)
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


def test_candidates_scored_in_small_batches_give_the_links_of_one_batch(corpus, tmp_path, monkeypatch):
    found = []
    for batch in (linker.SCORE_BATCH, 7):
        monkeypatch.setattr(linker, "SCORE_BATCH", batch)
        db = open_db(tmp_path / f"news{batch}.db")
        ingest(db, [str(corpus)], workers=1, link=False)
        summary = link_items(db)
        kept = ("item_a", "item_b", "score", "method", "drift", "conflict")
        found.append((summary.candidates, {tuple(row[key] for key in kept) for row in links(db).values()}))
        db.conn.close()
    assert found[0] == found[1] and found[0][0] > 7 and found[0][1]


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


# Two batches handed to the reading processes, then the run hangs (and is killed) while they
# work: each then has a batch's result (megabytes) to hand over to a run that is gone.
READ_THEN_HANG = """
import time
from workbench.link.corpus import build_corpus

def rows():
    for num in range(40_000):
        yield num, f"s{num % 7}", f"Officials in district {num} said the new bridge will open next spring.", "[]", "claim"
    print("reading", flush=True)
    time.sleep(600)

if __name__ == "__main__":
    build_corpus(rows(), workers=2, batch=20_000)
"""


def _children(pid: int) -> list[int]:
    found = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:  # ended meanwhile
            continue
        if int(fields[1]) == pid:
            found.append(int(stat.parent.name))
    return found


def _cpu_seconds(pid: int) -> float:
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def _running(pid: int) -> bool:
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0] != "Z"
    except OSError:
        return False


def test_the_reading_processes_end_with_a_link_run_killed_with_sigkill(tmp_path):
    script = tmp_path / "read_then_hang.py"
    script.write_text(READ_THEN_HANG)
    here = {**os.environ, "PYTHONPATH": str(Path(workbench.__file__).parent.parent)}  # this workbench, not another
    run = subprocess.Popen([sys.executable, str(script)], stdout=subprocess.PIPE, text=True, env=here)
    readers: list[int] = []
    try:
        assert run.stdout.readline().strip() == "reading"
        readers = _children(run.pid)
        assert len(readers) >= 2  # the two reading processes (and multiprocessing's tracker)
        deadline = time.monotonic() + 60
        while sorted(_cpu_seconds(pid) for pid in readers)[-2] < 2 and time.monotonic() < deadline:
            time.sleep(0.1)  # both started and into their batch (of several seconds)
        os.kill(run.pid, signal.SIGKILL)
        run.wait()
        deadline = time.monotonic() + 30
        while (alive := [pid for pid in readers if _running(pid)]) and time.monotonic() < deadline:
            time.sleep(0.2)
        assert not alive, "reading processes outlived the run that started them"
    finally:
        run.kill()
        for pid in readers:  # none left behind even when the test fails
            if _running(pid):
                os.kill(pid, signal.SIGKILL)
