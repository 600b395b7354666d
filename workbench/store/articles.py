"""Writing an article and its items: one transaction per article.

Workers turn an extracted article into rows (:func:`prepare`) so that the single writer
only runs SQL (:func:`write_article`). Re-writing is safe: an unchanged article is skipped,
an edited one is updated in place, item ids are stable, and reviews and link decisions
follow edited items (:mod:`.follow`); reviews are never deleted.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field

from sqlite_utils import Database

from ..model import Article, ExtractedItem
from .database import now, run_in_batches, write_transaction
from .follow import follow_decisions, follow_reviews, successors
from .identity import item_ids, source_id
from .links import suggested

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


@dataclass
class PreparedArticle:
    """An article and its item rows, ready to be written.

    ``extractor`` is the fingerprint of the code that extracted it: an article stored
    with the same text and fingerprint is left alone.
    """

    article: Article
    source_id: str
    extractor: str
    rows: list[tuple]  # ITEM_COLUMNS order, without first_seen


@dataclass
class Written:
    """What writing one article did."""

    outcome: str  # "new", "updated" or "unchanged"
    new_item_ids: list[str] = field(default_factory=list)
    items_removed: int = 0
    reviews_moved: int = 0


def prepare(article: Article, items: list[ExtractedItem], extractor: str) -> PreparedArticle:
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
        )
        for seq, (id_, item) in enumerate(zip(item_ids(sid, items), items))
    ]
    return PreparedArticle(article, sid, extractor, rows)


def write_article(db: Database, prepared: PreparedArticle) -> Written:
    """Write one article and its items in one transaction."""
    article, sid = prepared.article, prepared.source_id
    stamp = now()
    with write_transaction(db):
        existing = db.execute("SELECT sha256, extractor FROM sources WHERE id = ?", [sid]).fetchone()
        if existing == (article.sha256, prepared.extractor):
            return Written("unchanged")
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
                prepared.extractor,
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
        written = Written("updated" if existing else "new", list(arrived), len(vanished))
        if vanished:
            moves = successors(db, vanished, arrived) if arrived else {}
            if moves:
                written.reviews_moved = follow_reviews(db, moves)
                follow_decisions(db, moves)
            run_in_batches(db, "DELETE FROM items WHERE id IN ({})", list(vanished))
            run_in_batches(
                db, f"DELETE FROM links WHERE {suggested()} AND (item_a IN ({{}}) OR item_b IN ({{}}))", list(vanished)
            )
        db.conn.executemany(UPSERT_ITEM, [row + (stamp,) for row in prepared.rows])
    return written
