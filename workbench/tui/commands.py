"""``workbench review``: open the review screen (Textual is imported only when it runs)."""

from __future__ import annotations

from pathlib import Path

import click

from ..options import db_option


def run_review(db_path: Path, reviewer: str | None = None) -> None:
    """Open the review app on ``db_path`` and block until it quits."""
    from .app import ReviewApp

    ReviewApp(db_path, reviewer=reviewer).run()


@click.command()
@db_option
@click.option("--reviewer", default=None, help="Who is reviewing (default: $WORKBENCH_REVIEWER or the OS user).")
def review(db_path: Path | None, reviewer: str | None) -> None:
    """Open the review screen: mark claims and quotes, compare linked items."""
    from ..cli import _open
    from ..store.database import default_db_path

    path = db_path or default_db_path()
    _open(path, create=False).conn.close()  # a missing or unusable file is a one-line error, not a traceback
    run_review(path, reviewer)


COMMANDS = [review]
