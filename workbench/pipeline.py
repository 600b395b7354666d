"""The one place that knows the whole path of an article: read → clean → extract → store → link.

Reading, cleaning and extraction run in a process pool (they are pure CPU work); the main
process does all writes, so SQLite sees one writer, one transaction per article. After the
batch, the new items are cross-linked through the linker's stored index.
"""

from __future__ import annotations

import concurrent.futures as cf
import os
import sqlite3
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from sqlite_utils import Database

from .extract import extract, extractor_version
from .link import link_items
from .readers import ReadFailure, discover, read_path
from .store.articles import PreparedArticle, Written, prepare, write_article

# Below this many files the pool's start-up costs more than it saves.
POOL_MIN_FILES = 16


@dataclass
class IngestSummary:
    files: int = 0
    articles: int = 0
    new: int = 0
    updated: int = 0
    unchanged: int = 0
    items_added: int = 0
    items_removed: int = 0
    reviews_moved: int = 0
    failures: list[ReadFailure] = field(default_factory=list)
    new_item_ids: list[str] = field(default_factory=list)
    links: int = 0  # cross-source links found for the new items


def prepare_file(given: str, path: Path) -> list[PreparedArticle | ReadFailure]:
    """Read one file and extract every article in it (runs in a worker process)."""
    results: list[PreparedArticle | ReadFailure] = []
    for result in read_path(given, path):
        if isinstance(result, ReadFailure):
            results.append(result)
            continue
        try:
            results.append(prepare(result, extract(result.text, result.published), extractor_version()))
        except RecursionError:
            results.append(ReadFailure(result.path, "text too deeply nested to extract"))
    return results


def _prepared_stream(files: list[tuple[str, Path]], workers: int) -> Iterator[list[PreparedArticle | ReadFailure]]:
    """Prepare files in order, in a pool when it pays, with a bounded number in flight."""
    if workers <= 1 or len(files) < POOL_MIN_FILES:
        for given, path in files:
            yield prepare_file(given, path)
        return
    window = workers * 8  # bounds memory: results wait for the writer in order
    with cf.ProcessPoolExecutor(max_workers=workers) as pool:
        pending: list[cf.Future] = []
        queue = iter(files)
        for given, path in queue:
            pending.append(pool.submit(prepare_file, given, path))
            if len(pending) >= window:
                break
        while pending:
            yield pending.pop(0).result()
            for given, path in queue:
                pending.append(pool.submit(prepare_file, given, path))
                break


def ingest(
    db: Database,
    paths: Iterable[str],
    *,
    workers: int | None = None,
    on_file: Callable[[int, int, int], None] | None = None,
    on_failure: Callable[[ReadFailure], None] | None = None,
    link: bool = True,
) -> IngestSummary:
    """Ingest files and folders into ``db`` and return what happened.

    ``on_file(done, total, items_found)`` is called after each file (for progress bars);
    ``on_failure`` with each file or record that could not be read. ``link=False``
    leaves cross-linking to a later ``workbench link`` (for bulk loads in several runs).
    """
    summary = IngestSummary()

    def failed(failure: ReadFailure) -> None:
        summary.failures.append(failure)
        if on_failure:
            on_failure(failure)

    files: list[tuple[str, Path]] = []
    for found in discover(paths):
        if isinstance(found, ReadFailure):
            failed(found)
        else:
            files.append(found)
    workers = workers if workers is not None else min(os.cpu_count() or 1, 4)
    # The writer commits once per article; NORMAL is crash-safe in WAL mode, and a larger
    # checkpoint interval copies the log back in fewer, bigger steps.
    db.execute("PRAGMA synchronous = NORMAL")
    db.execute("PRAGMA wal_autocheckpoint = 16384")
    items_found = 0
    written_by: dict[str, str] = {}  # source id -> the path that gave it in this batch
    try:
        for done, results in enumerate(_prepared_stream(files, workers), 1):
            summary.files += 1
            for result in results:
                if isinstance(result, ReadFailure):
                    failed(result)
                    continue
                first_path = written_by.setdefault(result.source_id, result.article.path)
                if first_path != result.article.path:
                    failed(
                        ReadFailure(
                            result.article.path,
                            f"same article identity ({result.article.key}) as {first_path} in this batch; not stored",
                        )
                    )
                    continue
                try:
                    written = write_article(db, result)
                except sqlite3.Error as error:  # rolled back: the source is wholly absent
                    failed(ReadFailure(result.article.path, f"not stored, database error: {error}"))
                    continue
                _count(summary, written)
                summary.articles += 1
                items_found += len(result.rows)
            if on_file:
                on_file(done, len(files), items_found)
    finally:
        db.execute("PRAGMA synchronous = FULL")
        db.execute("PRAGMA wal_autocheckpoint = 1000")
    # Removed items can split clusters too, so a run with none added still refreshes them.
    if link and (summary.new_item_ids or summary.items_removed):
        summary.links = link_items(db, summary.new_item_ids).links
    return summary


def _count(summary: IngestSummary, written: Written) -> None:
    if written.outcome == "unchanged":
        summary.unchanged += 1
        return
    if written.outcome == "new":
        summary.new += 1
    else:
        summary.updated += 1
    summary.items_added += len(written.new_item_ids)
    summary.items_removed += written.items_removed
    summary.reviews_moved += written.reviews_moved
    summary.new_item_ids.extend(written.new_item_ids)
