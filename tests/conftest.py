"""Shared fixtures: the real demo corpus and real databases built from it."""

from __future__ import annotations

import shutil
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))  # test helpers such as pdfmaker

from paths import FIXTURES


@pytest.fixture
def corpus(tmp_path: Path) -> Path:
    """A private copy of the fixture articles, safe to edit."""
    target = tmp_path / "corpus"
    shutil.copytree(FIXTURES, target)
    return target


@pytest.fixture
def fixture_db(tmp_path: Path, corpus: Path):
    """A real database with the fixture corpus ingested (no process pool, for speed)."""
    from workbench.pipeline import ingest
    from workbench.store.database import open_db

    db = open_db(tmp_path / "wb.db")
    summary = ingest(db, [str(corpus)], workers=1)
    assert not summary.failures
    yield db
    db.close()
