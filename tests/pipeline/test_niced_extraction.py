"""Ingest's extraction workers run niced, so that on a desk's host the reviewers' sessions get
the cores first (docs/DESK.md): the pool's own processes, read from the operating system."""

from __future__ import annotations

import multiprocessing
import os

from paths import FIXTURES

from workbench.pipeline import POOL_MIN_FILES, _prepared_stream


def test_the_extraction_pool_runs_niced_and_the_writer_does_not(tmp_path):
    article = next(FIXTURES.glob("0*.txt")).read_text(encoding="utf-8")
    files = []
    for n in range(POOL_MIN_FILES + 4):
        path = tmp_path / f"copy{n}.txt"
        path.write_text(article, encoding="utf-8")
        files.append((str(path), path))
    own = os.getpriority(os.PRIO_PROCESS, 0)
    stream = _prepared_stream(files, workers=2)
    results = [next(stream) for _ in files]  # every file extracted; the pool is still open
    workers = multiprocessing.active_children()
    niceness = {os.getpriority(os.PRIO_PROCESS, worker.pid) for worker in workers}
    stream.close()
    assert len(results) == len(files) and workers
    assert niceness == {min(own + 10, 19)}
    assert os.getpriority(os.PRIO_PROCESS, 0) == own
