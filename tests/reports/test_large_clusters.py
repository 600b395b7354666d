"""A claim repeated in hundreds of sources costs every export what it shows, never K²:
each member lists a bounded number of the others with a count of the rest, and a report
lists the cluster once, under its first item. Checked on output size, which cannot be
slowed down by a busy machine: ten times the members, about ten times the bytes."""

from __future__ import annotations

import csv
import io
import json

import pytest
from click.testing import CliRunner

from workbench.cli import cli
from workbench.reports.clusters import SHOWN_MEMBERS
from workbench.reports.common import LISTED
from workbench.store.database import open_db, write_transaction

STAMP = "2026-01-01T00:00:00+00:00"
ORGANIZATION = ("--organization", "Minsk Fact Desk", "--organization-url", "https://factdesk.news/")


def build(path, members: int) -> None:
    """One cluster of ``members`` items, one per source, every one reviewed, reworded in
    every tenth source; the first item states a figure that all others give differently."""
    db = open_db(path)
    with write_transaction(db):
        for number in range(members):
            source = f"s{number:011d}"
            db["sources"].insert(
                {"id": source, "key": source, "path": f"/corpus/{number:05d}.txt", "title": f"Outlet {number} story",
                 "outlet": f"Outlet {number}", "url": f"https://outlet{number}.news/story",
                 "published": f"2020-09-{1 + number % 28:02d}", "sha256": str(number), "text": "", "format": "txt",
                 "extractor": "test", "ingested_at": STAMP}
            )  # fmt: skip
            wording = "ready" if number % 10 else "willing"
            text = f"Most IT businessmen are {wording} to keep working in Belarus, the park said."
            db["items"].insert(
                {"id": f"i{number:015d}", "source_id": source, "seq": 0, "kind": "claim", "text": text,
                 "speaker": "Belarus Hi-Tech Park", "start": 0, "end": len(text), "paragraph": 0, "score": 0.5,
                 "cluster_id": "i000000000000000", "first_seen": STAMP}
            )  # fmt: skip
            db.execute(
                "INSERT INTO reviews (item_id, status, reviewer, created_at) VALUES (?, 'false', 'ana', ?)",
                [f"i{number:015d}", STAMP],
            )
            if number:
                db["links"].insert(
                    {"item_a": "i000000000000000", "item_b": f"i{number:015d}", "score": 95, "method": "number-conflict",
                     "state": "suggested", "conflict": json.dumps([{"unit": "percent", "value_a": 5, "value_b": 7}]),
                     "created_at": STAMP}
                )  # fmt: skip
    db.close()


@pytest.fixture(scope="module")
def clusters(tmp_path_factory) -> dict[int, str]:
    paths = {}
    for members in (40, 400):
        path = tmp_path_factory.mktemp(f"cluster{members}") / "workbench.db"
        build(path, members)
        paths[members] = str(path)
    return paths


def exported(path: str, format_: str) -> str:
    result = CliRunner().invoke(
        cli, ["export", "--db", path, "--format", format_, *ORGANIZATION], catch_exceptions=False
    )
    assert result.exit_code == 0, result.stderr
    return result.stdout


@pytest.mark.parametrize("format_", ["md", "html", "csv", "json", "jsonl", "claimreview"])
def test_ten_times_the_members_is_about_ten_times_the_output(clusters, format_):
    small, large = (len(exported(clusters[members], format_).encode()) for members in (40, 400))
    assert large < 12 * small, (small, large)  # every member listing every other: 100 times


def test_a_report_lists_the_cluster_once_under_its_first_item(clusters):
    text = exported(clusters[400], "md")
    assert text.count("- **Also appears in** (400 items in 400 sources):") == 1
    assert text.count("  - … and 391 more") == 2  # members, and items with other figures
    assert (
        text.count("- **Also appears in:** the sources listed under `i000000000000000` (400 items in 400 sources)")
        == 399
    )
    listed = text.split("- **Also appears in** (400 items in 400 sources):")[1].split("\n- ")[0]
    assert listed.count("\n  - [Outlet ") == LISTED
    assert "~~ready~~ **willing**" in listed or "~~willing~~ **ready**" in listed  # the rewording shows
    assert text.count("- **Figures disagree in** 399 items:") == 1
    page = exported(clusters[400], "html")
    assert page.count('<a href="#item-i000000000000000"><code>i000000000000000</code></a>') == 399


def test_data_exports_list_a_bounded_number_of_members_and_count_all(clusters):
    items = [json.loads(line) for line in exported(clusters[400], "jsonl").splitlines()]
    assert {len(item["cluster"]) for item in items} == {SHOWN_MEMBERS}
    assert {(item["cluster_size"], item["cluster_sources"]) for item in items} == {(400, 400)}
    rows = list(csv.DictReader(io.StringIO(exported(clusters[400], "csv"), newline="")))
    assert {(row["cluster_size"], row["cluster_source_count"]) for row in rows} == {("400", "400")}
    assert {len(row["cluster_sources"].split("; ")) for row in rows} <= {SHOWN_MEMBERS - 1, SHOWN_MEMBERS}
    reviews = json.loads(exported(clusters[400], "claimreview"))
    assert len(reviews) == 400
    assert {len(review["itemReviewed"]["appearance"]) for review in reviews} <= {SHOWN_MEMBERS, SHOWN_MEMBERS + 1}
