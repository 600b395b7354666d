"""Writing an article and its items: one transaction per article.

Workers turn an extracted article into rows (:func:`prepare`) so that the single writer
only decides where the article belongs and runs SQL (:func:`write_article`). Re-writing is
safe: an unchanged article is skipped, an edited one is updated in place, item ids are
stable, and reviews and link decisions follow edited items (:mod:`.follow`); reviews are
never deleted.

Where an article belongs (db/README.md, "What identifies an article"):

- The stored source with its key, if it is the same article: the same bytes, or at least
  half of the sentences in common (:func:`~.identity.same_article`). If that source's file
  still holds it (or another article of this batch took the key), a copy is refused and a
  different article is stored apart, under its key plus the file it came from. If not,
  the old source gives the key up: it is marked gone and keeps its items and reviews.
- Else a source whose file no longer holds it and that is the same article: the same
  bytes anywhere (a renamed or moved file); or, when their URLs do not differ, half of the
  sentences in common with one from the same file (an edited JSON record), from the folders
  being ingested, or marked gone with the same file name. It takes the new key and file and
  keeps its id, items and reviews.
- Else a new source.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field

from sqlite_utils import Database

from ..model import SEGMENT_SEPARATOR, Article, ExtractedItem
from .database import now, run_in_batches, write_transaction
from .follow import follow_decisions, follow_reviews, successors
from .identity import Batch, Stored, compatible, item_ids, missing, sentence_hashes, source_id, stored, under
from .links import suggested
from .speakers import with_full_names

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
    "cut",
    "segments",
    "quoted",
    "headline",
    "first_seen",
)
# An article's item rows go into a temporary table (no index, no trigger), then into items
# in one statement: every statement that inserts into items sets up its triggers and
# flushes the full-text index's pending terms, so a statement per row cost the writer a
# fifth more. Hand-written: sqlite-utils' generic upsert_all costs more than the insert
# itself. Review state and first_seen are kept.
_QUOTED_COLUMNS = ", ".join(f'"{column}"' for column in ITEM_COLUMNS)
CREATE_STAGE = f"CREATE TEMP TABLE IF NOT EXISTS item_rows ({_QUOTED_COLUMNS})"
STAGE_ITEM = f"INSERT INTO temp.item_rows VALUES ({', '.join('?' * len(ITEM_COLUMNS))})"
# ``WHERE true``: an upsert from a SELECT needs a WHERE to parse; ``ORDER BY rowid``: the
# items are numbered in the article's order.
UPSERT_ITEMS = (
    f"INSERT INTO items ({_QUOTED_COLUMNS}) SELECT * FROM temp.item_rows WHERE true ORDER BY rowid "
    "ON CONFLICT(id) DO UPDATE SET "
    + ", ".join(f'"{c}" = excluded."{c}"' for c in ITEM_COLUMNS if c not in {"id", "first_seen"})
)
SOURCE_COLUMNS = (
    "id",
    "key",
    "path",
    "file",
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
    "gone_at",
    "gone_reason",
)
# The source columns that are the article's own fields.
ARTICLE_COLUMNS = ("path", "title", "outlet", "author", "url", "published", "sha256", "text", "format")
UPSERT_SOURCE = (
    f"INSERT INTO sources ({', '.join(SOURCE_COLUMNS)}) VALUES ({', '.join('?' * len(SOURCE_COLUMNS))}) "
    "ON CONFLICT(id) DO UPDATE SET " + ", ".join(f"{c} = excluded.{c}" for c in SOURCE_COLUMNS if c != "id")
)


@dataclass
class PreparedArticle:
    """An article and its item rows, ready to be written.

    ``extractor`` is the fingerprint of the code that extracted it: an article stored
    with the same text and fingerprint is left alone. ``file`` is the resolved path of
    the file it was read from; ``sentences`` its sentences, hashed, to tell an edited
    version of an article from a different article.
    """

    article: Article
    source_id: str
    extractor: str
    rows: list[tuple]  # ITEM_COLUMNS order, without first_seen
    file: str = ""
    sentences: frozenset[int] = frozenset()

    @property
    def origin(self) -> str:
        """Where the article came from: its file, and for a JSON record its text too."""
        origin = f"file:{self.file}"
        return f"{origin}#text:{source_id(self.article.text)}" if self.article.format == "jsonl" else origin

    @property
    def keys(self) -> tuple[str, str]:
        """The keys it may be stored under: its own, and its own with its origin (when
        another article holds that one)."""
        return self.article.key, f"{self.article.key} @ {self.origin}"

    def rows_for(self, sid: str) -> list[tuple]:
        """The item rows with ids of source ``sid`` (an article that takes over a stored source)."""
        if sid == self.source_id:
            return self.rows
        ids = item_ids(sid, (ExtractedItem(row[3], row[4], row[9], row[10]) for row in self.rows))
        return [(id_, sid, *row[2:]) for id_, row in zip(ids, self.rows)]


@dataclass
class Written:
    """What writing one article did.

    ``outcome``: "new", "updated", "unchanged", "moved" (the source it was came from another
    file), or "refused" (``refused`` says why). ``apart_from``: the path of another article
    with the same key, stored apart from it. ``replaced``: the path of a stored source that
    was a different article under the same key, now marked gone.
    """

    outcome: str
    new_item_ids: list[str] = field(default_factory=list)
    items_removed: int = 0
    reviews_moved: int = 0
    refused: str = ""
    moved_from: str = ""
    apart_from: str = ""
    replaced: str = ""


def prepare(article: Article, items: list[ExtractedItem], extractor: str, file: str = "") -> PreparedArticle:
    """The rows of ``article``'s items, ids and JSON built (pure: runs in worker processes)."""
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
            int(item.cut),
            _spans_json(item.segments),
            _spans_json(item.quoted),
            int(item.headline),
        )
        for seq, (id_, item) in enumerate(zip(item_ids(sid, items), items))
    ]
    return PreparedArticle(article, sid, extractor, rows, file, sentence_hashes(article.text))


def _spans_json(spans: list[tuple[int, int]]) -> str | None:
    """``[[start, end], ...]``, or NULL when there are none."""
    return json.dumps([list(span) for span in spans]) if spans else None


@dataclass
class _Place:
    """Where an article goes: ``source`` (None: a new one) under ``key``, or ``refused``."""

    source: Stored | None
    key: str
    refused: str = ""
    apart_from: str = ""
    replaced: str = ""


def begin_file(batch: Batch, file: str, prepared: list[PreparedArticle], complete: bool) -> None:
    """Tell ``batch`` that the articles of ``file`` come next (``complete``: every record of
    it was read)."""
    batch.begin_file(
        file,
        [key for article in prepared for key in article.keys],
        [(article.article.sha256, article.sentences) for article in prepared],
        complete,
    )


def _held(db: Database, key: str) -> Stored | None:
    found = stored(db, "key = ?", [key])
    return found[0] if found else None


def _place(db: Database, prepared: PreparedArticle, batch: Batch, stamp: str) -> _Place:
    """Decide which stored source ``prepared`` is, if any (see the module docstring)."""
    article = prepared.article
    own, apart = prepared.keys
    held, stored_apart = _held(db, own), _held(db, apart)
    if (
        stored_apart
        and stored_apart.id not in batch.seen
        and batch.same(db, stored_apart, article.sha256, prepared.sentences)
    ):
        return _Place(stored_apart, apart, apart_from=held.path if held else "")
    key, apart_from, replaced = own, "", ""
    if held and (
        held.id in batch.seen
        or (held.file != prepared.file and batch.holds(held))
        or batch.kept_by_another(db, held, article.sha256, prepared.sentences)
    ):
        if batch.same(db, held, article.sha256, prepared.sentences):
            return _Place(None, own, refused=f"same article as {held.path} ({own}); not stored")
        key, apart_from, held = apart, held.path, stored_apart
        if held and held.id in batch.seen:
            return _Place(None, key, refused=f"same article as {held.path}; not stored")
    if held:
        if batch.same(db, held, article.sha256, prepared.sentences):
            return _Place(held, key, apart_from=apart_from)
        _retire(db, held, f"replaced: {article.path} is a different article under its key", stamp)
        replaced = held.path
    moved = None
    for source in stored(db, "sha256 = ?", [article.sha256]):
        if batch.holds(source):
            return _Place(None, key, refused=f"same contents as {source.path}; not stored")
        if moved is None and compatible(source.url, article.url):
            moved = source
    moved = moved or batch.most_alike(db, prepared.file, prepared.sentences, article.url)
    return _Place(moved, key, apart_from=apart_from, replaced=replaced)


def _retire(db: Database, source: Stored, reason: str, stamp: str) -> None:
    """Mark ``source`` gone and free its key for the article that now claims it."""
    db.execute(
        "UPDATE sources SET key = ?, gone_at = coalesce(gone_at, ?), gone_reason = ? WHERE id = ?",
        [f"{source.key} (replaced, source {source.id})", stamp, reason, source.id],
    )


def _free_id(db: Database, key: str) -> str:
    """The id for a new source: the digest of its key, or of the key and a counter when a
    source that changed key since holds that id."""
    sid, attempt = source_id(key), 0
    while db.execute("SELECT 1 FROM sources WHERE id = ?", [sid]).fetchone():
        attempt += 1
        sid = source_id(f"{key}\x1f{attempt}")
    return sid


def write_article(db: Database, prepared: PreparedArticle, batch: Batch | None = None) -> Written:
    """Write one article and its items in one transaction, where it belongs.

    ``batch`` carries what the ingest has done so far (several files claiming one key,
    renamed files, records gone from a file); without one the article is written alone.
    """
    batch = batch if batch is not None else Batch([])
    stamp = now()
    with write_transaction(db):
        place = _place(db, prepared, batch, stamp)
        if place.refused:
            return Written("refused", refused=place.refused)
        sid = place.source.id if place.source else _free_id(db, place.key)
        written = _write(db, prepared, place, sid, stamp)
    batch.stored(sid, prepared.sentences)
    return written


def _write(db: Database, prepared: PreparedArticle, place: _Place, sid: str, stamp: str) -> Written:
    article, source = prepared.article, place.source
    moved = source is not None and source.file != prepared.file
    written = Written(
        "new" if source is None else "moved" if moved else "updated",
        moved_from=source.path if source and moved else "",
        apart_from=place.apart_from,
        replaced=place.replaced,
    )
    same_items = source is not None and (source.sha256, source.extractor) == (article.sha256, prepared.extractor)
    if source and same_items:
        written.outcome = "moved" if moved else "unchanged"
        if (source.key, source.file, source.path, source.gone_at) == (place.key, prepared.file, article.path, None):
            return written
    row = {
        "id": sid,
        "key": place.key,
        "file": prepared.file,
        **{column: getattr(article, column) for column in ARTICLE_COLUMNS},
        "links": json.dumps(article.links, ensure_ascii=False),
        "extractor": prepared.extractor,
        "ingested_at": stamp,
        "gone_at": None,
        "gone_reason": None,
    }
    db.execute(UPSERT_SOURCE, [row[column] for column in SOURCE_COLUMNS])
    if not same_items:
        _write_items(db, prepared.rows_for(sid), sid, source is not None, stamp, written)
    return written


def _write_items(db: Database, rows: list[tuple], sid: str, existing: bool, stamp: str, written: Written) -> None:
    """Upsert the article's items; reviews and decisions of vanished items follow them."""
    arrived = {row[0]: (row[3], row[4]) for row in rows}
    vanished: dict[str, tuple[str, str]] = {}
    if existing:
        before = {
            id_: (kind, text)
            for id_, kind, text in db.execute("SELECT id, kind, text FROM items WHERE source_id = ?", [sid])
        }
        vanished = {id_: value for id_, value in before.items() if id_ not in arrived}
        arrived = {id_: value for id_, value in arrived.items() if id_ not in before}
    written.new_item_ids, written.items_removed = list(arrived), len(vanished)
    joined: set[str] = set()  # items that take a review of a piece of themselves
    if vanished:
        moves = successors(db, vanished, {**arrived, **_pieces(rows)})
        moves = {old: new.partition(_PIECE)[0] for old, new in moves.items()}
        joined = {new for new in moves.values() if new not in arrived}
        if moves:
            written.reviews_moved = follow_reviews(db, moves)
            follow_decisions(db, moves)
        run_in_batches(db, "DELETE FROM items WHERE id IN ({})", list(vanished))
        run_in_batches(
            db, f"DELETE FROM links WHERE {suggested()} AND (item_a IN ({{}}) OR item_b IN ({{}}))", list(vanished)
        )
    _upsert_items(db, [row + (stamp,) for row in with_full_names(db, rows)])
    if joined:
        # A stored item that took a review is not inserted, so no trigger gives it its latest status.
        run_in_batches(
            db,
            "UPDATE items SET (status, review_id, status_changed_at) = "
            "(SELECT status, id, created_at FROM reviews WHERE item_id = items.id ORDER BY id DESC LIMIT 1) "
            "WHERE id IN ({})",
            list(joined),
        )


def _upsert_items(db: Database, rows: list[tuple]) -> None:
    """Insert or update ``rows`` (ITEM_COLUMNS order) in one statement (see CREATE_STAGE)."""
    db.execute(CREATE_STAGE)
    db.conn.executemany(STAGE_ITEM, rows)
    db.execute(UPSERT_ITEMS)
    db.execute("DELETE FROM temp.item_rows")


# Separates an item's id from the number of one of its pieces in the successors' candidates.
_PIECE = "#"
_SEGMENTS, _QUOTED = ITEM_COLUMNS.index("segments"), ITEM_COLUMNS.index("quoted")


def _pieces(rows: list[tuple]) -> dict[str, tuple[str, str]]:
    """The pieces of the items that a vanished item may have become a part of, as successors
    take candidates (``ID#N`` -> ``(kind, text)``): each segment of a quotation (the half of a
    quote split by its attribution, once an item of its own) and the quoted words in a claim
    (once a partial quote item)."""
    found = {}
    for row in rows:
        text, at = row[4], 0
        for number, (start, end) in enumerate(json.loads(row[_SEGMENTS]) if row[_SEGMENTS] else []):
            found[f"{row[0]}{_PIECE}s{number}"] = ("quote", text[at : at + end - start])
            at += end - start + len(SEGMENT_SEPARATOR)
        for number, (start, end) in enumerate(json.loads(row[_QUOTED]) if row[_QUOTED] else []):
            found[f"{row[0]}{_PIECE}q{number}"] = ("quote", text[start:end])
    return found


def mark_gone(db: Database, batch: Batch) -> list[str]:
    """Mark the sources under the batch's folders and files that it did not see and whose
    file is deleted, or was read whole without holding them; return their paths."""
    stamp, marked = now(), {}
    with write_transaction(db):
        for root in dict.fromkeys(batch.roots):
            where, params = under(root)
            for source in stored(db, f"gone_at IS NULL AND {where}", params):
                if source.id in batch.seen or source.id in marked:
                    continue
                if source.file in batch.complete_files:
                    reason = f"{source.file} no longer holds it"
                elif missing(source.file):
                    reason = "its file was deleted or moved away"
                else:
                    continue
                db.execute("UPDATE sources SET gone_at = ?, gone_reason = ? WHERE id = ?", [stamp, reason, source.id])
                marked[source.id] = source.path
    return list(marked.values())
