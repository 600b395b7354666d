"""``workbench mark``, ``stats`` and ``backup`` as a reviewer types them, on a real database
built from the newsroom corpus (two outlets' copies of one article, so there are links and
a number conflict)."""

from __future__ import annotations

import re
import sqlite3

import pytest
from click.testing import CliRunner
from newsroom import item_in, write_corpus

from workbench.cli import cli
from workbench.link import link_items
from workbench.pipeline import ingest
from workbench.store.database import open_db


@pytest.fixture
def newsroom(tmp_path) -> tuple[str, dict]:
    write_corpus(tmp_path / "corpus")
    path = tmp_path / "workbench.db"
    db = open_db(path)
    ingest(db, [str(tmp_path / "corpus")], workers=1)
    link_items(db)
    ids = {
        "five": item_in(db, "Reuters", "some 5% of all"),
        "protests": item_in(db, "Reuters", "Mass protests have rocked"),
    }
    ids["sources"] = [row[0] for row in db.execute("SELECT id FROM sources ORDER BY path")]
    db.close()
    return str(path), ids


def run(*args: str, env: dict | None = None):
    return CliRunner().invoke(cli, list(args), env=env, catch_exceptions=False)


def status_of(path: str, item: str) -> str:
    return sqlite3.connect(path).execute("SELECT status FROM items WHERE id = ?", [item]).fetchone()[0]


# --- mark ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("typed", "stored"),
    [("False", "false"), ("FALSE", "false"), ("Mostly true", "mostly-true"), ("mostly true", "mostly-true"),
     ("Mostly-True", "mostly-true"), ("in progress", "in-progress"), ("unverifiable", "unverifiable")],
)  # fmt: skip
def test_mark_takes_a_status_label_or_id_in_any_case(newsroom, typed, stored):
    path, ids = newsroom
    result = run("mark", ids["five"], typed, "--reviewer", "ana", "--db", path)
    assert result.exit_code == 0, result.output
    assert result.output.startswith(f"{ids['five']}: unreviewed -> {stored} (review ")
    assert status_of(path, ids["five"]) == stored


def test_mark_expect_takes_a_label_too(newsroom):
    path, ids = newsroom
    assert run("mark", ids["five"], "False", "--db", path).exit_code == 0
    refused = run("mark", ids["five"], "True", "--expect", "Unreviewed", "--db", path)
    assert refused.exit_code == 1 and "current status is 'false', not 'unreviewed'; not marked" in refused.output
    assert run("mark", ids["five"], "True", "--expect", "False", "--db", path).exit_code == 0
    assert status_of(path, ids["five"]) == "true"


def test_an_unknown_status_lists_the_ids_and_nothing_is_marked(newsroom):
    path, ids = newsroom
    result = run("mark", ids["five"], "Fake news", "--db", path)
    assert result.exit_code == 1
    assert result.output == (
        "error: 'Fake news': unknown status (one of: unreviewed, in-progress, true, mostly-true, misleading, "
        "false, unverifiable)\n"
    )
    assert status_of(path, ids["five"]) == "unreviewed"


def test_a_status_relabelled_in_the_configuration_is_found_by_its_new_label(newsroom, tmp_path):
    path, ids = newsroom
    (tmp_path / "workbench.toml").write_text(
        "".join(
            f'[[statuses]]\nid = "{id_}"\nlabel = "{label}"\n'
            for id_, label in (("unreviewed", "Unreviewed"), ("false", "Pants on fire"), ("true", "Correct"))
        ),
        encoding="utf-8",
    )
    assert run("mark", ids["five"], "pants on fire", "--db", path).exit_code == 0
    assert status_of(path, ids["five"]) == "false"
    assert run("mark", ids["protests"], "CORRECT", "--db", path).exit_code == 0
    assert status_of(path, ids["protests"]) == "true"


def test_a_short_prefix_asks_for_six_characters_and_an_unknown_one_is_no_such_item(newsroom):
    path, ids = newsroom
    short = run("mark", ids["five"][:5], "false", "--db", path)
    assert short.exit_code == 1
    assert short.output == f"error: {ids['five'][:5]}: too short; an id prefix needs 6 or more characters\n"
    assert run("mark", ids["five"][:6], "false", "--db", path).exit_code == 0
    unknown = run("mark", "zzzzz", "false", "--db", path)
    assert unknown.exit_code == 1 and unknown.output == "error: zzzzz: no such item\n"


def test_a_short_source_prefix_asks_for_six_characters_too(newsroom):
    path, ids = newsroom
    result = run("export", "--format", "csv", "--source", ids["sources"][0][:4], "--db", path)
    assert result.exit_code == 1
    assert result.stderr == f"error: {ids['sources'][0][:4]}: too short; an id prefix needs 6 or more characters\n"


# --- stats --------------------------------------------------------------------------


@pytest.mark.parametrize("width", [120, 80, 60])
def test_stats_keeps_every_column_whole_at_terminal_widths(newsroom, width):
    path, ids = newsroom
    result = run("stats", "--db", path, env={"COLUMNS": str(width)})
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    tables = [line for line in lines if not line.startswith(("/", " "))]  # the path line may be longer
    assert all(len(line) <= width for line in tables), "\n".join(line for line in lines if len(line) > width)
    assert re.search(r"^status +claims +quotes +total$", result.output, re.MULTILINE)
    assert re.search(r"^id +title +claims +quotes +reviewed$", result.output, re.MULTILINE)
    for source in ids["sources"]:
        # every source id whole (what export --source takes), then its title, then its counts
        assert re.search(rf"^{source}  \S.* +\d+ +\d+ +\d+$", result.output, re.MULTILINE), source
    assert re.search(r"^Unreviewed +\d+ +\d+ +\d+$", result.output, re.MULTILINE)


def test_stats_counts_links_clusters_and_number_conflicts(newsroom):
    path, _ = newsroom
    db = sqlite3.connect(path)
    conflicts = db.execute("SELECT count(*) FROM links WHERE method = 'number-conflict'").fetchone()[0]
    links = db.execute("SELECT count(*) FROM links WHERE method != 'number-conflict'").fetchone()[0]
    clusters = db.execute("SELECT count(DISTINCT cluster_id) FROM items").fetchone()[0]
    assert conflicts >= 1 and links > conflicts and clusters > 1
    output = run("stats", "--db", path).output
    assert re.search(rf"^ *number conflicts +{conflicts} *$", output, re.MULTILINE)
    assert re.search(rf"^ *links +{links} *$", output, re.MULTILINE)
    assert re.search(rf"^ *clusters +{clusters} *$", output, re.MULTILINE)


def test_stats_shows_an_exported_source_by_the_id_it_lists(newsroom):
    path, _ = newsroom
    listed = re.findall(r"^([0-9a-f]{12})  ", run("stats", "--db", path).output, re.MULTILINE)
    assert len(listed) == 3
    exported = run("export", "--format", "jsonl", "--source", listed[0], "--db", path)
    assert exported.exit_code == 0 and exported.stdout.count("\n") > 5


# --- backup -------------------------------------------------------------------------


def test_backup_says_what_it_copied_in_bytes_and_items(newsroom, tmp_path):
    path, ids = newsroom
    run("mark", ids["five"], "false", "--db", path)
    copy = tmp_path / "copy.db"
    result = run("backup", str(copy), "--db", path)
    assert result.exit_code == 0, result.output
    items = sqlite3.connect(copy).execute("SELECT count(*) FROM items").fetchone()[0]
    match = re.fullmatch(
        r"backed up ([\d.]+) (kB|MB) \(([\d,]+) items, 1 reviews, 3 sources\) to (.+)\n", result.output
    )
    assert match, result.output
    size = float(match[1]) * (1000 if match[2] == "kB" else 1_000_000)
    assert abs(size - copy.stat().st_size) <= 0.05 * copy.stat().st_size
    assert int(match[3].replace(",", "")) == items and match[4] == str(copy)
    assert "page" not in result.output


def test_backup_never_overwrites_an_existing_file_unless_forced(newsroom, tmp_path):
    path, _ = newsroom
    precious = tmp_path / "precious.db"
    precious.write_bytes(b"yesterday's backup")
    refused = run("backup", str(precious), "--db", path)
    assert refused.exit_code == 1
    assert refused.output == f"error: {precious}: already exists; kept as it is (--force replaces it)\n"
    assert precious.read_bytes() == b"yesterday's backup"
    assert not list(tmp_path.glob("*.partial"))
    forced = run("backup", str(precious), "--force", "--db", path)
    assert forced.exit_code == 0, forced.output
    assert sqlite3.connect(precious).execute("SELECT count(*) FROM items").fetchone()[0] > 0
