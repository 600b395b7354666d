"""Years are dates: read as the date they name, compared as dates, never shown as a count.

"in 2022 across the country" used to be the quantity 2,022 with the unit "across", and two
claims about different years became a number conflict shown as "2,022 across here, 2,021
across there". A year is now a date as precise as it is written (``2022``, ``2020-08``,
``2020-08-09``); two near-identical claims about different years are still a number
conflict (a fact-checker wants to see "closed in 2019" against "closed in 2020"), shown as
the years; a year agrees with every date inside it.
"""

from __future__ import annotations

import json
from dataclasses import asdict

import pytest

from workbench.extract import extract
from workbench.extract.numbers import find_numbers
from workbench.link.normalise import normalise
from workbench.link.scoring import figure_conflicts
from workbench.model import disagreement_text, figure_text
from workbench.pipeline import ingest
from workbench.store.database import open_db
from workbench.store.links import figures_seen_from

# A year followed by whatever word: never a count of that word.
YEARS = [
    ("Unemployment rose in 2022 across the country.", "2022"),
    ("Turnout in the 2020 election was the highest in a century.", "2020"),
    ("He ran in the 2016 presidential race against her.", "2016"),
    ("The party held the seat from 1956 through the next decade.", "1956"),
    ("Sea levels may rise by a metre by 2100 if emissions grow.", "2100"),
    ("The constitution of 1780 is still in force.", "1780"),
    ("Over 2020, sales of bicycles doubled.", "2020"),
    ("Around 2010, the party changed its leader.", "2010"),
    ("The 2015-16 season ended early.", "2015"),
    ("In 2019 alone the firm hired staff.", "2019"),
    ("The law passed in 2008 remains in force.", "2008"),
    ("Since 1999 inflation has stayed low.", "1999"),
]

# Four digits that are counts or money, not years: a separator, a currency, a percentage,
# a scale, or a qualifier with a unit.
COUNTS = [
    ("The ministry employs 2,022 people.", 2022.0, "people", "2,022 people"),
    ("More than 2000 troops were sent.", 2000.0, "troops", "2,000 troops"),
    ("The fine was $2020 in total.", 2020.0, "USD", "2,020 USD"),
    ("Prices rose 2020% in a year.", 2020.0, "percent", "2,020%"),
    ("About 1500 people were arrested.", 1500.0, "people", "1,500 people"),
]


def mentions(sentence: str) -> list[tuple[str, object, str | None]]:
    return [(m.text, m.value, m.unit) for m in find_numbers(sentence)]


@pytest.mark.parametrize(("sentence", "year"), YEARS)
def test_a_year_is_a_date_whatever_word_follows_it(sentence, year):
    assert mentions(sentence) == [(year, year, "date")]
    assert figure_text(year, "date") == year  # shown as written, never "2,022"


@pytest.mark.parametrize(("sentence", "value", "unit", "shown"), COUNTS)
def test_four_digit_counts_and_money_stay_quantities(sentence, value, unit, shown):
    [(_, found, found_unit)] = mentions(sentence)
    assert (found, found_unit) == (value, unit)
    assert figure_text(found, found_unit) == shown


def conflicts(sentence_a: str, sentence_b: str, published: str | None = None) -> list[tuple[str, str]]:
    """The number conflicts between two one-sentence articles, each figure as it is shown."""
    figures = []
    for sentence in (sentence_a, sentence_b):
        [item] = extract(sentence, published)
        figures.append(normalise(item.text, [asdict(n) for n in item.numbers]).figures)
    return [
        (figure_text(c["value_a"], c["unit"]), figure_text(c["value_b"], c["unit"])) for c in figure_conflicts(*figures)
    ]


def test_different_years_of_the_same_statement_conflict_as_years():
    assert conflicts(
        "Unemployment in the northern region reached a record level in 2022 across the country.",
        "Unemployment in the northern region reached a record level in 2021 across the country.",
    ) == [("2022", "2021")]
    assert conflicts("The steel plant in Gary closed in 2019.", "The steel plant in Gary closed in 2020.") == [
        ("2019", "2020")
    ]


def test_a_year_or_a_month_agrees_with_every_day_inside_it():
    day = "The steel plant in Gary closed on Aug. 9, 2020."
    assert conflicts("The steel plant in Gary closed in 2020.", day) == []
    assert conflicts("The steel plant in Gary closed in August 2020.", day) == []
    assert conflicts("The steel plant in Gary closed in August 2020.", "The steel plant closed on Sept. 3, 2020.") == [
        ("2020-08", "2020-09-03")
    ]
    assert conflicts("The steel plant in Gary closed in 2019.", day) == [("2019", "2020-08-09")]
    # A day without a year (no publication date) agrees with that day in any year.
    assert conflicts("The steel plant in Gary closed on Aug. 9.", day) == []


def test_a_year_beside_a_count_leaves_the_count_to_conflict_alone():
    assert conflicts(
        "The Belarus Hi-Tech Park has risen to 750 companies since its launch in 2006.",
        "The Belarus Hi-Tech Park has risen to 700 companies since its launch in 2006.",
    ) == [("750 companies", "700 companies")]


def test_stored_links_show_years_as_years(tmp_path):
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    sentence = "Unemployment in the northern region reached a record level in {} across the country."
    for name, year in (("north.txt", 2022), ("south.txt", 2021)):
        (corpus / name).write_text(f"Jobs report\n\n{sentence.format(year)}\n", encoding="utf-8")
    db = open_db(tmp_path / "wb.db")
    try:
        ingest(db, [str(corpus)], workers=1)
        rows = db.execute("SELECT method, conflict, a.text FROM links JOIN items a ON a.id = links.item_a").fetchall()
    finally:
        db.close()
    [(method, conflict, text_a)] = rows
    assert method == "number-conflict"
    [figure] = figures_seen_from(json.loads(conflict), this_is_a=True)
    # What the review screen and the reports write for it, from the side of item_a.
    shown = "2022 here, 2021 there" if "2022" in text_a else "2021 here, 2022 there"
    assert disagreement_text(figure) == shown
