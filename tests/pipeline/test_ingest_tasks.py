"""The extraction pool takes a few files per task: every file's results still come once, in
the order of the files, whatever the number of files."""

from __future__ import annotations

from workbench.pipeline import FILES_PER_TASK, POOL_MIN_FILES, _prepared_stream
from workbench.readers import ReadFailure


def test_each_file_comes_once_in_order_across_tasks(tmp_path):
    files = []
    for n in range(POOL_MIN_FILES + FILES_PER_TASK * 3 + 1):  # the last task holds one file
        path = tmp_path / f"article{n:02d}.txt"
        body = "" if n == 5 else f"Prices rose by {n} percent in the region last year, the agency said.\n"
        path.write_text(f"Headline number {n}\n\n{body}", encoding="utf-8")
        files.append((str(path), path))
    results = list(_prepared_stream(files, workers=2))
    assert len(results) == len(files)
    for n, found in enumerate(results):
        assert len(found) == 1
        if n == 5:  # an empty article is a failure in its own place
            assert isinstance(found[0], ReadFailure) and found[0].path.endswith("article05.txt")
        else:
            assert found[0].article.title == f"Headline number {n}"
            assert f"{n} percent" in found[0].rows[1][4]
