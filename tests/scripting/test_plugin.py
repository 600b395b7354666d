"""The scripting surface: SQL functions (sqlite-utils and Datasette plugins), the
configuration file mirrored into ``statuses``, and the Datasette metadata."""

from __future__ import annotations

import asyncio
import json
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner
from paths import ROOT
from rapidfuzz import fuzz, utils
from sqlite_utils import Database

from workbench.cli import cli
from workbench.config import ConfigError, load_config, parse_config
from workbench.store.database import open_db, write_transaction
from workbench.store.identity import canonical_text
from workbench.store.reviews import mark
from workbench.store.statuses import mirror_statuses, workflow_ids

SQLITE_UTILS = Path(sys.executable).parent / "sqlite-utils"
TEXTS = {
    "a1": "Unemployment fell by 5% last year, the minister said.",
    "a2": "The minister said unemployment fell by 5% last year.",
    "a3": "  “Unemployment   FELL by 5% last year.”  ",
    "a4": "Inflation rose sharply in the spring.",
}


@pytest.fixture()
def db_path(tmp_path) -> Path:
    path = tmp_path / "workbench.db"
    db = open_db(path)
    with write_transaction(db):
        db["sources"].insert(
            {
                "id": "src000000001",
                "key": "k",
                "path": "p",
                "sha256": "0",
                "text": "",
                "format": "txt",
                "extractor": "test",
                "ingested_at": "2026-01-01",
            }
        )
        for seq, (id_, text) in enumerate(TEXTS.items()):
            db["items"].insert(
                {
                    "id": id_,
                    "source_id": "src000000001",
                    "seq": seq,
                    "kind": "claim",
                    "text": text,
                    "start": 0,
                    "end": len(text),
                    "paragraph": 0,
                    "first_seen": "2026-01-01",
                }
            )
    db.conn.close()
    return path


# --- SQL functions ----------------------------------------------------------------


def test_functions_in_sqlite_utils_database(db_path):
    db = Database(db_path)  # plugins load through the entry point
    query = (
        "SELECT id, fuzz_ratio(text, :q), fuzz_partial_ratio(text, :q), fuzz_token_set_ratio(text, :q), "
        "fuzz_token_sort_ratio(text, :q), workbench_normalise(text) FROM items ORDER BY id"
    )
    q = "the minister said unemployment fell by 5% last year"
    for id_, ratio, partial, token_set, token_sort, normalised in db.execute(query, {"q": q}):
        text = TEXTS[id_]
        assert ratio == pytest.approx(fuzz.ratio(text, q, processor=utils.default_process))
        assert partial == pytest.approx(fuzz.partial_ratio(text, q, processor=utils.default_process))
        assert token_set == pytest.approx(fuzz.token_set_ratio(text, q, processor=utils.default_process))
        assert token_sort == pytest.approx(fuzz.token_sort_ratio(text, q, processor=utils.default_process))
        assert normalised == canonical_text(text)
    similar = [
        row[0]
        for row in db.execute("SELECT id FROM items WHERE fuzz_token_set_ratio(text, :q) > 80 ORDER BY id", {"q": q})
    ]
    assert similar == ["a1", "a2", "a3"]
    assert (
        db.execute(
            "SELECT workbench_normalise(:a) = workbench_normalise(:b)",
            {"a": TEXTS["a3"], "b": "unemployment fell by 5% last year"},
        ).fetchone()[0]
        == 1
    )


def test_functions_are_null_safe(db_path):
    db = Database(db_path)
    row = db.execute(
        "SELECT fuzz_ratio(NULL, 'a'), fuzz_partial_ratio('a', NULL), fuzz_token_set_ratio(NULL, NULL), "
        "fuzz_token_sort_ratio(NULL, 'x'), workbench_normalise(NULL), fuzz_ratio(42, '42')"
    ).fetchone()
    assert row == (None, None, None, None, None, 100.0)


def test_functions_are_deterministic(db_path):
    # SQLite accepts only deterministic functions in index expressions.
    db = Database(db_path)
    db.execute("CREATE INDEX items_normalised ON items(workbench_normalise(text))")
    assert (
        db.execute(
            "SELECT count(*) FROM items WHERE workbench_normalise(text) = ?", [canonical_text(TEXTS["a1"])]
        ).fetchone()[0]
        == 1
    )


def test_workbench_connections_have_the_functions(db_path):
    db = open_db(db_path)
    assert db.execute("SELECT fuzz_token_sort_ratio('a b', 'b a')").fetchone()[0] == 100.0


def test_sqlite_utils_cli_with_parameters(db_path):
    result = subprocess.run(
        [
            str(SQLITE_UTILS),
            "query",
            str(db_path),
            "select id, round(fuzz_token_set_ratio(text, :q)) as score from items "
            "where fuzz_token_set_ratio(text, :q) > 80 order by id",
            "-p",
            "q",
            "unemployment fell by 5% last year",
        ],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    assert [row["id"] for row in json.loads(result.stdout)] == ["a1", "a2", "a3"]
    plugins = subprocess.run([str(SQLITE_UTILS), "plugins"], capture_output=True, text=True, timeout=60)
    assert {"name": "workbench", "hooks": ["prepare_connection"]}.items() <= next(
        plugin for plugin in json.loads(plugins.stdout) if plugin["name"] == "workbench"
    ).items()


def test_plain_sqlite_connection_gets_them_from_the_hook():
    from workbench import sqlite_plugin

    conn = sqlite3.connect(":memory:")
    sqlite_plugin.prepare_connection(conn)
    assert (
        conn.execute("SELECT fuzz_partial_ratio('fell by 5%', 'Unemployment fell by 5% last year')").fetchone()[0]
        == 100.0
    )


def test_datasette_plugin(db_path):
    datasette = pytest.importorskip("datasette.app")

    async def run() -> list:
        instance = datasette.Datasette([str(db_path)])
        result = await instance.get_database("workbench").execute(
            "SELECT id FROM items WHERE fuzz_token_set_ratio(text, ?) > 80 ORDER BY id",
            ["unemployment fell by 5% last year"],
        )
        return [row[0] for row in result.rows]

    assert asyncio.run(run()) == ["a1", "a2", "a3"]


# --- Datasette metadata -----------------------------------------------------------


def test_datasette_metadata_describes_every_table_view_and_column(tmp_path):
    db = open_db(tmp_path / "workbench.db")  # the real schema, with every migration of this tree
    metadata = json.loads((ROOT / "db" / "datasette-metadata.json").read_text(encoding="utf-8"))
    described = metadata["databases"]["workbench"]["tables"]
    actual = {name: [column.name for column in db[name].columns] for name in db.table_names() + db.view_names()}
    assert sorted(set(actual) - set(described)) == [], "tables or views missing from db/datasette-metadata.json"
    assert sorted(set(described) - set(actual)) == [], "db/datasette-metadata.json describes what does not exist"
    for name, columns in actual.items():
        entry = described[name]
        assert entry.get("title") and entry.get("description"), name
        assert sorted(set(columns) ^ set(entry["columns"])) == [], f"columns of {name}"
        assert all(text.strip() for text in entry["columns"].values()), name


def test_datasette_shows_the_metadata(db_path):
    datasette = pytest.importorskip("datasette.app")
    metadata = json.loads((ROOT / "db" / "datasette-metadata.json").read_text(encoding="utf-8"))

    async def run() -> tuple[str, str]:
        instance = datasette.Datasette([str(db_path)], metadata=metadata)
        items = await instance.client.get("/workbench/items")
        view = await instance.client.get("/workbench/item_status")
        return items.text, view.text

    items, view = asyncio.run(run())
    assert "Claims and quotes" in items and "Check-worthiness, 0 to 1." in items
    assert "Items with their current verdict" in view


# --- configuration ----------------------------------------------------------------


def statuses(path: Path) -> list[tuple]:
    return (
        open_db(path, readonly=True)
        .execute("SELECT id, label, description, color, position FROM statuses ORDER BY position")
        .fetchall()
    )


def test_example_configuration_matches_the_built_in_vocabulary(db_path):
    before = statuses(db_path)
    config = load_config(ROOT / "workbench.toml.example")
    assert config.organization_name and config.claimreview_url and config.title == "Verdict report"
    db = open_db(db_path)
    changes_before = db.conn.total_changes
    result = mirror_statuses(db, config)
    assert result.changed == [] and result.warnings == []
    assert db.conn.total_changes == changes_before  # nothing written when the table matches
    assert statuses(db_path) == before
    assert config.ratings() == {"true": 4, "mostly-true": 3, "misleading": 2, "false": 1}
    assert workflow_ids(db) == {"unreviewed", "in-progress"}


def test_config_is_mirrored_into_statuses(db_path, tmp_path):
    db = open_db(db_path)
    mark(db, "a1", "misleading", reviewer="alice")
    config_path = tmp_path / "desk.toml"
    config_path.write_text(
        """
[[statuses]]
id = "false"
label = "Pants on fire"
description = "Ridiculously wrong."
color = "#ff2200"
rating = 0

[[statuses]]
id = "true"
label = "Correct"
color = "green"
rating = 3

[[statuses]]
id = "needs-context"
label = "Needs context"
rating = 2
""",
        encoding="utf-8",
    )
    result = mirror_statuses(db, load_config(config_path))
    rows = {row[0]: row[1:] for row in statuses(db_path)}
    assert rows["false"] == ("Pants on fire", "Ridiculously wrong.", "#ff2200", 0)
    assert rows["true"] == ("Correct", None, "green", 1)
    assert rows["needs-context"] == ("Needs context", None, None, 2)
    # Used by a review (misleading) or by items (unreviewed): kept, after the configured ones.
    assert rows["misleading"][3] > 2 and rows["unreviewed"][3] > 2
    assert set(rows) == {"false", "true", "needs-context", "misleading", "unreviewed"}
    assert result.warnings == [f"status 'misleading' is not in {config_path} but reviews use it; kept"]
    assert "removed mostly-true" in result.changed and "added needs-context" in result.changed
    assert mirror_statuses(db, load_config(config_path)).changed == []  # idempotent
    mark(db, "a2", "needs-context", reviewer="alice")  # the new status is usable at once


def test_config_beside_the_database_is_applied_by_export(db_path):
    (db_path.parent / "workbench.toml").write_text(
        '[report]\ntitle = "Belarus desk"\n\n[[statuses]]\nid = "unreviewed"\nlabel = "To do"\n', encoding="utf-8"
    )
    result = CliRunner().invoke(cli, ["export", "--db", str(db_path), "--format", "md", "--all"])
    assert result.exit_code == 0, result.stderr
    assert result.stdout.startswith("# Belarus desk\n") and "| To do | 4 |" in result.stdout
    assert [row[0] for row in statuses(db_path)] == ["unreviewed"]


def test_export_warns_about_statuses_in_use(db_path, tmp_path):
    mark(open_db(db_path), "a1", "false", reviewer="alice")
    config_path = tmp_path / "desk.toml"
    config_path.write_text('[[statuses]]\nid = "true"\nlabel = "True"\n', encoding="utf-8")
    result = CliRunner().invoke(cli, ["export", "--db", str(db_path), "--config", str(config_path), "-f", "csv"])
    assert result.exit_code == 0
    assert result.stderr == f"warning: status 'false' is not in {config_path} but reviews use it; kept\n"


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("[report\n", "not valid TOML"),
        ('statuses = "false"\n', "array of tables"),
        ('[[statuses]]\nlabel = "No id"\n', "id must be a non-empty string"),
        ('[[statuses]]\nid = "x"\n[[statuses]]\nid = "x"\n', "defined twice"),
        ('[[statuses]]\nid = "x"\nrating = "high"\n', "rating must be a number"),
        ('[[statuses]]\nid = "x"\ncolour = "red"\n', "unknown key 'colour'"),
        ("[organization]\nname = 3\n", "name must be a string"),
        ("report = 1\n", "[report] must be a table"),
    ],
)
def test_bad_configuration_is_one_clear_error(tmp_path, text, message):
    path = tmp_path / "bad.toml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(ConfigError, match=None) as raised:
        load_config(path)
    assert message in str(raised.value) and str(path) in str(raised.value) and "\n" not in str(raised.value)


def test_no_file_means_defaults(tmp_path):
    config = load_config(db_path=tmp_path / "workbench.db")
    assert config.path is None and config.statuses is None and config == parse_config({})
