"""``workbench factchecks``, as a desk runs it in a real process: import archives of every
format (bad entries one line each, the rest in), re-import changes nothing, unknown
ratings listed, a match confirmed and its verdict adopted through [ratings]."""

from __future__ import annotations

import json
import subprocess
import sys

from workbench.store.database import open_db

CLAIM = "The IT industry accounts for some 5% of all Belarusian exports."


def workbench(*args: str, cwd=None) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "workbench", *args], capture_output=True, text=True, cwd=cwd, timeout=300
    )


def test_import_match_list_ratings_confirm_and_adopt(tmp_path, fixture_db):
    db_path = fixture_db.execute("PRAGMA database_list").fetchone()[2]
    feed = tmp_path / "feed.json"
    feed.write_text(
        json.dumps(
            {
                "@type": "DataFeed",
                "dataFeedElement": [
                    {
                        "item": [
                            {
                                "@type": "ClaimReview",
                                "claimReviewed": "IT accounts for about 5% of Belarus's exports",
                                "url": "https://checks.example.net/it",
                                "author": {"@type": "Organization", "name": "Check Desk"},
                                "reviewRating": {"@type": "Rating", "alternateName": "Exaggerated"},
                            },
                            {"@type": "ClaimReview", "claimReviewed": "\x1b[2J", "url": "ftp://x"},
                        ]
                    }
                ],
            }
        ),
        encoding="utf-8",
    )
    sheet = tmp_path / "sheet.csv"
    sheet.write_text("claim,verdict,link\nPenguins can fly,False,https://checks.example.net/p\n", encoding="utf-8")
    result = workbench("factchecks", "import", str(feed), str(sheet), "--db", db_path)
    assert result.returncode == 1
    assert result.stderr.splitlines() == [f"warning: {feed}#2: url 'ftp://x' is not an http(s) URL"]
    assert f"{sheet}: columns: claim='claim', rating='verdict', url='link'" in result.stdout
    assert "2 fact-checks added, 0 updated, 0 unchanged, 1 not read" in result.stdout

    again = workbench("factchecks", "import", str(sheet), "--db", db_path)
    assert again.returncode == 0 and "0 fact-checks added, 0 updated, 1 unchanged" in again.stdout

    db = open_db(db_path)
    item, entry = db.execute(
        "SELECT m.item_id, m.factcheck_id FROM factcheck_matches m JOIN items ON items.id = m.item_id "
        "JOIN factchecks f ON f.id = m.factcheck_id WHERE items.text = ? AND f.url = 'https://checks.example.net/it'",
        [CLAIM],
    ).fetchone()

    ratings = workbench("factchecks", "ratings", "--db", db_path)
    assert ratings.stdout.splitlines()[1:] == ["        1  'Exaggerated'"]

    refused = workbench("factchecks", "adopt", item, str(entry), "--db", db_path)
    assert refused.returncode == 1
    assert refused.stderr.strip() == (
        f"error: {item}: confirm the match to fact-check {entry} before adopting its verdict"
    )
    assert workbench("factchecks", "decide", item, str(entry), "confirmed", "--db", db_path).returncode == 0
    unmapped = workbench("factchecks", "adopt", item, str(entry), "--db", db_path)
    assert "the rating 'Exaggerated' is not in [ratings]" in unmapped.stderr

    (tmp_path / "workbench.toml").write_text(
        '[ratings]\n"exaggerated!" = "misleading"\nfalse = "false"\n', encoding="utf-8"
    )
    adopted = workbench("factchecks", "adopt", item, str(entry), "--reviewer", "ana", "--db", db_path)
    assert adopted.returncode == 0, adopted.stderr
    assert adopted.stdout.strip() == f"{item}: unreviewed -> misleading (from fact-check {entry})"
    assert workbench("factchecks", "ratings", "--db", db_path).stdout.strip() == "every rating is mapped to a status"
    note = db.execute("SELECT note FROM reviews WHERE item_id = ?", [item]).fetchone()[0]
    assert note == "Previously checked by Check Desk, rated 'Exaggerated': https://checks.example.net/it"


def test_bad_archives_and_bad_mappings_are_one_line(tmp_path):
    db_path = str(tmp_path / "wb.db")
    missing = workbench("factchecks", "import", str(tmp_path / "nope.json"), "--db", db_path)
    assert missing.returncode == 1
    assert missing.stderr.splitlines() == [f"warning: {tmp_path / 'nope.json'}: no such file or folder"]
    (tmp_path / "a.csv").write_text("claim,rating,url\n", encoding="utf-8")
    column = workbench("factchecks", "import", str(tmp_path / "a.csv"), "--column", "claim", "--db", db_path)
    assert (
        column.returncode == 1
        and column.stderr.strip() == "error: --column claim: give FIELD=HEADER, e.g. claim=Statement"
    )
    (tmp_path / "workbench.toml").write_text("[ratings]\nFalse = 3\n", encoding="utf-8")
    config = workbench("factchecks", "ratings", "--db", db_path)
    assert config.returncode == 1 and len(config.stderr.splitlines()) == 1
    assert "[ratings]: False must be a string" in config.stderr
