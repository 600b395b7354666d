"""What a verdict report says before its items: counts over the selection, by aggregate
queries inside SQLite, never by holding items.

A verdict is a status whose ``verdict`` flag is set (:func:`~workbench.store.statuses.reviewed`):
"in progress" is counted as a status, never as a verdict, a reviewer's verdict or a date
of verdicts.
"""

from __future__ import annotations

from dataclasses import replace

from ..store.links import conflicting, has_conflict, shown
from ..store.statuses import reviewed
from .query import Selection

# Largest number of sources listed by name in a report summary; the rest are counted.
SUMMARY_SOURCES = 50


def summary(selection: Selection) -> dict:
    """Totals, counts per status, source and reviewer, date spans, number conflicts, and
    what a verdicts-only selection leaves out (``not_shown``: workflow statuses and counts)."""
    db, where, params = selection.db, selection.where, selection.params
    base = f"FROM items WHERE {where}"
    names = ("items", "claims", "quotes", "reviewed", "sources", "clustered", "in_conflict")
    totals = dict(
        zip(
            names,
            db.execute(
                f"""SELECT count(*), count(*) FILTER (WHERE kind = 'claim'), count(*) FILTER (WHERE kind = 'quote'),
                       count(*) FILTER (WHERE {reviewed("status")}), count(DISTINCT source_id),
                       count(*) FILTER (WHERE cluster_id IS NOT NULL), count(*) FILTER (WHERE {has_conflict()}) {base}""",
                params,
            ).fetchone(),
        )
    )
    totals["conflicts"] = db.execute(
        f"""SELECT count(*) FROM links WHERE {conflicting()} AND {shown()}
            AND (item_a IN (SELECT id {base}) OR item_b IN (SELECT id {base}))""",
        params * 2,
    ).fetchone()[0]
    counts = dict(db.execute(f"SELECT status, count(*) {base} GROUP BY status", params).fetchall())
    by_status = [{**status, "count": counts.pop(status["id"], 0)} for status in selection.statuses()]
    # A status removed from the vocabulary while items still carry it is still counted.
    by_status += [
        {"id": id_, "label": id_, "color": None, "rating": None, "verdict": True, "count": count}
        for id_, count in counts.items()
    ]
    by_source = list(
        db.query(
            f"""SELECT sources.id, sources.title, sources.outlet, sources.url, sources.path, sources.published,
                   count(*) AS items, count(*) FILTER (WHERE {reviewed()}) AS reviewed
            FROM items JOIN sources ON sources.id = items.source_id WHERE {where}
            GROUP BY sources.id ORDER BY items DESC, sources.path LIMIT {SUMMARY_SOURCES}""",
            params,
        )
    )
    verdicts = f"FROM items JOIN reviews ON reviews.id = items.review_id WHERE {where} AND {reviewed()}"
    reviewers = list(
        db.query(
            f"""SELECT coalesce(reviews.reviewer, '') AS reviewer, count(*) AS items,
                   min(reviews.created_at) AS first, max(reviews.created_at) AS last
            {verdicts} GROUP BY reviews.reviewer ORDER BY items DESC, reviewer""",
            params,
        )
    )
    first, last = db.execute(f"SELECT min(reviews.created_at), max(reviews.created_at) {verdicts}", params).fetchone()
    published = db.execute(
        f"SELECT min(published), max(published) FROM sources WHERE id IN (SELECT source_id {base})", params
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
        "not_shown": _not_shown(selection),
    }


def _not_shown(selection: Selection) -> list[dict]:
    """The items a verdicts-only selection leaves out, by workflow status (``label``,
    ``count``; none when the selection keeps every status)."""
    if not selection.filters.reviewed_only:
        return []
    where, params = selection.conditions(replace(selection.filters, reviewed_only=False))
    counts = dict(
        selection.db.execute(
            f"SELECT status, count(*) FROM items WHERE {where} AND NOT {reviewed()} GROUP BY status", params
        ).fetchall()
    )
    return [
        {"label": status["label"], "count": counts[status["id"]]}
        for status in selection.statuses()
        if counts.get(status["id"])
    ]
