"""``workbench review``: open the review screen (Textual is imported only when it runs)."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from ..config import ConfigError, load_config
from ..store.database import DatabaseError
from ..tui.keys import KeymapError, check_keymap
from .common import database_path, db_option, fail, open_database, reviewer_option, warn


def open_review(db_path: Path, reviewer: str | None = None) -> None:
    """Open the review app on ``db_path`` and block until it quits.

    A database that cannot be opened or read is one error line. Whatever the reviewer
    asked for that was not saved (the database busy or read-only until the end, a refused
    mark left unanswered) is one warning line each, with the command that saves it, and
    the exit status is 1.
    """
    open_database(db_path, create=False).conn.close()  # a missing or unusable file is a one-line error
    try:
        config = load_config(db_path=db_path)
        check_keymap(config.keys)
    except ConfigError as error:
        fail(str(error))
    except KeymapError as error:
        fail(f"{config.path}: {error}")
    from ..tui.app import ReviewApp

    try:
        app = ReviewApp(db_path, reviewer=reviewer, keymap=config.keys)
    except DatabaseError as error:
        fail(str(error))
    app.run()
    unsaved = app.unsaved_report()
    for line in unsaved:
        warn(line)
    if unsaved or app.return_code:
        sys.exit(1)


@click.command()
@db_option
@reviewer_option
def review(db_path: Path | None, reviewer: str | None) -> None:
    """Open the review screen: mark claims and quotes, compare linked items."""
    open_review(database_path(db_path), reviewer)


def register_commands(cli: click.Group) -> None:
    cli.add_command(review)
