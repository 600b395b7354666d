"""Ingest: files in, sources and items written, one transaction per article.

Reading, cleaning and extraction run in a process pool (they are pure CPU work); the
main process does all writes, so SQLite sees one writer. Re-ingesting is safe:
unchanged articles are skipped, edited ones are updated in place, item ids are stable
(derived from the source and the item's normalised text), reviews of items whose text
changed slightly follow the item, and so do reviewers' link decisions (confirmed or
rejected links); reviews are never deleted.
"""

from __future__ import annotations

import concurrent.futures as cf
import hashlib
import json
import os
import re
import sqlite3
import unicodedata
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from rapidfuzz import fuzz, process
from sqlite_utils import Database

from ..extract import extract, extractor_version
from ..model import Article, ExtractedItem
from ..readers import ReadFailure, discover, read_path
from .database import write_transaction
from .reviews import now

# A review follows its item to an edited sentence at least this similar (0-100).
FOLLOW_THRESHOLD = 85
# Below this many files the pool's start-up costs more than it saves.
POOL_MIN_FILES = 16


QUOTE_CHARS = str.maketrans(
    {"“": '"', "”": '"', "„": '"', "«": '"', "»": '"', "‘": "'", "’": "'", "‚": "'", "–": "-", "—": "-", "\u00a0": " "}
)


def normalise(text: str) -> str:
    """The form item ids are derived from: case, quote style and spacing do not count."""
    text = unicodedata.normalize("NFKC", text).translate(QUOTE_CHARS).casefold()
    return re.sub(r"\s+", " ", text).strip(" .,;:!?\"'")


def source_id(key: str) -> str:
    return hashlib.sha1(key.encode("utf-8", "surrogatepass")).hexdigest()[:12]


def item_ids(source: str, items: list[ExtractedItem]) -> list[str]:
    """Stable ids: the same sentence in the same source keeps its id across re-ingests.

    A sentence repeated within one source gets its occurrence number mixed in.
    """
    seen: Counter[tuple[str, str]] = Counter()
    ids = []
    for item in items:
        identity = (item.kind, normalise(item.text))
        seen[identity] += 1
        basis = "\x1f".join((source, *identity, str(seen[identity])))
        ids.append(hashlib.sha1(basis.encode("utf-8", "surrogatepass")).hexdigest()[:16])
    return ids


@dataclass
class Prepared:
    """An article read and extracted, its item rows built, ready to be written.

    Workers build the rows (ids, JSON) so the single writer only runs SQL.
    """

    article: Article
    source_id: str
    rows: list[tuple]  # ITEM_COLUMNS order, without first_seen


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


def prepare_file(given: str, path: Path) -> list[Prepared | ReadFailure]:
    """Read one file and extract every article in it (runs in a worker process)."""
    results: list[Prepared | ReadFailure] = []
    for result in read_path(given, path):
        if isinstance(result, ReadFailure):
            results.append(result)
            continue
        try:
            results.append(_prepare(result, extract(result.text, result.published)))
        except RecursionError:
            results.append(ReadFailure(result.path, "text too deeply nested to extract"))
    return results


def _prepared_stream(files: list[tuple[str, Path]], workers: int) -> Iterator[list[Prepared | ReadFailure]]:
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


ITEM_COLUMNS = (
    "id",
    "source_id",
    "seq",
    "kind",
    "text",
    "speaker",
    "role",
    "cue",
    "attribution",
    "start",
    "end",
    "paragraph",
    "score",
    "numbers",
    "first_seen",
)
# A hand-written upsert: this is the hot path of ingest, and sqlite-utils' generic
# upsert_all costs more than the insert itself. Review state and first_seen are kept.
_QUOTED_COLUMNS = ", ".join(f'"{column}"' for column in ITEM_COLUMNS)
UPSERT_ITEM = (
    f"INSERT INTO items ({_QUOTED_COLUMNS}) VALUES ({', '.join('?' * len(ITEM_COLUMNS))}) "
    "ON CONFLICT(id) DO UPDATE SET "
    + ", ".join(f'"{c}" = excluded."{c}"' for c in ITEM_COLUMNS if c not in {"id", "first_seen"})
)
SOURCE_COLUMNS = (
    "id",
    "key",
    "path",
    "title",
    "outlet",
    "author",
    "url",
    "published",
    "sha256",
    "text",
    "links",
    "format",
    "extractor",
    "ingested_at",
)
UPSERT_SOURCE = (
    f"INSERT INTO sources ({', '.join(SOURCE_COLUMNS)}) VALUES ({', '.join('?' * len(SOURCE_COLUMNS))}) "
    "ON CONFLICT(id) DO UPDATE SET " + ", ".join(f"{c} = excluded.{c}" for c in SOURCE_COLUMNS if c != "id")
)


def _prepare(article: Article, items: list[ExtractedItem]) -> Prepared:
    sid = source_id(article.key)
    rows = [
        (
            id_,
            sid,
            seq,
            item.kind,
            item.text,
            item.speaker,
            item.role,
            item.cue,
            item.attribution,
            item.start,
            item.end,
            item.paragraph,
            round(item.score, 4),
            json.dumps(
                [
                    {"text": n.text, "value": n.value, "unit": n.unit, "start": n.start, "end": n.end}
                    for n in item.numbers
                ],
                ensure_ascii=False,
            ),
        )
        for seq, (id_, item) in enumerate(zip(item_ids(sid, items), items))
    ]
    return Prepared(article, sid, rows)


def _successors(
    db: Database,
    vanished: dict[str, tuple[str, str]],
    arrived: dict[str, tuple[str, str]],
) -> dict[str, str]:
    """The new item each vanished item with reviews or link decisions became: the most
    similar arrived item of the same kind, each taken at most once."""
    marks = ",".join("?" * len(vanished))
    followed = {
        row[0]
        for row in db.execute(
            f"SELECT item_id FROM reviews WHERE item_id IN ({marks}) UNION "
            f"SELECT item_a FROM links WHERE state != 'suggested' AND item_a IN ({marks}) UNION "
            f"SELECT item_b FROM links WHERE state != 'suggested' AND item_b IN ({marks})",
            list(vanished) * 3,
        )
    }
    successors: dict[str, str] = {}
    candidates = {new_id: (new_kind, normalise(new_text)) for new_id, (new_kind, new_text) in arrived.items()}
    for old_id in sorted(followed):  # sorted: the same winner whatever the hash seed
        kind, text = vanished[old_id]
        choices = {new_id: text_ for new_id, (new_kind, text_) in candidates.items() if new_kind == kind}
        best = process.extractOne(normalise(text), choices, scorer=fuzz.ratio, score_cutoff=FOLLOW_THRESHOLD)
        if best:
            successors[old_id] = best[2]
            del candidates[best[2]]
    return successors


def _follow_reviews(db: Database, successors: dict[str, str]) -> int:
    """Move reviews of vanished items to the items they became."""
    return sum(
        db.execute(
            "UPDATE reviews SET moved_from = coalesce(moved_from, item_id), item_id = ? WHERE item_id = ?",
            [new_id, old_id],
        ).rowcount
        for old_id, new_id in successors.items()
    )


def _swap_sides(drift: str | None, conflict: str | None) -> tuple[str | None, str | None]:
    """A link's drift and conflict JSON with item_a and item_b exchanged."""
    flip = {"delete": "insert", "insert": "delete"}
    if drift:
        drift = json.dumps([[flip.get(tag, tag), b, a] for tag, a, b in json.loads(drift)], ensure_ascii=False)
    if conflict:
        conflict = json.dumps(
            [{**figure, "value_a": figure["value_b"], "value_b": figure["value_a"]} for figure in json.loads(conflict)],
            ensure_ascii=False,
        )
    return drift, conflict


def _follow_decisions(db: Database, successors: dict[str, str]) -> int:
    """Re-point confirmed and rejected links of vanished items at the items they became,
    decision kept. A suggestion already made for the new pair gives way; another decision
    on it is never overwritten (the old link is then left as it was)."""
    marks = ",".join("?" * len(successors))
    decided = db.execute(
        f"SELECT item_a, item_b, drift, conflict FROM links WHERE state != 'suggested' "
        f"AND (item_a IN ({marks}) OR item_b IN ({marks})) ORDER BY item_a, item_b",
        list(successors) * 2,
    ).fetchall()
    moved = 0
    for item_a, item_b, drift, conflict in decided:
        new_a, new_b = successors.get(item_a, item_a), successors.get(item_b, item_b)
        if new_a > new_b:
            new_a, new_b = new_b, new_a
            drift, conflict = _swap_sides(drift, conflict)
        taken = db.execute("SELECT state FROM links WHERE item_a = ? AND item_b = ?", [new_a, new_b]).fetchone()
        if taken and taken[0] != "suggested":
            continue
        if taken:
            db.execute("DELETE FROM links WHERE item_a = ? AND item_b = ?", [new_a, new_b])
        moved += db.execute(
            "UPDATE links SET item_a = ?, item_b = ?, drift = ?, conflict = ? WHERE item_a = ? AND item_b = ?",
            [new_a, new_b, drift, conflict, item_a, item_b],
        ).rowcount
    return moved


def write_article(db: Database, prepared: Prepared, summary: IngestSummary) -> None:
    """Write one article and its items in one transaction."""
    article, sid = prepared.article, prepared.source_id
    stamp = now()
    with write_transaction(db):
        existing = db.execute("SELECT sha256, extractor FROM sources WHERE id = ?", [sid]).fetchone()
        if existing == (article.sha256, extractor_version()):
            summary.unchanged += 1
            return
        db.execute(
            UPSERT_SOURCE,
            [
                sid,
                article.key,
                article.path,
                article.title,
                article.outlet,
                article.author,
                article.url,
                article.published,
                article.sha256,
                article.text,
                json.dumps(article.links, ensure_ascii=False),
                article.format,
                extractor_version(),
                stamp,
            ],
        )
        arrived: dict[str, tuple[str, str]] = {}
        vanished: dict[str, tuple[str, str]] = {}
        if existing:
            before = {
                row[0]: (row[1], row[2])
                for row in db.execute("SELECT id, kind, text FROM items WHERE source_id = ?", [sid])
            }
            arrived = {row[0]: (row[3], row[4]) for row in prepared.rows if row[0] not in before}
            current = {row[0] for row in prepared.rows}
            vanished = {id_: value for id_, value in before.items() if id_ not in current}
        else:
            arrived = {row[0]: (row[3], row[4]) for row in prepared.rows}
        if vanished:
            successors = _successors(db, vanished, arrived) if arrived else {}
            if successors:
                summary.reviews_moved += _follow_reviews(db, successors)
                _follow_decisions(db, successors)
            placeholders = ",".join("?" * len(vanished))
            db.execute(f"DELETE FROM items WHERE id IN ({placeholders})", list(vanished))
            db.execute(
                f"DELETE FROM links WHERE state = 'suggested' AND (item_a IN ({placeholders}) "
                f"OR item_b IN ({placeholders}))",
                list(vanished) * 2,
            )
        db.conn.executemany(UPSERT_ITEM, [row + (stamp,) for row in prepared.rows])
        summary.items_added += len(arrived)
        summary.items_removed += len(vanished)
        summary.new_item_ids.extend(arrived)
        if existing:
            summary.updated += 1
        else:
            summary.new += 1


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
    files: list[tuple[str, Path]] = []
    for found in discover(paths):
        if isinstance(found, ReadFailure):
            summary.failures.append(found)
            if on_failure:
                on_failure(found)
        else:
            files.append(found)
    workers = workers if workers is not None else min(os.cpu_count() or 1, 4)
    # The writer commits once per article; NORMAL is crash-safe in WAL mode, and a larger
    # checkpoint interval copies the log back in fewer, bigger steps.
    db.execute("PRAGMA synchronous = NORMAL")
    db.execute("PRAGMA wal_autocheckpoint = 16384")
    items_found = 0
    written: dict[str, str] = {}  # source id -> the path that gave it in this batch
    try:
        for done, results in enumerate(_prepared_stream(files, workers), 1):
            summary.files += 1
            for result in results:
                if isinstance(result, ReadFailure):
                    summary.failures.append(result)
                    if on_failure:
                        on_failure(result)
                    continue
                first_path = written.setdefault(result.source_id, result.article.path)
                if first_path != result.article.path:
                    failure = ReadFailure(
                        result.article.path,
                        f"same article identity ({result.article.key}) as {first_path} in this batch; not stored",
                    )
                    summary.failures.append(failure)
                    if on_failure:
                        on_failure(failure)
                    continue
                try:
                    write_article(db, result, summary)
                except sqlite3.Error as error:  # rolled back: the source is wholly absent
                    failure = ReadFailure(result.article.path, f"not stored, database error: {error}")
                    summary.failures.append(failure)
                    if on_failure:
                        on_failure(failure)
                    continue
                summary.articles += 1
                items_found += len(result.rows)
            if on_file:
                on_file(done, len(files), items_found)
    finally:
        db.execute("PRAGMA synchronous = FULL")
        db.execute("PRAGMA wal_autocheckpoint = 1000")
    # Removed items can split clusters too, so a run with none added still refreshes them.
    if link and (summary.new_item_ids or summary.items_removed):
        from ..link import link_items  # workbench.link imports workbench.store: import here, not at the top

        summary.links = link_items(db, summary.new_item_ids).links
    return summary
