"""``workbench stats`` and ``workbench backup``: looking after the database as a whole."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import click
from rich import box
from rich.console import Console
from rich.table import Table
from rich.text import Text

from ..untrusted import visible
from .common import console, database_errors, database_path, db_option, fail, open_database

# Lines listed of each kind of problem (orphaned reviews, gone sources); the rest are counted.
LISTED_PROBLEMS = 20


def _table(title: str, headers: tuple[str, ...], numeric: set[str], flexible: str) -> Table:
    """A table that keeps every number and id whole at any width: only the ``flexible``
    column (a name) gives up characters, ending in an ellipsis (:func:`_name`)."""
    table = Table(
        title=title, title_justify="left", box=box.SIMPLE_HEAD, show_edge=False, pad_edge=False, collapse_padding=True
    )
    for header in headers:
        # Rich narrows only the columns that may wrap: the name's.
        table.add_column(header, justify="right" if header in numeric else "left", no_wrap=header != flexible)
    return table


def _name(text: str) -> Text:
    """Corpus or configuration text as one line of a table cell: shown literally (never
    parsed as markup), cut with an ellipsis when the column is narrow."""
    return Text(visible(text), no_wrap=True, overflow="ellipsis")


def render_stats(report: dict, out: Console) -> None:
    """Print what :func:`~workbench.store.stats.collect` found, readable at 60 columns and up."""
    overview = Table(title=Text(visible(report["path"])), show_header=False, box=None, title_justify="left")
    overview.add_column(no_wrap=True)
    overview.add_column(justify="right", no_wrap=True)
    for label, value in report["totals"].items():
        overview.add_row(label, f"{value:,}")
    out.print(overview)
    statuses = _table("By status", ("status", "claims", "quotes", "total"), {"claims", "quotes", "total"}, "status")
    for label, *counts in report["by_status"]:
        statuses.add_row(_name(label), *(f"{count:,}" for count in counts))
    out.print(statuses)
    sources = _table(
        "By source", ("id", "title", "claims", "quotes", "reviewed"), {"claims", "quotes", "reviewed"}, "title"
    )
    for row in report["by_source"]:
        name = ("(gone) " if row["gone"] else "") + (row["name"] or "")
        sources.add_row(row["id"], _name(name), *(f"{row[key]:,}" for key in ("claims", "quotes", "reviewed")))
    out.print(sources)
    if report["totals"]["sources"] > len(report["by_source"]):
        out.print(f"(first {len(report['by_source'])} of {report['totals']['sources']:,} sources)")
    out.print("(export --source takes an id or its first 6+ characters)")
    if report["orphans"]:
        out.print(f"{len(report['orphans'])} reviews belong to items that no longer exist (view orphan_reviews):")
        for row in report["orphans"][:LISTED_PROBLEMS]:
            out.print(
                visible(
                    f"  review {row['id']} of {row['item_id']}: {row['status']} by {row['reviewer']} — "
                    f"{(row['item_text'] or '')[:70]}"
                ),
                markup=False,
            )
    for change, count in report["changed"].items():
        if count:
            out.print(
                f"{count:,} reviewed items changed {change} since their review (view item_status, column {change}_changed)"
            )
    if report["gone"]:
        out.print(
            f"{len(report['gone']):,} sources whose file no longer holds them, kept with their items and reviews:"
        )
        for row in report["gone"][:LISTED_PROBLEMS]:
            out.print(
                visible(
                    f"  {row['id']} {row['path']}: {row['gone_reason']} (since {row['gone_at'][:10]}; "
                    f"{row['reviewed']} reviewed items)"
                ),
                markup=False,
            )


@click.command()
@db_option
def stats(db_path: Path | None) -> None:
    """Counts by source (with the ids `export --source` takes), kind and status; links,
    clusters and number conflicts; reviews whose item disappeared or changed; sources
    whose file is gone."""
    from ..store.stats import collect

    db = open_database(db_path, create=False)
    with database_errors(database_path(db_path)):
        report = collect(db)
    render_stats(report, console())


@click.command()
@click.argument("destination", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--force", is_flag=True, help="Replace DESTINATION if it exists.")
@db_option
def backup(destination: Path, force: bool, db_path: Path | None) -> None:
    """Copy the database to DESTINATION consistently, even while reviewers work."""
    from rich.filesize import decimal

    from ..store.backup import backup_to

    db = open_database(db_path, create=False)
    try:
        copy = backup_to(db, destination, replace=force)
    except FileExistsError:
        fail(f"{destination}: already exists; kept as it is (--force replaces it)")
    except (OSError, sqlite3.Error) as error:
        fail(f"{destination}: {error}")
    click.echo(
        f"backed up {decimal(copy.size)} ({copy.items:,} items, {copy.reviews:,} reviews, "
        f"{copy.sources:,} sources) to {visible(str(destination))}"
    )


def register_commands(cli: click.Group) -> None:
    cli.add_command(stats)
    cli.add_command(backup)
