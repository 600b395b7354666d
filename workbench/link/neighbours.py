"""Candidates by meaning: each item's nearest neighbours among the sentence vectors.

Blocking (:mod:`.candidates`) needs shared words; a paraphrase may share none, and a short
quotation has too few to block on. So every item also meets its ``NEIGHBOURS`` nearest
items by cosine, found with an inverted file: the vectors' first ``SEARCH_DIMENSIONS``
dimensions (enough to find candidates, not to decide: the decision uses all of them) are
clustered into cells of about ``CELL_SIZE`` items by a few rounds of spherical k-means on
a sample, each item is filed under its nearest cell, and searches the ``PROBES`` cells
nearest to it. Each item yields at most ``PROBES * NEIGHBOURS`` pairs, so the candidates
grow linearly with the items; the work per item follows the cell size, not the corpus.

The cells' centres are stored with the vectors (``link_cells``, ``link_vectors``), so an
incremental run files and searches only its new items.
"""

from __future__ import annotations

import numpy as np

SEARCH_DIMENSIONS = 64
CELL_SIZE = 256
PROBES = 3
NEIGHBOURS = 8
# Truncated cosine below which a neighbour is no candidate (the decision's own floor,
# scoring.SEMANTIC_MIN, is on the full vectors, and higher).
CANDIDATE_FLOOR = 0.5
TRAIN_SAMPLE = 40_000
ROUNDS = 6
# Rows compared against the centres at a time: bounds the (rows x cells) temporary.
ROW_BATCH = 4_096
SEED = 20


def search_vectors(quantised: np.ndarray) -> np.ndarray:
    """Unit float32 rows of the first ``SEARCH_DIMENSIONS`` dimensions of int8 vectors."""
    rows = quantised[:, :SEARCH_DIMENSIONS].astype(np.float32)
    lengths = np.linalg.norm(rows, axis=1, keepdims=True)
    return np.divide(rows, lengths, out=rows, where=lengths > 0)


def train_cells(search: np.ndarray) -> np.ndarray:
    """Cell centres for ``search`` vectors (rows of :func:`search_vectors`): spherical
    k-means on a fixed sample, so a run on the same items gives the same cells."""
    if not len(search):
        return np.zeros((0, SEARCH_DIMENSIONS), dtype=np.float32)
    count = max(1, len(search) // CELL_SIZE)
    rng = np.random.default_rng(SEED)
    sample = search[np.sort(rng.choice(len(search), min(len(search), TRAIN_SAMPLE), replace=False))]
    centres = sample[np.sort(rng.choice(len(sample), min(count, len(sample)), replace=False))].copy()
    for _ in range(ROUNDS):
        cells = nearest_cells(sample, centres, 1)[:, 0]
        order = np.argsort(cells, kind="stable")
        used, starts = np.unique(cells[order], return_index=True)
        sums = np.add.reduceat(sample[order], starts, axis=0)
        lengths = np.linalg.norm(sums, axis=1, keepdims=True)
        centres[used] = np.divide(sums, lengths, out=sums, where=lengths > 0)  # an empty cell keeps its centre
    return centres


def nearest_cells(search: np.ndarray, centres: np.ndarray, probes: int = PROBES) -> np.ndarray:
    """The ``probes`` cells nearest to each row, nearest first (fewer when there are fewer cells)."""
    probes = min(probes, len(centres))
    found = np.zeros((len(search), probes), dtype=np.int64)
    for begin in range(0, len(search), ROW_BATCH):
        similarity = search[begin : begin + ROW_BATCH] @ centres.T
        rows = np.arange(len(similarity))
        # One argmax per probe, the cell found masked out: with thousands of cells (a
        # million items) several times cheaper than a partition of every row and a sort.
        for probe in range(probes):
            nearest = similarity.argmax(axis=1)
            found[begin + rows, probe] = nearest
            similarity[rows, nearest] = -np.inf
    return found


def neighbour_pairs(
    queries: np.ndarray,
    query_cells: np.ndarray,
    members: np.ndarray,
    member_cells: np.ndarray,
    neighbours: int = NEIGHBOURS,
    floor: float = CANDIDATE_FLOOR,
) -> tuple[np.ndarray, np.ndarray]:
    """For each query row (``query_cells``: its probed cells), its ``neighbours`` nearest
    member rows in each probed cell (``member_cells``: each member's own cell) at a cosine
    of at least ``floor``: pairs ``(query index, member index)``, int32 (tens of millions
    at a million items). A query that is also a member finds itself; the caller drops such pairs."""
    probes = query_cells.shape[1] if query_cells.ndim == 2 else 1
    flat = query_cells.reshape(-1)
    owners = np.repeat(np.arange(len(queries)), probes)
    query_order = np.argsort(flat, kind="stable")
    member_order = np.argsort(member_cells, kind="stable")
    sorted_members = member_cells[member_order]
    found_a: list[np.ndarray] = []
    found_b: list[np.ndarray] = []
    cells, starts, counts = np.unique(flat[query_order], return_index=True, return_counts=True)
    for cell, start, count in zip(cells.tolist(), starts.tolist(), counts.tolist()):
        low, high = np.searchsorted(sorted_members, [cell, cell + 1])
        if high == low:
            continue
        asking = owners[query_order[start : start + count]]
        inside = member_order[low:high]
        similarity = queries[asking] @ members[inside].T
        if len(inside) > neighbours:
            best = np.argpartition(-similarity, neighbours - 1, axis=1)[:, :neighbours]
        else:
            best = np.broadcast_to(np.arange(len(inside)), similarity.shape)
        close = np.take_along_axis(similarity, best, axis=1) >= floor
        rows = np.broadcast_to(asking[:, None], best.shape)[close]
        found_a.append(rows.astype(np.int32))
        found_b.append(inside[best[close]].astype(np.int32))
    if not found_a:
        return np.zeros(0, dtype=np.int32), np.zeros(0, dtype=np.int32)
    return np.concatenate(found_a), np.concatenate(found_b)
