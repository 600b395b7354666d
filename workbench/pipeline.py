"""The one place that knows the whole path of an article: read → clean → extract → store → link.

Reading, cleaning and extraction run in a process pool (they are pure CPU work); the main
process does all writes, so SQLite sees one writer, one transaction per article. After the
batch, sources whose files are gone are marked, and every item stored and not yet linked
(by this batch or by an earlier one that was interrupted) is cross-linked.

A problem with one file or record is a :class:`ReadFailure` and the rest of the batch goes
in; a database that cannot be written (locked, read-only, disk full, failing) stops the
batch with one :class:`~workbench.store.database.DatabaseError`: the articles already
written stay whole, and what they still need (linking, marking) is done by the next run.
"""

from __future__ import annotations

import concurrent.futures as cf
import contextlib
import os
import sqlite3
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from itertools import islice
from pathlib import Path

from sqlite_utils import Database

from .extract import extract, extractor_version
from .link.factchecks import match_new_items
from .link.linker import link_pending
from .readers import ReadFailure, discover, read_path, storable_text
from .store.articles import Batch, PreparedArticle, Written, begin_file, mark_gone, prepare, write_article
from .store.database import affects_one_write, explain

# Below this many files the pool's start-up costs more than it saves.
POOL_MIN_FILES = 16
FILES_PER_TASK = 4


@dataclass
class IngestSummary:
    files: int = 0
    articles: int = 0
    new: int = 0
    updated: int = 0
    unchanged: int = 0
    moved: int = 0  # stored sources found under another name or folder (renamed, moved, re-keyed)
    apart: int = 0  # different articles claiming the key of another, stored apart from it
    replaced: list[str] = field(default_factory=list)  # sources a different article took the key of
    gone: list[str] = field(default_factory=list)  # sources marked gone: their files no longer hold them
    items_added: int = 0
    items_removed: int = 0
    reviews_moved: int = 0
    failures: list[ReadFailure] = field(default_factory=list)
    new_item_ids: list[str] = field(default_factory=list)
    links: int = 0  # cross-source links found for the items not linked before


def resolved(path: str | Path) -> str:
    """The resolved path of a file as the store keeps it (``sources.file``): a name that is
    not UTF-8 has its undecodable bytes written ``\\xNN``, as in the article's key."""
    return storable_text(os.path.realpath(path))


def prepare_file(given: str, path: Path) -> list[PreparedArticle | ReadFailure]:
    """Read one file and extract every article in it (runs in a worker process)."""
    results: list[PreparedArticle | ReadFailure] = []
    file = resolved(path)
    for result in read_path(given, path):
        if isinstance(result, ReadFailure):
            results.append(result)
            continue
        try:
            results.append(
                prepare(result, extract(result.text, result.published, result.title), extractor_version(), file)
            )
        except RecursionError:
            results.append(ReadFailure(result.path, "text too deeply nested to extract"))
    return results


def prepare_files(files: list[tuple[str, Path]]) -> list[list[PreparedArticle | ReadFailure]]:
    """:func:`prepare_file` for each of ``files`` (one task of a worker process)."""
    return [prepare_file(given, path) for given, path in files]


def _prepared_stream(files: list[tuple[str, Path]], workers: int) -> Iterator[list[PreparedArticle | ReadFailure]]:
    """Prepare files in order, in a pool when it pays, with a bounded number in flight."""
    if workers <= 1 or len(files) < POOL_MIN_FILES:
        for given, path in files:
            yield prepare_file(given, path)
        return
    # A few files per task: each task costs both processes pickling, a pipe round trip and a
    # wake-up, as much as a short article's extraction; few enough that the work stays even.
    chunks = (files[start : start + FILES_PER_TASK] for start in range(0, len(files), FILES_PER_TASK))
    window = workers * 2  # chunks in flight: bounds memory, results wait for the writer in order
    # Niced by 10: extraction yields the cores to interactive work on the host (a desk's
    # review sessions); alone on the machine it runs as fast as before.
    with cf.ProcessPoolExecutor(max_workers=workers, initializer=os.nice, initargs=(10,)) as pool:
        pending = [pool.submit(prepare_files, chunk) for chunk in islice(chunks, window)]
        try:
            while pending:
                done = pending.pop(0).result()
                pending.extend(pool.submit(prepare_files, chunk) for chunk in islice(chunks, 1))
                yield from done
        except GeneratorExit:  # the writer stopped (the database cannot be written): drop what waits
            pool.shutdown(cancel_futures=True)
            raise


def ingest(
    db: Database,
    paths: Iterable[str],
    *,
    workers: int | None = None,
    on_file: Callable[[int, int, int], None] | None = None,
    on_failure: Callable[[ReadFailure], None] | None = None,
    link: bool = True,
    follow_links: bool = False,
    link_progress: Callable[[str, int, int], None] | None = None,
) -> IngestSummary:
    """Ingest files and folders into ``db`` and return what happened.

    ``on_file(done, total, items_found)`` is called after each file (for progress bars);
    ``on_failure`` with each file or record that could not be read or stored. ``link=False``
    leaves cross-linking to a later run (for bulk loads in several runs);
    ``link_progress(stage, done, total)`` follows the linking. ``follow_links`` follows
    symbolic links out of the folders given. Raises
    :class:`~workbench.store.database.DatabaseError` (one line) when the database cannot be
    written: the batch stops there.
    """
    paths = list(paths)
    summary = IngestSummary()

    def failed(failure: ReadFailure) -> None:
        summary.failures.append(failure)
        if on_failure:
            on_failure(failure)

    files: list[tuple[str, Path]] = []
    for found in discover(paths, follow_links=follow_links):
        if isinstance(found, ReadFailure):
            failed(found)
        else:
            files.append(found)
    workers = workers if workers is not None else min(os.cpu_count() or 1, 4)
    batch = Batch([resolved(path) for path in paths])
    stream = _prepared_stream(files, workers)  # a generator: nothing runs before the loop asks
    try:
        # The writer commits once per article; NORMAL is crash-safe in WAL mode, and a larger
        # checkpoint interval copies the log back in fewer, bigger steps.
        db.execute("PRAGMA synchronous = NORMAL")
        db.execute("PRAGMA wal_autocheckpoint = 16384")
        items_found = 0
        for done, ((_, path), results) in enumerate(zip(files, stream), 1):
            summary.files += 1
            prepared = [result for result in results if isinstance(result, PreparedArticle)]
            file = resolved(path)
            begin_file(batch, file, prepared, complete=len(prepared) == len(results))
            for result in results:
                if isinstance(result, ReadFailure):
                    failed(result)
                    continue
                try:
                    written = write_article(db, result, batch)
                except sqlite3.Error as error:  # rolled back: the source is wholly absent
                    if not affects_one_write(error):
                        raise
                    batch.failed(file)
                    failed(ReadFailure(result.article.path, f"not stored, database error: {error}"))
                    continue
                if written.outcome == "refused":
                    failed(ReadFailure(result.article.path, written.refused))
                    continue
                _count(summary, written)
                items_found += len(result.rows)
            if on_file:
                on_file(done, len(files), items_found)
        stream.close()  # every file is read: the extraction processes end before linking starts
        summary.gone = mark_gone(db, batch)
        if link:
            summary.links = link_pending(db, progress=link_progress).links
            match_new_items(db)  # the new items against the published fact-checks
    except sqlite3.Error as error:
        raise explain(error, _db_path(db)) from None
    finally:
        stream.close()
        with contextlib.suppress(sqlite3.Error):
            db.execute("PRAGMA synchronous = FULL")
            db.execute("PRAGMA wal_autocheckpoint = 1000")
    return summary


def _db_path(db: Database) -> str:
    return db.execute("PRAGMA database_list").fetchone()[2]


def _count(summary: IngestSummary, written: Written) -> None:
    summary.articles += 1
    summary.apart += bool(written.apart_from)
    if written.replaced:
        summary.replaced.append(written.replaced)
    if written.outcome == "unchanged":
        summary.unchanged += 1
        return
    if written.outcome == "new":
        summary.new += 1
    elif written.outcome == "moved":
        summary.moved += 1
    else:
        summary.updated += 1
    summary.items_added += len(written.new_item_ids)
    summary.items_removed += written.items_removed
    summary.reviews_moved += written.reviews_moved
    summary.new_item_ids.extend(written.new_item_ids)
