"""The fact-check matcher's gate and number guard, end to end: an archive written as a
ClaimReview file and imported with ``workbench factchecks import``, posts and articles ingested
with ``workbench ingest``, and the suggestions read from the database."""

from __future__ import annotations

import json
import shutil

from click.testing import CliRunner
from paths import FIXTURES

from workbench.cli import cli
from workbench.store.database import open_db

# Fact-checks on many subjects, some sharing everyday words with each other.
CHECKED = [
    "A fire at a Republican National Committee office in Stepford destroyed evidence against the Clintons.",
    "The Clintons burned down a warehouse full of evidence.",
    "A striking photograph shows the ground burned by a wildfire.",
    "Hillary Clinton ordered aides to destroy evidence with hammers.",
    "Bill Clinton was seen at the ground breaking of a new prison.",
    "Evidence shows the Clintons again hid emails from investigators.",
    "Actor Morgan Freeman died of a heart attack at his home.",
    "Drinking hot water with lemon cures cancer.",
    "Bill Gates said vaccines are designed to reduce the world population.",
    "NASA confirmed that the Earth will go dark for six days in December.",
    "A video shows a Chinese factory producing fake eggs from plastic.",
    "The Pope endorsed Donald Trump for president.",
    "A Walmart shopper was bitten by a venomous snake hidden in a coat.",
    "Finland banned homework in all of its schools in 2018.",
    "The Great Wall of China is visible from the Moon with the naked eye.",
    "Japan is building an elevator into space by 2050.",
    "Eating carrots gives you night vision.",
]
# A check on the demo corpus's subject, at another figure than the corpus gives (5%).
BELARUS = "The IT industry accounts for some 15% of all Belarusian exports."


def run(*args: str) -> None:
    result = CliRunner().invoke(cli, list(args))
    assert result.exit_code == 0, result.output


def suggested(tmp_path, posts: list[str], articles: bool = False, checked: list[str] = CHECKED) -> dict[str, set[str]]:
    """Import ``checked``, ingest ``posts`` (a JSON lines file) with the demo corpus if
    ``articles``; each item's suggested fact-checks."""
    archive = tmp_path / "checks.jsonld"
    archive.write_text(
        json.dumps(
            [
                {
                    "@context": "https://schema.org",
                    "@type": "ClaimReview",
                    "claimReviewed": claim,
                    "url": f"https://checks.example.net/{number}",
                    "author": {"@type": "Organization", "name": "Check Desk"},
                    "reviewRating": {"@type": "Rating", "alternateName": "False"},
                }
                for number, claim in enumerate(checked)
            ]
        ),
        encoding="utf-8",
    )
    db_path = tmp_path / "wb.db"
    run("factchecks", "import", str(archive), "--db", str(db_path))
    corpus = tmp_path / "corpus"
    if articles:
        shutil.copytree(FIXTURES, corpus)
    corpus.mkdir(exist_ok=True)
    (corpus / "posts.jsonl").write_text(
        "".join(
            json.dumps({"url": f"https://social.example/status/{number}", "text": post}) + "\n"
            for number, post in enumerate(posts)
        ),
        encoding="utf-8",
    )
    run("ingest", str(corpus), "--db", str(db_path))
    found: dict[str, set[str]] = {}
    with open_db(db_path) as db:
        for text, claim in db.execute(
            "SELECT items.text, factchecks.claim FROM factcheck_matches m "
            "JOIN items ON items.id = m.item_id JOIN factchecks ON factchecks.id = m.factcheck_id"
        ):
            found.setdefault(text, set()).add(claim)
    return found


def test_posts_retelling_a_checked_claim_get_its_check_and_news_on_another_subject_none(tmp_path):
    # The gate before (the two cosines and the ranking) also suggested "Evidence shows the
    # Clintons again hid emails from investigators." for a sentence of the demo corpus on a
    # Belarusian committee reviewing allegations: only everyday words in common.
    posts = [
        "Long thread. I was at the store when my sister called me crying because she read that Morgan "
        "Freeman had died. Is it true??",
        "grandma forwarded me a message that hot lemon water kills cancer cells better than chemo and now "
        "the whole family group chat is arguing",
        "You know what I learned today, carrots do not actually make you see better at night, it was "
        "British propaganda in the war",
    ]
    found = suggested(tmp_path, posts, articles=True)
    assert all(any(item in post for post in posts) for item in found)  # (an item: a post or its sentence)
    assert set().union(*found.values()) == {
        "Actor Morgan Freeman died of a heart attack at his home.",
        "Drinking hot water with lemon cures cancer.",
        "Eating carrots gives you night vision.",
    }


def test_a_claim_dated_another_year_is_the_one_checked_but_another_percentage_is_not(tmp_path):
    # The check gives the year the claim went round; the post, the year it came back.
    again = "Finland has banned homework in all its schools in 2019, kids rejoice"
    other_figure = "The IT industry accounts for some 5% of all Belarusian exports."
    found = suggested(tmp_path, [again, other_figure], checked=[*CHECKED, BELARUS])
    assert found == {again: {"Finland banned homework in all of its schools in 2018."}}
