"""Quote forms, speakers and reported speech met in wire and newspaper text (issue 3).

Sentences are written for these tests in the style of news copy, not taken from any corpus.
"""

from __future__ import annotations

from workbench.extract import extract
from workbench.model import segments_text


def quotes(text):
    items = extract(text)
    for item in items:
        assert segments_text(text, item.spans) == item.text
    return [(i.text, i.speaker, i.attribution) for i in items if i.kind == "quote"]


def quoted(text):
    """Claims that quote someone: text, speaker and the quoted words."""
    items = extract(text)
    return [(i.text, i.speaker, [i.text[s:e] for s, e in i.quoted]) for i in items if i.quoted]


def indirect(text):
    items = extract(text)
    for item in items:
        assert segments_text(text, item.spans) == item.text
    return [(i.text, i.speaker, i.cue) for i in items if i.attribution == "indirect"]


INTRO = "The council met on Tuesday to vote on the budget.\n\n"


# Quote marks and forms


def test_two_apostrophes_close_a_question_before_its_attribution():
    text = INTRO + "''Can we win the county?'' Mrs. Alvarez asked. ''I think we can, but only with turnout.''"
    assert quotes(text) == [("Can we win the county? I think we can, but only with turnout.", "Alvarez", "direct")]
    assert [i.role for i in extract(text) if i.kind == "quote"] == [None]  # "Mrs." is no role


def test_quote_right_after_its_cue_is_a_whole_quotation():
    text = INTRO + "Mayor Dana Whitfield said “the budget protects every school in the city.”"
    assert quotes(text) == [("the budget protects every school in the city.", "Dana Whitfield", "direct")]


def test_cue_and_comma_before_a_quote_behind_a_no_break_space():
    text = INTRO + "Whitfield told reporters at city hall,\xa0“We will not close a single library.”"
    assert quotes(text) == [("We will not close a single library.", "Whitfield", "direct")]


def test_quote_after_that_or_an_introductory_phrase_is_part_of_the_claim():
    text = INTRO + (
        "Whitfield added that, “the cuts will fall on the administration first.”\n\n"
        "Like most mayors, “we have to balance the books every year,” Whitfield said."
    )
    assert quotes(text) == []
    assert quoted(text) == [
        (
            "“the cuts will fall on the administration first.”",
            "Whitfield",
            ["the cuts will fall on the administration first."],
        ),
        (
            "Like most mayors, “we have to balance the books every year,”",
            "Whitfield",
            ["we have to balance the books every year"],
        ),
    ]


def test_writer_goes_on_after_the_closing_mark():
    text = INTRO + "Whitfield said the plan was “a fair deal for taxpayers” and a model for other towns."
    assert quotes(text) == []
    assert quoted(text) == [
        (
            "the plan was “a fair deal for taxpayers” and a model for other towns.",
            "Whitfield",
            ["a fair deal for taxpayers"],
        )
    ]


def test_quote_between_dashes_is_whole():
    text = INTRO + "Dana Whitfield defended the cuts — “Nobody likes them, but we need them,” she said — and left."
    assert quotes(text) == [("Nobody likes them, but we need them", "Dana Whitfield", "direct")]


# Speakers


def test_source_after_cue_stops_at_party_label_and_circumstance():
    text = INTRO + (
        "“This budget is a disgrace,” said Senator Paul Okafor (D-Ohio) in an interview.\n\n"
        "“We will fight it line by line,” said council member Rita Hale in a statement on Monday."
    )
    assert [speaker for _, speaker, _ in quotes(text)] == ["Paul Okafor", "Rita Hale"]


def test_person_of_a_place_is_the_speaker():
    text = INTRO + "“The county cannot afford this,” said Gov. Alan Mercer of Vermont, a Republican."
    assert quotes(text) == [("The county cannot afford this", "Alan Mercer", "direct")]


def test_short_attribution_sentence_after_a_closed_quote():
    text = INTRO + "“Nobody told us the library would close.” Hale said to a crowd of parents."
    assert quotes(text) == [("Nobody told us the library would close.", "Hale", "direct")]


def test_colon_introduces_the_quote_of_the_clause_subject():
    text = INTRO + (
        "Rita Hale then turned to the parents in the gallery: “Your children deserve better.”\n\n"
        "The warning came from county treasurer Omar Said: “We are out of reserves.”"
    )
    assert [speaker for _, speaker, _ in quotes(text)] == ["Rita Hale", "Omar Said"]


def test_gerund_speaker_opens_the_sentence():
    text = INTRO + "Senator Paul Okafor endorsed the mayor on Thursday, saying, “She kept her promises.”"
    assert quotes(text) == [("She kept her promises.", "Paul Okafor", "direct")]


def test_paragraph_ending_with_a_colon_announces_the_next_quote():
    text = INTRO + "Rita Hale continued:\n\n“Every cut in this budget lands on a family.”"
    assert quotes(text) == [("Every cut in this budget lands on a family.", "Rita Hale", "direct")]


# Not quotes by a person


def test_titles_and_quoted_subheadings_are_dropped():
    text = INTRO + (
        "Whitfield once appeared on the reality show “The Apprentice,” a friend said.\n\n"
        "‘A hard winter ahead.’\n\n"
        "The council, which met on the show “City Hall Tonight” last year, did not comment."
    )
    # A show's name is no one's words, even with an attribution after it: the claim holds it, unmarked.
    assert quotes(text) == []
    assert quoted(text) == []
    assert ("Whitfield once appeared on the reality show “The Apprentice,”", "a friend", "said") in indirect(text)


# Reported speech


def test_a_noun_phrase_after_a_reporting_verb_is_the_writers_fact():
    # Its object alone ("new support from …") was once the claim: a fragment without a subject.
    text = INTRO + "Her campaign announced new support from teachers’ unions across the state."
    assert indirect(text) == []
    assert extract(text)[-1].text == "Her campaign announced new support from teachers’ unions across the state."


def test_continuing_an_action_is_not_reported_speech():
    text = INTRO + "Senator Paul Okafor continued the tour of the flooded districts on Friday."
    assert indirect(text) == []


def test_shares_of_voters_are_sources():
    text = INTRO + (
        "Now, 52 percent said the mayor would handle the budget better.\n\n"
        "Still, 38 percent of registered voters say they would consider a third-party candidate."
    )
    assert indirect(text) == [
        ("the mayor would handle the budget better.", "52 percent", "said"),
        ("they would consider a third-party candidate.", "38 percent of registered voters", "say"),
    ]


def test_subject_after_a_subordinator():
    text = INTRO + "The vote was close, even though several council members said they backed the plan."
    assert indirect(text) == [("they backed the plan.", "several council members", "said")]


def test_a_second_report_after_but():
    text = INTRO + "Whitfield said the budget was balanced, but critics argued that the reserves were gone."
    assert indirect(text) == [
        ("the budget was balanced", "Whitfield", "said"),
        ("the reserves were gone.", "critics", "argued"),
    ]


def test_intentions_and_demands_are_reported():
    text = INTRO + (
        "Whitfield wants to sell the old courthouse to a developer.\n\n"
        "Rita Hale called for an audit of the parks department."
    )
    # The subject with its intention or demand is the claim, never the object alone.
    assert indirect(text) == [
        ("Whitfield wants to sell the old courthouse to a developer.", "Whitfield", "wants"),
        ("Rita Hale called for an audit of the parks department.", "Rita Hale", "called for"),
    ]


def test_report_in_an_opening_subordinate_clause_ends_at_the_main_clause():
    text = INTRO + "Because Ms. Okafor said the figures were wrong, the council ordered a new audit of the budget."
    items = extract(text)
    assert [(i.text, i.speaker, i.attribution) for i in items if i.kind == "claim"] == [
        ("The council met on Tuesday to vote on the budget.", None, None),
        ("the figures were wrong", "Okafor", "indirect"),
        ("the council ordered a new audit of the budget.", None, None),
    ]


def test_a_list_inside_the_report_is_not_taken_for_the_main_clause():
    text = INTRO + "When Mr. Haddad said the library, the pool and the depot were closing, nobody objected at first."
    assert indirect(text)[0][0] == "the library, the pool and the depot were closing"


# Review fixes


def test_an_attributed_short_or_capitalised_quote_is_kept():
    # The work-title and quoted-subheading tests are for quotes nobody is said to speak.
    text = (
        INTRO + "The minister said: “Never.”\n\nThe prime minister told parliament on Monday: “We Will Not Surrender.”"
    )
    assert quotes(text) == [
        ("Never.", "The minister", "direct"),
        ("We Will Not Surrender.", "The prime minister", "direct"),
    ]


def test_titles_are_still_dropped_after_a_cue_that_does_not_introduce_them():
    text = INTRO + (
        "“We will win,” Whitfield said. She told MSNBC’s “Morning Joe” that the vote was close.\n\n"
        "Hale watched the TV show “The Apprentice” every week."
    )
    assert [quote for quote, _, _ in quotes(text)] == ["We will win"]


def test_a_coordinated_cue_takes_the_subject_before_the_first_verb():
    text = INTRO + (
        "The opposition called the reply arrogant and demanded a vote on Tuesday.\n\n"
        "The union walked out and demanded a pay rise of 5 percent."
    )
    assert indirect(text) == [
        ("The opposition called the reply arrogant", "The opposition", "called"),
        ("demanded a vote on Tuesday.", "The opposition", "demanded"),
        ("The union walked out and demanded a pay rise of 5 percent.", "The union", "demanded"),
    ]
    for item in extract(text):
        assert not (item.speaker or "").endswith((" and", " but", " or"))


def test_a_run_on_sentence_of_cues_stays_linear(monkeypatch):
    # Every try at a second report reads the whole prefix for a subject: trying each of a
    # hundred cues in a run-on sentence made a 47 KB paragraph quadratic.
    from workbench.extract.attribution import reported

    calls = []
    original = reported._content_after
    monkeypatch.setattr(reported, "_content_after", lambda *args: calls.append(1) or original(*args))
    sentence = "The mayor said the plan was fine " + "and has asked the council " * 105 + "to vote. "
    text = INTRO + sentence * 17  # about 47 KB in one paragraph
    items = extract(text)
    assert items and all(segments_text(text, i.spans) == i.text for i in items)
    assert len(calls) <= 17 * 2 * 12  # each sentence is cut in two pieces; was about 17 × 105


def test_a_name_after_post_or_anti_is_an_adjective_not_a_person():
    text = (
        INTRO + "Eight years ago Marta Hrytsenko, a designer, moved to Vilnius from Ukraine.\n\n"
        "She said the city had changed a great deal since then.\n\n"
        "Exiles say they would return to a post-Kovalenko Ukraine."
    )
    reported = indirect(text)
    assert reported[0][:2] == ("the city had changed a great deal since then.", "Marta Hrytsenko")
