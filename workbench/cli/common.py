"""What every command shares: the ``--db`` and ``--reviewer`` options, opening the database,
one-line errors and the console.

Errors are one plain line on stderr naming the file or item and the reason, with exit
status 1; corpus and configuration text in them is made visible, never run by the terminal.
"""

from __future__ import annotations

import contextlib
import sqlite3
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import NoReturn

import click
from rich.console import Console
from sqlite_utils import Database

from ..config import ConfigError, load_config
from ..store.database import DatabaseError, default_db_path, explain, open_db
from ..store.statuses import mirror_statuses
from ..untrusted import visible

db_option = click.option(
    "--db",
    "db_path",
    type=click.Path(path_type=Path),  # what the path is, open_db checks (one line, whatever it is)
    default=None,
    help="Database file (default: $WORKBENCH_DB or db/workbench.db).",
)
reviewer_option = click.option(
    "--reviewer", default=None, help="Who is working (default: $WORKBENCH_REVIEWER or the OS user)."
)


def console(stderr: bool = False) -> Console:
    return Console(stderr=stderr, highlight=False, soft_wrap=True)


def fail(message: str) -> NoReturn:
    """Print ``error: message`` as one line on stderr and exit 1."""
    click.echo(f"error: {visible(message)}", err=True)
    sys.exit(1)


def warn(message: str) -> None:
    click.echo(f"warning: {visible(message)}", err=True)


def database_path(db_path: Path | None) -> Path:
    """``--db`` if given, else the default database."""
    return db_path or default_db_path()


def open_database(db_path: Path | None, config_path: Path | None = None, **kwargs) -> Database:
    """Open the database (``kwargs`` go to :func:`~workbench.store.database.open_db`), mirroring
    the status vocabulary of ``config_path`` (default: ``workbench.toml`` beside the database)
    into ``statuses``. Any problem is a one-line error; a repaired schema is a warning."""
    path = database_path(db_path)
    with database_errors(path):
        db = open_db(path, on_repair=warn, **kwargs)
        for warning in mirror_statuses(db, load_config(config_path, db_path=path)).warnings:
            warn(warning)
    return db


@contextlib.contextmanager
def database_errors(path: Path) -> Iterator[None]:
    """Turn a database that cannot be opened or used (locked, read-only, disk full, corrupt,
    a bad configuration) into one error line naming it, exit status 1."""
    try:
        yield
    except (DatabaseError, ConfigError) as error:
        fail(str(error))
    except sqlite3.Error as error:
        fail(str(explain(error, path)))
