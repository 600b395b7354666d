"""Candidate pairs without comparing all pairs: prefix filtering on pairs of rare keys.

Every item's blocking keys are ordered from rarest to commonest across the corpus and
only a prefix is kept: ``len - alpha + SHARED`` keys, where ``alpha`` is the overlap a
pair needs to be worth scoring (``OVERLAP`` of its keys, at most ``CONTAIN_OVERLAP``
so a short sentence inside a long one is still found). Two items sharing ``alpha``
keys then share at least ``SHARED`` keys inside both prefixes (the prefix filtering
argument of PPJoin, generalised), so items are grouped by every *pair* of their prefix
keys and paired only within a group. A pair of keys is rare even when each key alone
is not, which keeps the groups small as the corpus grows: work stays about linear.
"""

from __future__ import annotations

from collections.abc import Iterator

import numpy as np

# Pairs sharing fewer than this fraction of their keys need not meet as candidates ...
OVERLAP = 0.6
# ... nor pairs sharing fewer keys than this (a contained sentence shares at least
# scoring.CONTAIN_COVER * scoring.CONTAIN_MIN, rounded up).
CONTAIN_OVERLAP = 5
SHARED = 2
# A key pair shared by more items than this says little about any two of them; the
# bound also keeps the pairs per item constant as the corpus grows (linear work).
MAX_BLOCK = 50
# Pairs generated per numpy batch: bounds the temporary arrays.
BATCH_PAIRS = 8_000_000
MIX = 0x9E3779B1  # spreads key pairs over the hash space


def prefixes(indptr: np.ndarray, keys: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Every item's prefix keys, rarest first, item after item: (items, keys) entries and
    the prefix sizes."""
    lengths = np.diff(indptr)
    items = np.repeat(np.arange(len(lengths), dtype=np.int64), lengths)
    df = np.bincount(keys, minlength=int(keys.max(initial=0)) + 1)
    order = np.lexsort((keys, df[keys], items))  # by item, then rarest key first
    rank = np.arange(len(keys)) - np.repeat(indptr[:-1], lengths)
    alpha = np.minimum(np.ceil(OVERLAP * lengths).astype(np.int64), CONTAIN_OVERLAP)
    size = np.minimum(lengths, lengths - alpha + SHARED)
    keep = rank < size[items]
    return items[order][keep], keys[order][keep], size


def groups(indptr: np.ndarray, keys: np.ndarray, max_block: int = MAX_BLOCK) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Items grouped by every pair of their prefix keys.

    Returns the member items sorted by group, and the start and size of each group
    worth pairing (2 to ``max_block`` members). Group and item are packed into one
    int64 and sorted in place: the peak memory is one 8-byte word per (item, key pair).
    A pair of keys is hashed to fit beside the item; a collision merely merges two
    groups (more candidates, never fewer).
    """
    _, prefix_keys, size = prefixes(indptr, keys)
    item_bits = max(1, int(len(size) - 1).bit_length())
    group_mask = (1 << (63 - item_bits)) - 1
    counts = size * (size - 1) // 2
    starts = np.r_[0, np.cumsum(size)[:-1]]
    packed = np.empty(int(counts.sum()), dtype=np.int64)
    filled = 0
    for part in _chunks(counts):
        left, right = _pair_positions(starts[part], size[part])
        low = np.minimum(prefix_keys[left], prefix_keys[right])
        high = np.maximum(prefix_keys[left], prefix_keys[right])
        owners = np.repeat(np.arange(part.start, part.stop, dtype=np.int64), counts[part])
        packed[filled:filled + len(low)] = (((low * MIX + high) & group_mask) << item_bits) | owners
        filled += len(low)
    del prefix_keys
    packed.sort()
    group = packed >> item_bits
    bounds = np.flatnonzero(np.r_[True, group[1:] != group[:-1]])
    del group
    sizes = np.diff(np.r_[bounds, len(packed)])
    members = packed & ((1 << item_bits) - 1)
    del packed
    usable = (sizes >= 2) & (sizes <= max_block)
    return members, bounds[usable], sizes[usable]


def _chunks(weights: np.ndarray) -> Iterator[slice]:
    """Consecutive runs of entries whose weights add up to about BATCH_PAIRS."""
    bounds = np.searchsorted(np.cumsum(weights), np.arange(BATCH_PAIRS, weights.sum() + BATCH_PAIRS, BATCH_PAIRS))
    begin = 0
    for end in np.unique(np.minimum(bounds + 1, len(weights))):
        if end > begin:
            yield slice(begin, int(end))
            begin = int(end)


def _pair_positions(starts: np.ndarray, sizes: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Positions of every pair inside each run ``starts[i] .. starts[i] + sizes[i]``."""
    # Entry at offset i of a run of size m pairs with offsets i+1 .. m-1.
    offsets = np.arange(sizes.sum()) - np.repeat(np.cumsum(sizes) - sizes, sizes)
    positions = np.repeat(starts, sizes) + offsets
    after = np.repeat(sizes, sizes) - offsets - 1
    left = np.repeat(positions, after)
    step = np.arange(after.sum()) - np.repeat(np.cumsum(after) - after, after) + 1
    return left, left + step


def _pairs_with_new(members: np.ndarray, starts: np.ndarray, sizes: np.ndarray, new: np.ndarray) -> np.ndarray:
    """Pairs inside each group that involve at least one new item."""
    block_of = np.repeat(np.arange(len(starts)), sizes)
    positions = np.repeat(starts, sizes) + np.arange(sizes.sum()) - np.repeat(np.cumsum(sizes) - sizes, sizes)
    fresh = new[members[positions]]
    left, block = positions[fresh], block_of[fresh]
    left = np.repeat(left, sizes[block])
    within = np.arange(len(left)) - np.repeat(np.cumsum(sizes[block]) - sizes[block], sizes[block])
    right = np.repeat(starts[block], sizes[block]) + within
    a, b = members[left], members[right]
    return _encode(a[a != b], b[a != b])


def _distinct(values: np.ndarray) -> np.ndarray:
    """Sorted distinct values (np.unique's hashing is several times slower on large int arrays)."""
    values = np.sort(values)
    return values[np.r_[True, values[1:] != values[:-1]]] if len(values) else values


def _encode(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    return (np.minimum(a, b) << 32) | np.maximum(a, b)


def candidate_pairs(
    indptr: np.ndarray, keys: np.ndarray, new: np.ndarray | None = None, *, max_block: int = MAX_BLOCK,
) -> tuple[np.ndarray, np.ndarray]:
    """Distinct candidate pairs ``(a, b)``, ``a < b``, as item positions.

    ``indptr``/``keys``: every item's distinct blocking key ids (CSR). ``new``: a boolean
    mask; when given, only pairs involving a new item are returned (incremental runs).
    """
    members, starts, sizes = groups(indptr, keys, max_block)
    if new is not None:
        seen = np.r_[0, np.cumsum(new[members])]
        fresh = seen[starts + sizes] > seen[starts]
        starts, sizes = starts[fresh], sizes[fresh]
    found: list[np.ndarray] = []
    held = 0
    for part in _chunks(sizes * (sizes - 1) // 2 if new is None else sizes * sizes):
        if new is None:
            left, right = _pair_positions(starts[part], sizes[part])
            found.append(_distinct(_encode(members[left], members[right])))
        else:
            found.append(_distinct(_pairs_with_new(members, starts[part], sizes[part], new)))
        held += len(found[-1])
        if held > 4 * BATCH_PAIRS:  # a pair sharing many key pairs turns up in many groups
            found = [_distinct(np.concatenate(found))]
            held = len(found[0])
    codes = _distinct(np.concatenate(found)) if found else np.zeros(0, dtype=np.int64)
    return codes >> 32, codes & 0xFFFFFFFF
