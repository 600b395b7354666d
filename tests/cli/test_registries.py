"""Built-in commands, readers and export formats are registered the way a plugin registers
its own: a real plugin package on disk, found through its entry points, adds each."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from workbench.store.database import open_db

PLUGIN = '''
import click

from workbench.reports.formats import ExportFormat, register


def write_ids(selection, out):
    count = 0
    for item in selection.items(cluster=False):
        out.write(item["id"] + "\\n")
        count += 1
    return count


register(ExportFormat("ids", (".ids",), write_ids))


@click.command("hello")
def hello():
    """Say hello."""
    click.echo("hello from a plugin")


def register_commands(cli):
    cli.add_command(hello)
'''


READER_PLUGIN = '''
from workbench.model import Article
from workbench.readers import Reader, register
from workbench.readers.article import file_key, finish_article


def read_shouting(given, path):
    """A newsroom's wire format: one article per file, in capitals."""
    raw = path.read_bytes()
    headline, _, body = raw.decode("utf-8").lower().partition("\\n\\n")
    article = Article(key=file_key(path), path=given, text=body, title=headline.strip(), format="shout")
    return finish_article(article, raw)


register(Reader("shout", (".shout",), read_shouting))
'''


def install_plugin(site: Path, name: str, source: str, entry_points: str) -> None:
    """A plugin as pip leaves it: its module and a dist-info folder naming its entry points."""
    (site / f"{name}.py").write_text(source, encoding="utf-8")
    info = site / f"{name}-0.1.dist-info"
    info.mkdir(parents=True)
    (info / "METADATA").write_text(f"Metadata-Version: 2.1\nName: {name}\nVersion: 0.1\n", encoding="utf-8")
    (info / "entry_points.txt").write_text(entry_points, encoding="utf-8")


def run_workbench(site: Path, *args: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "PYTHONPATH": str(site)}
    return subprocess.run(
        [sys.executable, "-m", "workbench", *args], capture_output=True, text=True, env=env, timeout=120
    )


@pytest.fixture
def site(tmp_path: Path) -> Path:
    folder = tmp_path / "site"
    folder.mkdir()
    return folder


def test_a_plugin_adds_a_command_and_an_export_format(site, fixture_db, tmp_path):
    install_plugin(
        site,
        "wb_demo_plugin",
        PLUGIN,
        "[workbench.commands]\ndemo = wb_demo_plugin\n\n[workbench.exports]\ndemo = wb_demo_plugin\n",
    )
    hello = run_workbench(site, "hello")
    assert (hello.returncode, hello.stdout, hello.stderr) == (0, "hello from a plugin\n", "")
    assert "hello" in run_workbench(site, "--help").stdout
    db_path = fixture_db.execute("PRAGMA database_list").fetchone()[2]
    out = tmp_path / "all.ids"
    exported = run_workbench(site, "export", "--db", db_path, "-o", str(out))  # chosen by the .ids suffix
    assert exported.returncode == 0, exported.stderr
    ids = out.read_text(encoding="utf-8").split()
    assert sorted(ids) == sorted(row[0] for row in fixture_db.execute("SELECT id FROM items"))
    assert "ids" in run_workbench(site, "export", "--help").stdout


def test_a_broken_plugin_is_one_warning_and_the_built_in_commands_still_work(site):
    install_plugin(
        site,
        "wb_broken_plugin",
        "raise ImportError('missing dependency frobnicate')\n",
        "[workbench.commands]\nbroken = wb_broken_plugin\n",
    )
    result = run_workbench(site, "--help")
    assert result.returncode == 0
    assert result.stderr == ("warning: plugin broken (wb_broken_plugin) not loaded: missing dependency frobnicate\n")
    assert "ingest" in result.stdout and "export" in result.stdout


def test_a_broken_export_plugin_is_one_warning_and_the_built_in_formats_still_work(site, fixture_db, tmp_path):
    install_plugin(
        site,
        "wb_broken_format",
        "raise RuntimeError('bad format plugin')\n",
        "[workbench.exports]\nbroken = wb_broken_format\n",
    )
    db_path = fixture_db.execute("PRAGMA database_list").fetchone()[2]
    result = run_workbench(site, "export", "--db", db_path, "-o", str(tmp_path / "report.csv"))
    assert result.returncode == 0
    assert result.stderr.splitlines()[0] == "warning: plugin broken (wb_broken_format) not loaded: bad format plugin"
    assert (tmp_path / "report.csv").read_text(encoding="utf-8").startswith("id,")


def test_a_plugin_adds_an_input_format(site, tmp_path):
    install_plugin(site, "wb_reader_plugin", READER_PLUGIN, "[workbench.readers]\nshout = wb_reader_plugin\n")
    corpus = tmp_path / "wire"
    corpus.mkdir()
    (corpus / "story.shout").write_text(
        "MINISTRY CUTS BUDGET\n\nTHE MINISTRY CUT THE EDUCATION BUDGET BY 12% IN 2020, OFFICIALS SAID.\n",
        encoding="utf-8",
    )
    db_path = tmp_path / "wire.db"
    result = run_workbench(site, "ingest", str(corpus), "--db", str(db_path))
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("1 files, 1 articles: 1 new")
    db = open_db(db_path)
    assert db.execute("SELECT format, title FROM sources").fetchall() == [("shout", "ministry cuts budget")]
    texts = dict(db.execute("SELECT headline, text FROM items").fetchall())
    assert texts[1] == "ministry cuts budget"
    assert texts[0].startswith("the ministry cut the education budget by 12% in 2020")
    db.close()
