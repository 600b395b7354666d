"""The retriever's bounded search: what it reads per query does not grow with the archive,
and it finds what its rule promises (link/postings.py, Retriever.nearby and candidates)."""

from __future__ import annotations

from dataclasses import asdict

import numpy as np
import pytest

from workbench.extract.numbers import find_numbers
from workbench.link import neighbours, postings, retrieve, scoring
from workbench.link.meaning import embed
from workbench.link.postings import Postings, Queries
from workbench.link.retrieve import Retriever

SUBJECTS = ["minister", "council", "mayor", "governor", "senator", "agency", "union", "court"]
VERBS = ["said", "announced", "claimed", "reported", "denied", "confirmed"]
THINGS = ["school budget", "road repairs", "hospital wards", "water prices", "bus fares", "housing plan"]


def archive_texts() -> list[str]:
    """Statements made of the same few words (every word common) and one with a rare word."""
    texts = [
        f"The {subject} {verb} that the {thing} would change this year"
        for subject in SUBJECTS
        for verb in VERBS
        for thing in THINGS
    ]
    return [*texts, "The minister said that the zyxoplast factory would close this year"]


def documents(texts: list[str]) -> list[tuple[str, list]]:
    return [(text, [asdict(mention) for mention in find_numbers(text)]) for text in texts]


def test_postings_score_exactly_and_pool_the_rarest_terms_first():
    lists = [["a", "b", "b"], [], ["a", "c"], ["a"], ["d", "a"], ["c", "c", "c"], []]  # two without terms
    postings = Postings(lists, len(lists))
    postings.set_weights(postings.counts.copy())  # a term's count in a document
    columns, counts = postings.columns(["c", "zzz", "a", "c"])  # a term unknown to the index is left out
    assert [postings.vocabulary[term] for term in ("a", "c")] == columns.tolist() and counts.tolist() == [1, 2]
    query = (columns, np.array([1.0, 2.0], dtype=np.float32))
    exact = postings.exact(query, np.arange(len(lists)))
    assert exact.tolist() == [1.0, 0.0, 3.0, 1.0, 1.0, 6.0, 0.0]  # sum of count x query weight
    assert postings.exact(query, np.array([6, 1, 5])).tolist() == [0.0, 0.0, 6.0]
    assert postings.pool(query, budget=100, count=100).tolist() == [0, 2, 3, 4, 5]  # every document scored
    # A budget of 2 postings: "c" (2 documents) fits, "a" (4 documents) does not.
    assert postings.pool(query, budget=2, count=100).tolist() == [2, 5]
    assert postings.pool(query, budget=2, count=1).tolist() == [5]  # the best of them
    assert postings.pool(query, budget=1, count=100).tolist() == []  # nothing fits: nothing read
    nothing = (np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.float32))
    assert postings.exact(nothing, np.array([0, 5])).tolist() == [0.0, 0.0]
    assert postings.pool(nothing, budget=100, count=100).tolist() == []
    assert [pool.tolist() for pool in postings.pools(Queries.of([query, nothing, query]), 2, 1)] == [[5], [], [5]]


def test_an_entry_sharing_only_a_rare_word_is_found_when_the_common_words_are_not_read(monkeypatch):
    texts = archive_texts()
    retriever = Retriever(documents(texts))
    query = "Zyxoplast plant: the minister said it would close"
    common = retriever.words.vocabulary["minister"]
    # The common words' postings are more than a search may read ...
    monkeypatch.setattr(retrieve, "WORD_BUDGET", 20)
    monkeypatch.setattr(retrieve, "CHAR_BUDGET", 100)
    assert retriever.words.df[common] > retrieve.WORD_BUDGET
    # ... and the entry with the rare word still ranks first, by words and characters alone.
    ranked = retriever.search(query, limit=3, meaning_rank_weight=0)
    assert texts[ranked[0][0]] == texts[-1]
    columns, _ = retriever.words.columns(["minister", "zyxoplast"])
    pool = retriever.words.pool((columns, np.ones(2, dtype=np.float32)), retrieve.WORD_BUDGET, 100)
    assert pool.tolist() == [len(texts) - 1]  # "minister" was too common to read


def test_nearby_finds_each_probed_cells_best_documents(monkeypatch):
    monkeypatch.setattr(neighbours, "CELL_SIZE", 16)  # several cells on a small archive
    texts = archive_texts()
    retriever = Retriever(documents(texts))
    cells = len(retriever.centres)
    assert cells > retrieve.PROBES  # a search probes some cells, not all
    queries = embed(["The mayor denied the bus fares would change", "A zyxoplast factory closes"])
    near = retriever.nearby(queries)
    probed = neighbours.nearest_cells(neighbours.search_vectors(queries), retriever.centres, retrieve.PROBES)
    rows = neighbours.search_vectors(retriever.vectors)
    for query, found, cells_probed in zip(neighbours.search_vectors(queries), near, probed):
        cosines = rows @ query
        # What the rule promises: in each probed cell, its NEAR_PER_CELL best on the cells'
        # dimensions.
        expected = set()
        for cell in cells_probed:
            members = np.flatnonzero(retriever.cells == cell)
            best = members[np.argsort(-cosines[members], kind="stable")][: retrieve.NEAR_PER_CELL]
            expected |= set(best.tolist())
        assert set(found.tolist()) == expected
        assert set(retriever.cells[found].tolist()) <= set(cells_probed.tolist())
    # Probing every cell finds every document's cell: the best cosine of all is always found.
    monkeypatch.setattr(retrieve, "PROBES", cells)
    for query, found in zip(queries, retriever.nearby(queries)):
        assert int(np.argmax(retriever.vectors @ query)) in found.tolist()


@pytest.mark.parametrize("meaning_rank_weight", [1.0, 0.0])
def test_with_everything_in_reach_the_search_is_the_exhaustive_ranking(monkeypatch, meaning_rank_weight):
    texts = archive_texts()
    retriever = Retriever(documents(texts))
    queries = ["The governor confirmed the housing plan", "zyxoplast", "Court denies water prices rise"]
    # The rule: pools as large as the archive, budgets past all its postings and its one
    # cell probed ...
    monkeypatch.setattr(retrieve, "POOL", len(texts))
    monkeypatch.setattr(retrieve, "WORD_BUDGET", int(retriever.words.df.sum()))
    monkeypatch.setattr(retrieve, "CHAR_BUDGET", int(retriever.chars.df.sum()))
    assert len(retriever.centres) == 1
    bounded = [retriever.search(query, limit=10, meaning_rank_weight=meaning_rank_weight) for query in queries]
    # ... is the exhaustive search: every document scored by every index.
    monkeypatch.setattr(retrieve, "NEAR_PER_CELL", len(texts))
    exhaustive = [retriever.search(query, limit=10, meaning_rank_weight=meaning_rank_weight) for query in queries]
    assert bounded == exhaustive
    assert all(exhaustive)
    # With the default pools, the best five stay the same here.
    monkeypatch.undo()
    for query, ranked in zip(queries, exhaustive):
        assert retriever.search(query, limit=5, meaning_rank_weight=meaning_rank_weight) == ranked[:5]


def test_the_stored_arrays_search_as_the_built_index():
    texts = archive_texts()
    built = Retriever(documents(texts))
    arrays = built.arrays()
    assert Retriever.readable(arrays)
    read = Retriever.from_arrays(arrays)
    for query in ("The governor confirmed the housing plan", "zyxoplast factory"):
        assert read.search(query, limit=5) == built.search(query, limit=5)
    older = {name: values for name, values in arrays.items() if name != "layout"}
    assert not Retriever.readable(older)  # an index stored by an earlier version is built again


def test_queries_searched_together_rank_as_each_searched_alone(monkeypatch):
    texts = [
        *archive_texts(),
        "Unemployment rose to 5% in 2020, the minister said",
        "Unemployment rose to 15% in 2021, the minister said",
        "Vaccines cause autism",
    ]
    retriever = Retriever(documents(texts))
    queries = documents(
        [
            "vaccines autism!!",  # a short post
            "The minister says unemployment went up to 5% in 2020",  # figures
            "Zyxoplast plant: the minister said it would close",  # sharing only a rare word
            "The governor confirmed the housing plan",
            "qqq zzz",  # no word of the archive
            "Court denies water prices rise",
            "Officials added on Monday that the senator claimed the road repairs would change this year",  # contains one
        ]
    )
    # Small budgets (pools cut short), two queries per sparse product, one linker step of 2.
    monkeypatch.setattr(retrieve, "WORD_BUDGET", 30)
    monkeypatch.setattr(retrieve, "CHAR_BUDGET", 300)
    monkeypatch.setattr(retrieve, "LINKER_STEP", 2)
    monkeypatch.setattr(postings, "ROWS", 2)
    together = retriever.search_many(queries, limit=4)
    for (text, numbers), ranked, vector in zip(queries, together, embed([text for text, _ in queries])):
        assert list(zip(ranked.docs.tolist(), ranked.scores.tolist())) == retriever.search(text, numbers, limit=4)
        # What the matcher reads besides the ranking: each pair's own linker score, character
        # n-grams' cosine and sentence vectors' cosine (a matrix product's float32 rounding).
        assert ranked.linker.tolist() == retriever.linker_scores(text, numbers, ranked.docs).tolist()
        texts_compared = np.array([*retriever.texts[ranked.docs], ranked.query.sorted_text], dtype=object)
        counts = np.r_[retriever.token_counts[ranked.docs], len(set(ranked.query.tokens))]
        alone, _ = scoring.score_pairs(
            texts_compared, counts, np.full(len(ranked.docs), len(ranked.docs)), np.arange(len(ranked.docs)), 0
        )
        assert ranked.linker.tolist() == alone.tolist()  # the masks kept between batches are right
        assert ranked.spellings.tolist() == retriever.spelling(text, ranked.docs).tolist()
        cosines = [float(retriever.vectors[doc] @ vector) for doc in ranked.docs]
        assert ranked.cosines.tolist() == pytest.approx(cosines, rel=1e-5, abs=1e-6)
    assert texts[together[1].docs[0]] == texts[-3] and texts[together[2].docs[0]] == texts[len(archive_texts()) - 1]
    assert together[-1].linker[0] == 100  # contained: the linker's token_set_ratio


def test_shared_words_of_many_pairs_are_each_pairs_own():
    """The closeness gate's shared rare words, read for a batch's pairs at once from the
    documents' terms, are those of each pair's own token sets (figures and prefixes aside)."""
    texts = archive_texts()[:200] + ["The Kvitka zebrafish fund paid 40% of the school budget in 2019"]
    index = Retriever(documents(texts))
    queries = ["Kvitka zebrafish fund school budget", "the mayor denied bus fares rose 40%", "nothing here at all"]
    tokens = [retrieve.normalise(text, []).tokens for text in queries]
    owners = np.array([0, 0, 1, 1, 1, 2])
    docs = np.array([len(texts) - 1, 3, len(texts) - 1, 0, 7, 5])
    shared = index.shared_words(tokens, owners, docs)
    best = retrieve.bm25_idf(np.zeros(1), index.size)[0]
    for pair, (owner, doc) in enumerate(zip(owners.tolist(), docs.tolist())):
        common = set(tokens[owner]) & set(index.texts[doc].split())
        rarity = [retrieve.bm25_idf(index.words.df[index.words.vocabulary[word]], index.size) / best for word in common]
        assert shared.total[pair] == pytest.approx(sum(rarity))
        assert shared.rarest[pair] == pytest.approx(max(rarity, default=0.0))
    assert shared.rarest[0] > 0.8 and shared.total[5] == 0  # a word only one entry has; no word shared
