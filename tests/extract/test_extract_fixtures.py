"""Extraction on the two fixture articles, against expectations written by reading them."""

from __future__ import annotations

import pytest
from paths import FIXTURES

from workbench.extract import extract
from workbench.model import figure_text, segments_text
from workbench.readers import read_article

REUTERS = FIXTURES / "000_2b14526b3bd0fd47.txt"
MOSCOW_TIMES = FIXTURES / "003_9c5ba6eb5ac01bd5.txt"

# One item per quotation: a quotation split by its attribution is one quote.
REUTERS_QUOTES = {
    ("Belarus Hi-Tech Park", "Hi-Tech Park has held thorough analysis"),
    ("Alexander Lukashenko", "I have already created paradise"),
    ("Belarus Hi-Tech Park", "None of the residents applied"),
    ("Max Korolevsky", "They took me aside"),
    ("Eugene Nagel", "Many people are in the mood"),
    ("Elena Izraylevych", "Our idea was that"),
    ("Ilya Lashch", "Here every day is important"),
    ("Olle Pridiuksson", "Simply put"),
}
MOSCOW_TIMES_QUOTES = {
    ("Anton", "The psychological stress was becoming unbearable"),
    ("Katia Glod", "The middle classes"),
    ("Alexei Kuzmenkov", "More than 100 others"),
    ("Franak Viacorka", "Even if Lukashenko survives"),
    ("Darya Miskevich", "Companies’ first concern"),
    ("Darya Miskevich", "The second risk"),
    ("Daniel Krutzinna", "It was a really bad mistake"),
    ("Daniel Krutzinna", "For IT companies that depend"),
    ("Anton", "If Lukashenko stays in power"),
    ("Darya Miskevich", "If there is no change"),
    ("Alexei Kuzmenkov", "Even though they will stay"),
    ("Alex Kokcharov", "What’s likely to follow"),
    ("Katia Glod", "I don’t think that the current government"),
    ("Daniel Krutzinna", "When Rumas was prime minister"),
    ("Daniel Krutzinna", "You had quite an educated"),
    ("Katia Glod", "It’s very fertile ground"),
    ("Darya Miskevich", "I believe in this country"),
    ("Darya Miskevich", "If the regime changes"),
}
JUNK = [
    "Share this Article",
    "http",
    "Related article",
    "Tut.By via AP",
    "TASS",
    "hope you have enjoyed",
    "Reporting by",
    "become a member",
    "With warm words and fast visas",
    "Everyone Who Can Leave",
]


@pytest.fixture(scope="module")
def reuters():
    article = read_article(REUTERS)
    return article.text, extract(article.text, article.published)


@pytest.fixture(scope="module")
def moscow_times():
    article = read_article(MOSCOW_TIMES)
    return article.text, extract(article.text, article.published)


def _quote_pairs(items, expected):
    """(speaker, opening) for every quote, using the expected opening it starts with."""
    openings = [opening for _, opening in expected]
    pairs = set()
    for item in items:
        if item.kind == "quote":
            opening = next((o for o in openings if item.text.startswith(o)), item.text[:40])
            pairs.add((item.speaker, opening))
    return pairs


def _item(items, starts_with, kind=None):
    found = [i for i in items if i.text.startswith(starts_with) and (kind is None or i.kind == kind)]
    assert found, f"no item starting with {starts_with!r}"
    return found[0]


@pytest.mark.parametrize("name", ["reuters", "moscow_times"])
def test_offsets_are_exact_and_items_in_text_order(name, request):
    text, items = request.getfixturevalue(name)
    assert items
    for item in items:
        assert segments_text(text, item.spans) == item.text
        assert 0.0 <= item.score <= 1.0
        for number in item.numbers:
            assert item.text[number.start : number.end] == number.text
    assert [i.start for i in items] == sorted(i.start for i in items)


def test_reuters_quotes_and_speakers(reuters):
    _, items = reuters
    assert _quote_pairs(items, REUTERS_QUOTES) == REUTERS_QUOTES


def test_moscow_times_quotes_and_speakers(moscow_times):
    _, items = moscow_times
    assert _quote_pairs(items, MOSCOW_TIMES_QUOTES) == MOSCOW_TIMES_QUOTES


def test_roles_and_cues(reuters, moscow_times):
    items = reuters[1] + moscow_times[1]
    assert _item(items, "Many people are in the mood").role == "administrative director"
    assert _item(items, "Our idea was that").role == "CFO at S-PRO"
    assert _item(items, "Here every day is important").role == "Lightpoint Global’s owner"
    assert _item(items, "Here every day is important").cue == "told"
    assert _item(items, "Even if Lukashenko survives").cue == "wrote"
    assert _item(items, "Companies’ first concern").role == "a Belarusian IT recruitment and relocation consultant"
    assert _item(items, "If there is no change").role == "a Belarusian IT recruitment and relocation consultant"
    assert _item(items, "What’s likely to follow").role == "political risk analyst with IHS Markit"
    assert _item(items, "The middle classes").role.startswith("non-resident fellow at the Center for European Policy")
    assert _item(items, "The second risk").cue == "added"


def test_indirect_claims_name_their_claimant(reuters, moscow_times):
    items = reuters[1] + moscow_times[1]
    gismart = _item(items, "two employees were arrested and beaten")
    assert (gismart.kind, gismart.attribution, gismart.speaker) == ("claim", "indirect", "Gismart")
    lithuania = _item(items, "Lithuania’s investment agency has been talking to over 85 companies")
    assert (lithuania.speaker, lithuania.role) == ("Gediminas Koryzna", "Director of Business Development")
    assert lithuania.attribution == "indirect"
    korolevsky = _item(items, "he was detained and then beaten")
    assert korolevsky.speaker == "Max Korolevsky"
    # "After Korolevsky stated …, he asked …": the main clause is the writer's, not his report.
    assert korolevsky.text == "he was detained and then beaten by security forces during protests in Belarus"
    transfer = _item(items, "he asked the IT company he works for to transfer him", "claim")
    assert (transfer.attribution, transfer.speaker) == (None, None)
    assert _item(items, "Izraylevych gave advice").speaker == "Ilya Lashch"
    assert _item(items, "The saga of Lukashenko’s re-election").speaker == "Katia Glod"
    assert _item(items, "at least 50 firms in the Park").speaker == "Alexei Kuzmenkov"
    assert _item(items, "his employer, a large international technology company").speaker == "Anton"
    # "He knew …" follows Anton's introduction; "a post-Lukashenko Belarus" later is nobody's name.
    assert _item(items, "the country’s strongman president Alexander Lukashenko was no liberal").speaker == "Anton"
    assert not any((item.speaker or "").startswith("Lukashenko") for item in items)
    assert _item(items, "The internet blackouts, repression").speaker == "analysts and insiders"


def test_key_claims_and_numbers(reuters, moscow_times):
    items = reuters[1] + moscow_times[1]
    park = _item(items, "The Belarus Hi-Tech Park, on the eastern outskirts", "claim")
    assert {(n.value, n.unit) for n in park.numbers} >= {
        (750.0, "companies"),
        (58000.0, "people"),
        (2e9, "USD"),
        ("2006", "date"),
        ("2019", "date"),
    }
    assert {figure_text(n.value, n.unit) for n in park.numbers} >= {
        "750 companies",
        "58,000 people",
        "2,000,000,000 USD",
        "2006",
    }
    exports = _item(items, "For countries offering to take in IT workers")
    assert [(n.value, n.unit) for n in exports.numbers] == [(5.0, "percent")]
    election = _item(items, "The 30-year-old, head of applications testing")
    assert "--08-09" in {n.value for n in election.numbers}  # no publication date: year unknown
    firms = _item(items, "at least 50 firms in the Park")
    assert {(n.value, n.unit) for n in firms.numbers} == {(50.0, "firms"), (10.0, "percent")}
    gismart = _item(items, "By its Minsk office, which employs 310 people")
    assert {(n.value, n.unit) for n in gismart.numbers} >= {(310.0, "people"), (20.0, "personnel"), (30.0, None)}
    assert _item(items, "I have already created paradise").score < park.score
    money = _item(items, "Money that the country desperately needs.", "claim")
    assert money.score < park.score


def test_no_junk_items(reuters, moscow_times):
    for _text, items in (reuters, moscow_times):
        for item in items:
            assert not any(junk in item.text for junk in JUNK), item.text
            assert item.text not in ("he said.", "it said.")
    quote_texts = [i.text for i in reuters[1] + moscow_times[1] if i.kind == "quote"]
    assert not any(t.lower().startswith(("ninja-style”", "brain drain")) for t in quote_texts)
    assert "Ninja-style" not in quote_texts  # the heading
    assert not any(t == "brain drain" for t in quote_texts)


def test_attribution_tails_are_not_claims(reuters, moscow_times):
    claims = [i.text for i in reuters[1] + moscow_times[1] if i.kind == "claim"]
    assert not any("told journalists in Kyiv" in c for c in claims)
    assert not any(c.startswith("Daniel Krutzinna, an adviser") for c in claims)
    assert not any("said Olle Pridiuksson" in c for c in claims)
