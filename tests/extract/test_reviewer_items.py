"""Items a reviewer does not have to second-guess (issue 13): whole quotations, quoted words
inside their claim, the writer's own facts, headlines and the right speaker.

Each article is written for these tests as other outlets write (wire copy, a city paper, a
round-up, a transcript-style blog); every item of it is asserted, in order.
"""

from __future__ import annotations

from outlets import FACTS, PARTIAL, ROUNDUP, SPEAKERS, WIRE

from workbench.extract import extract
from workbench.model import segments_text


def items(text, title=None):
    """Every item as a reviewer reads it: kind, text, speaker, attribution, quoted words."""
    found = extract(text, title=title)
    for item in found:
        if not item.headline:
            assert segments_text(text, item.spans) == item.text
        for start, end in item.quoted:
            assert item.kind == "claim" and 0 <= start < end <= len(item.text)
    return [
        (item.kind, item.text, item.speaker, item.attribution, [item.text[s:e] for s, e in item.quoted])
        for item in found
    ]


# Fragments shown as quotes


def test_a_quotation_split_by_its_attribution_is_one_quote():
    text = (
        "The mayor defended the budget on Tuesday.\n\n"
        "“We have cut what could be cut,” Mayor Dana Whitfield told reporters at city hall. "
        "“The rest keeps the schools open.”"
    )
    assert items(text) == [
        ("claim", "The mayor defended the budget on Tuesday.", "The mayor", "indirect", []),
        (
            "quote",
            "We have cut what could be cut, The rest keeps the schools open.",
            "Dana Whitfield",
            "direct",
            [],
        ),
    ]
    quote = extract(text)[1]
    assert [text[s:e] for s, e in quote.segments] == [
        "We have cut what could be cut,",
        "The rest keeps the schools open.",
    ]
    assert (quote.start, quote.end) == (quote.segments[0][0], quote.segments[-1][1])


def test_wire_copy_one_quote_per_quotation_and_the_headline_first():
    assert items(WIRE, title="Mayor Says Budget Will Keep Every School Open") == [
        ("claim", "Mayor Says Budget Will Keep Every School Open", "Mayor", "indirect", []),
        (
            "claim",
            "The city council approved a $4.2 billion budget on Tuesday after a six-hour debate.",
            None,
            None,
            [],
        ),
        ("quote", "We have cut what could be cut, The rest keeps the schools open.", "Dana Whitfield", "direct", []),
        (
            "quote",
            "Nobody in this building wanted these cuts, But the alternative was closing two libraries.",
            "Dana Whitfield",
            "direct",
            [],
        ),
        # Left open at the end of its paragraph and reopened: one quotation over two paragraphs.
        (
            "quote",
            "We will publish every line of the budget online. Residents will see where each dollar goes",
            "Dana Whitfield",
            "direct",
            [],
        ),
        # "X said on Monday: “…”" is the quote, not a claim of the writer's as well.
        ("quote", "We are out of reserves.", "Omar Reyes", "direct", []),
    ]


def test_a_headline_is_a_claim_ranked_like_the_others():
    found = extract(WIRE, title="Council Approves $4.2 Billion Budget After Six-Hour Debate")
    headline = found[0]
    assert (headline.kind, headline.headline, headline.start, headline.end) == ("claim", True, 0, 0)
    assert [(n.value, n.unit) for n in headline.numbers] == [(4.2e9, "USD")]
    assert 0 < headline.score < 1 and not any(item.headline for item in found[1:])
    assert extract(WIRE)[0].text.startswith("The city council")  # no title, no headline


def test_a_headline_that_opens_the_text_is_one_item_at_its_place():
    text = "Council approves the budget.\n\n" + WIRE
    found = extract(text, title="Council approves the budget.")
    assert (found[0].text, found[0].headline, text[found[0].start : found[0].end]) == (
        "Council approves the budget.",
        True,
        "Council approves the budget.",
    )
    assert sum(item.text == "Council approves the budget." for item in found) == 1


def test_quoted_words_belong_to_their_claim_and_labels_are_no_quotes():
    text = PARTIAL

    assert items(text) == [
        (
            "claim",
            "the rail plan was “a historic mistake” that would cost thousands of jobs.",
            "The transport minister",
            "indirect",
            ["a historic mistake"],
        ),
        # A stance is the whole clause; a scare quote after "the" is no one's words.
        (
            "claim",
            "Critics have long accused the “dishonest media” of ignoring rural lines.",
            "Critics",
            "indirect",
            [],
        ),
        # A show's name and a nickname are not quotes by a person.
        (
            "claim",
            "Whitfield, who appeared on the reality show “City Hall Tonight” last year, did not comment.",
            None,
            None,
            [],
        ),
        ("claim", "Supporters of “Crooked Dana” packed the hall on Thursday evening.", None, None, []),
        # Quoted words running over two sentences stay in the one claim that holds them.
        (
            "claim",
            "the cuts would fall on “the people who can least afford them. Pensioners, students and the sick will pay first,”",
            "Reyes",
            "indirect",
            ["the people who can least afford them. Pensioners, students and the sick will pay first"],
        ),
    ]


def test_the_writers_own_facts_around_reported_speech_are_claims():
    text = FACTS

    assert items(text) == [
        (
            "claim",
            "Maria Lopez, a spokeswoman for Harbor Freight Lines, answered questions for an hour.",
            None,
            None,
            [],
        ),
        ("claim", "The agency, which processed more than 40,000 visa requests last year", None, None, []),
        ("claim", "it would double its staff.", "The agency", "indirect", []),
        ("claim", "After the ministry cut the budget by a third", None, None, []),
        ("claim", "the reform would stall before the election.", "analysts", "indirect", []),
        ("claim", "the firm hired 200 people", "Maria Lopez", "indirect", []),
        ("claim", "has opened a second office since March.", None, None, []),
        ("claim", "The ministry blamed foreign hackers for the outage.", "The ministry", "indirect", []),
        ("claim", "The minister, who supported the reforms, was dismissed on Monday.", None, None, []),
    ]


def test_the_right_speaker_for_every_claim_and_quote():
    text = SPEAKERS

    assert items(text) == [
        # Two people in one sentence: each keeps their own words.
        ("claim", "the plan “will pay for itself,”", "Dana Whitfield", "indirect", ["will pay for itself"]),
        ("claim", "“the upkeep alone will sink us”", "Omar Reyes", "indirect", ["the upkeep alone will sink us"]),
        ("claim", "maintenance would cost $2 million a year.", "Omar Reyes", "indirect", []),
        # A party label is not the name.
        ("claim", "the bill would fail in the Senate.", "Jane Doe II", "indirect", []),
        # One person, with or without her title, is one speaker.
        ("claim", "the vote was rigged by the majority.", "Jane Roe", "indirect", []),
        ("claim", "she would appeal the ruling in court.", "Jane Roe", "indirect", []),
        # A relative clause or a gerund between the subject and the cue.
        ("claim", "the vote was a sham.", "Paul Okafor", "indirect", []),
        ("claim", "Okafor spoke for twenty minutes", None, None, []),
        ("quote", "We will appeal this ruling.", "Paul Okafor", "direct", []),
        # Cue verbs reporters use.
        ("quote", "Please vote for the library", "Dana Whitfield", "direct", []),
        ("quote", "It is over", "Omar Reyes", "direct", []),
        ("quote", "Read the fine print before you sign", "the report", "direct", []),
        ("quote", "the numbers never added up.", "Paul Okafor", "direct", []),
        ("quote", "They are thrilled with the result", "Jane Roe", "direct", []),
        ("quote", "That was a mistake", "Dana Whitfield", "direct", []),
        # The Title Case heading gives nothing; a figure's comparison is not a speaker.
        (
            "claim",
            "The deficit will reach $40 million, up from the first estimate of $25 million",
            "the treasurer",
            "indirect",
            [],
        ),
        ("claim", "Whitfield criticized the vote", "Dana Whitfield", "indirect", []),
        ("claim", "the plan “reckless and cruel.”", "Dana Whitfield", "indirect", ["reckless and cruel."]),
        ("claim", "Okafor defended his remarks", "Paul Okafor", "indirect", []),
        ("claim", "the vote was fair.", "Paul Okafor", "indirect", []),
    ]
    roles = {(item.speaker, item.role) for item in extract(text)}
    assert {("Jane Doe II", "Rep."), ("Jane Roe", "Councillor"), ("Paul Okafor", "Senator")} <= roles


def test_a_round_up_names_who_said_it_and_where():
    text = ROUNDUP

    assert items(text) == [
        ("claim", "What the papers say about the budget vote.", None, None, []),
        ("quote", "The council has lost its way on spending.", "Jane Roe", "direct", []),
        ("quote", "A budget that closes no school deserves a hearing.", "Paul Okafor", "direct", []),
    ]
    assert [item.role for item in extract(text) if item.kind == "quote"] == ["The Daily Ledger", "Riverside Times"]
