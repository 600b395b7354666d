"""A cue verb reports only when content follows it (issue 13).

``offered``, ``issued``, ``released``, ``plans``, ``wants``, ``saw``, ``refused``, ``expected``
take a plain noun-phrase object as often as they report speech: the object alone
(``a new visa for programmers in October.``) was once a claim without its subject. Each verb
is asserted twice, with a noun phrase (the writer's fact, whole) and with content (a
that-clause, a colon, a speech noun and its content, a clause, an infinitive with its subject).
"""

from __future__ import annotations

import pytest

from workbench.extract import extract

INTRO = "The ministry published its migration figures on Tuesday.\n\n"

WRITERS_FACTS = [
    "Kazakhstan offered a new visa for programmers in October.",
    "Poland offered 1,000 visas in a week.",
    "Kazakhstan offered a year of free office space to 40 relocating firms.",
    "The ministry issued new rules for foreign workers on Monday.",
    "The agency released its annual figures on migration last week.",
    "The city plans a new bridge over the river by 2027.",
    "Lithuania wants more engineers from Belarus this year.",
    "The minister saw a sharp rise in applications in the spring.",
    "Georgia refused entry to 300 travellers at the border in March.",
    "Analysts expected a slowdown in the second quarter of the year.",
    "Kazakhstan offered a new visa that was popular with programmers.",
    "He told Reuters in an interview on Friday about his plans for the firm.",
    # Say-type verbs too: a plural noun is no verb ("profits in", "losses in").
    "The agency reported record profits in the third quarter of the year.",
    "The bank confirmed heavy losses in its Asian business last year.",
    "She said several things about the budget at the meeting.",
]

REPORTS = [
    (
        "The ministry issued a statement saying the rules would take effect in May.",
        ("the rules would take effect in May.", "The ministry", "issued"),
    ),
    (
        "The mayor offered an explanation: the bridge had cost twice the estimate.",
        ("the bridge had cost twice the estimate.", "The mayor", "offered"),
    ),
    (
        "The agency released a report showing that applications rose by 40 percent.",
        ("applications rose by 40 percent.", "The agency", "released"),
    ),
    (
        "The city plans to build a new bridge over the river by 2027.",
        ("The city plans to build a new bridge over the river by 2027.", "The city", "plans"),
    ),
    (
        "Lithuania wants to attract 5,000 engineers from Belarus this year.",
        ("Lithuania wants to attract 5,000 engineers from Belarus this year.", "Lithuania", "wants"),
    ),
    (
        "The minister saw that applications had risen sharply in the spring.",
        ("applications had risen sharply in the spring.", "The minister", "saw"),
    ),
    (
        "Paul Okafor refused to answer questions about the budget on Tuesday.",
        ("Paul Okafor refused to answer questions about the budget on Tuesday.", "Paul Okafor", "refused"),
    ),
    (
        "Analysts expected the economy would shrink in the second quarter.",
        ("the economy would shrink in the second quarter.", "Analysts", "expected"),
    ),
    (
        "The governor announced that the state would support small farms.",
        ("the state would support small farms.", "The governor", "announced"),
    ),
    (
        "Roe told the finance committee on Monday that the city could not wait another year.",
        ("the city could not wait another year.", "Roe", "told"),
    ),
    (
        "Councillor Jane Roe said the repairs to the Elm Street bridge would cost $40 million.",
        ("the repairs to the Elm Street bridge would cost $40 million.", "Jane Roe", "said"),
    ),
    (
        "Senator John McCain says the movement that is sweeping the country and boosting his rivals is a threat.",
        ("the movement that is sweeping the country and boosting his rivals is a threat.", "John McCain", "says"),
    ),
    (
        "Paul Okafor says he’ll work to overturn the executive orders next year.",
        ("he’ll work to overturn the executive orders next year.", "Paul Okafor", "says"),
    ),
    (
        "The mayor says the plan costs too much for a city of this size.",
        ("the plan costs too much for a city of this size.", "The mayor", "says"),
    ),
    (
        "Kazakhstan offered: “a visa for every programmer who asks.”",
        None,  # the quotation is the quote item, the attribution no claim of its own
    ),
]


def claims(sentence):
    return [(i.text, i.speaker, i.cue) for i in extract(INTRO + sentence)[1:] if i.kind == "claim"]


@pytest.mark.parametrize("sentence", WRITERS_FACTS)
def test_a_noun_phrase_object_leaves_the_sentence_whole(sentence):
    assert claims(sentence) == [(sentence, None, None)]


@pytest.mark.parametrize(("sentence", "report"), REPORTS)
def test_the_same_verbs_report_when_content_follows(sentence, report):
    assert claims(sentence) == ([report] if report else [])


def test_no_claim_is_a_fragment_without_its_subject():
    # Every claim of the family starts where its sentence starts, or after a word that
    # introduces content (a cue, "saying", "that", a colon): never inside the object.
    for sentence in WRITERS_FACTS + [sentence for sentence, _ in REPORTS]:
        for text, _, _ in claims(sentence):
            at = sentence.index(text)
            lead = sentence[:at].rstrip()
            assert at == 0 or lead.endswith(("saying", "that", ":", "saw", "expected", "announced", "said", "says")), (
                sentence,
                text,
            )
