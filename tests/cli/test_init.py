"""``workbench init`` as a new desk runs it, and ``workbench`` run for the first time in a
folder: real files, real prompts answered on standard input, a real process in a terminal."""

from __future__ import annotations

import os
import pty
import select
import subprocess
import sys
import time
import tomllib
from pathlib import Path

import pytest
from click.testing import CliRunner

from workbench.cli import cli
from workbench.config import load_config
from workbench.pipeline import ingest
from workbench.store.database import open_db
from workbench.store.reviews import mark

WORKBENCH = str(Path(sys.executable).parent / "workbench")


def run(*args: str, input: str | None = None):
    return CliRunner().invoke(cli, list(args), input=input, catch_exceptions=False)


def test_init_with_options_writes_a_configuration_that_claimreview_publishes_with(tmp_path):
    db_path = tmp_path / "desk" / "workbench.db"
    result = run(
        "init", "--db", str(db_path), "--no-input", "--title", "Belarus desk", "--organization", "Minsk Fact Desk",
        "--organization-url", "https://factdesk.news/", "--claimreview-url", "https://factdesk.news/checks/{id}",
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    written = tmp_path / "desk" / "workbench.toml"
    assert result.output == (
        f"Wrote {written}.\nClaimReview exports will be published by Minsk Fact Desk (https://factdesk.news/).\n"
    )
    config = load_config(db_path=db_path)
    assert (config.title, config.organization_name, config.organization_url, config.claimreview_url) == (
        "Belarus desk",
        "Minsk Fact Desk",
        "https://factdesk.news/",
        "https://factdesk.news/checks/{id}",
    )
    db = open_db(db_path)
    ingest(db, [str(Path(__file__).resolve().parents[2] / "fixtures")], workers=1)
    item = db.execute("SELECT id FROM items ORDER BY seq LIMIT 1").fetchone()[0]
    mark(db, item, "false", reviewer="ana")
    db.close()
    exported = run("export", "--db", str(db_path), "--format", "claimreview")
    assert exported.exit_code == 0, exported.stderr
    assert '"url": "https://factdesk.news/checks/' + item in exported.stdout


def test_init_asks_the_questions_that_matter_and_asks_again_after_a_wrong_answer(tmp_path):
    db_path = tmp_path / "workbench.db"
    answers = "Belarus desk\nMinsk Fact Desk\nhttps://www.example.org/\nfactdesk.news\nhttps://factdesk.news/\n\n"
    result = run("init", "--db", str(db_path), input=answers)
    assert result.exit_code == 0, result.output
    assert "Report title [Verdict report]: Belarus desk" in result.output
    assert "is an example address, where nothing is published" in result.output
    assert "is not an http(s) URL" in result.output
    written = tomllib.loads((tmp_path / "workbench.toml").read_text(encoding="utf-8"))
    assert written == {
        "report": {"title": "Belarus desk"},
        "organization": {"name": "Minsk Fact Desk", "url": "https://factdesk.news/"},
    }


def test_init_can_skip_the_publisher(tmp_path):
    result = run("init", "--db", str(tmp_path / "workbench.db"), input="\n\n")
    assert result.exit_code == 0, result.output
    assert "ClaimReview needs [organization] name and url in it (or --organization on export)." in result.output
    assert tomllib.loads((tmp_path / "workbench.toml").read_text(encoding="utf-8")) == {
        "report": {"title": "Verdict report"},
        "organization": {},
    }


def test_an_existing_configuration_is_replaced_only_when_the_user_says_so(tmp_path):
    existing = tmp_path / "workbench.toml"
    existing.write_text('[report]\ntitle = "Ours, edited by hand"\n', encoding="utf-8")
    db = str(tmp_path / "workbench.db")
    refused = run("init", "--db", db, "--no-input", "--title", "New")
    assert refused.exit_code == 1
    assert refused.output == f"error: {existing}: already exists; kept as it is (--force replaces it)\n"
    kept = run("init", "--db", db, "--title", "New", input="n\n")
    assert (
        kept.exit_code == 0 and f"{existing} exists. Replace it? [y/N]: n\nKept {existing} as it is.\n" == kept.output
    )
    assert existing.read_text(encoding="utf-8") == '[report]\ntitle = "Ours, edited by hand"\n'
    replaced = run("init", "--db", db, "--title", "New", input="y\n\n")
    assert replaced.exit_code == 0, replaced.output
    assert load_config(existing).title == "New"
    forced = run("init", "--db", db, "--no-input", "--force", "--title", "Newer")
    assert forced.exit_code == 0 and load_config(existing).title == "Newer"
    assert sorted(path.name for path in tmp_path.iterdir()) == ["workbench.toml"]  # no temporary file left


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("--organization", "Example Fact-Check Desk", "--organization-url", "https://factdesk.news/"),
         "error: ClaimReview 'Example Fact-Check Desk' is the example's placeholder, not an organisation\n"),
        (("--organization", "Minsk Fact Desk", "--organization-url", "https://factcheck.example.org/"),
         "error: ClaimReview the url 'https://factcheck.example.org/' is an example address, where nothing is published\n"),
        (("--organization", "Minsk Fact Desk"), "error: --organization and --organization-url go together: give both or neither\n"),
        (("--title", "Desk\x1b]0;pwned\x07"), "contains the unprintable character U+001B"),
    ],
)  # fmt: skip
def test_init_refuses_what_could_not_be_published_or_read_and_writes_nothing(tmp_path, args, message):
    result = run("init", "--db", str(tmp_path / "workbench.db"), "--no-input", *args)
    assert result.exit_code == 1 and result.output.count("\n") == 1 and message in result.output
    assert not list(tmp_path.iterdir())


def test_init_with_its_input_closed_says_so_in_one_line_instead_of_waiting(tmp_path):
    result = subprocess.run(
        [WORKBENCH, "init", "--db", str(tmp_path / "workbench.db")],
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 1
    assert result.stderr.endswith(
        "error: no answer (standard input closed): give the answers as options, with --no-input\n"
    )
    assert not (tmp_path / "workbench.toml").exists()


def in_a_terminal(folder: Path, seconds: float = 90) -> tuple[int, str]:
    """Run ``workbench`` in ``folder`` in a pseudo-terminal, quit the review screen with
    ``q`` once it is drawn, and return its exit status and everything it printed."""
    parent, child = pty.openpty()
    env = {**os.environ, "TERM": "xterm-256color", "COLUMNS": "100", "LINES": "30"}
    env.pop("WORKBENCH_DB", None)
    process = subprocess.Popen([WORKBENCH], stdin=child, stdout=child, stderr=child, cwd=folder, env=env)
    os.close(child)
    output, quit_at, deadline = b"", None, time.monotonic() + seconds
    try:
        while process.poll() is None and time.monotonic() < deadline:
            if select.select([parent], [], [], 0.2)[0]:
                try:
                    output += os.read(parent, 65536)
                except OSError:
                    break
            if quit_at is None and b"\x1b[?1049h" in output:  # the review screen took the terminal
                quit_at = time.monotonic() + 2
            if quit_at is not None and time.monotonic() > quit_at:
                os.write(parent, b"q")
                quit_at = float("inf")
        return process.wait(timeout=30), output.decode(errors="replace")
    finally:
        if process.poll() is None:
            process.kill()
        os.close(parent)


def test_workbench_in_another_folder_says_where_it_created_the_database(tmp_path):
    code, output = in_a_terminal(tmp_path)
    database = tmp_path / "db" / "workbench.db"
    assert code == 0, output[-2000:]
    assert f"No database at {database}: creating it from the demo articles in " in output
    assert f"Created {database}. `workbench` opens the db/workbench.db of the folder it runs in" in output
    assert open_db(database, readonly=True).execute("SELECT count(*) FROM items").fetchone()[0] > 50
    again, output = in_a_terminal(tmp_path)
    assert again == 0 and "Created" not in output  # the second time it only opens it
