"""The query layer every export format reads: one filtered, streamed item selection.

Items come one at a time from a single SQLite cursor, each with its source, current
verdict and, on request, the other members of its cluster, its review history, its
links and its number conflicts, gathered by correlated subqueries inside SQLite, so
memory stays flat however many items there are. The summary is computed by aggregate queries, never by holding
items. :func:`read_snapshot` keeps the summary and the items consistent while
reviewers keep marking.
"""

from __future__ import annotations

import contextlib
import json
from collections.abc import Callable, Iterator
from dataclasses import dataclass

from sqlite_utils import Database

from ..config import Config, safe_color
from ..store.database import resolve_id
from ..store.links import conflicting, figures_seen_from, shown
from ..store.statuses import reviewed, workflow_ids

KINDS = ("claim", "quote")
ITEM_COLUMNS = (
    "id",
    "kind",
    "text",
    "speaker",
    "role",
    "cue",
    "attribution",
    "paragraph",
    "start",
    '"end"',
    "seq",
    "score",
    "numbers",
    "cluster_id",
    "status",
    "status_changed_at",
    "first_seen",
    "cut",
)
SOURCE_COLUMNS = ("id", "title", "outlet", "author", "url", "published", "path", "format")
ITEM_KEYS = tuple(column.strip('"') for column in ITEM_COLUMNS)
# Largest number of sources listed by name in a report summary; the rest are counted.
SUMMARY_SOURCES = 50
# What may have changed in an item since its current verdict was given, as the columns of
# the ``item_status`` view that tell (the schema defines each once). Those the database's
# view has are read: a verdict on what changed is flagged in every report and never
# published as ClaimReview.
CHANGED_SINCE_VERDICT = {
    "text": "text_changed",
    "kind": "kind_changed",
    "speaker": "speaker_changed",
    "figures": "figures_changed",
}


class ExportError(Exception):
    """The export cannot run as asked; the message is one line for the user."""


@dataclass(frozen=True)
class Filters:
    """Which items to export; empty tuples mean "all"."""

    statuses: tuple[str, ...] = ()
    kind: str | None = None
    sources: tuple[str, ...] = ()
    reviewed_only: bool = False


@contextlib.contextmanager
def read_snapshot(db: Database) -> Iterator[Database]:
    """One read transaction: every query inside sees the same state of the database."""
    if db.conn.in_transaction:
        yield db
        return
    db.conn.execute("BEGIN")
    try:
        yield db
    finally:
        db.conn.execute("ROLLBACK")


def _resolve_source(db: Database, given: str) -> str:
    try:
        return resolve_id(db, "sources", given, "source")
    except LookupError as error:
        raise ExportError(str(error)) from None


class Selection:
    """The items an export covers, validated against the database and configuration."""

    def __init__(self, db: Database, filters: Filters, config: Config):
        self.db = db
        self.config = config
        known = [row[0] for row in db.execute("SELECT id FROM statuses ORDER BY position")]
        for status in filters.statuses:
            if status not in known:
                raise ExportError(f"{status!r}: unknown status (one of: {', '.join(known)})")
        if filters.kind is not None and filters.kind not in KINDS:
            raise ExportError(f"{filters.kind!r}: unknown kind (claim or quote)")
        self.filters = Filters(
            statuses=filters.statuses,
            kind=filters.kind,
            reviewed_only=filters.reviewed_only,
            sources=tuple(dict.fromkeys(_resolve_source(db, given) for given in filters.sources)),
        )
        self.workflow = workflow_ids(db)
        self.where, self.params = self._where()
        view = {row[0] for row in db.execute("SELECT name FROM pragma_table_info('item_status')")}
        self.changes = {name: column for name, column in CHANGED_SINCE_VERDICT.items() if column in view}
        # One line each about what a format left out or changed, for the command to show.
        self.warnings: list[str] = []

    def _where(self) -> tuple[str, list]:
        clauses: list[str] = []
        params: list = []

        def among(column: str, values: tuple[str, ...]) -> None:
            clauses.append(f"{column} IN ({', '.join('?' * len(values))})")
            params.extend(values)

        if self.filters.statuses:
            among("items.status", self.filters.statuses)
        if self.filters.kind:
            clauses.append("items.kind = ?")
            params.append(self.filters.kind)
        if self.filters.sources:
            among("items.source_id", self.filters.sources)
        if self.filters.reviewed_only:
            clauses.append(reviewed())
        return " AND ".join(clauses) or "1", params

    def is_verdict(self, status: str) -> bool:
        """Whether ``status`` is a verdict rather than a workflow state such as ``unreviewed``."""
        return status not in self.workflow

    def statuses(self) -> list[dict]:
        """The vocabulary in display order, each with its rating (``None`` when off the scale).

        A stored colour that is not one (a script may write anything) is ``None``.
        """
        ratings = self.config.ratings()
        return [
            {
                **row,
                "color": safe_color(row["color"], fallback=None),
                "rating": ratings.get(row["id"]),
                "verdict": self.is_verdict(row["id"]),
            }
            for row in self.db.query("SELECT id, label, description, color, position FROM statuses ORDER BY position")
        ]

    def summary(self) -> dict:
        """Counts for a report's summary, by aggregate queries over the selection."""
        base = f"FROM items WHERE {self.where}"
        totals = dict(
            zip(
                ("items", "claims", "quotes", "reviewed", "sources"),
                self.db.execute(
                    f"""SELECT count(*), count(*) FILTER (WHERE kind = 'claim'), count(*) FILTER (WHERE kind = 'quote'),
                       count(*) FILTER (WHERE {reviewed("status")}),
                       count(DISTINCT source_id) {base}""",
                    self.params,
                ).fetchone(),
            )
        )
        counts = dict(self.db.execute(f"SELECT status, count(*) {base} GROUP BY status", self.params).fetchall())
        by_status = [{**status, "count": counts.pop(status["id"], 0)} for status in self.statuses()]
        # A status removed from the vocabulary while items still carry it is still counted.
        by_status += [
            {"id": id_, "label": id_, "color": None, "rating": None, "verdict": True, "count": count}
            for id_, count in counts.items()
        ]
        by_source = list(
            self.db.query(
                f"""SELECT sources.id, sources.title, sources.outlet, sources.url, sources.path, sources.published,
                       count(*) AS items,
                       count(*) FILTER (WHERE {reviewed()}) AS reviewed
                FROM items JOIN sources ON sources.id = items.source_id WHERE {self.where}
                GROUP BY sources.id ORDER BY items DESC, sources.path LIMIT {SUMMARY_SOURCES}""",
                self.params,
            )
        )
        reviewers = list(
            self.db.query(
                f"""SELECT coalesce(reviews.reviewer, '') AS reviewer, count(*) AS items,
                       min(reviews.created_at) AS first, max(reviews.created_at) AS last
                FROM items JOIN reviews ON reviews.id = items.review_id WHERE {self.where}
                GROUP BY reviews.reviewer ORDER BY items DESC, reviewer""",
                self.params,
            )
        )
        first, last = self.db.execute(
            f"""SELECT min(reviews.created_at), max(reviews.created_at)
                FROM items JOIN reviews ON reviews.id = items.review_id WHERE {self.where}""",
            self.params,
        ).fetchone()
        published = self.db.execute(
            f"""SELECT min(published), max(published) FROM sources
                WHERE id IN (SELECT source_id {base})""",
            self.params,
        ).fetchone()
        return {
            "totals": totals,
            "by_status": by_status,
            "by_source": by_source,
            "more_sources": max(totals["sources"] - len(by_source), 0),
            "reviewers": reviewers,
            "reviewed_from": first,
            "reviewed_to": last,
            "published_from": published[0],
            "published_to": published[1],
        }

    def items(
        self, *, history: bool = False, links: bool = False, cluster: bool = True, conflicts: bool = False
    ) -> Iterator[dict]:
        """Stream the selected items (by source publication date, source, then position).

        Each item is a dict: its own columns (``numbers`` parsed), ``source`` (a dict),
        ``verdict`` (the current review or ``None``), ``review_count``, and when asked
        ``cluster`` (the other items with the same ``cluster_id``, each with its
        source, earliest first), ``reviews`` (oldest first), ``links``, and
        ``conflicts`` (items stating the same with other figures: each with its source
        and ``figures``, a list of ``{"unit", "this", "other"}``).
        """
        extra = []
        # The related rows come as JSON arrays built inside SQLite: one query, no
        # round trip per item.
        if cluster:
            extra.append(f"""CASE WHEN items.cluster_id IS NULL THEN '[]' ELSE (
                SELECT json_group_array(json(member)) FROM (
                    SELECT json_object('item_id', m.id, 'kind', m.kind, 'text', m.text, 'speaker', m.speaker,
                                       'status', m.status, 'source', {_source_json("ms")}) AS member
                    FROM items m JOIN sources ms ON ms.id = m.source_id
                    WHERE m.cluster_id = items.cluster_id AND m.id != items.id
                    ORDER BY ms.published IS NULL, ms.published, ms.path, m.seq)) END AS cluster""")
        if history:
            extra.append("""(SELECT json_group_array(json(review)) FROM (
                    SELECT json_object('id', r.id, 'status', r.status, 'note', r.note, 'reviewer', r.reviewer,
                                       'created_at', r.created_at, 'based_on', r.based_on,
                                       'item_text', r.item_text, 'moved_from', r.moved_from) AS review
                    FROM reviews r WHERE r.item_id = items.id ORDER BY r.id)) AS reviews""")
        if links:
            extra.append("""(SELECT json_group_array(json(link)) FROM (
                    SELECT json_object('item_id', CASE WHEN l.item_a = items.id THEN l.item_b ELSE l.item_a END,
                                       'score', l.score, 'method', l.method, 'state', l.state,
                                       'drift', json(CASE WHEN json_valid(l.drift) THEN l.drift END),
                                       'conflict', json(CASE WHEN json_valid(l.conflict) THEN l.conflict END),
                                       'created_at', l.created_at, 'decided_by', l.decided_by,
                                       'decided_at', l.decided_at) AS link
                    FROM links l WHERE l.item_a = items.id OR l.item_b = items.id
                    ORDER BY l.score DESC, l.item_a, l.item_b)) AS links""")
        if conflicts:
            extra.append(f"""(SELECT json_group_array(json(conflict)) FROM (
                    SELECT json_object('item_id', o.id, 'text', o.text, 'source', {_source_json("os")},
                                       'figures', json(l.conflict), 'this_is_a', l.item_a = items.id) AS conflict
                    FROM links l JOIN items o ON o.id = CASE WHEN l.item_a = items.id THEN l.item_b ELSE l.item_a END
                    JOIN sources os ON os.id = o.source_id
                    WHERE (l.item_a = items.id OR l.item_b = items.id) AND {conflicting("l")}
                      AND {shown("l")} AND json_valid(l.conflict)
                    ORDER BY os.published IS NULL, os.published, os.path)) AS conflicts""")
        wanted = [
            name
            for name, asked in (("cluster", cluster), ("reviews", history), ("links", links), ("conflicts", conflicts))
            if asked
        ]
        with self._source_order() as order:
            sql = f"""
                SELECT {", ".join("items." + column for column in ITEM_COLUMNS)},
                       {", ".join("sources." + column for column in SOURCE_COLUMNS)},
                       reviews.id, reviews.note, reviews.reviewer, reviews.created_at,
                       (SELECT json_array({", ".join(self.changes.values())})
                        FROM item_status WHERE item_status.item_id = items.id),
                       (SELECT count(*) FROM reviews r WHERE r.item_id = items.id)
                       {"".join(", " + column for column in extra)}
                FROM temp.{order} AS source_order CROSS JOIN items ON items.source_id = source_order.id
                JOIN sources ON sources.id = items.source_id
                LEFT JOIN reviews ON reviews.id = items.review_id
                WHERE {self.where}
                ORDER BY source_order.rowid, items.seq"""
            labels = {status["id"]: status["label"] for status in self.statuses()}
            cursor = self.db.execute(sql, self.params)
            try:
                for row in cursor:
                    yield _shape(row, labels, wanted, list(self.changes))
            finally:
                cursor.close()  # a reader that stopped early must not keep the temporary table busy

    @contextlib.contextmanager
    def _source_order(self) -> Iterator[str]:
        """A temporary table of source ids in report order (its rowid is the rank).

        Walking it and then each source's items through the ``items_source`` index
        yields items already in order: sorting a million wide rows instead made the
        export several times slower once the sort spilled to disk.
        """
        name = f"export_order_{id(self)}"
        self.db.execute(
            f"CREATE TEMP TABLE {name} AS SELECT id FROM sources ORDER BY published IS NULL, published, path, id"
        )
        try:
            yield name
        finally:
            self.db.execute(f"DROP TABLE temp.{name}")


def _source_json(alias: str) -> str:
    pairs = (f"'{column}', {alias}.{column}" for column in SOURCE_COLUMNS)
    return f"json_object({', '.join(pairs)})"


def _shape(row: tuple, labels: dict[str, str], extra: list[str], changes: list[str]) -> dict:
    """One result row as a nested item dict."""
    width, sources = len(ITEM_KEYS), len(SOURCE_COLUMNS)
    item = dict(zip(ITEM_KEYS, row[:width]))
    item["status_label"] = labels.get(item["status"], item["status"])
    item["source"] = dict(zip(SOURCE_COLUMNS, row[width : width + sources]))
    review_id, note, reviewer, created_at, flags, review_count = row[width + sources : width + sources + 6]
    changed = [name for name, flag in zip(changes, json.loads(flags or "[]")) if flag]
    item["verdict"] = (
        None
        if review_id is None
        else {
            "review_id": review_id,
            "status": item["status"],
            "note": note,
            "reviewer": reviewer,
            "created_at": created_at,
            "text_changed": "text" in changed,
            "changed": changed,
        }
    )
    item["review_count"] = review_count
    numbers = item["numbers"]
    try:
        item["numbers"] = json.loads(numbers) if numbers and numbers != "[]" else []
    except json.JSONDecodeError:
        item["numbers"] = []
    for key, value in zip(extra, row[width + sources + 6 :]):
        item[key] = json.loads(value) if value else []
    for conflict in item.get("conflicts", ()):
        conflict["figures"] = figures_seen_from(conflict["figures"], this_is_a=bool(conflict.pop("this_is_a")))
    return item


def drift(text_a: str, text_b: str) -> list[tuple[str, str, str]]:
    """Word-level differences between two wordings as ``(tag, a_words, b_words)``.

    Uses the link stage's ``word_diff`` so reports mark the same words the linker does.
    """
    from ..link import word_diff

    return [(tag, _words(a_words), _words(b_words)) for tag, a_words, b_words in word_diff(text_a, text_b)]


def marked_drift(text_a: str, text_b: str, escape: Callable[[str], str], removed: str, added: str) -> str | None:
    """``text_b`` with the words that differ from ``text_a`` marked; ``None`` if none do.

    ``escape`` makes corpus text inert for the format; ``removed`` and ``added`` are
    format strings such as ``"<del>{}</del>"``.
    """
    operations = drift(text_a, text_b)
    if all(tag == "equal" for tag, _, _ in operations):
        return None
    parts = []
    for tag, a_words, b_words in operations:
        if tag == "equal":
            parts.append(escape(b_words))
            continue
        if a_words.strip():
            parts.append(removed.format(escape(a_words)))
        if b_words.strip():
            parts.append(added.format(escape(b_words)))
    return " ".join(part for part in parts if part)


def _words(words: str | list[str] | tuple[str, ...]) -> str:
    return words if isinstance(words, str) else " ".join(words)
