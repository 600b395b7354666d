"""A short post (a tweet, a social post) is one claim as a whole, besides its sentences'
claims; a news article never is."""

from __future__ import annotations

import pytest
from paths import FIXTURES

from workbench.extract import extract
from workbench.extract.claims import WHOLE_POST_WORDS
from workbench.extract.sentences import paragraph_spans
from workbench.readers import discover, read_path

# Posts as tweets read once clean_post has dropped their links and signature's handle: no
# sentence of either is a claim (a line without a full stop; shouting, the author's name last).
HEADLINE_LIKE = "Flood waters carried a crocodile into a shopping mall in Townsville NewsDesk"
SHOUTING = "No Deal, No Delay, Total and Complete VICTORY. KEEP THE PARK OPEN! Mayor Jane Doe"


def whole(items, text):
    return [item for item in items if item.kind == "claim" and item.text == text and not item.headline]


@pytest.mark.parametrize("post", [HEADLINE_LIKE, SHOUTING])
def test_a_post_without_a_claim_sentence_is_one_claim(post):
    items = extract(post, None, "Tweet 1")
    assert [item.text for item in items if not item.headline] == [post]
    assert (items[-1].start, items[-1].end, items[-1].speaker) == (0, len(post), None)


def test_a_post_of_fragments_is_one_claim():
    post = "Unreal. Sharks on the freeway. In Houston, after Harvey!"  # no sentence of five words
    assert [item.text for item in extract(post)] == [post]


def test_a_post_of_several_sentences_and_paragraphs_is_claimed_whole_besides_its_sentences():
    text = "The mayor cut the school budget by 12% this year.\n\nShame on him! Vote him out in May"
    items = extract(text, "2024-03-01")
    post = whole(items, "The mayor cut the school budget by 12% this year. Shame on him! Vote him out in May")
    assert len(post) == 1
    assert post[0].segments == [(0, 49), (51, len(text))]
    assert [figure.value for figure in post[0].numbers][:1] == [12.0]
    assert whole(items, "The mayor cut the school budget by 12% this year.")  # its sentence's claim stays


def test_a_post_that_is_one_sentence_is_one_item():
    post = "The mayor cut the school budget by 12% this year, and nobody was told."
    assert [item.text for item in extract(post)] == [post]


def test_the_headline_is_not_part_of_the_post():
    text = "Budget Cuts Ahead\n\nThe mayor cut the school budget by twelve percent, sources say"
    items = extract(text, None, "Budget Cuts Ahead")
    assert [item.text for item in items if item.headline] == ["Budget Cuts Ahead"]
    assert whole(items, text.split("\n\n")[1])


def test_a_text_longer_than_a_post_is_not_claimed_whole():
    sentence = "The council met on Tuesday and the mayor cut the budget again"  # 12 words, no full stop
    text = "\n\n".join([sentence] * (WHOLE_POST_WORDS // 12 + 1))
    assert not any(item.segments for item in extract(text))


def test_no_article_of_the_fixtures_is_a_post():
    articles = [
        article
        for found in discover([str(FIXTURES)])
        if isinstance(found, tuple)
        for article in read_path(*found)
        if hasattr(article, "text")
    ]
    assert len(articles) >= 6
    for article in articles:
        paragraphs = paragraph_spans(article.text)
        opens_with_title = article.text[slice(*paragraphs[0])] == article.title
        body = (paragraphs[1 if opens_with_title else 0][0], paragraphs[-1][1])
        items = extract(article.text, article.published, article.title)
        assert not [item for item in items if (item.start, item.end) == body], article.path
