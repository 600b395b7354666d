"""ClaimReview as a desk publishes it: who publishes comes from the command line or
``workbench.toml``, never from the example file's placeholder; ``claimReviewed`` is a
sentence a reader understands without the article. On the real fixture articles, really
ingested and marked."""

from __future__ import annotations

import json
import shutil
import tomllib

import pytest
from click.testing import CliRunner
from paths import FIXTURES, ROOT

from workbench.cli import cli
from workbench.config import EXAMPLE_ORGANIZATION
from workbench.pipeline import ingest
from workbench.reports.claimreview import claim_reviewed
from workbench.store.database import open_db
from workbench.store.reviews import mark

REUTERS = FIXTURES / "000_2b14526b3bd0fd47.txt"
PUBLISHER = ("--organization", "Minsk Fact Desk", "--organization-url", "https://factdesk.news/")


def item_with(db, fragment: str) -> dict:
    row = next(db.query("SELECT * FROM items WHERE text LIKE ? ORDER BY seq LIMIT 1", [f"%{fragment}%"]), None)
    assert row, f"no item holds {fragment!r}"
    return row


@pytest.fixture
def marked(tmp_path) -> dict:
    """Both fixture articles, and verdicts on a fragment of reported speech, a quotation
    and a whole sentence."""
    path = tmp_path / "db" / "workbench.db"
    db = open_db(path)
    ingest(db, [str(FIXTURES)], workers=1)
    items = {
        "fragment": item_with(db, "detained and then beaten by security forces"),
        "quote": item_with(db, "I have already created paradise for them"),
        "sentence": item_with(db, "Mass protests have rocked the country"),
    }
    for item in items.values():
        mark(db, item["id"], "false", reviewer="ana")
    db.close()
    return {"path": path, **items}


def export(marked, *args: str):
    return CliRunner().invoke(
        cli, ["export", "--db", str(marked["path"]), "--format", "claimreview", *args], catch_exceptions=False
    )


def published(marked, *args: str) -> dict[str, dict]:
    result = export(marked, *args)
    assert result.exit_code == 0, result.stderr
    return {review["identifier"]: review for review in json.loads(result.stdout)}


def test_the_organization_can_be_given_on_the_command_line(marked):
    reviews = published(marked, *PUBLISHER)
    assert len(reviews) == 3
    for review in reviews.values():
        assert review["author"] == {"@type": "Organization", "name": "Minsk Fact Desk", "url": "https://factdesk.news/"}
        assert review["url"] == f"https://factdesk.news/#{review['identifier']}"


def test_without_an_organization_the_message_says_both_ways_to_give_one(marked, tmp_path):
    target = tmp_path / "claims.jsonld"
    result = export(marked, "-o", str(target))
    assert result.exit_code == 1 and result.stderr.count("\n") == 1
    assert "--organization NAME --organization-url URL" in result.stderr and "workbench init" in result.stderr
    assert not target.exists()


def test_the_example_files_placeholder_is_never_published(marked):
    example = tomllib.loads((ROOT / "workbench.toml.example").read_text(encoding="utf-8"))
    assert example["organization"]["name"] == EXAMPLE_ORGANIZATION
    shutil.copy(ROOT / "workbench.toml.example", marked["path"].parent / "workbench.toml")  # copied, never filled in
    result = export(marked)
    assert result.exit_code == 1 and result.stdout == ""
    assert result.stderr.startswith(f"error: ClaimReview '{EXAMPLE_ORGANIZATION}' is the example's placeholder")
    # a real name with the example's addresses is refused for them
    named = export(marked, "--organization", "Minsk Fact Desk")
    assert named.exit_code == 1
    assert f"the url '{example['organization']['url']}' is an example address" in named.stderr
    own_url = export(marked, *PUBLISHER)
    assert own_url.exit_code == 1
    assert f"the fact-check url '{example['claimreview']['url']}' is an example address" in own_url.stderr


@pytest.mark.parametrize("url", ["https://example.com/", "http://www.example.org/checks", "https://news.example.net"])
def test_example_domains_are_refused(marked, url):
    result = export(marked, "--organization", "Minsk Fact Desk", "--organization-url", url)
    assert result.exit_code == 1 and "is an example address" in result.stderr


def test_claim_reviewed_is_a_sentence_a_reader_understands(marked):
    reviews = published(marked, *PUBLISHER)
    article = REUTERS.read_text(encoding="utf-8")
    sentence = next(line for line in article.splitlines() if "detained and then beaten" in line)
    assert marked["fragment"]["text"] != sentence  # the extractor keeps the reported words only
    assert reviews[marked["fragment"]["id"]]["claimReviewed"] == sentence
    quote = marked["quote"]
    assert quote["kind"] == "quote" and quote["speaker"] == "Alexander Lukashenko"
    assert reviews[quote["id"]]["claimReviewed"] == f"Alexander Lukashenko: “{quote['text']}”"
    assert reviews[marked["sentence"]["id"]]["claimReviewed"] == marked["sentence"]["text"]


def context(text: str, fragment: str, clipped_before: bool = False, clipped_after: bool = False) -> dict:
    start = text.index(fragment)
    return {
        "text": text,
        "start": start,
        "end": start + len(fragment),
        "clipped_before": clipped_before,
        "clipped_after": clipped_after,
    }


def test_a_fragment_whose_sentence_cannot_be_told_is_given_with_its_speaker():
    fragment = "the plan would cost jobs"
    item = {"text": fragment, "kind": "claim", "speaker": "the minister"}
    around = "a long sentence cut by the window where the plan would cost jobs, and more"
    # the sentence reaches the edges of what was read: it may go on beyond them
    item["context"] = context(around, fragment, clipped_before=True, clipped_after=True)
    assert claim_reviewed(item) == "According to the minister, the plan would cost jobs"
    item["context"] = context("The minister said the plan would cost jobs. Nobody agreed.", fragment)
    assert claim_reviewed(item) == "The minister said the plan would cost jobs."
    # a quotation over two paragraphs is no one sentence
    item["context"] = context("He said “the plan\n\nwould cost jobs” on Monday.", "the plan\n\nwould cost jobs")
    item["text"] = "the plan would cost jobs"
    assert claim_reviewed(item) == "According to the minister, the plan would cost jobs"
