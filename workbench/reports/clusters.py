"""What an export shows of each cluster, prepared once per export in temporary tables.

A cluster of K items costs O(K log K) here, once: its lead (its first item in the export,
where a report lists the cluster), its size, and its first members (earliest source
first). Each item then reads a bounded number of rows, so no export grows with K².
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator

from sqlite_utils import Database

# The most other members of its cluster, and of items whose figures disagree with it, that
# one item lists (earliest source first); the rest are counted. Bounded so that a claim
# repeated in 5,000 sources costs each of them the same as a claim repeated in 20.
SHOWN_MEMBERS = 20


class ClusterTables:
    """The temporary tables of one export, named apart from any other export's."""

    def __init__(self, suffix: str):
        self.leads, self.sizes, self.members = (f"export_{part}_{suffix}" for part in ("leads", "sizes", "members"))

    @contextlib.contextmanager
    def built(self, db: Database, order: str, where: str, params: list, *, enabled: bool = True) -> Iterator[None]:
        """The tables for the clusters of the items ``where`` keeps (``order``: the temporary
        table of sources in export order), dropped on the way out."""
        if not enabled:
            yield
            return
        statements = [
            (
                f"""CREATE TEMP TABLE {self.leads} AS SELECT cluster_id, item_id FROM (
                    SELECT items.cluster_id, items.id AS item_id, row_number() OVER (
                        PARTITION BY items.cluster_id ORDER BY source_order.rowid, items.seq) AS rank
                    FROM temp.{order} AS source_order CROSS JOIN items ON items.source_id = source_order.id
                    WHERE items.cluster_id IS NOT NULL AND {where}) WHERE rank = 1""",
                params,
            ),
            (f"CREATE UNIQUE INDEX temp.{self.leads}_cluster ON {self.leads}(cluster_id)", []),
            (
                f"""CREATE TEMP TABLE {self.sizes} AS SELECT items.cluster_id, count(*) AS size,
                        count(DISTINCT items.source_id) AS sources
                    FROM temp.{self.leads} AS lead JOIN items ON items.cluster_id = lead.cluster_id
                    GROUP BY items.cluster_id""",
                [],
            ),
            (f"CREATE UNIQUE INDEX temp.{self.sizes}_cluster ON {self.sizes}(cluster_id)", []),
            # One more than shown: an item skips itself among its cluster's first members.
            (
                f"""CREATE TEMP TABLE {self.members} AS SELECT cluster_id, item_id, rank FROM (
                    SELECT items.cluster_id, items.id AS item_id, row_number() OVER (
                        PARTITION BY items.cluster_id ORDER BY member_source.published IS NULL,
                        member_source.published, member_source.path, items.seq) AS rank
                    FROM temp.{self.leads} AS lead JOIN items ON items.cluster_id = lead.cluster_id
                    JOIN sources AS member_source ON member_source.id = items.source_id)
                WHERE rank <= {SHOWN_MEMBERS + 1}""",
                [],
            ),
            (f"CREATE INDEX temp.{self.members}_cluster ON {self.members}(cluster_id, rank)", []),
        ]
        try:
            for statement, values in statements:
                db.execute(statement, values)
            yield
        finally:
            for name in (self.members, self.sizes, self.leads):
                db.execute(f"DROP TABLE IF EXISTS temp.{name}")

    def joins(self) -> str:
        """SQL joining an item (``items``) to its cluster's size and lead, as ``cluster_size``
        and ``cluster_lead``."""
        return f"""LEFT JOIN temp.{self.sizes} AS cluster_size ON cluster_size.cluster_id = items.cluster_id
                LEFT JOIN temp.{self.leads} AS cluster_lead ON cluster_lead.cluster_id = items.cluster_id"""
