"""``workbench export``: verdict reports and data in any registered format."""

from __future__ import annotations

import sqlite3
import sys
from dataclasses import replace
from pathlib import Path

import click

from ..config import ConfigError, config_path_for, load_config
from ..reports.formats import export_formats, format_for_suffix, format_named, plugin_problems
from ..reports.output import open_output
from ..reports.query import ExportError, Filters, Selection, read_snapshot
from ..untrusted import visible
from .common import database_path, db_option, fail, open_database, warn

# The files that hold a database's data, beside it: an export must never replace them.
DATABASE_FILES = {
    "": "the database",
    "-wal": "the database's journal",
    "-shm": "the database's journal index",
    "-journal": "the database's journal",
}


@click.command()
@click.option(
    "--format",
    "-f",
    "format_",
    default=None,
    metavar="|".join(export_formats()),
    help="Output format (default: from the -o file's extension, else md).",
)
@click.option("-o", "--output", default="-", metavar="FILE|-", help="Where to write (default: - for stdout).")
@click.option(
    "--status",
    "statuses",
    multiple=True,
    metavar="S",
    help="Only items with this status: an id or a label, any case (repeat, or separate with commas).",
)
@click.option("--kind", default=None, metavar="claim|quote", help="Only claims or only quotes.")
@click.option(
    "--source",
    "sources",
    multiple=True,
    metavar="ID",
    help="Only items from this source: its id as `workbench stats` lists it, or 6+ first characters (repeatable).",
)
@click.option(
    "--reviewed-only",
    is_flag=True,
    help="Only items with a verdict (not unreviewed or in progress); md and html do so by default.",
)
@click.option(
    "--all",
    "all_items",
    is_flag=True,
    help="md, html: list the items without a verdict too (unreviewed, in progress).",
)
@click.option("--organization", default=None, metavar="NAME", help="claimreview: who publishes the verdicts.")
@click.option("--organization-url", default=None, metavar="URL", help="claimreview: the publisher's web address.")
@db_option
@click.option(
    "--config",
    "config_path",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="Configuration file (default: workbench.toml beside the database).",
)
def export(
    format_: str | None,
    output: str,
    statuses: tuple[str, ...],
    kind: str | None,
    sources: tuple[str, ...],
    reviewed_only: bool,
    all_items: bool,
    organization: str | None,
    organization_url: str | None,
    db_path: Path | None,
    config_path: Path | None,
) -> None:
    """Export verdicts and items: a verdict report (md, html), data (csv, json, jsonl) or
    ClaimReview JSON-LD.

    A verdict report lists the items with a verdict unless --all or --status says otherwise.
    """
    for problem in plugin_problems():
        warn(problem)
    try:
        chosen = format_named(format_) if format_ else format_for_suffix(Path(output).suffix if output != "-" else "")
    except ExportError as error:
        fail(str(error))
    if all_items and reviewed_only:
        fail("--all and --reviewed-only contradict each other: give one")
    if output != "-" and not Path(output).parent.resolve().is_dir():
        fail(f"{output}: no such folder {Path(output).parent}")
    db_path = database_path(db_path)
    db = open_database(db_path, config_path, create=False)  # mirrors the configuration's statuses
    try:
        config = load_config(config_path, db_path=db_path)
    except ConfigError as error:
        fail(str(error))
    config = replace(
        config,
        organization_name=organization if organization is not None else config.organization_name,
        organization_url=organization_url if organization_url is not None else config.organization_url,
    )
    statuses = tuple(dict.fromkeys(part.strip() for value in statuses for part in value.split(",") if part.strip()))
    filters = Filters(
        statuses=statuses,
        kind=kind,
        sources=sources,
        # A verdict report shows verdicts unless asked for more; --status says which itself.
        reviewed_only=reviewed_only or (chosen.verdicts_only and not all_items and not statuses),
    )
    protected = {f"{db_path}{suffix}": what for suffix, what in DATABASE_FILES.items()}
    protected[str(config.path or config_path_for(db_path))] = "the configuration"
    try:
        with read_snapshot(db):
            selection = Selection(db, filters, config)
            if chosen.check:
                chosen.check(config)  # before the output file is created
            with open_output(output, newline=chosen.newline, protected=protected) as stream:
                count = chosen.write(selection, stream)
    except ExportError as error:
        fail(str(error))
    except BrokenPipeError:
        # The reader (``| head``) went away; what it wanted was written.
        sys.stderr.close()
        sys.exit(0)
    except OSError as error:
        fail(f"{'standard output' if output == '-' else output}: {error.strerror or error}")
    except sqlite3.DatabaseError as error:
        fail(f"{db_path}: {error}")
    for warning in selection.warnings:
        warn(warning)
    if output != "-":
        click.echo(f"exported {count:,} items to {visible(output)}", err=True)


def register_commands(cli: click.Group) -> None:
    cli.add_command(export)
