"""``workbench mark``: record a verdict from the command line (for scripts and other tools)."""

from __future__ import annotations

from pathlib import Path

import click

from ..store.reviews import ReviewError, default_reviewer
from ..store.reviews import mark as record_mark
from ..untrusted import visible
from .common import database_errors, database_path, db_option, fail, open_database, reviewer_option


@click.command()
@click.argument("item_id")
@click.argument("status")
@click.option("--note", default=None, help="A note to keep with the verdict.")
@reviewer_option
@click.option(
    "--expect",
    "expected",
    default=None,
    help="Refuse unless the item's current status is this one (an id or a label; guards against overwriting).",
)
@db_option
def mark(
    item_id: str, status: str, note: str | None, reviewer: str | None, expected: str | None, db_path: Path | None
) -> None:
    """Record a verdict STATUS for ITEM_ID.

    STATUS is a status id or label in any case (false, False, "Mostly true"); ITEM_ID is a
    full id or its first six or more characters.
    """
    db = open_database(db_path, create=False)
    try:
        with database_errors(database_path(db_path)):
            result = record_mark(
                db, item_id, status, note=note, reviewer=reviewer or default_reviewer(), expected_status=expected
            )
    except ReviewError as error:
        fail(str(error))
    # Status ids come from the statuses table, which a script may have written anything into.
    click.echo(visible(f"{result.item_id}: {result.previous_status} -> {result.status} (review {result.review_id})"))


def register_commands(cli: click.Group) -> None:
    cli.add_command(mark)
