"""Candidates for the new items of an incremental run, looked up in the stored index.

Only the new items are read, normalised and embedded. A new item whose exact key is
already stored joins that repeat group (a star link, see :mod:`.repeats`) and is compared
with nothing else: its group's representative already was. The other new items take
their prefixes in the frozen key order and read the items sharing one of their blocks
(``link_blocks``), and search the cells nearest to their vectors (``link_vectors``); the
partners' signatures and vectors come from the index, so stored items are never re-read.
"""

from __future__ import annotations

import json
from dataclasses import dataclass

import numpy as np
from sqlite_utils import Database

from ..store.database import in_batches
from .candidates import MAX_BLOCK, Groups, KeyMasks, groups, key_hashes, select_rows
from .corpus import COLUMNS, Corpus, Progress, build_corpus
from .drift import quote_speakers
from .index import Found
from .meaning import from_bytes
from .neighbours import SEARCH_DIMENSIONS, nearest_cells, neighbour_pairs, search_vectors
from .normalise import Figure
from .repeats import repeat_groups


@dataclass
class Incremental:
    """The corpus to score (the new items first, then their stored partners), the pairs to
    score and the star pairs of repeats (positions in it), and what to file in the index."""

    corpus: Corpus
    pairs: tuple[np.ndarray, np.ndarray]
    star: tuple[np.ndarray, np.ndarray]
    new: Corpus
    found: Found


def candidates(db: Database, new_nums: list[int], progress: Progress | None = None) -> Incremental:
    """Candidate and star pairs for ``new_nums`` against each other and the indexed items."""
    if progress:
        progress("reading", 0, len(new_nums))
    new = build_corpus(in_batches(db, f"SELECT {COLUMNS} FROM items WHERE num IN ({{}}) ORDER BY num", new_nums))
    if progress:
        progress("candidates", 0, 1)
    partners = _Partners(len(new.nums))
    repeats = repeat_groups(new.exact, new.sources)
    star: list[tuple[int, int]] = []
    fresh = []  # groups with no stored member: their representatives are compared
    for group, representative in enumerate(repeats.representatives.tolist()):
        stored = _stored_group(db, int(new.exact[representative]))
        if stored is None:
            fresh.append(group)
            continue
        members = np.flatnonzero(repeats.group_of == group).tolist()
        star.extend(_join_stored(db, new, members, stored, partners))
    # Members of a stored group were joined to it above; those of a new group join their own.
    in_fresh = set(fresh)
    star.extend(
        pair for pair in zip(*(side.tolist() for side in repeats.star)) if repeats.group_of[pair[0]] in in_fresh
    )
    representatives = repeats.representatives[np.array(fresh, dtype=np.int64)]
    frozen = dict(in_batches(db, "SELECT key, df FROM link_keys WHERE key IN ({})", new.key_names))
    df = np.array([frozen.get(name, 0) for name in new.key_names], dtype=np.int64)
    indptr, keys = select_rows(new.indptr, new.keys, representatives)
    grouped = groups(indptr, keys, key_hashes(new.key_names), df)
    block_pairs = _block_pairs(db, new, representatives, grouped, partners)
    search = search_vectors(new.vectors[representatives])
    centres = _centres(db)
    cells = nearest_cells(search, centres) if len(centres) else np.zeros((len(search), 1), dtype=np.int64)
    meaning_pairs = _meaning_pairs(db, new, representatives, search, cells, partners)
    corpus = partners.corpus(db, new)
    pairs = _sharing_enough_keys(db, new, partners, corpus, block_pairs) | meaning_pairs
    pairs = {(a, b) for a, b in pairs if corpus.sources[a] != corpus.sources[b]}
    star = [(a, b) for a, b in dict.fromkeys(star) if corpus.sources[a] != corpus.sources[b]]
    return Incremental(
        corpus, _arrays(pairs), _arrays(star), new, Found(representatives, grouped, centres, cells[:, 0])
    )


def _arrays(pairs) -> tuple[np.ndarray, np.ndarray]:
    pairs = list(pairs)
    if not pairs:
        return np.zeros(0, np.int64), np.zeros(0, np.int64)
    a, b = (np.array(side, dtype=np.int64) for side in zip(*pairs))
    return a, b


class _Partners:
    """Stored items met as partners, numbered after the new items in the order met."""

    def __init__(self, offset: int):
        self.offset = offset
        self.positions: dict[int, int] = {}

    def at(self, num: int) -> int:
        return self.positions.setdefault(num, self.offset + len(self.positions))

    def corpus(self, db: Database, new: Corpus) -> Corpus:
        """The new items followed by the partners (their signatures and vectors from the index)."""
        nums = list(self.positions)
        signatures = {
            row[0]: row[1:]
            for row in in_batches(
                db, "SELECT num, source_id, tokens, size, figures, exact FROM link_signatures WHERE num IN ({})", nums
            )
        }
        vectors = dict(in_batches(db, "SELECT num, vector FROM link_vectors WHERE num IN ({})", nums))
        quotes = dict(in_batches(db, "SELECT num, speaker FROM items WHERE kind = 'quote' AND num IN ({})", nums))
        rows = [signatures.get(num, ("", "", 0, "[]", 0)) for num in nums]
        source_ids = {name: code for code, name in enumerate(new.source_names)}
        codes = new.sources.tolist() + [source_ids.setdefault(source, len(source_ids)) for source, *_ in rows]
        speaker_ids = {name: code for code, name in enumerate(new.speaker_names)}
        speakers = new.speakers.tolist() + [speaker_ids.setdefault(quotes.get(num), len(speaker_ids)) for num in nums]
        return Corpus(
            np.r_[new.nums, np.array(nums, dtype=np.int64)],
            np.array(codes, dtype=np.int64),
            np.r_[new.sizes, np.array([size for _, _, size, _, _ in rows], dtype=np.int64)],
            new.texts + [tokens for _, tokens, _, _, _ in rows],
            new.figures + [[Figure(*figure) for figure in json.loads(figures)] for *_, figures, _ in rows],
            new.indptr,
            new.keys,
            new.loaded,
            exact=np.r_[new.exact, np.array([exact or 0 for *_, exact in rows], dtype=np.int64)],
            vectors=np.r_[new.vectors, from_bytes([vectors.get(num) for num in nums])],
            quotes=np.r_[new.quotes, np.array([num in quotes for num in nums], dtype=bool)],
            speakers=np.array(speakers, dtype=np.int64),
            speaker_names=list(speaker_ids),
        )


def _stored_group(db: Database, exact: int) -> tuple[int, str, int | None] | None:
    """A stored repeat group: its representative (smallest num), that one's source and the
    group's first member from another source (None if there is none)."""
    first = db.execute(
        "SELECT num, source_id FROM link_signatures WHERE exact = ? ORDER BY num LIMIT 1", [exact]
    ).fetchone()
    if first is None:
        return None
    other = db.execute(
        "SELECT num FROM link_signatures WHERE exact = ? AND source_id != ? ORDER BY num LIMIT 1", [exact, first[1]]
    ).fetchone()
    return first[0], first[1], other[0] if other else None


def _join_stored(
    db: Database, new: Corpus, members: list[int], stored: tuple[int, str, int | None], partners: _Partners
) -> list[tuple[int, int]]:
    """Star pairs for new members of a stored group, as a full run would make them: each to
    the representative, or (from its source) to the first member from another source;
    when the new members bring that first one, the stored members of the
    representative's source are linked to it too."""
    representative, source, alternate = stored
    source_code = {name: code for code, name in enumerate(new.source_names)}.get(source, -1)
    star = []
    new_alternate = next((m for m in members if new.sources[m] != source_code), None)
    for member in members:
        if new.sources[member] != source_code:
            star.append((member, partners.at(representative)))
        elif alternate is not None:
            star.append((member, partners.at(alternate)))
        elif new_alternate is not None:
            star.append((member, new_alternate))
    if alternate is None and new_alternate is not None:
        exact = int(new.exact[members[0]])
        for (num,) in db.execute(
            "SELECT num FROM link_signatures WHERE exact = ? AND num != ?", [exact, representative]
        ):
            star.append((new_alternate, partners.at(num)))
    return star


def _block_pairs(
    db: Database, new: Corpus, representatives: np.ndarray, grouped: Groups, partners: _Partners
) -> set[tuple[int, int]]:
    """Pairs of new representatives with each other and with the stored items sharing a block."""
    indexed: dict[int, list[int]] = {}
    new_nums = set(new.nums.tolist())
    for block, num in in_batches(
        db, "SELECT block, num FROM link_blocks WHERE block IN ({})", sorted(set(grouped.blocks.tolist()))
    ):
        if num not in new_nums:
            indexed.setdefault(block, []).append(num)
    alive = {
        row[0]
        for row in in_batches(
            db,
            "SELECT num FROM link_signatures WHERE num IN ({}) AND keys != ''",
            sorted({num for nums in indexed.values() for num in nums}),
        )
    }
    pairs: set[tuple[int, int]] = set()
    for block, start, size in zip(grouped.blocks.tolist(), grouped.starts.tolist(), grouped.sizes.tolist()):
        fresh = representatives[grouped.members[start : start + size]].tolist()
        # an indexed item whose signature is gone was deleted since the index was written
        others = [num for num in indexed.get(block, ()) if num in alive]
        if not 2 <= len(fresh) + len(others) <= MAX_BLOCK:  # as a full run would see the group
            continue
        for position, item in enumerate(fresh):
            pairs.update((item, other) for other in fresh[position + 1 :])
            pairs.update((item, partners.at(other)) for other in others)
    return pairs


def _sharing_enough_keys(
    db: Database, new: Corpus, partners: _Partners, corpus: Corpus, pairs: set[tuple[int, int]]
) -> set[tuple[int, int]]:
    """The block pairs a full run would keep (:meth:`.candidates.KeyMasks.worth_pairing`),
    the partners' keys read from their signatures."""
    stored = dict(in_batches(db, "SELECT num, keys FROM link_signatures WHERE num IN ({})", list(partners.positions)))
    rows = [
        [new.key_names[key] for key in new.keys[new.indptr[position] : new.indptr[position + 1]]]
        for position in range(len(new.nums))
    ] + [stored.get(num, "").split() for num in partners.positions]
    a, b = _arrays(pairs)
    speakers = quote_speakers(corpus.quotes, corpus.speakers, corpus.speaker_names)
    keep = KeyMasks.of_names(rows, corpus.quotes, speakers).worth_pairing(a, b)
    return set(zip(a[keep].tolist(), b[keep].tolist()))


def _centres(db: Database) -> np.ndarray:
    rows = db.execute("SELECT centre FROM link_cells ORDER BY cell").fetchall()
    centres = [np.frombuffer(centre, dtype=np.float32) for (centre,) in rows if isinstance(centre, bytes)]
    if len(centres) != len(rows) or any(len(centre) != SEARCH_DIMENSIONS for centre in centres):
        return np.zeros((0, SEARCH_DIMENSIONS), dtype=np.float32)  # written over by a script: search no cell
    return np.array(centres, dtype=np.float32).reshape(-1, SEARCH_DIMENSIONS)


def _meaning_pairs(
    db: Database, new: Corpus, representatives: np.ndarray, search: np.ndarray, cells: np.ndarray, partners: _Partners
) -> set[tuple[int, int]]:
    """Pairs of new representatives with their nearest neighbours among themselves and the
    stored vectors of the cells they probe."""
    probed = sorted(set(cells.reshape(-1).tolist()))
    new_nums = set(new.nums.tolist())
    stored = [
        (num, cell, blob)
        for num, cell, blob in in_batches(db, "SELECT num, cell, vector FROM link_vectors WHERE cell IN ({})", probed)
        if num not in new_nums
    ]
    alive = {
        row[0] for row in in_batches(db, "SELECT num FROM link_signatures WHERE num IN ({})", [s[0] for s in stored])
    }
    stored = [row for row in stored if row[0] in alive]
    members = np.r_[search, search_vectors(from_bytes([blob for *_, blob in stored]))]
    member_cells = np.r_[cells[:, 0], np.array([cell for _, cell, _ in stored], dtype=np.int64)]
    a, b = neighbour_pairs(search, cells, members, member_cells)
    pairs = set()
    for query, member in zip(a.tolist(), b.tolist()):
        item = int(representatives[query])
        if member < len(search):
            if member != query:
                pairs.add((min(item, int(representatives[member])), max(item, int(representatives[member]))))
        else:
            pairs.add((item, partners.at(stored[member - len(search)][0])))
    return pairs
