"""No item is longer than MAX_ITEM_CHARS, and cutting one loses nothing.

A run-on paragraph of megabytes (no full stop), a quote left open over it, a "word" of
thousands of letters: each becomes several items of at most the cap, cut at clause
boundaries where there are some, whose spans still slice the article text exactly and
together hold every word of the run. An item's speaker and role are bounded too.
"""

from __future__ import annotations

import re
from itertools import pairwise

import pytest

from workbench.extract import extract
from workbench.extract.attribution.speakers import MAX_SOURCE_CHARS
from workbench.extract.sentences import MAX_ITEM_CHARS, pieces, sentence_spans
from workbench.model import segments_text

INTRO = "The council met on Tuesday to vote on the budget.\n\n"
CLAUSE = "the budget for roads and schools in the northern districts grew by five percent this year, "


def check(text: str, items) -> None:
    assert items
    for item in items:
        assert segments_text(text, item.spans) == item.text
        assert 0 < len(item.text) <= MAX_ITEM_CHARS


def words(text: str) -> list[str]:
    return re.findall(r"\S+", text)


def covered_words(text: str, spans) -> list[str]:
    return [word for start, end in sorted(spans) for word in words(text[start:end])]


def test_a_run_on_paragraph_becomes_clause_sized_claims_that_hold_all_of_it():
    run_on = (CLAUSE * (200_000 // len(CLAUSE)))[:200_000].rstrip(", ")
    text = INTRO + run_on
    items = extract(text)
    check(text, items)
    claims = [item for item in items if item.start >= len(INTRO)]
    assert len(claims) >= 200_000 // MAX_ITEM_CHARS
    assert all(item.kind == "claim" for item in claims)
    assert covered_words(text, [(item.start, item.end) for item in claims]) == words(run_on)
    assert all(item.text.endswith(",") for item in claims[:-1])  # cut after a clause, not inside one


def test_a_quote_left_open_over_a_huge_paragraph_becomes_quote_pieces_of_one_speaker():
    words_said = (CLAUSE * (50_000 // len(CLAUSE))).rstrip(", ")
    text = INTRO + "The minister said: “" + words_said
    items = extract(text)
    check(text, items)
    quotes = [item for item in items if item.kind == "quote"]
    assert len(quotes) >= 50_000 // MAX_ITEM_CHARS
    assert {item.speaker for item in quotes} == {"The minister"}
    assert covered_words(text, [(q.start, q.end) for q in quotes]) == words(words_said)


# Runs with no clause boundary, no space, or nothing but separators: still pieces within the cap.
RUNS = {
    "one long word": "x" * 9_000,
    "digits": "7" * 9_000,
    "accented letters, decomposed": "e\u0301" * 4_500,
    "no spaces between words (CJK)": "中文字" * 3_000,
    "only commas": ", " * 4_500,
    "only dashes": " — " * 3_000,
    "only spaces inside words": "a " * 4_500,
    "tabs and newlines": "a\tb\nc " * 1_500,
}


@pytest.mark.parametrize("run", RUNS.values(), ids=RUNS.keys())
def test_pieces_of_any_run_fit_the_cap_and_keep_every_character(run):
    text = "Before. " + run + " After."
    spans = pieces(text, 8, 8 + len(run))
    assert all(0 < end - start <= MAX_ITEM_CHARS for start, end in spans)
    assert all(a_end <= b_start for (_, a_end), (b_start, _) in pairwise(spans))
    kept = "".join(text[start:end] for start, end in spans)
    assert "".join(kept.split()) == "".join(run.split())  # only spaces are dropped, at the cuts
    assert all(not text[start].isspace() and not text[end - 1].isspace() for start, end in spans)
    assert not any(0x300 <= ord(text[start]) <= 0x36F for start, _ in spans)  # no accent without its letter


@pytest.mark.parametrize("run", RUNS.values(), ids=RUNS.keys())
def test_no_item_of_a_run_is_longer_than_the_cap(run):
    text = INTRO + "The mayor said the figures were wrong: " + run + " and more words follow here."
    items = extract(text)
    for item in items:
        assert segments_text(text, item.spans) == item.text
        assert len(item.text) <= MAX_ITEM_CHARS


def test_a_sentence_within_the_cap_is_not_cut():
    sentence = ("word " * (MAX_ITEM_CHARS // 5))[: MAX_ITEM_CHARS - 1] + "."
    assert len(sentence) == MAX_ITEM_CHARS
    assert sentence_spans(sentence, 0, len(sentence)) == [(0, MAX_ITEM_CHARS)]


NAME = "Aaaa" * 400  # one capitalised "word" of 1,600 letters
# Where a speaker or a role is read from, each made of a run-on phrase.
SOURCES = {
    "after the cue": f"The budget grew by five percent, said {NAME} Bbbb.",
    "before the cue": f"{NAME} Bbbb said the budget grew by five percent.",
    "a role": f"The budget grew by five percent, said John Smith, the {'x' * 1500} of the city.",
    "a pronoun": f"Mr. {NAME} arrived in town on Monday.\n\nHe said the budget grew by five percent.",
    "a label": f"{NAME}: The budget grew by five percent this year.",
    "according to": f"According to {'the report by ' * 100}officials, the budget grew by five percent.",
    "a long subject": f"{'people with knowledge of the talks ' * 40}said that the budget grew by five percent.",
    "after a quote": f"“The budget grew by five percent,” said {NAME} Bbbb.",
    "before a quote": f"{NAME} Bbbb said: “The budget grew by five percent.”",
    "a dash after a quote": f"“The budget grew by five percent.” — {NAME} Bbbb",
}


@pytest.mark.parametrize("text", SOURCES.values(), ids=SOURCES.keys())
def test_no_speaker_or_role_is_longer_than_a_source_can_be(text):
    text = INTRO + text
    items = extract(text)
    assert items
    for item in items:
        assert segments_text(text, item.spans) == item.text
        assert len(item.speaker or "") <= MAX_SOURCE_CHARS and len(item.role or "") <= MAX_SOURCE_CHARS


def test_the_pieces_of_a_cut_sentence_or_quotation_say_so_and_nothing_else_does():
    run_on = (CLAUSE * 60).rstrip(", ") + "."
    quotation = "“" + (CLAUSE * 40).rstrip(", ") + ",” the mayor said."
    text = (
        INTRO
        + run_on
        + " The vote was held at noon.\n\n"
        + quotation
        + "\n\nThe council then approved a loan of 2 million euros."
    )
    items = extract(text)
    check(text, items)
    cut = [item for item in items if item.cut]
    whole = [item for item in items if not item.cut]
    assert {item.kind for item in cut} == {"claim", "quote"}
    assert all(CLAUSE.strip(", ")[:20] in item.text or item.text in CLAUSE for item in cut)
    assert {item.text for item in whole} >= {
        "The council met on Tuesday to vote on the budget.",
        "The vote was held at noon.",
        "The council then approved a loan of 2 million euros.",
    }
    assert not any(item.cut for item in extract(INTRO + "The vote was held at noon."))
