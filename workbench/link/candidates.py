"""Candidate pairs without comparing all pairs: prefix filtering on pairs of rare keys.

Every item's blocking keys are ordered from rarest to commonest across the corpus and
only a prefix is kept: ``len - alpha + SHARED`` keys, where ``alpha`` is the overlap a
pair needs to be worth scoring (``OVERLAP`` of its keys, at most ``CONTAIN_OVERLAP``
so a short sentence inside a long one is still found). Two items sharing ``alpha``
keys then share at least ``SHARED`` keys inside both prefixes (the prefix filtering
argument of PPJoin, generalised), so items are grouped by every *pair* of their prefix
keys and paired only within a group. A pair of keys is rare even when each key alone
is not, which keeps the groups small; they still grow with the corpus (two moderately
rare words meet by chance more often in a million items than in a hundred thousand),
and ``MAX_BLOCK`` bounds them.

A group is named by its *block*, a hash of the two keys' names, so blocks mean the same
in every run: the blocking index (:mod:`.index`) stores them for incremental runs.
"""

from __future__ import annotations

import zlib
from collections.abc import Iterator, Sequence
from dataclasses import dataclass

import numpy as np

# Pairs sharing fewer than this fraction of their keys need not meet as candidates ...
OVERLAP = 0.6
# ... nor pairs sharing fewer keys than this (a contained sentence shares at least
# scoring.CONTAIN_COVER * scoring.CONTAIN_MIN, rounded up).
CONTAIN_OVERLAP = 5
SHARED = 2
# A key pair shared by more items than this says little about any two of them; the
# bound also caps the pairs per item as the corpus grows.
MAX_BLOCK = 50
# Pairs generated per numpy batch: bounds the temporary arrays.
BATCH_PAIRS = 8_000_000
# Key pairs per batch when grouping: each takes several temporaries beside the packed
# entries, which are the peak of a run; smaller batches also stay in cache.
GROUP_BATCH = 2_000_000
MIX = 0x9E3779B1  # spreads key pairs over the hash space
# A block (hashed key pair) fits in this many bits beside an item number of up to
# 63 - BLOCK_BITS bits: blocks are stored, so they may not depend on the corpus size.
BLOCK_BITS = 39
MAX_ITEMS = 1 << (63 - BLOCK_BITS)


@dataclass
class Groups:
    """Items grouped by block: ``members[starts[g]:starts[g] + sizes[g]]`` share block
    ``blocks[g]``; ``usable`` marks the groups worth pairing (2 to ``max_block`` members)."""

    members: np.ndarray
    blocks: np.ndarray
    starts: np.ndarray
    sizes: np.ndarray
    usable: np.ndarray


def key_hashes(names: Sequence[str]) -> np.ndarray:
    """A stable 32-bit hash per blocking key, so blocks mean the same in every run."""
    return np.array([zlib.crc32(name.encode()) for name in names], dtype=np.int64)


def block_of(hash_a: np.ndarray, hash_b: np.ndarray) -> np.ndarray:
    """The block of each pair of keys (given by their hashes), whatever their order."""
    return (np.minimum(hash_a, hash_b) * MIX + np.maximum(hash_a, hash_b)) & ((1 << BLOCK_BITS) - 1)


def prefixes(
    indptr: np.ndarray,
    keys: np.ndarray,
    df: np.ndarray | None = None,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Every item's prefix keys, rarest first, item after item: (items, keys) entries and
    the prefix sizes. ``df``: each key's document frequency (default: counted in ``keys``);
    ties are broken by key id, so ids must follow one fixed order of the keys."""
    lengths = np.diff(indptr)
    items = np.repeat(np.arange(len(lengths), dtype=np.int64), lengths)
    if df is None:
        df = np.bincount(keys, minlength=int(keys.max(initial=0)) + 1)
    # One sort of (item, key rank) codes: a three-key lexsort is several times slower.
    key_rank = np.empty(len(df), dtype=np.int64)
    key_rank[np.lexsort((np.arange(len(df)), df))] = np.arange(len(df))
    order = np.argsort(items * len(df) + key_rank[keys])  # by item, then rarest key first
    rank = np.arange(len(keys)) - np.repeat(indptr[:-1], lengths)
    alpha = np.minimum(np.ceil(OVERLAP * lengths).astype(np.int64), CONTAIN_OVERLAP)
    size = np.minimum(lengths, lengths - alpha + SHARED)
    keep = rank < size[items]
    return items[order][keep], keys[order][keep], size


def groups(
    indptr: np.ndarray, keys: np.ndarray, hashes: np.ndarray, df: np.ndarray | None = None, max_block: int = MAX_BLOCK
) -> Groups:
    """Items grouped by the block of every pair of their prefix keys (``hashes``: each key
    id's :func:`key_hashes` value; ``df`` as for :func:`prefixes`).

    Block and item are packed into one int64 and sorted in place: the peak memory is one
    8-byte word per (item, key pair). A collision of two blocks merely merges two groups
    (more candidates, never fewer); an item is a member of each of its blocks once.
    """
    if len(indptr) - 1 > MAX_ITEMS:
        raise ValueError(f"{len(indptr) - 1:,} items: the linker handles at most {MAX_ITEMS:,}")
    _, prefix_keys, size = prefixes(indptr, keys, df)
    item_bits = 63 - BLOCK_BITS
    counts = size * (size - 1) // 2
    starts = np.r_[0, np.cumsum(size)[:-1]]
    packed = np.empty(int(counts.sum()), dtype=np.int64)
    filled = 0
    for part in _chunks(counts, GROUP_BATCH):
        left, right = _pair_positions(starts[part], size[part])
        owners = np.repeat(np.arange(part.start, part.stop, dtype=np.int64), counts[part])
        found = block_of(hashes[prefix_keys[left]], hashes[prefix_keys[right]])
        packed[filled : filled + len(found)] = (found << item_bits) | owners
        filled += len(found)
    del prefix_keys
    packed.sort()
    # An item meets one block twice when two of its keys share a hash (or two key pairs
    # collide): keep it once, or the group would count it twice and the index would hold
    # a duplicate (block, num). Rare, so the copy is made only when there is one.
    repeated = packed[1:] == packed[:-1]
    if repeated.any():
        packed = packed[np.r_[True, ~repeated]]
    del repeated
    bounds = _block_starts(packed, item_bits)
    blocks = packed[bounds] >> item_bits
    sizes = np.diff(bounds, append=len(packed))
    # Members, starts and sizes as int32 (MAX_ITEMS items) when the entries allow: at a
    # million items they are tens of millions, held while the index is written.
    width = np.int32 if len(packed) < 2**31 else np.int64
    members = np.empty(len(packed), dtype=width)
    for begin in range(0, len(packed), GROUP_BATCH):  # in slices: no int64 temporary the size of packed
        members[begin : begin + GROUP_BATCH] = packed[begin : begin + GROUP_BATCH] & ((1 << item_bits) - 1)
    del packed
    return Groups(members, blocks, bounds.astype(width), sizes.astype(width), (sizes >= 2) & (sizes <= max_block))


def _block_starts(packed: np.ndarray, item_bits: int) -> np.ndarray:
    """Where each block's run starts in sorted ``packed`` entries, found slice by slice so
    that no temporary is the size of ``packed``."""
    found = [np.zeros(min(len(packed), 1), dtype=np.int64)]
    for begin in range(1, len(packed), GROUP_BATCH):
        end = min(begin + GROUP_BATCH, len(packed))
        changed = (packed[begin:end] ^ packed[begin - 1 : end - 1]) >> item_bits  # nonzero where the block differs
        found.append(begin + np.flatnonzero(changed))
    return np.concatenate(found)


def _chunks(weights: np.ndarray, batch: int = BATCH_PAIRS) -> Iterator[slice]:
    """Consecutive runs of entries whose weights add up to about ``batch``."""
    bounds = np.searchsorted(np.cumsum(weights), np.arange(batch, weights.sum() + batch, batch))
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
    """Sorted distinct values; sorts ``values`` in place (every caller passes a fresh array,
    so no copy). np.unique's hashing is several times slower on large int arrays."""
    values.sort()
    return values[np.r_[True, values[1:] != values[:-1]]] if len(values) else values


def merge_codes(found: list[np.ndarray]) -> np.ndarray:
    """The distinct codes of all of ``found``, sorted; ``found`` is emptied, so its arrays
    are freed before the sort, not held beside their copy (pass no other reference)."""
    codes = np.concatenate(found) if found else np.zeros(0, dtype=np.int64)
    found.clear()
    return _distinct(codes)


def _encode(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    return (np.minimum(a, b).astype(np.int64) << 32) | np.maximum(a, b)


def decode(codes: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The pairs ``(smaller, larger)`` of pair codes, as int32 positions (half the memory)."""
    return (codes >> 32).astype(np.int32), (codes & 0xFFFFFFFF).astype(np.int32)


def pair_codes(a: np.ndarray, b: np.ndarray) -> list[np.ndarray]:
    """The unordered pairs ``(a[i], b[i])`` as codes (one int64 a pair, for :func:`merge_codes`
    and :func:`decode`), self-pairs dropped; in slices, so no temporary is the size of ``a``."""
    found = []
    for begin in range(0, len(a), BATCH_PAIRS):
        left, right = a[begin : begin + BATCH_PAIRS], b[begin : begin + BATCH_PAIRS]
        keep = left != right
        found.append(_encode(left[keep], right[keep]))
    return found


def select_rows(indptr: np.ndarray, keys: np.ndarray, rows: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The CSR (``indptr``, ``keys``) of only ``rows``, in their order."""
    lengths = np.diff(indptr)[rows]
    offsets = np.arange(lengths.sum()) - np.repeat(np.cumsum(lengths) - lengths, lengths)
    return np.r_[0, np.cumsum(lengths)], keys[np.repeat(indptr[rows], lengths) + offsets]


def candidate_codes(
    members: np.ndarray, starts: np.ndarray, sizes: np.ndarray, new: np.ndarray | None = None
) -> np.ndarray:
    """Distinct candidate pairs as sorted codes (:func:`decode` gives ``(a, b)``, ``a < b``,
    item positions): the members of each group ``members[starts[g]:starts[g] + sizes[g]]``,
    two by two (pass only the usable groups of :class:`Groups`).

    ``new``: a boolean mask over items; when given, only pairs involving a new item are
    returned (incremental runs).
    """
    if new is not None and new.all():  # every pair involves a new item (a first ingest): enumerate them plainly
        new = None
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
            found.append(merge_codes(found))
            held = len(found[0])
    return merge_codes(found)
