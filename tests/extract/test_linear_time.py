"""Every extraction step runs in linear time on hostile text.

Each step is timed on adversarial texts of growing size (2,000, 8,000 and 32,000
characters): one of the patterns below repeated, or a text built to grow in one place
(a single huge word, a single run of spaces, thousands of different names). Four times the
text may cost at most :data:`GROWTH` times the time (about three times per doubling: linear
code takes four, quadratic code sixteen), measured in CPU time (other processes on a busy
machine do not count) as the best of a few runs with the garbage collector paused. A step
that fails the bound is measured once more before the test fails.
"""

from __future__ import annotations

import gc
import signal
import time
from collections.abc import Callable
from itertools import pairwise

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from workbench.extract import extract
from workbench.extract.attribution.around_quotes import colon_attribution, head_attribution, tail_attribution
from workbench.extract.attribution.contents import content_end, content_opening
from workbench.extract.attribution.names import NameBook
from workbench.extract.attribution.reported import find_indirect, speaker_label
from workbench.extract.attribution.sources import (
    clause_subject,
    cue_subject,
    is_fragment,
    parse_source,
    source_after_cue,
    subject_before,
)
from workbench.extract.attribution.speakers import canonical_speaker
from workbench.extract.body_text import paragraph_is_text
from workbench.extract.checkworthy import score
from workbench.extract.claims import claim_items, headline_claim, whole_post_claim
from workbench.extract.numbers import find_numbers
from workbench.extract.quote_items import quote_items
from workbench.extract.quote_marks import find_quotes
from workbench.extract.sentences import paragraph_spans, sentence_spans

SIZES = (2_000, 8_000, 32_000)
GROWTH = 9.0  # 4x the text, at most 9x the time
SLACK = 0.003  # seconds: below this a ratio is timer noise
REPEATS = 2
HANG = 60  # seconds of wall time after which one run fails the test instead of hanging it


def _repeated(unit: str) -> Callable[[int], str]:
    return lambda size: (unit * (size // len(unit) + 1))[:size]


def _name(number: int) -> str:
    """A different capitalised word for every number: Baaa, Baab, …"""
    letters = ""
    for _ in range(4):
        number, letter = divmod(number, 26)
        letters = chr(ord("a") + letter) + letters
    return "B" + letters


def _names(size: int) -> str:
    """Thousands of different people, with titles and pronouns to resolve."""
    sentences, length, number = [], 0, 0
    while length < size:
        sentences.append(f"Mr. {_name(number)} {_name(number + 1)} said he met Ms. {_name(number + 2)}. ")
        length += len(sentences[-1])
        number += 3
    return "".join(sentences)[:size]


# Each builder makes a text of the size asked for: the classes of the issue and their siblings.
TEXTS: dict[str, dict[str, Callable[[int], str]]] = {
    "quote marks": {
        "curly openers": _repeated("“"),
        "straight quotes": _repeated('"'),
        "apostrophes": _repeated("'"),
        "wire quotes": _repeated("''"),
        "mixed marks": _repeated("“‘«»\"'’” "),
        "unclosed quotes": _repeated("“a "),
        "many quotes": _repeated("“We will stay,” said Olga Petrova, a lawyer. "),
        "quotes with gerunds": _repeated("“a b c” saying “d e f” "),
        "stray marks": _repeated(
            "He said “the budget grew by 5% to $2bn, according to officials, while ‘others’ said no "
        ),
    },
    "cue words": {
        "said": _repeated("said "),
        "said with commas": _repeated("said, "),
        "according to": _repeated("according to, "),
        "said that": _repeated("Officials said that "),
        "said with figures": _repeated("Officials said the budget grew by 5% to $2bn in 2020 "),
        "coordinated cues": _repeated(" and said "),
        "gerunds": _repeated(", saying "),
        "told": _repeated("told "),
        "stances": _repeated("He called "),
        "passives": _repeated("was said "),
        "asked": _repeated("Asked whether "),
        "appositives": _repeated("Trump, speaking in Ohio, said "),
        "adverbs": _repeated("also "),
        "days": _repeated("Monday "),
    },
    "names": {
        "a name": _repeated("John Smith "),
        "initials": _repeated("A. "),
        "abbreviations": _repeated("U.S. "),
        "titles": _repeated("Mr. Smith "),
        "acronyms": _repeated("ABC "),
        "different names": _names,
        "one capitalised word": lambda size: "A" * size,
        "told one capitalised word": lambda size: "Officials in the city told " + "A" * size + "!",
        "labels": _repeated("SMITH: "),
    },
    "digits and separators": {
        "thousands": _repeated("1,000,"),
        "dotted digits": _repeated("1.2."),
        "ranges": _repeated("1-2-"),
        "money": _repeated("$1 "),
        "years": _repeated("in 2020 across "),
        "numbers": _repeated("1 2 "),
        "number words": _repeated("five "),
        "dates": _repeated("Aug. 9 "),
        "one number": lambda size: "1" * size,
        "percentages": _repeated("more than 5% "),
    },
    "unclosed parentheses": {
        "parentheses": _repeated("("),
        "parenthesised words": _repeated("(a "),
        "party labels": _repeated(" (D-Ill."),
    },
    "no full stop": {
        "words": _repeated("word "),
        "clauses": _repeated("the plan, "),
        "dashes": _repeated(" — "),
        "commas": _repeated(", "),
        "space commas": _repeated(" ,"),
        "one run of spaces": lambda size: "The mayor said, " + " " * size + "x.",
        "one run of spaces before a cue": lambda size: "“Yes,” " + " " * size + "said Smith.",
    },
    "quotations": {
        "split quotes": _repeated("“We cut what we could,” she told reporters. “The rest stays.” "),
        "split quotes in one sentence": _repeated("“A,” Whitfield said, “b” "),
        "quotes over paragraphs": _repeated("“We cut what we could.\n\n"),
        "partial quotes in reports": _repeated(
            "The minister said the plan was “a historic mistake” that would cost jobs. "
        ),
        "partial quotes over sentences": _repeated("He said the plan “is dead. We start again "),
        "scare quotes": _repeated("the “dishonest media” "),
    },
    "writer's facts": {
        "appositives": _repeated("The agency, which processed 40,000 requests, said "),
        "opening clauses": _repeated("After the ministry cut the budget, analysts feared "),
        "stances": _repeated("The ministry blamed foreign hackers for the outage "),
        "relative clauses": _repeated("The minister, who supported the reforms, "),
        "two speakers": _repeated("Mayor A said the plan “will pay”, while councillor B warned that "),
        "title case cues": _repeated("Mayor Says Budget "),
        "fragments as speakers": _repeated("Cruz openly said Trump has not yet (D-Mo.) "),
        "round-ups": _repeated("Jane Roe, The Daily Ledger: “A” "),
        "nominal cues": _repeated("his criticism of the plan and support for "),
    },
    "cue objects": {
        "noun phrases": _repeated("Kazakhstan offered a new visa for "),
        "speech nouns": _repeated(" issued a statement on the "),
        "subjects without a verb": _repeated("the plans, "),
        "determiners": _repeated("the his "),
        "infinitives": _repeated("wants to "),
        "trailing links": _repeated(" , and"),
        "one long word after a cue": lambda size: "Officials said " + "a" * size,
    },
    "short sentences": {
        "short sentences": _repeated("He said it. "),
        "exclamations": _repeated("!"),
        "full stops": _repeated(". "),
        "semicolons": _repeated("; "),
        "blank lines": _repeated("\n\n"),
        "short paragraphs": _repeated("He said it.\n\n"),
    },
}

STEPS: dict[str, Callable[[str], object]] = {
    "quote marks": lambda text: find_quotes(text, paragraph_spans(text)),
    "sentences": lambda text: [sentence_spans(text, start, end) for start, end in paragraph_spans(text)],
    "body text": lambda text: paragraph_is_text(text, 0),
    "numbers": find_numbers,
    "names": NameBook,
    "attribution": lambda text: (
        tail_attribution(text),
        head_attribution(text),
        colon_attribution(text),
        speaker_label(text),
        parse_source(text),
        subject_before(text),
        clause_subject(text),
        source_after_cue(text),
        cue_subject(text),
        is_fragment(text),
        canonical_speaker(text),
        content_end(text, 0),
        content_opening(text, 0, "said"),
        content_opening(text, 0, "offered"),
    ),
    "reported speech": lambda text: find_indirect(text, []),
    "quote items": lambda text: _quote_items(text),
    "claims": lambda text: _claims(text),
    "headline": lambda text: headline_claim(text, text, paragraph_spans(text)),
    "whole post": lambda text: _whole_post(text),
    "check-worthiness": score,
    "extract": lambda text: extract(text, "2020-09-10"),
}


def _sentences(text: str) -> tuple[list[tuple[int, int]], list[list[tuple[int, int]]]]:
    paragraphs = paragraph_spans(text)
    return paragraphs, [sentence_spans(text, start, end) for start, end in paragraphs]


def _quote_items(text: str) -> object:
    paragraphs, sentences = _sentences(text)
    return quote_items(text, find_quotes(text, paragraphs), sentences, paragraphs)


def _whole_post(text: str) -> object:
    paragraphs = paragraph_spans(text)
    return whole_post_claim(text, paragraphs, [False] * len(paragraphs), None, [])


def _claims(text: str) -> object:
    _, sentences = _sentences(text)
    return claim_items(text, sentences, [], [], [])


class Hung(Exception):
    pass


def _hung(*_) -> None:
    raise Hung


def _cost(step: Callable[[str], object], text: str, repeats: int) -> float:
    best = float("inf")
    previous = signal.signal(signal.SIGALRM, _hung)
    try:
        for _ in range(repeats):
            gc.disable()
            signal.alarm(HANG)  # catastrophic backtracking fails the test instead of hanging it
            try:
                began = time.process_time()
                step(text)
                best = min(best, time.process_time() - began)
            finally:
                signal.alarm(0)
                gc.enable()
    except Hung:
        raise AssertionError(f"one run on {len(text):,} characters took over {HANG} s") from None
    finally:
        signal.signal(signal.SIGALRM, previous)
    return best


def _too_fast_growing(step: Callable[[str], object], texts: list[str], repeats: int) -> list[float] | None:
    """The costs at each size when one of them grows faster than :data:`GROWTH` allows."""
    costs = [_cost(step, text, repeats) for text in texts]
    growing = any(big > GROWTH * small + SLACK for small, big in pairwise(costs))
    return costs if growing else None


def assert_linear(step: Callable[[str], object], build: Callable[[int], str]) -> None:
    texts = [build(size) for size in SIZES]
    assert all(len(text) >= size for text, size in zip(texts, SIZES))
    if _too_fast_growing(step, texts, REPEATS) is None:
        return
    costs = _too_fast_growing(step, texts, 2 * REPEATS)  # a busy machine: measure again
    assert costs is None, f"cost at {SIZES} characters: {[round(cost, 4) for cost in costs]} s"


@pytest.mark.parametrize("kind", TEXTS)
@pytest.mark.parametrize("step", STEPS)
def test_every_step_is_linear_on_hostile_text(step, kind):
    for name, build in TEXTS[kind].items():
        try:
            assert_linear(STEPS[step], build)
        except AssertionError as error:
            raise AssertionError(f"{step} on {name}: {error}") from None


# Pieces of hostile text; hypothesis strings a few together and the whole is repeated.
_PIECES = [
    *"“”‘’'\"«»,.;:!?()[]—-\n ",
    "''",
    "\n\n",
    "said",
    "told",
    "saying",
    "according to",
    "that",
    "and",
    "who",
    "was",
    "also",
    "Asked whether",
    "He",
    "The",
    "John",
    "Smith",
    "Mr.",
    "U.S.",
    "A.",
    "Monday",
    "1",
    "2020",
    "1,000",
    "5%",
    "$",
    "million",
    "five",
    "Aug.",
    "9th",
    "more than",
    "-year-old",
    "walked",
    "When",
    "X:",
    "blamed",
    "which",
    "After",
    "Says",
    "” she said. “",
    "ABC",
    "AAAA",
    "http://",
    "(D-Ill.)",
    "“a",
    "...",
    "é",
    "  ",
    "\t",
]


@settings(max_examples=30, deadline=None, derandomize=True, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.sampled_from(_PIECES), min_size=1, max_size=6), st.lists(st.sampled_from(["", " ", ", "])))
def test_extract_is_linear_on_any_repeated_mix(pieces, separators):
    unit = "".join(piece + (separators[i] if i < len(separators) else " ") for i, piece in enumerate(pieces))
    assert_linear(STEPS["extract"], _repeated(unit))
