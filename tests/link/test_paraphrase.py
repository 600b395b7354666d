"""Claims reworded phrase by phrase link by meaning; other statements about one topic do not.

The pairs are written for these tests (none comes from the benchmark's word lists): each
linking pair is under the wording threshold and under the cosine the sentence vectors alone
need, so only the word alignment of :mod:`workbench.link.paraphrase` links it.
"""

from __future__ import annotations

import numpy as np
import pytest
from click.testing import CliRunner
from test_link import add, links

from workbench.cli import cli
from workbench.link.meaning import embed
from workbench.link.normalise import normalise
from workbench.link.paraphrase import alignment, differing
from workbench.link.scoring import (
    DEFAULT_THRESHOLD,
    SEMANTIC_MIN,
    SEMANTIC_PARAPHRASE_MIN,
    SEMANTIC_PARAPHRASE_WORDING_MIN,
    score_pairs,
)
from workbench.store.database import open_db

REWORDED = [
    (
        "Doctors warned that the virus spreads quickly among children in crowded schools.",
        "Physicians cautioned that the virus spreads rapidly among kids in crowded schools.",
    ),
    (
        "The mayor announced a new plan to fix the roads in the old town.",
        "The mayor unveiled a fresh scheme to repair the streets in the old town.",
    ),
    (
        "The new drug reduces the risk of heart attacks in older patients.",
        "The new medicine lowers the chance of heart attacks in older patients.",
    ),
    (
        "Crime in the city decreased significantly after the new police chief arrived.",
        "Crime in the town declined considerably after the new police chief arrived.",
    ),
]
# Close in meaning for static vectors (one army, one candidate, one bank), not the same claim.
DIFFERENT = [
    ("The army withdrew its troops from the northern region.", "The army sent more troops into the northern region."),
    (
        "Hillary Clinton won the primary in New York on Tuesday.",
        "Hillary Clinton lost the primary in Michigan on Tuesday.",
    ),
    ("The bank raised interest rates again in March.", "The bank kept interest rates unchanged in March."),
]


def cosine_and_wording(one: str, other: str) -> tuple[float, float]:
    first, second = normalise(one), normalise(other)
    sizes = np.array([len(set(first.tokens)), len(set(second.tokens))])
    scores, _ = score_pairs([first.sorted_text, second.sorted_text], sizes, np.array([0]), np.array([1]), 0, workers=1)
    vectors = embed([one, other])
    return float(vectors[0] @ vectors[1]) * 100, float(scores[0])


def link_with_the_command(path, pairs, numbers=None) -> tuple[list[tuple[str, str]], dict]:
    """Each pair's two items in two sources of a fresh database file, then `workbench link`."""
    db = open_db(path)
    numbers = numbers or [(None, None)] * len(pairs)
    ids = [
        tuple(sorted((add(db, f"s{n}a", one, numbers=figures[0]), add(db, f"s{n}b", other, numbers=figures[1]))))
        for n, ((one, other), figures) in enumerate(zip(pairs, numbers, strict=True))
    ]
    db.conn.close()
    result = CliRunner().invoke(cli, ["link", "--db", str(path)])
    assert result.exit_code == 0, result.output
    db = open_db(path)
    try:
        return ids, links(db)
    finally:
        db.conn.close()


def test_the_pairs_are_ones_wording_and_the_sentence_vectors_alone_miss():
    for one, other in REWORDED:
        cosine, wording = cosine_and_wording(one, other)
        assert wording < DEFAULT_THRESHOLD and SEMANTIC_PARAPHRASE_MIN <= cosine < SEMANTIC_MIN, (one, cosine, wording)


def test_claims_reworded_phrase_by_phrase_link_by_meaning_as_suggestions(tmp_path):
    ids, found = link_with_the_command(tmp_path / "reworded.db", REWORDED)
    for pair in ids:
        assert pair in found, pair
        assert (found[pair]["method"], found[pair]["state"]) == ("semantic", "suggested")


def test_different_statements_about_one_topic_do_not_link(tmp_path):
    for one, other in DIFFERENT:  # where only the alignment can tell them apart
        cosine, wording = cosine_and_wording(one, other)
        assert cosine >= SEMANTIC_PARAPHRASE_MIN and SEMANTIC_PARAPHRASE_WORDING_MIN <= wording < DEFAULT_THRESHOLD
    _, found = link_with_the_command(tmp_path / "different.db", DIFFERENT)
    assert found == {}


def test_a_negated_paraphrase_does_not_link(tmp_path):
    one, other = REWORDED[0]  # linked in the test above
    negated = other.replace("the virus spreads", "the virus does not spread")
    _, found = link_with_the_command(tmp_path / "negated.db", [(one, negated)])
    assert found == {}


def test_a_paraphrase_whose_figure_changed_does_not_link(tmp_path):
    def percent(value: int) -> list[dict]:
        return [{"text": f"{value} percent", "value": float(value), "unit": "percent"}]

    one = "The new drug reduces the risk of heart attacks in older patients by 20 percent."
    other = "The new medicine lowers the chance of heart attacks in older patients by {} percent."
    ids, found = link_with_the_command(tmp_path / "same.db", [(one, other.format(20))], [(percent(20), percent(20))])
    assert found[ids[0]]["method"] == "semantic"
    _, found = link_with_the_command(tmp_path / "changed.db", [(one, other.format(35))], [(percent(20), percent(35))])
    assert found == {}


@pytest.mark.parametrize(
    ("one", "other", "only_one", "only_other"),
    [
        ("presidential candidate trump", "president trump win", ["candidate"], ["win"]),
        ("#percent rise unemployment", "#date rise unemployment", [], []),
    ],
)
def test_forms_of_one_word_and_figure_placeholders_are_no_difference(one, other, only_one, only_other):
    assert differing(one, other) == (only_one, only_other)


def test_a_pair_aligns_when_each_differing_word_has_a_near_synonym():
    texts = [normalise(text).sorted_text for pair in REWORDED[:1] + DIFFERENT[:1] for text in pair]
    reworded, different = alignment(texts, np.array([0, 2]), np.array([1, 3]))
    assert reworded > 2 * max(different, 0.1)
