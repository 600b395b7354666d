"""Every recipe in docs/COOKBOOK.md runs, as written, against a database built from the fixtures.

The recipes are parsed out of the Markdown (```sh blocks that start with
``sqlite-utils`` and ```python blocks), so the cookbook cannot rot unnoticed.
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
from paths import ROOT

from workbench.link import link_items
from workbench.pipeline import ingest
from workbench.store.database import open_db
from workbench.store.reviews import mark

COOKBOOK = ROOT / "docs" / "COOKBOOK.md"
SQLITE_UTILS = Path(sys.executable).parent / "sqlite-utils"
# What a recipe's output must contain, by recipe number, beyond "some rows".
EXPECT = {
    "2": "Belarus Hi-Tech Park",
    "3": "With warm words",
    "8": "unreviewed",
    "9": "->",
    "10": "percent",
    "12": "Kazakhstan",
    "13": "misleading",
}


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


def recipes() -> list[pytest.param]:
    """``(number, language, code)`` for each runnable block, in document order."""
    found, number = [], "0"
    blocks = re.finditer(
        r"^## (\d+)\.[^\n]*$|^```(sh|python)\n(.*?)^```$",
        COOKBOOK.read_text(encoding="utf-8"),
        re.MULTILINE | re.DOTALL,
    )
    for match in blocks:
        if match.group(1):
            number = match.group(1)
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
    if language == "sh":
        command = [shutil.which("bash") or "/bin/bash", "-c", f"{SQLITE_UTILS}{code[len('sqlite-utils') :]}"]
    else:
        command = [sys.executable, "-c", code]
    result = subprocess.run(command, cwd=tmp_path, env=env, capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    assert "Error" not in result.stderr
    output = result.stdout.strip()
    if output.startswith('[{"rows_affected"'):
        assert json.loads(output)[0]["rows_affected"] > 0
    else:
        assert len(output.splitlines()) >= 2, f"recipe {number} printed too little:\n{result.stdout}"
    if number in EXPECT:
        assert EXPECT[number] in output
