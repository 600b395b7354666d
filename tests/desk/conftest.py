"""The desk's fixtures: a real ``workbench serve`` process on a free loopback port over a
real database with real accounts; its process group is killed in teardown."""

from __future__ import annotations

import shutil
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))

from desk_client import PASSWORDS, DeskProcess, add_accounts, build_database


@pytest.fixture(scope="session")
def demo_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The demo corpus ingested once per test process (copied by each test that changes it)."""
    return build_database(tmp_path_factory.mktemp("demo") / "demo.db")


@pytest.fixture
def open_db_path(tmp_path: Path, demo_db: Path) -> Path:
    """A database without accounts."""
    return Path(shutil.copy(demo_db, tmp_path / "desk.db"))


@pytest.fixture
def desk_db(open_db_path: Path) -> Path:
    add_accounts(open_db_path, PASSWORDS)
    return open_db_path


@pytest.fixture
def desk(desk_db: Path):
    with DeskProcess(desk_db) as process:
        yield process
