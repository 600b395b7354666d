"""The query layer every export format reads: one filtered, streamed item selection.

Items come one at a time from a single SQLite cursor, each with its source, current
verdict and, on request, a bounded preview of its cluster, its review history, its links,
its number conflicts and the text around it, gathered by subqueries inside SQLite, so
memory stays flat however many items there are. A cluster of K items costs O(K) once per
export (its size and first members go into a temporary table), never O(K²): each member
lists at most a fixed number of the others. :func:`read_snapshot` keeps the summary
(:mod:`.summary`) and the items consistent while reviewers keep marking.
"""

from __future__ import annotations

import contextlib
import json
from collections.abc import Iterator
from dataclasses import dataclass

from sqlite_utils import Database

from ..config import Config, safe_color
from ..store.database import resolve_id
from ..store.links import conflicting, figures_seen_from, shown, swap_sides
from ..store.reviews import ReviewError, resolve_status
from ..store.statuses import reviewed, workflow_ids
from .checked import checks_column
from .clusters import SHOWN_MEMBERS, ClusterTables

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
# What an item is made of, from the extractor's ``m011_item_shape`` (read when the
# database has it): a quotation's segments and a claim's quoted words, JSON lists of
# ``[start, end]``, and whether the item is the article's headline.
SHAPE_COLUMNS = ("segments", "quoted", "headline")
SOURCE_COLUMNS = ("id", "title", "outlet", "author", "url", "published", "path", "format")
ITEM_KEYS = tuple(column.strip('"') for column in ITEM_COLUMNS)
# Characters of the article read on each side of an item, to find the sentence it is in.
CONTEXT_CHARS = 400
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


def _resolve_status(db: Database, given: str) -> str:
    try:
        return resolve_status(db, given)
    except ReviewError as error:
        raise ExportError(str(error)) from None


class Selection:
    """The items an export covers, validated against the database and configuration."""

    def __init__(self, db: Database, filters: Filters, config: Config):
        self.db = db
        self.config = config
        if filters.kind is not None and filters.kind not in KINDS:
            raise ExportError(f"{filters.kind!r}: unknown kind (claim or quote)")
        self.filters = Filters(
            statuses=tuple(dict.fromkeys(_resolve_status(db, given) for given in filters.statuses)),
            kind=filters.kind,
            reviewed_only=filters.reviewed_only,
            sources=tuple(dict.fromkeys(_resolve_source(db, given) for given in filters.sources)),
        )
        self.workflow = workflow_ids(db)
        self.where, self.params = self.conditions(self.filters)
        view = {row[0] for row in db.execute("SELECT name FROM pragma_table_info('item_status')")}
        self.changes = {name: column for name, column in CHANGED_SINCE_VERDICT.items() if column in view}
        item_columns = {row[0] for row in db.execute("SELECT name FROM pragma_table_info('items')")}
        self.shape = [column for column in SHAPE_COLUMNS if column in item_columns]
        # One line each about what a format left out or changed, for the command to show.
        self.warnings: list[str] = []

    @staticmethod
    def conditions(filters: Filters) -> tuple[str, list]:
        """SQL over ``items`` that keeps what ``filters`` keep, and its parameters."""
        clauses: list[str] = []
        params: list = []

        def among(column: str, values: tuple[str, ...]) -> None:
            clauses.append(f"{column} IN ({', '.join('?' * len(values))})")
            params.extend(values)

        if filters.statuses:
            among("items.status", filters.statuses)
        if filters.kind:
            clauses.append("items.kind = ?")
            params.append(filters.kind)
        if filters.sources:
            among("items.source_id", filters.sources)
        if filters.reviewed_only:
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

    def items(
        self,
        *,
        history: bool = False,
        links: bool = False,
        cluster: bool | str = True,
        conflicts: bool = False,
        context: bool = False,
        checks: bool = False,
    ) -> Iterator[dict]:
        """Stream the selected items (by source publication date, source, then position).

        Each item is a dict: its own columns (``numbers`` parsed; ``segments``, ``quoted``
        and ``headline`` when the database has them), ``source`` (a dict), ``review`` (the
        current review or ``None``), ``verdict`` (the same when its status is a verdict,
        else ``None``), ``review_count``, and when asked:

        - ``cluster``: up to :data:`SHOWN_MEMBERS` other items with the same ``cluster_id``,
          each with its source, earliest first; ``cluster_size`` and ``cluster_sources``
          (items and distinct sources in the whole cluster, this one included; 0 when
          unlinked); ``cluster_lead``, the id of the cluster's first item in this export
          (``cluster="lead"``: only the lead gets its members, the others an empty list);
        - ``reviews`` (oldest first) and ``links`` (every link of the item);
        - ``conflicts``: up to :data:`SHOWN_MEMBERS` items stating the same with other
          figures, each with its source and ``figures`` (``{"unit", "this", "other"}``),
          and ``conflict_count``, how many there are;
        - ``context``: the article around the item, ``{"text", "start", "end",
          "clipped_before", "clipped_after"}`` (``start``/``end`` locate the item in ``text``);
        - ``checks``: the earlier checks the item repeats (:mod:`.checked`).
        """
        clusters = ClusterTables(str(id(self)))
        extra = []
        # The related rows come as JSON arrays built inside SQLite: one query, no
        # round trip per item.
        if cluster:
            # A report lists a cluster's members under its lead only: the others need none.
            no_members = "items.cluster_id IS NULL" + (
                " OR cluster_lead.item_id != items.id" if cluster == "lead" else ""
            )
            extra.append(f"""CASE WHEN {no_members} THEN '[]' ELSE (
                SELECT json_group_array(json(member)) FROM (
                    SELECT json_object('item_id', m.id, 'kind', m.kind, 'text', m.text, 'speaker', m.speaker,
                                       'status', m.status, 'source', {_source_json("ms")}) AS member
                    FROM temp.{clusters.members} AS shown_member JOIN items m ON m.id = shown_member.item_id
                    JOIN sources ms ON ms.id = m.source_id
                    WHERE shown_member.cluster_id = items.cluster_id AND m.id != items.id
                    ORDER BY shown_member.rank LIMIT {SHOWN_MEMBERS})) END AS cluster""")
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
                                       'decided_at', l.decided_at, 'this_is_a', l.item_a = items.id) AS link
                    FROM links l WHERE l.item_a = items.id OR l.item_b = items.id
                    ORDER BY l.score DESC, l.item_a, l.item_b)) AS links""")
        if conflicts:
            disagreeing = f"""FROM links l JOIN items o ON o.id = CASE WHEN l.item_a = items.id THEN l.item_b ELSE l.item_a END
                    JOIN sources os ON os.id = o.source_id
                    WHERE (l.item_a = items.id OR l.item_b = items.id) AND {conflicting("l")}
                      AND {shown("l")} AND json_valid(l.conflict)"""
            extra.append(f"""(SELECT json_group_array(json(conflict)) FROM (
                    SELECT json_object('item_id', o.id, 'text', o.text, 'source', {_source_json("os")},
                                       'figures', json(l.conflict), 'this_is_a', l.item_a = items.id) AS conflict
                    {disagreeing}
                    ORDER BY os.published IS NULL, os.published, os.path LIMIT {SHOWN_MEMBERS})) AS conflicts""")
            extra.append(f"(SELECT json_array(count(*)) {disagreeing}) AS conflict_count")
        if context:
            # The item's stretch of the article with CONTEXT_CHARS on each side (a headline
            # is not in the text) and whether the text goes on beyond it.
            reach = f"max(items.start - {CONTEXT_CHARS}, 0)"
            extra.append(f"""json_array(
                    substr(sources.text, {reach} + 1, items."end" - {reach} + {CONTEXT_CHARS}),
                    items.start - {reach}, items."end" - {reach}, {reach} > 0,
                    items."end" + {CONTEXT_CHARS} < length(sources.text)) AS context""")
        if checks:
            extra.append(checks_column())
        wanted = [
            name
            for name, asked in (
                ("cluster", cluster),
                ("reviews", history),
                ("links", links),
                ("conflicts", conflicts),
                ("conflict_count", conflicts),
                ("context", context),
                ("checks", checks),
            )
            if asked
        ]
        clusters = ClusterTables(str(id(self)))
        with (
            self._source_order() as order,
            clusters.built(self.db, order, self.where, self.params, enabled=bool(cluster)),
        ):
            sql = f"""
                SELECT {", ".join("items." + column for column in (*ITEM_COLUMNS, *self.shape))},
                       {", ".join("sources." + column for column in SOURCE_COLUMNS)},
                       reviews.id, reviews.note, reviews.reviewer, reviews.created_at,
                       (SELECT json_array({", ".join(self.changes.values())})
                        FROM item_status WHERE item_status.item_id = items.id),
                       (SELECT count(*) FROM reviews r WHERE r.item_id = items.id)
                       {", cluster_size.size, cluster_size.sources, cluster_lead.item_id" if cluster else ""}
                       {"".join(", " + column for column in extra)}
                FROM temp.{order} AS source_order CROSS JOIN items ON items.source_id = source_order.id
                JOIN sources ON sources.id = items.source_id
                LEFT JOIN reviews ON reviews.id = items.review_id
                {clusters.joins() if cluster else ""}
                WHERE {self.where}
                ORDER BY source_order.rowid, items.seq"""
            labels = {status["id"]: status["label"] for status in self.statuses()}
            cursor = self.db.execute(sql, self.params)
            try:
                for row in cursor:
                    yield _shape(row, labels, self.workflow, self.shape, bool(cluster), wanted, list(self.changes))
            finally:
                cursor.close()  # a reader that stopped early must not keep the temporary tables busy

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


def _json_list(value: str | None) -> list:
    """A JSON list column as a list; anything else a script may have written is empty."""
    try:
        parsed = json.loads(value) if value else []
    except json.JSONDecodeError:
        return []
    return parsed if isinstance(parsed, list) else []


def _shape(
    row: tuple,
    labels: dict[str, str],
    workflow: set[str],
    shape: list[str],
    cluster: bool,
    extra: list[str],
    changes: list[str],
) -> dict:
    """One result row as a nested item dict."""
    width = len(ITEM_KEYS) + len(shape)
    item = dict(zip(ITEM_KEYS + tuple(shape), row[:width]))
    item["status_label"] = labels.get(item["status"], item["status"])
    rest = iter(row[width:])
    item["source"] = {column: next(rest) for column in SOURCE_COLUMNS}
    review_id, note, reviewer, created_at, flags, review_count = (next(rest) for _ in range(6))
    changed = [name for name, flag in zip(changes, json.loads(flags or "[]")) if flag]
    # The current review; it is the verdict only when its status is one (not "in progress").
    item["review"] = (
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
    item["verdict"] = item["review"] if item["status"] not in workflow else None
    item["review_count"] = review_count
    item["numbers"] = _json_list(item["numbers"])
    for column in ("segments", "quoted"):
        if column in item:
            item[column] = _json_list(item[column])
    if "headline" in item:
        item["headline"] = int(bool(item["headline"]))
    if cluster:
        size, sources, lead = next(rest), next(rest), next(rest)
        item["cluster_size"], item["cluster_sources"], item["cluster_lead"] = size or 0, sources or 0, lead
    for key in extra:
        value = next(rest)
        item[key] = json.loads(value) if value else []
    if "conflict_count" in item:
        item["conflict_count"] = item["conflict_count"][0]
    if "context" in item:
        text, start, end, clipped_before, clipped_after = item["context"]
        item["context"] = {
            "text": text or "",
            "start": start,
            "end": end,
            "clipped_before": bool(clipped_before),
            "clipped_after": bool(clipped_after),
        }
    for conflict in item.get("conflicts", ()):
        conflict["figures"] = figures_seen_from(conflict["figures"], this_is_a=bool(conflict.pop("this_is_a")))
    for link in item.get("links", ()):
        if not link.pop("this_is_a"):  # said from this item's side, as the reader stands on it
            drift, conflict = swap_sides(
                *(json.dumps(link[key]) if link[key] else None for key in ("drift", "conflict"))
            )
            link["drift"], link["conflict"] = (json.loads(value) if value else None for value in (drift, conflict))
    return item
