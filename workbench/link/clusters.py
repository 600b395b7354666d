"""Clusters: items joined by links nobody rejected, so one verdict can cover them all.

``items.cluster_id`` is the smallest item id of the item's connected component over
the active links (not rejected, not a number conflict: two claims giving different
figures are not the same claim), NULL for an item with no active link.
"""

from __future__ import annotations

from collections.abc import Iterable

from sqlite_utils import Database

from ..store.database import in_batches
from ..store.links import clustering

ACTIVE = clustering()
BOTH_EXIST = (
    "EXISTS (SELECT 1 FROM items WHERE items.id = links.item_a) "
    "AND EXISTS (SELECT 1 FROM items WHERE items.id = links.item_b)"
)


def _components(nodes: Iterable[str], edges: Iterable[tuple[str, str]]) -> dict[str, str]:
    """Item id -> smallest id of its component, for items in a component of two or more."""
    parent: dict[str, str] = {node: node for node in nodes}

    def find(node: str) -> str:
        root = node
        while parent[root] != root:
            root = parent[root]
        while parent[node] != root:  # path compression
            parent[node], node = root, parent[node]
        return root

    for a, b in edges:
        root_a, root_b = find(parent.setdefault(a, a)), find(parent.setdefault(b, b))
        if root_a != root_b:  # the smaller id stays root, so a root is its component's minimum
            parent[max(root_a, root_b)] = min(root_a, root_b)
    roots = {node: find(node) for node in parent}
    joined = {root for node, root in roots.items() if node != root}
    return {node: root for node, root in roots.items() if root in joined}


def _active_edges(db: Database, ids: list[str]) -> list[tuple[str, str]]:
    sql = f"SELECT item_a, item_b FROM links WHERE {ACTIVE} AND {BOTH_EXIST} AND (item_a IN ({{}}) OR item_b IN ({{}}))"
    return list(in_batches(db, sql, ids))


def _region(db: Database, seeds: Iterable[str]) -> tuple[set[str], list[tuple[str, str]]]:
    """The seeds, the members of their current clusters, and everything connected to them."""
    seeds = list(dict.fromkeys(seeds))
    nodes = set(seeds)
    nodes.update(
        row[0]
        for row in in_batches(
            db,
            "SELECT id FROM items WHERE cluster_id IN (SELECT cluster_id FROM items WHERE cluster_id IS NOT NULL "
            "AND id IN ({}))",
            seeds,
        )
    )
    edges: set[tuple[str, str]] = set()
    frontier = list(nodes)
    while frontier:
        found = _active_edges(db, frontier)
        edges.update(found)
        frontier = [node for edge in found for node in edge if node not in nodes]
        nodes.update(frontier)
    return nodes, list(edges)


def refresh_clusters(db: Database, seeds: Iterable[str] | None = None) -> int:
    """Recompute ``items.cluster_id`` everywhere, or only around ``seeds`` (item ids whose
    links changed); write only the ids that change and return how many did."""
    if seeds is None:
        edges = db.execute(f"SELECT item_a, item_b FROM links WHERE {ACTIVE} AND {BOTH_EXIST}").fetchall()
        clusters = _components((), edges)
        current = dict(db.execute("SELECT id, cluster_id FROM items WHERE cluster_id IS NOT NULL").fetchall())
        scope: Iterable[str] = set(current) | set(clusters)
    else:
        nodes, edges = _region(db, seeds)
        clusters = _components(nodes, edges)
        current = dict(in_batches(db, "SELECT id, cluster_id FROM items WHERE id IN ({})", list(nodes)))
        scope = current
    # In id order, so the updates walk the items index instead of jumping around it.
    changes = [(clusters.get(node), node) for node in sorted(scope) if clusters.get(node) != current.get(node)]
    db.conn.executemany("UPDATE items SET cluster_id = ? WHERE id = ?", changes)
    return len(changes)


MEMBER_COLUMNS = (
    "SELECT items.id, items.kind, items.text, items.speaker, items.source_id, items.status, "
    "items.cluster_id, sources.title AS source_title, sources.outlet "
    "FROM items JOIN sources ON sources.id = items.source_id "
)


def cluster_members(db: Database, item_id: str) -> list[dict]:
    """Every item in ``item_id``'s cluster (just the item when it has none; nothing for
    an unknown id), with its source's title and outlet, ordered by item id."""
    row = db.execute("SELECT cluster_id FROM items WHERE id = ?", [item_id]).fetchone()
    if row is None:
        return []
    if row[0] is None:
        return list(db.query(MEMBER_COLUMNS + "WHERE items.id = ?", [item_id]))
    return list(db.query(MEMBER_COLUMNS + "WHERE items.cluster_id = ? ORDER BY items.id", [row[0]]))


def cluster_page(db: Database, cluster_id: str, after: str | None = None, limit: int = 100) -> list[dict]:
    """Up to ``limit`` members of a cluster in id order, after the member id ``after``: read
    through the ``items(cluster_id, id)`` index, so a page of a 5,000-member cluster costs
    what a page of a small one does."""
    return list(
        db.query(
            MEMBER_COLUMNS + "WHERE items.cluster_id = ? AND items.id > ? ORDER BY items.id LIMIT ?",
            [cluster_id, after or "", limit],
        )
    )


def cluster_size(db: Database, cluster_id: str) -> int:
    """How many items a cluster has (counted in its index)."""
    return db.execute("SELECT count(*) FROM items WHERE cluster_id = ?", [cluster_id]).fetchone()[0]
