"""Summary counts for ``workbench stats`` (and anything else that wants them)."""

from __future__ import annotations

from sqlite_utils import Database

from .links import conflicting, shown
from .statuses import reviewed

# Sources listed one by one; the rest are counted.
LISTED_SOURCES = 200


def collect(db: Database) -> dict:
    """Totals, counts by status and by source, reviews that lost their item or whose item
    changed since (text, kind, speaker, figures), and sources whose file no longer holds them."""
    totals = {
        "sources": db.execute("SELECT count(*) FROM sources").fetchone()[0],
        "claims": db.execute("SELECT count(*) FROM items WHERE kind = 'claim'").fetchone()[0],
        "quotes": db.execute("SELECT count(*) FROM items WHERE kind = 'quote'").fetchone()[0],
        "reviewed items": db.execute(f"SELECT count(*) FROM items WHERE {reviewed()}").fetchone()[0],
        "reviews": db.execute("SELECT count(*) FROM reviews").fetchone()[0],
        "links": db.execute(f"SELECT count(*) FROM links WHERE {shown()} AND NOT {conflicting()}").fetchone()[0],
        "clusters": db.execute("SELECT count(DISTINCT cluster_id) FROM items").fetchone()[0],
        "number conflicts": db.execute(f"SELECT count(*) FROM links WHERE {shown()} AND {conflicting()}").fetchone()[0],
    }
    by_status = [
        (label, claims, quotes, claims + quotes)
        for label, claims, quotes in db.execute(
            """SELECT statuses.label,
                      count(items.num) FILTER (WHERE items.kind = 'claim'),
                      count(items.num) FILTER (WHERE items.kind = 'quote')
               FROM statuses LEFT JOIN items ON items.status = statuses.id
               GROUP BY statuses.id ORDER BY statuses.position"""
        )
    ]
    # The id is what ``export --source`` takes; the name is what people recognise.
    by_source = list(
        db.query(
            f"""SELECT sources.id, coalesce(sources.title, sources.outlet, sources.path) AS name,
                  count(items.num) FILTER (WHERE items.kind = 'claim') AS claims,
                  count(items.num) FILTER (WHERE items.kind = 'quote') AS quotes,
                  count(items.num) FILTER (WHERE {reviewed()}) AS reviewed,
                  sources.gone_at IS NOT NULL AS gone
           FROM sources LEFT JOIN items ON items.source_id = sources.id
           GROUP BY sources.id ORDER BY sources.path LIMIT {LISTED_SOURCES}"""
        )
    )
    orphans = list(db.query("SELECT * FROM orphan_reviews ORDER BY id"))
    changed = dict(
        zip(
            ("text", "kind", "speaker", "figures"),
            db.execute(
                "SELECT count(*) FILTER (WHERE text_changed), count(*) FILTER (WHERE kind_changed), "
                "count(*) FILTER (WHERE speaker_changed), count(*) FILTER (WHERE figures_changed) "
                "FROM item_status"
            ).fetchone(),
        )
    )
    gone = list(
        db.query(
            "SELECT sources.id, sources.path, sources.gone_at, sources.gone_reason, "
            f"count(items.num) FILTER (WHERE {reviewed()}) AS reviewed "
            "FROM sources LEFT JOIN items ON items.source_id = sources.id "
            "WHERE sources.gone_at IS NOT NULL GROUP BY sources.id ORDER BY sources.gone_at DESC, sources.path"
        )
    )
    path = db.execute("PRAGMA database_list").fetchone()[2]
    return {
        "path": path,
        "totals": totals,
        "by_status": by_status,
        "by_source": by_source,
        "orphans": orphans,
        "changed": changed,
        "gone": gone,
    }
