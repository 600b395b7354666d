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

Meeting in a group says only that two items share two keys, which happens by chance
more and more often as the corpus grows (for a fixed vocabulary, with the square of its
size). So two items of a group are a candidate pair only if they share at least
``OVERLAP`` of the shorter one's keys (``QUOTE_OVERLAP`` for two quotes), which chance
rarely gives: :class:`KeyMasks` bounds the shared keys from above, so no pair sharing
that many is dropped. Two quotes of one speaker pair whatever they share: a quote reworded
keeps few of its rare words, and one speaker's quotes in a group are few.

A group is named by its *block*, a hash of the two keys' names, so blocks mean the same
in every run: the blocking index (:mod:`.index`) stores them for incremental runs.
"""

from __future__ import annotations

import zlib
from collections.abc import Iterator, Sequence
from dataclasses import dataclass

import numpy as np

# Pairs sharing fewer than this fraction of their keys need not meet as candidates, and
# pairs sharing less of the shorter one's keys are none ...
OVERLAP = 0.6
# ... nor pairs sharing fewer keys than this (a contained sentence shares at least
# scoring.CONTAIN_COVER * scoring.CONTAIN_MIN, rounded up).
CONTAIN_OVERLAP = 5
SHARED = 2
# Two quotes need share only this fraction of the shorter one's keys: they may be one
# speaker's words reworded, which link at a wording score of 50
# (scoring.SEMANTIC_SPEAKER_WORDING_MIN), not 70 or 82.
QUOTE_OVERLAP = 0.5
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
# Bits of a KeyMasks mask: with 64, two items' other keys fall on each other's bits so
# often that 2.6 times as many block pairs pass as really share enough keys (100,000 items
# of bench/link.py); with 256, 1.13 times.
MASK_BITS = 256
# Pairs checked against the masks at a time: each gathers two masks, 64 bytes.
MASK_BATCH = 1_000_000


@dataclass
class KeyMasks:
    """Each item's blocking keys as a ``MASK_BITS``-bit mask (a key sets the bit its hash
    names) and how many keys it has: a bound on how many keys two items share, without
    reading their keys. A bit of one item that the other lacks stands for at least one of
    its keys the other lacks, so an item's key count minus such bits bounds the overlap."""

    masks: np.ndarray  # (items, MASK_BITS // 64) uint64
    counts: np.ndarray
    quotes: np.ndarray
    speakers: np.ndarray  # a quote's speaker as a number, -1 for none and for claims

    @classmethod
    def of(
        cls,
        indptr: np.ndarray,
        keys: np.ndarray,
        hashes: np.ndarray,
        quotes: np.ndarray | None = None,
        speakers: np.ndarray | None = None,
    ) -> KeyMasks:
        """The masks of the CSR rows (``indptr``, ``keys``) whose keys have :func:`key_hashes`
        ``hashes``; ``quotes`` marks the rows that are quotes (None: none is), ``speakers``
        numbers their speakers (:func:`.drift.quote_speakers`; None: none is known)."""
        counts = np.diff(indptr)
        bits = hashes[keys] % MASK_BITS
        values = np.left_shift(np.uint64(1), (bits % 64).astype(np.uint64))
        masks = np.zeros((len(counts), MASK_BITS // 64), dtype=np.uint64)
        rows = np.flatnonzero(counts)  # reduceat over an empty row would take the next row's first key
        for word in range(MASK_BITS // 64):
            masks[rows, word] = np.bitwise_or.reduceat(np.where(bits // 64 == word, values, 0), indptr[rows])
        return cls(
            masks,
            counts,
            np.zeros(len(counts), dtype=bool) if quotes is None else np.asarray(quotes, bool),
            np.full(len(counts), -1, dtype=np.int64) if speakers is None else np.asarray(speakers, np.int64),
        )

    @classmethod
    def of_names(
        cls, rows: Sequence[Sequence[str]], quotes: np.ndarray | None = None, speakers: np.ndarray | None = None
    ) -> KeyMasks:
        """The masks of items given by their key names (as an incremental run reads them
        from ``link_signatures.keys``)."""
        names = sorted({name for row in rows for name in row})
        ids = {name: position for position, name in enumerate(names)}
        indptr = np.r_[0, np.cumsum([len(row) for row in rows])].astype(np.int64)
        keys = np.array([ids[name] for row in rows for name in row], dtype=np.int64)
        return cls.of(indptr, keys, key_hashes(names), quotes, speakers)

    def worth_pairing(self, a: np.ndarray, b: np.ndarray) -> np.ndarray:
        """Which pairs ``(a[i], b[i])`` may share :func:`needed_overlap` keys, or are two
        quotes of one speaker: one speaker's words reworded share few rare words, and a
        prolific speaker's quotes in one block are few beside the corpus."""
        worth = np.zeros(len(a), dtype=bool)
        for begin in range(0, len(a), MASK_BATCH):  # in slices: each pair gathers two masks
            left, right = a[begin : begin + MASK_BATCH], b[begin : begin + MASK_BATCH]
            mask_a, mask_b = self.masks[left], self.masks[right]
            count_a, count_b = self.counts[left], self.counts[right]
            shared = np.minimum(
                count_a - np.bitwise_count(mask_a & ~mask_b).sum(axis=1, dtype=np.int64),
                count_b - np.bitwise_count(mask_b & ~mask_a).sum(axis=1, dtype=np.int64),
            )
            needed = needed_overlap(np.minimum(count_a, count_b), self.quotes[left] & self.quotes[right])
            speaker = self.speakers[left]
            worth[begin : begin + MASK_BATCH] = (shared >= needed) | (
                (speaker >= 0) & (speaker == self.speakers[right])
            )
        return worth


def needed_overlap(keys: np.ndarray, quotes: np.ndarray | bool = False) -> np.ndarray:
    """The keys two items must share to be a candidate pair: ``OVERLAP`` (``QUOTE_OVERLAP``
    for two ``quotes``) of the shorter one's ``keys``, and at least ``SHARED``, which
    meeting in a group already guarantees."""
    fraction = np.where(quotes, QUOTE_OVERLAP, OVERLAP)
    return np.maximum(np.ceil(fraction * keys).astype(np.int64), SHARED)


@dataclass
class Groups:
    """Items grouped by block: ``members[starts[g]:starts[g] + sizes[g]]`` share block
    ``blocks[g]``; ``usable`` marks the groups worth pairing (2 to ``max_block`` members);
    ``masks``: the items' :class:`KeyMasks`, which tell which pairs in a group are candidates."""

    members: np.ndarray
    blocks: np.ndarray
    starts: np.ndarray
    sizes: np.ndarray
    usable: np.ndarray
    masks: KeyMasks


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
    indptr: np.ndarray,
    keys: np.ndarray,
    hashes: np.ndarray,
    df: np.ndarray | None = None,
    max_block: int = MAX_BLOCK,
    quotes: np.ndarray | None = None,
    speakers: np.ndarray | None = None,
) -> Groups:
    """Items grouped by the block of every pair of their prefix keys (``hashes``: each key
    id's :func:`key_hashes` value; ``df`` as for :func:`prefixes`; ``quotes`` and ``speakers``
    as for :meth:`KeyMasks.of`).

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
    usable = (sizes >= 2) & (sizes <= max_block)
    return Groups(
        members,
        blocks,
        bounds.astype(width),
        sizes.astype(width),
        usable,
        KeyMasks.of(indptr, keys, hashes, quotes, speakers),
    )


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


def _pairs_with_new(
    members: np.ndarray, starts: np.ndarray, sizes: np.ndarray, new: np.ndarray, masks: KeyMasks | None
) -> np.ndarray:
    """Pairs inside each group that involve at least one new item (and pass ``masks``)."""
    block_of = np.repeat(np.arange(len(starts)), sizes)
    positions = np.repeat(starts, sizes) + np.arange(sizes.sum()) - np.repeat(np.cumsum(sizes) - sizes, sizes)
    fresh = new[members[positions]]
    left, block = positions[fresh], block_of[fresh]
    left = np.repeat(left, sizes[block])
    within = np.arange(len(left)) - np.repeat(np.cumsum(sizes[block]) - sizes[block], sizes[block])
    right = np.repeat(starts[block], sizes[block]) + within
    a, b = members[left], members[right]
    keep = a != b
    if masks is not None:
        keep[keep] = masks.worth_pairing(a[keep], b[keep])
    return _encode(a[keep], b[keep])


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
    members: np.ndarray,
    starts: np.ndarray,
    sizes: np.ndarray,
    new: np.ndarray | None = None,
    masks: KeyMasks | None = None,
) -> np.ndarray:
    """Distinct candidate pairs as sorted codes (:func:`decode` gives ``(a, b)``, ``a < b``,
    item positions): the members of each group ``members[starts[g]:starts[g] + sizes[g]]``,
    two by two (pass only the usable groups of :class:`Groups`), those that may share enough
    keys by ``masks`` (:attr:`Groups.masks`; None: every pair).

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
            a, b = members[left], members[right]
            if masks is not None:
                keep = masks.worth_pairing(a, b)
                a, b = a[keep], b[keep]
            found.append(_distinct(_encode(a, b)))
        else:
            found.append(_distinct(_pairs_with_new(members, starts[part], sizes[part], new, masks)))
        held += len(found[-1])
        if held > 4 * BATCH_PAIRS:  # a pair sharing many key pairs turns up in many groups
            found.append(merge_codes(found))
            held = len(found[0])
    return merge_codes(found)
