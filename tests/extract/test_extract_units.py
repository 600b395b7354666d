"""Focused extraction cases: quotes, speakers, sentences, numbers, scoring, robustness."""

from __future__ import annotations

from workbench.extract import extract
from workbench.extract.checkworthy import score
from workbench.extract.numbers import find_numbers
from workbench.extract.sentences import MAX_ITEM_CHARS, paragraph_spans, sentence_spans
from workbench.model import figure_text, segments_text


def quotes(text, published=None):
    return [i for i in extract(text, published) if i.kind == "quote"]


def check_offsets(text, items):
    for item in items:
        assert segments_text(text, item.spans) == item.text


def test_nested_quote_stays_inside_outer_quote():
    text = "“They beat me,” he told journalists. “I said, ‘guys, I’m going home. What do you want from me?'”"
    text = "Max Korolevsky was detained in Minsk in August.\n\n" + text
    found = quotes(text)
    check_offsets(text, found)
    assert [q.text for q in found] == ["They beat me, I said, ‘guys, I’m going home. What do you want from me?'"]
    assert {q.speaker for q in found} == {"Max Korolevsky"}


def test_split_quote_is_one_item_in_two_segments():
    text = "“We will stay in Minsk,” said Olga Petrova, a lawyer. “But many of our colleagues will leave.”"
    found = quotes(text)
    check_offsets(text, found)
    assert [(q.text, q.speaker, q.role) for q in found] == [
        ("We will stay in Minsk, But many of our colleagues will leave.", "Olga Petrova", "a lawyer"),
    ]
    assert [text[s:e] for s, e in found[0].segments] == [
        "We will stay in Minsk,",
        "But many of our colleagues will leave.",
    ]


def test_multi_paragraph_quote_keeps_speaker():
    text = (
        "“The first part of the quote runs here and does not close,” said Ivan Orlov, an economist.\n\n"
        "“The second paragraph opens a quote without closing it, as news style does.\n\n"
        "“And the third paragraph finally closes it.”\n\n"
        "Unrelated sentence about the weather in Minsk today."
    )
    found = quotes(text)
    check_offsets(text, found)
    # The second quotation runs over two paragraphs (left open, reopened): one item.
    assert len(found) == 2
    assert {q.speaker for q in found} == {"Ivan Orlov"}
    assert found[1].text.startswith("The second paragraph") and found[1].text.endswith("closes it.")
    assert [q.paragraph for q in found] == [0, 1] and len(found[1].segments) == 2


def test_partial_quote_and_scare_quotes():
    text = (
        "Employees posted an open letter, accusing the government of creating an “atmosphere of fear and violence”.\n\n"
        "Talk of a ‘brain drain’ is circulating, and firms are moving staff in a “quiet” way.\n\n"
        "“Ninja-style”\n\n"
        "Anton said firms were moving staff “ninja-style.”"
    )
    items = extract(text)
    assert not [q.text for q in items if q.kind == "quote"]
    quoted = {item.text[s:e]: item for item in items for s, e in item.quoted}
    # Quoted words someone said are marked in their claim; scare quotes and headings are not quotes.
    assert set(quoted) == {"atmosphere of fear and violence", "ninja-style."}
    assert quoted["ninja-style."].speaker == "Anton"


def test_apostrophes_are_not_closing_quotes():
    text = "‘I’m sure Belarus’ IT firms won’t stay,’ said Daria Ivanova. ‘They’re leaving.’"
    found = quotes(text)
    check_offsets(text, found)
    assert [q.text for q in found] == ["I’m sure Belarus’ IT firms won’t stay, They’re leaving."]
    assert {q.speaker for q in found} == {"Daria Ivanova"}


def test_pronouns_resolve_to_nearest_person_respecting_gender():
    text = (
        "“Companies’ first concern is safety,” said Darya Miskevich, a consultant.\n\n"
        "“The second risk is the blackouts,” she added.\n\n"
        "She met Pavel Sidorov, a banker, in Vilnius last week to discuss the move.\n\n"
        "“The internet is being controlled by the regime,” she said.\n\n"
        "“We are leaving for Warsaw next month,” he said."
    )
    items = extract(text)
    speakers = [(q.text[:12], q.speaker) for q in items if q.kind == "quote"]
    assert speakers == [
        ("Companies’ f", "Darya Miskevich"),
        ("The second r", "Darya Miskevich"),
        ("The internet", "Darya Miskevich"),
        ("We are leavi", "Pavel Sidorov"),  # "she" earlier made Miskevich female, so "he" skips her
    ]


def test_short_names_use_fullest_form_and_keep_role():
    text = (
        "“The damage is done,” said Alexei Kuzmenkov, co-founder of Deepdee.\n\n"
        "Mr Kuzmenkov moved to Lithuania in June.\n\n"
        "“Our best people will leave,” said Kuzmenkov."
    )
    found = quotes(text)
    assert [(q.speaker, q.role) for q in found] == [("Alexei Kuzmenkov", "co-founder of Deepdee")] * 2


def test_it_said_in_a_statement_names_the_organisation():
    text = (
        "The state-run Belarus Hi-Tech Park played down the impact of workers leaving.\n\n"
        "“None of the residents applied to exit Hi-Tech Park,” it said in a statement."
    )
    found = quotes(text)
    assert [(q.speaker, q.cue) for q in found] == [("Belarus Hi-Tech Park", "said")]


def test_according_to_and_reported_speech_are_indirect_claims():
    text = (
        "The agency has talked to over 85 companies since the election, according to Director of "
        "Business Development Gediminas Koryzna.\n\n"
        "Gismart, a gaming app developer, stated two employees were arrested and beaten."
    )
    items = extract(text)
    check_offsets(text, items)
    indirect = [(i.text, i.speaker, i.role) for i in items if i.attribution == "indirect"]
    assert indirect == [
        (
            "The agency has talked to over 85 companies since the election",
            "Gediminas Koryzna",
            "Director of Business Development",
        ),
        ("two employees were arrested and beaten.", "Gismart", "a gaming app developer"),
    ]


def test_pure_attribution_and_questions_are_not_claims():
    text = (
        "“We are going home,” he told journalists in Kyiv.\n\n"
        "What will happen to the industry now?\n\n"
        "Belarus exported $2 billion of software in 2019, government figures show."
    )
    claims = [(i.text, i.speaker) for i in extract(text) if i.kind == "claim"]
    # "figures show" attributes the figure: the claim is the content, its source the figures.
    assert claims == [("Belarus exported $2 billion of software in 2019", "government figures")]


def test_sentence_splitter_handles_abbreviations_and_quotes():
    text = (
        "Mr. Smith met Dr. Jones in the U.S. on Sept. 11 at No. 10 Downing St. before noon. "
        "Donald J. Trump said it cost 3.5 million dollars. “It ended,” he said. “Next.” The end came."
    )
    spans = sentence_spans(text, 0, len(text))
    assert [text[s:e] for s, e in spans] == [
        "Mr. Smith met Dr. Jones in the U.S. on Sept. 11 at No. 10 Downing St. before noon.",
        "Donald J. Trump said it cost 3.5 million dollars.",
        "“It ended,” he said.",
        "“Next.”",
        "The end came.",
    ]
    assert paragraph_spans("a\n\n\nb\n \nc") == [(0, 1), (4, 5), (8, 9)]


def _normalised(text, published_year=None):
    return [(n.value, n.unit) for n in find_numbers(text, published_year)]


def test_number_and_date_equivalences():
    assert _normalised("5pc") == _normalised("5%") == _normalised("five percent") == [(5.0, "percent")]
    assert _normalised("$2bn") == _normalised("$2 billion") == [(2e9, "USD")]
    assert _normalised("58,000 people") == [(58000.0, "people")]
    assert _normalised("750 companies") == [(750.0, "companies")]
    assert (
        _normalised("Aug. 9") == _normalised("9th of August") == _normalised("August the 9th") == [("--08-09", "date")]
    )
    assert _normalised("1st of September", 2020) == [("2020-09-01", "date")]
    assert _normalised("since its launching in 2006") == [("2006", "date")]
    assert _normalised("relocate 20-30 permanently") == [(20.0, None), (30.0, None)]
    more = find_numbers("more than 10% of firms")
    assert (more[0].text, more[0].value, more[0].unit) == ("more than 10%", 10.0, "percent")
    assert figure_text(more[0].value, more[0].unit) == "10%"
    billions = find_numbers("$2 billion")[0]
    assert figure_text(billions.value, billions.unit) == "2,000,000,000 USD"
    assert find_numbers("on the 9th of August")[0].value == "--08-09"


def test_published_date_gives_year_to_dates():
    items = extract("Protests began after the disputed election held on Aug. 9 in Belarus.", "2020-09-10")
    assert [n.value for n in items[0].numbers] == ["2020-08-09"]


def test_checkworthiness_ranks_figures_above_fragments():
    rich = (
        "The Belarus Hi-Tech Park, on the eastern outskirts of the capital Minsk, has risen to 750 companies "
        "since its launching in 2006, employing 58,000 people and earning $2 billion in exports."
    )
    assert 0.0 <= score("Money that the country desperately needs.") < score(rich) <= 1.0


def test_empty_and_quote_free_text():
    assert extract("") == []
    assert extract("   \n\n  ") == []
    items = extract("Lithuania launched an internet page for IT specialists in September 2020.")
    assert [i.kind for i in items] == ["claim"]
    assert items[0].numbers[0].value == "2020-09"


def test_unbalanced_quotes_do_not_swallow_the_article():
    text = (
        "“This quote never closes, said the spokesman of the ministry.\n\n"
        "The ministry employs 4,000 people across the country.\n\n"
        'Officials said the budget " grew by 5% this year.\n\n'
        "Another ‘ stray mark sits in this sentence about 300 companies."
    )
    items = extract(text)
    check_offsets(text, items)
    claims = [i.text for i in items if i.kind == "claim"]
    assert "The ministry employs 4,000 people across the country." in claims
    assert any("300 companies" in c for c in claims)


def test_one_megabyte_paragraph_gives_exact_items_within_the_cap():
    # How the cost grows with the size is checked in test_linear_time.py, without a stopwatch.
    chunk = "He said “the budget grew by 5% to $2bn, according to officials, while ‘others’ said no "
    text = (chunk * (1_000_000 // len(chunk)))[:1_000_000]
    items = extract(text)
    check_offsets(text, items)
    assert items and max(len(item.text) for item in items) <= MAX_ITEM_CHARS


def _indirect(text):
    items = extract(text)
    check_offsets(text, items)
    return [(i.text, i.speaker, i.cue) for i in items if i.attribution == "indirect"]


def test_reported_speech_after_circumstances_and_with_long_subjects():
    text = (
        "The Federal Reserve raised rates again in March.\n\n"
        "Janet Yellen said in a statement on Friday that the economy was growing at a steady pace.\n\n"
        "People with knowledge of the talks said the two sides were close to a deal.\n\n"
        "But the company says it fears a repeat of the losses it suffered in 2008."
    )
    assert _indirect(text) == [
        ("the economy was growing at a steady pace.", "Janet Yellen", "said"),
        ("the two sides were close to a deal.", "People with knowledge of the talks", "said"),
        ("it fears a repeat of the losses it suffered in 2008.", "the company", "says"),
    ]


def test_beliefs_need_a_clause_and_according_to_opens_sentences():
    text = (
        "Senator Maria Lopez believes the election was decided by turnout in the suburbs.\n\n"
        "Senator Maria Lopez claimed a narrow victory in the primary on Tuesday night.\n\n"
        "According to a study by the Pew Research Center, younger voters lean toward the party."
    )
    assert _indirect(text) == [
        ("the election was decided by turnout in the suburbs.", "Maria Lopez", "believes"),
        ("younger voters lean toward the party.", "Pew Research Center", "according to"),
    ]


def test_parenthetical_attribution_keeps_the_whole_sentence():
    text = "Whatever progress the envoy has made, officials said, could easily be undone by events."
    assert _indirect(text) == [(text, "officials", "said")]


def test_gerund_and_coordinated_cues_add_items_for_the_same_speaker():
    text = (
        "Mark Stone, the mayor, praised the new budget on Monday, saying it would cut waiting times.\n\n"
        "Stone declared the plan a success and said that more money would follow next year."
    )
    assert _indirect(text) == [
        ("Mark Stone, the mayor, praised the new budget on Monday", "Mark Stone", "praised"),
        ("it would cut waiting times.", "Mark Stone", "saying"),
        ("more money would follow next year.", "Mark Stone", "said"),
    ]
    # "declared" with a noun phrase is no report: the writer's clause, without its "and".
    assert [i.text for i in extract(text) if i.attribution is None] == ["Stone declared the plan a success"]


def test_asked_questions_labels_and_lead_ins_are_attributed():
    text = (
        "Asked whether the senator would run again, Paula Gray said the decision had not been made.\n\n"
        "Matthews: Well, the speculation about the race is bad for everyone.\n\n"
        "Teachers in the district are “very, very pro-Bernie,” Marla Kilfoyle said."
    )
    found = _indirect(text)
    assert ("whether the senator would run again", None, "asked") in found
    assert ("the decision had not been made.", "Paula Gray", "said") in found
    assert ("Well, the speculation about the race is bad for everyone.", "Matthews", None) in found
    assert ("Teachers in the district are “very, very pro-Bernie,”", "Marla Kilfoyle", "said") in found


def test_stance_subjects_are_not_pronoun_antecedents():
    text = (
        "Ivan Petrov was cycling through Minsk when police stopped him.\n\n"
        "Minsk blamed foreign agents for the unrest in the capital.\n\n"
        "“They beat me in the van,” he said."
    )
    assert [q.speaker for q in quotes(text)] == ["Ivan Petrov"]


def test_fast_score_equals_the_trained_formula():
    import json
    import math

    from workbench.extract.checkworthy import WEIGHTS_PATH, features

    data = json.loads(WEIGHTS_PATH.read_text(encoding="utf-8"))
    weights = {int(index): weight for index, weight in data["weights"].items()}
    for sentence in ["", "5", "Unemployment fell to 4.1% in 2019, the lowest rate since 1969.", "I think so?"]:
        total = data["bias"] + sum(weights.get(i, 0.0) * v for i, v in features(sentence).items())
        assert math.isclose(score(sentence), 1.0 / (1.0 + math.exp(-total)), abs_tol=1e-12)


def test_whole_quotations_are_quotes_and_embedded_quoted_words_part_of_their_claim():
    text = (
        "Intro.\n\nAnton said firms were moving staff “ninja-style.” He added: “We left.” "
        "“It was hard,” he said. “Very hard.” Thousands posted a letter, accusing the government of "
        "creating an “atmosphere of fear and violence”."
    )
    items = extract(text)
    assert {item.text: item.attribution for item in items if item.kind == "quote"} == {
        "We left.": "direct",
        "It was hard, Very hard.": "direct",
    }
    assert [item.text[s:e] for item in items for s, e in item.quoted] == [
        "ninja-style.",
        "atmosphere of fear and violence",
    ]
