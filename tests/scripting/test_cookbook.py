"""Every recipe in docs/COOKBOOK.md runs, as written, on the databases it says it expects.

The recipes are parsed out of the Markdown (```sh blocks that start with
``sqlite-utils`` and ```python blocks), so the cookbook cannot rot unnoticed: top to bottom
on the default database (`workbench ingest fixtures/`), where every recipe that expects it
returns rows, and each on its own on a database where reviewers have worked for a day.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from newsroom import item_in, write_corpus
from paths import FIXTURES, ROOT

from workbench.link import link_items
from workbench.pipeline import ingest
from workbench.store.database import open_db
from workbench.store.reviews import mark

COOKBOOK = ROOT / "docs" / "COOKBOOK.md"
SQLITE_UTILS = Path(sys.executable).parent / "sqlite-utils"
# What a recipe's output must contain, by recipe number, beyond "some rows".
EXPECT = {
    "5": "->",
    "6": "percent",
    "10": "unreviewed",
    "11": "Belarus Hi-Tech Park",
    "12": "With warm words",
    "14": "misleading",
    "17": "Kazakhstan",
}
DEFAULT_DATABASE = "*Database:* the default one"


@pytest.fixture(scope="module")
def newsroom(tmp_path_factory) -> tuple[Path, str]:
    """A database like a desk's after a day's work; returns it and a clustered item id."""
    base = tmp_path_factory.mktemp("newsroom")
    corpus, path = base / "corpus", base / "workbench.db"
    write_corpus(corpus, planet_extra="\n\nKazakhstan offered a new visa for programmers in October.\n")
    db = open_db(path)
    ingest(db, [str(corpus)], workers=1)
    link_items(db)
    orphan = item_in(db, "Daily Planet", "Kazakhstan offered a new visa")
    mark(db, orphan, "false", note="No such visa.", reviewer="bob")
    write_corpus(corpus)  # the Planet edits the sentence out: its review is orphaned
    ingest(db, [str(corpus)], workers=1)
    link_items(db)
    mark(db, item_in(db, "Reuters", "some 5% of all"), "false", note="Closer to 3%.", reviewer="alice")
    mark(db, item_in(db, "Reuters", "IT-related businessmen are willing"), "false", reviewer="alice")
    mark(db, item_in(db, "Reuters", "Mass protests have rocked"), "true", reviewer="bob")
    clustered = db.execute(
        "SELECT items.id FROM items JOIN sources ON sources.id = items.source_id WHERE sources.outlet = 'Reuters' "
        "AND items.cluster_id IS NOT NULL AND items.status = 'unreviewed' ORDER BY items.seq LIMIT 1"
    ).fetchone()[0]
    mark(db, clustered, "in-progress", reviewer="alice")
    mark(db, clustered, "misleading", note="Context missing.", reviewer="alice")
    db.conn.close()
    return path, clustered


def recipes(on_default: bool | None = None) -> list[pytest.param]:
    """``(number, language, code)`` for each runnable block, in document order; only those of
    recipes that expect the default database (``on_default``), or that do not, when given."""
    found, number, default = [], "0", False
    blocks = re.finditer(
        r"^## (\d+)\.[^\n]*$|^```(sh|python)\n(.*?)^```$|^(\*Database:\*[^\n]*)$",
        COOKBOOK.read_text(encoding="utf-8"),
        re.MULTILINE | re.DOTALL,
    )
    for match in blocks:
        if match.group(1):
            number, default = match.group(1), False
            continue
        if match.group(4):
            default = match.group(4).startswith(DEFAULT_DATABASE)
            continue
        if on_default is not None and default != on_default:
            continue
        language, code = match.group(2), match.group(3)
        if language == "sh" and not code.startswith("sqlite-utils "):
            continue
        index = sum(1 for param in found if param.values[0] == number) + 1
        found.append(pytest.param(number, language, code, id=f"recipe-{number}.{index}-{language}"))
    return found


def test_cookbook_has_ten_recipes_or_more():
    assert len({param.values[0] for param in recipes()}) >= 10


@pytest.mark.parametrize(("number", "language", "code"), recipes())
def test_recipe(newsroom, tmp_path, number, language, code):
    template, clustered = newsroom
    (tmp_path / "db").mkdir()
    shutil.copy(template, tmp_path / "db" / "workbench.db")  # every recipe gets the same starting point
    env = {**os.environ, "ITEM": clustered}
    output = run_recipe(language, code, tmp_path, env)
    assert returned_rows(output, code), f"recipe {number} printed too little:\n{output}"
    if number in EXPECT:
        assert EXPECT[number] in output


def run_recipe(language: str, code: str, folder: Path, env: dict) -> str:
    if language == "sh":
        command = [shutil.which("bash") or "/bin/bash", "-c", f"{SQLITE_UTILS}{code[len('sqlite-utils') :]}"]
    else:
        command = [sys.executable, "-c", code]
    result = subprocess.run(command, cwd=folder, env=env, capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    assert "Error" not in result.stderr
    return result.stdout.strip()


def returned_rows(output: str, code: str) -> bool:
    """Rows changed, or rows printed: beyond a table's header and rule, a CSV's header, an empty JSON list."""
    if output.startswith('[{"rows_affected"'):
        return json.loads(output)[0]["rows_affected"] > 0
    if "--table" in code:
        return len(output.splitlines()) >= 3
    return len(output.splitlines()) >= 2 or output not in ("", "[]")


def test_recipes_in_order_on_the_default_database(tmp_path):
    """The README's first command builds it; every recipe that expects it returns rows."""
    (tmp_path / "db").mkdir()
    db = open_db(tmp_path / "db" / "workbench.db")
    assert not ingest(db, [str(FIXTURES)], workers=1).failures
    db.conn.close()
    snippet = re.search(r"^\$ export ITEM=\$\((sqlite-utils .*)\)$", COOKBOOK.read_text(encoding="utf-8"), re.MULTILINE)
    item = run_recipe("sh", snippet.group(1), tmp_path, dict(os.environ))
    assert re.fullmatch(r"[0-9a-f]{16}", item), item
    env = {**os.environ, "ITEM": item}
    on_default = {param.values[2] for param in recipes(on_default=True)}
    for param in recipes():
        number, language, code = param.values
        output = run_recipe(language, code, tmp_path, env)
        if code in on_default:
            assert returned_rows(output, code), f"recipe {number} printed no rows on the default database:\n{output}"
