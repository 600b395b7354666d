"""The linker reads back the figures extraction stored in ``items.numbers``.

That column is derived data a script can write over (sqlite-utils, Datasette). Whatever it
holds, a link run goes through: a value it cannot read costs that item its figures, and the
item still links by its words. (These tests belong with tests/link; they live here because
they guard what the extractor writes.)
"""

from __future__ import annotations

import pytest

from workbench.link import link_items
from workbench.link.normalise import normalise
from workbench.pipeline import ingest
from workbench.store.database import open_db, write_transaction

SENTENCE = "The Belarus Hi-Tech Park has risen to {} companies since its launch in 2006"

HOSTILE_NUMBERS = [
    "garbage",
    "",
    "{}",
    "null",
    "[1, 2]",
    '[{"text": "750 companies"}]',
    '[{"value": null, "unit": "companies"}]',
    '[{"value": [750], "unit": "companies"}]',
    '[{"value": NaN, "unit": "companies"}]',
    '[{"value": Infinity, "unit": "companies"}]',
    '[{"value": 1' + "0" * 400 + ', "unit": "companies"}]',
    '[{"value": 1' + "0" * 5000 + ', "unit": "companies"}]',
    '[{"value": 750, "unit": 7, "start": "a", "end": null, "text": 5}]',
    '[{"value": 750, "unit": "companies", "start": -5, "end": 99999999}]',
    '[{"value": "2006", "unit": "date", "start": 40, "end": 20}]',
    '[{"value": 750}, "x", null, []]',
    "[" * 5000 + "]" * 5000,
]


@pytest.fixture
def linked(tmp_path):
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    for name, sentence in (
        ("a.txt", SENTENCE.format(750) + ", officials said."),
        ("b.txt", SENTENCE.format(700) + ", officials said."),
        ("c.txt", SENTENCE.format(750) + " in Minsk."),
    ):
        (corpus / name).write_text(f"Tech report\n\n{sentence}\n", encoding="utf-8")
    db = open_db(tmp_path / "wb.db")
    ingest(db, [str(corpus)], workers=1)
    yield db
    db.close()


def links(db) -> dict[frozenset[str], str]:
    """Each link as the texts of its two items, and how they were matched."""
    rows = db.execute(
        "SELECT a.text, b.text, links.method FROM links JOIN items a ON a.id = item_a JOIN items b ON b.id = item_b"
    )
    return {frozenset(texts): method for *texts, method in rows}


@pytest.mark.parametrize("numbers", HOSTILE_NUMBERS, ids=range(len(HOSTILE_NUMBERS)))
def test_a_numbers_column_written_over_costs_its_figures_not_the_link_run(linked, numbers):
    texts = [text for (text,) in linked.execute("SELECT text FROM items WHERE NOT headline")]
    [b] = [text for text in texts if "700" in text]
    [c] = [text for text in texts if "Minsk" in text]
    [a] = [text for text in texts if text not in (b, c)]
    before = links(linked)
    assert before[frozenset((a, b))] == "number-conflict"
    with write_transaction(linked):
        linked.execute("UPDATE items SET numbers = ? WHERE text = ?", [numbers, b])
    link_items(linked)  # a full run: every item is read back and normalised again
    after = links(linked)
    assert after[frozenset((a, c))] == before[frozenset((a, c))]  # the others are untouched
    assert normalise(b, []).linkable  # its words are still there to link
    conflicts = " ".join(conflict for (conflict,) in linked.execute("SELECT conflict FROM links") if conflict)
    assert "NaN" not in conflicts and "Infinity" not in conflicts  # no figure made of what is no number
