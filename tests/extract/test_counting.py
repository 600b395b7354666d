"""A sentence is a claim from five words on (claims.sentence_is_claim counts no further)."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from workbench.extract.claims import sentence_is_claim
from workbench.extract.patterns import WORD


def test_five_words_make_a_claim_four_do_not():
    assert sentence_is_claim("Prices rose by five percent.")
    assert not sentence_is_claim("Prices rose by five.")
    assert not sentence_is_claim("Did prices rise by five percent?")


@settings(max_examples=1000, deadline=None)
@given(
    st.lists(st.sampled_from(["word", "5", "-", "’s", " ", "  ", ",", "?", "”", "é", "x-y"]), max_size=20).map("".join)
)
def test_a_sentence_is_a_claim_exactly_when_it_has_five_words_and_no_question(sentence):
    question = sentence.endswith(("?", "?”", '?"'))
    assert sentence_is_claim(sentence) == (not question and len(WORD.findall(sentence)) >= 5)
