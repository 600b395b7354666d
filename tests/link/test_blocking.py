"""Blocking at scale: candidate pairs per item stay flat as a corpus grows, and the key
overlap bound never drops a pair that shares enough keys."""

from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st
from test_link import add

from workbench.link import candidates, incremental, link_items
from workbench.link.candidates import KeyMasks, candidate_codes, groups, key_hashes, needed_overlap
from workbench.link.drift import quote_speakers
from workbench.link.linker import link_pending
from workbench.store.database import open_db

VOCABULARY = 3_000


def zipf_corpus(items: int, seed: int = 5) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Items of 5 to 12 keys drawn from a closed Zipf vocabulary, as bench/link.py draws its
    words, a fifth of them followed by a near-copy (one key swapped): CSR rows, key
    hashes and the near-copy pairs as codes."""
    rng = np.random.default_rng(seed)
    weights = 1 / np.arange(150, VOCABULARY + 150) ** 1.05
    weights /= weights.sum()
    rows, planted = [], []
    while len(rows) < items:
        row = np.unique(rng.choice(VOCABULARY, rng.integers(5, 13), p=weights))
        rows.append(row)
        if rng.random() < 0.2:
            copy = row.copy()
            copy[rng.integers(len(copy))] = rng.choice(VOCABULARY, p=weights)
            planted.append(((len(rows) - 1) << 32) | len(rows))
            rows.append(np.unique(copy))
    indptr = np.r_[0, np.cumsum([len(row) for row in rows])]
    hashes = key_hashes([f"w{key}" for key in range(VOCABULARY)])
    return indptr, np.concatenate(rows), hashes, np.array(planted)


def candidates_per_item(items: int, bounded: bool) -> tuple[float, float]:
    """Blocking's candidate pairs per item, and the share of near-copies among them."""
    indptr, keys, hashes, planted = zipf_corpus(items)
    grouped = groups(indptr, keys, hashes)
    usable = grouped.usable
    codes = candidate_codes(
        grouped.members, grouped.starts[usable], grouped.sizes[usable], masks=grouped.masks if bounded else None
    )
    return len(codes) / (len(indptr) - 1), float(np.isin(planted, codes).mean())


def test_candidates_per_item_stay_flat_as_the_corpus_grows():
    small, found_small = candidates_per_item(4_000, bounded=True)
    large, found_large = candidates_per_item(16_000, bounded=True)
    assert found_small == found_large == 1.0  # every near-copy meets its original
    assert large <= 1.2 * small  # four times the items: about four times the pairs
    # The corpus makes chance meetings grow: two moderately common keys meet in more items.
    unbounded_small, _ = candidates_per_item(4_000, bounded=False)
    unbounded_large, _ = candidates_per_item(16_000, bounded=False)
    assert unbounded_large > 2 * unbounded_small


rows_of_keys = st.lists(st.lists(st.integers(0, 40), min_size=1, max_size=14, unique=True), min_size=2, max_size=30)


@settings(max_examples=200, deadline=None)
@given(rows_of_keys, st.lists(st.booleans(), min_size=30, max_size=30))
def test_the_overlap_bound_keeps_every_pair_sharing_enough_keys(rows, quotes):
    indptr = np.r_[0, np.cumsum([len(row) for row in rows])]
    keys = np.concatenate([np.array(row, dtype=np.int64) for row in rows])
    masks = KeyMasks.of(indptr, keys, key_hashes([f"k{key}" for key in range(41)]), np.array(quotes[: len(rows)]))
    a, b = (side.ravel() for side in np.triu_indices(len(rows), 1))
    shared = np.array([len(set(rows[i]) & set(rows[j])) for i, j in zip(a.tolist(), b.tolist())], dtype=np.int64)
    shorter = np.minimum(masks.counts[a], masks.counts[b])
    enough = shared >= needed_overlap(shorter, masks.quotes[a] & masks.quotes[b])
    assert masks.worth_pairing(a, b)[enough].all()


def test_two_quotes_need_less_overlap_than_two_claims():
    # Eight keys each, four shared: half, not the 60% two claims need.
    rows = [["a", "b", "c", "d", "e", "f", "g", "h"], ["a", "b", "c", "d", "w", "x", "y", "z"]]
    pair = np.array([0]), np.array([1])
    assert not KeyMasks.of_names(rows).worth_pairing(*pair)[0]
    assert KeyMasks.of_names(rows, np.array([True, True])).worth_pairing(*pair)[0]
    assert not KeyMasks.of_names(rows, np.array([True, False])).worth_pairing(*pair)[0]


def test_two_quotes_of_one_speaker_pair_whatever_their_overlap():
    # Two of ten keys shared: a reworded quote of one speaker keeps few of its rare words.
    rows = [["a", "b", "c", "d", "e", "f", "g", "h", "i", "j"], ["a", "b", "s", "t", "u", "v", "w", "x", "y", "z"]]
    pair = np.array([0]), np.array([1])
    quotes = np.array([True, True])
    assert KeyMasks.of_names(rows, quotes, np.array([3, 3])).worth_pairing(*pair)[0]
    assert not KeyMasks.of_names(rows, quotes, np.array([3, 4])).worth_pairing(*pair)[0]
    assert not KeyMasks.of_names(rows, quotes, np.array([-1, -1])).worth_pairing(*pair)[0]  # no speaker known


def test_quotes_share_a_speaker_number_when_the_linker_counts_them_one_speaker():
    names = ["Anton", "Sergei Anton", "Lukashenka", "President Alexander Lukashenko", None, "Glod"]
    quotes = np.array([True, True, True, True, True, True, False])
    numbers = quote_speakers(quotes, np.array([0, 1, 2, 3, 4, 5, 0]), names)
    assert numbers[0] == numbers[1] != numbers[2] == numbers[3]
    assert numbers[4] == -1 and numbers[6] == -1  # no speaker; not a quote
    assert len({*numbers[[0, 2, 5]].tolist()}) == 3


def test_masks_from_key_names_are_the_masks_of_a_run():
    # An incremental run reads its partners' keys as names: the bound must be the same.
    indptr, keys, hashes, _ = zipf_corpus(300)
    names = [f"w{key}" for key in range(VOCABULARY)]
    rows = [[names[key] for key in keys[indptr[i] : indptr[i + 1]]] for i in range(len(indptr) - 1)]
    direct, read = KeyMasks.of(indptr, keys, hashes), KeyMasks.of_names(rows)
    assert np.array_equal(direct.masks, read.masks) and np.array_equal(direct.counts, read.counts)


def test_items_without_keys_have_empty_masks():
    masks = KeyMasks.of(np.array([0, 0, 2, 2, 3]), np.array([1, 2, 1]), key_hashes(["a", "b", "c"]))
    assert masks.counts.tolist() == [0, 2, 0, 1]
    assert not masks.masks[[0, 2]].any() and masks.masks[[1, 3]].any(axis=1).all()


def test_pairs_checked_in_slices_are_checked_as_in_one(monkeypatch):
    indptr, keys, hashes, _ = zipf_corpus(400)
    masks = KeyMasks.of(indptr, keys, hashes)
    a, b = (side.ravel() for side in np.triu_indices(len(indptr) - 1, 1))
    whole = masks.worth_pairing(a, b)
    monkeypatch.setattr(candidates, "MASK_BATCH", 997)
    assert np.array_equal(masks.worth_pairing(a, b), whole) and whole.any()


def test_an_incremental_run_pairs_by_blocks_only_what_a_full_run_would(tmp_path):
    """A new item meeting a stored one in a block is a candidate only if they may share
    enough keys, as in a full run: two rare words in common out of eleven are not enough,
    a near-copy is."""
    db = open_db(tmp_path / "grow.db")
    shore = "researchers measured plankton blooms along northern shore during spring storms".split()
    budgets = "auditors questioned municipal budgets pension reforms hospital procurement contracts".split()
    places = "Brest Gomel Grodno Vitebsk Mogilev Pinsk Lida Orsha Slonim Baranovichi".split()
    for n in range(40):  # every word but "Kvitka zebrafish" made common
        words = [shore[n % 9], shore[(n + 3) % 9], budgets[n % 9], budgets[(n + 5) % 9], places[n % 10]]
        add(db, f"background{n}", f"Reports said {' '.join(words)} mattered in {places[(n * 7) % 10]}.")
    stored = add(db, "first", "Kvitka zebrafish " + " ".join(shore) + ".")
    link_items(db)
    stranger = add(db, "second", "Kvitka zebrafish " + " ".join(budgets) + ".")
    near_copy = add(db, "third", "Kvitka zebrafish " + " ".join(shore[:-1]) + " and winds.")
    nums = dict(db.execute("SELECT id, num FROM items").fetchall())
    found = incremental.candidates(db, [nums[stranger], nums[near_copy]])
    met = found.corpus.nums
    pairs = {tuple(sorted(pair)) for pair in zip(met[found.pairs[0]].tolist(), met[found.pairs[1]].tolist())}
    assert tuple(sorted((nums[stored], nums[near_copy]))) in pairs
    assert not any(nums[stranger] in pair for pair in pairs)


def test_an_incremental_run_pairs_a_speakers_reworded_quote_by_blocks(tmp_path, monkeypatch):
    """The one-speaker exemption holds for new items too: a quote reworded by a second outlet
    shares four keys of ten with the stored one, under QUOTE_OVERLAP, yet is linked by the
    blocking stage alone (the meaning stage, which at scale closer items crowd, switched off)."""
    db = open_db(tmp_path / "grow.db")
    said = "Kvitka zebrafish trawlers from Lida will leave the country if this government stays in power after the election"
    stored = add(db, "first", said, kind="quote", speaker="Ivan Orlov")
    common = "leave country government stays power election longer operate cabinet remain next spring".split()
    for n in range(40):  # every word but the four shared made common
        add(db, f"background{n}", f"The council met about {common[n % 12]} and {common[(n + 5) % 12]} roads.")
    link_items(db)
    reworded = "Kvitka zebrafish trawlers from Lida will no longer operate here should the cabinet remain next spring"
    new = add(db, "second", reworded, kind="quote", speaker="Orlov")
    monkeypatch.setattr(incremental, "_meaning_pairs", lambda *args: set())
    link_pending(db)
    row = db.execute("SELECT method FROM links WHERE item_a = ? AND item_b = ?", sorted([stored, new])).fetchone()
    assert row == ("semantic",)
