"""Sentence vectors are made piece by piece (:func:`workbench.link.meaning.token_ids`):
the ids must be the tokenizer's own for every text, and the work linear in the text."""

from __future__ import annotations

import numpy as np
import pytest

from workbench.link import meaning

EDGES = [
    "",
    " ",
    "   ",
    "  two  spaces  between  ",
    " leading space",
    "trailing space ",
    "tabs\tand\nnew lines\r\nand\u00a0no-break spaces",
    "<s>special</s> tokens <unk> inside",
    "a<s>b",
    "already \u2581 written \u2581\u2581spaces\u2581",
    "accents: café, naïve, Zürich, Łódź — “quoted” ‘marks’…",
    "emoji 😀 and CJK 漢字 and Cyrillic Лукашенко",
    "numbers 1,234.5 and 5% and $3bn",
    "x" * 300,
]


def _tokenizers_own(texts: list[str]) -> list[list[int]]:
    _, tokenizer, _ = meaning._model()
    return [one.ids for one in tokenizer.encode_batch_fast(texts, add_special_tokens=False)]


def test_the_pieces_tokenizer_is_used():
    assert meaning._model()[2] is not None, "the vocabulary has a token spanning a space: every text is tokenized whole"


def test_ids_are_the_tokenizers_own_on_real_items_and_odd_texts(fixture_db):
    texts = [row[0] for row in fixture_db.execute("SELECT text FROM items ORDER BY num")]
    assert len(texts) > 100
    texts += EDGES
    meaning._piece_ids.clear()
    cold = meaning.token_ids(texts)
    warm = meaning.token_ids(texts)  # every piece now known
    expected = _tokenizers_own(texts)
    assert cold == expected
    assert warm == expected


def test_the_vectors_are_those_of_the_whole_texts_tokens(fixture_db):
    texts = [row[0] for row in fixture_db.execute("SELECT text FROM items ORDER BY num LIMIT 200")] + EDGES
    table, _, _ = meaning._model()
    vectors = meaning.embed(texts)
    for text, vector, ids in zip(texts, vectors, _tokenizers_own(texts)):
        if not ids:
            assert not vector.any(), text
            continue
        mean = table[:, ids].mean(axis=1)
        assert vector == pytest.approx(mean / (mean**2).sum() ** 0.5, abs=1e-6), text


def test_an_article_embedded_alone_gets_the_vectors_of_a_big_batch(fixture_db):
    """Small batches (an article's items, in the extraction processes) gather the table
    token-major, big ones dimension-major: the vectors are the same to the bit."""
    texts = [row[0] for row in fixture_db.execute("SELECT text FROM items ORDER BY num")]
    texts += [f"{text} (updated)" for text in texts]
    together = meaning.embed(texts)
    assert sum(map(len, meaning.token_ids(texts))) > meaning.TOKEN_MAJOR_MAX  # the big batch's way
    alone = [meaning.embed([text])[0] for text in texts]
    assert all(np.array_equal(one, row) for one, row in zip(alone, together))
