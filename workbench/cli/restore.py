"""``workbench restore``: bring a database back from its Litestream replica."""

from __future__ import annotations

from pathlib import Path

import click

from ..desk.replicate import ReplicationError
from ..desk.replicate import restore as restore_replica
from .common import fail, open_database


@click.command()
@click.argument("destination")
@click.argument("file", type=click.Path(path_type=Path))
def restore(destination: str, file: Path) -> None:
    """Restore the database replicated to DESTINATION (a folder, sftp:// or s3:// URL) into FILE (a new file)."""
    try:
        restore_replica(destination, file)
    except ReplicationError as error:
        fail(str(error))
    db = open_database(file, create=False)  # a workbench database, whole: or one line saying why not
    count, latest = db.execute("SELECT count(*), max(created_at) FROM reviews").fetchone()
    click.echo(f"Restored {file}: {count} review{'' if count == 1 else 's'}, the latest at {latest or 'none'}.")


def register_commands(cli: click.Group) -> None:
    cli.add_command(restore)
