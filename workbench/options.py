"""Command-line options shared by every command module (kept apart from ``workbench.cli``,
which imports those modules, so they can import this one at the top)."""

from __future__ import annotations

from pathlib import Path

import click

db_option = click.option(
    "--db",
    "db_path",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="Database file (default: $WORKBENCH_DB or db/workbench.db).",
)
