"""A database written by the extractor before quotations became one item keeps every review
when its articles are extracted again (issue 13).

The old extractor made a quotation split by its attribution into two quote items and quoted
words inside reported speech into a quote item of their own; those rows are written here as it
wrote them, reviewed, and the same file is then ingested with today's extractor.
"""

from __future__ import annotations

from workbench.extract import extract, extractor_version
from workbench.extract.numbers import find_numbers
from workbench.model import ExtractedItem
from workbench.readers import read_article
from workbench.store.articles import prepare, write_article
from workbench.store.database import open_db
from workbench.store.reviews import mark

ARTICLE = (
    "title: Council approves budget\n\n"
    "The city council approved a $4.2 billion budget on Tuesday after a six-hour debate.\n\n"
    "“We have cut what could be cut,” Mayor Dana Whitfield told reporters at city hall. "
    "“The rest keeps the schools open.”\n\n"
    "The transport minister said the rail plan was “a historic mistake” that would cost thousands of jobs.\n"
)


def old_items(text: str) -> list[ExtractedItem]:
    """The items as the extractor before issue 13 made them: each segment of a split quotation
    a quote, and the quoted words inside reported speech a quote of their own."""

    def span(words: str, kind: str, **fields) -> ExtractedItem:
        start = text.index(words)
        return ExtractedItem(kind, words, start, start + len(words), numbers=find_numbers(words), **fields)

    whitfield = {"speaker": "Dana Whitfield", "role": "Mayor", "cue": "told", "attribution": "direct"}
    return [
        span("The city council approved a $4.2 billion budget on Tuesday after a six-hour debate.", "claim"),
        span("We have cut what could be cut", "quote", paragraph=1, **whitfield),
        span("The rest keeps the schools open.", "quote", paragraph=1, **whitfield),
        span(
            "the rail plan was “a historic mistake” that would cost thousands of jobs.",
            "claim",
            speaker="The transport minister",
            cue="said",
            attribution="indirect",
            paragraph=2,
        ),
        span("a historic mistake", "quote", speaker="The transport minister", attribution="partial", paragraph=2),
    ]


def test_reviews_of_split_quotes_and_partial_quotes_follow_them_into_their_new_items(tmp_path):
    path = tmp_path / "council.txt"
    path.write_text(ARTICLE, encoding="utf-8")
    article = read_article(path)
    db = open_db(tmp_path / "wb.db")
    write_article(db, prepare(article, old_items(article.text), "before-issue-13", str(path)))
    old = dict(db.execute("SELECT text, id FROM items"))
    verdicts = {
        "The city council approved a $4.2 billion budget on Tuesday after a six-hour debate.": "true",
        "the rail plan was “a historic mistake” that would cost thousands of jobs.": "misleading",
        "We have cut what could be cut": "mostly-true",
        "The rest keeps the schools open.": "false",
        "a historic mistake": "unverifiable",
    }
    for text, status in verdicts.items():
        mark(db, old[text], status, reviewer="ana")

    written = write_article(db, prepare(article, extract(article.text), extractor_version(), str(path)))

    assert written.outcome == "updated"
    assert db.execute("SELECT count(*) FROM orphan_reviews").fetchone()[0] == 0
    new = dict(db.execute("SELECT text, id FROM items"))
    quotation = new["We have cut what could be cut, The rest keeps the schools open."]
    rail = new["the rail plan was “a historic mistake” that would cost thousands of jobs."]
    followed = {
        item_text: item_id for item_text, item_id in db.execute("SELECT item_text, item_id FROM reviews ORDER BY id")
    }
    assert followed == {
        "The city council approved a $4.2 billion budget on Tuesday after a six-hour debate.": old[
            "The city council approved a $4.2 billion budget on Tuesday after a six-hour debate."
        ],
        "the rail plan was “a historic mistake” that would cost thousands of jobs.": rail,
        # Both halves of the quotation are on the one quote now, and the quoted words on their claim.
        "We have cut what could be cut": quotation,
        "The rest keeps the schools open.": quotation,
        "a historic mistake": rail,
    }
    # Each item shows its latest review, flagged when the reviewer saw something else.
    status = {
        item_id: (state, changed)
        for item_id, state, changed in db.execute("SELECT item_id, status, changed_since_review FROM item_status")
    }
    assert status[quotation] == ("false", 1)
    assert status[rail] == ("unverifiable", 1)  # a review of the quote alone: flagged for another look
    assert status[old["The city council approved a $4.2 billion budget on Tuesday after a six-hour debate."]] == (
        "true",
        0,
    )
    assert (
        db.execute(
            "SELECT count(*) FROM items WHERE status != coalesce((SELECT status FROM reviews "
            "WHERE item_id = items.id ORDER BY id DESC LIMIT 1), 'unreviewed')"
        ).fetchone()[0]
        == 0
    )
