"""``workbench stats`` and ``workbench backup``: looking after the database as a whole."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import click

from ..untrusted import visible
from .common import console, database_errors, database_path, db_option, fail, open_database


@click.command()
@db_option
def stats(db_path: Path | None) -> None:
    """Counts by source, kind and status; reviews whose item disappeared or changed; sources
    whose file is gone."""
    from rich.table import Table
    from rich.text import Text

    from ..store.stats import collect

    db = open_database(db_path, create=False)
    with database_errors(database_path(db_path)):
        report = collect(db)
    out = console()
    overview = Table(title=Text(visible(report["path"])), show_header=False, box=None)
    for label, value in report["totals"].items():
        overview.add_row(label, f"{value:,}")
    out.print(overview)
    for title, rows, headers in (
        ("By status", report["by_status"], ("status", "claims", "quotes", "total")),
        ("By source", report["by_source"], ("source", "title", "claims", "quotes", "reviewed")),
    ):
        table = Table(title=title, title_justify="left")
        for header in headers:
            numeric = header in {"claims", "quotes", "total", "reviewed"}
            table.add_column(
                header,
                justify="right" if numeric else "left",
                no_wrap=True,
                overflow="ellipsis",
                min_width=len(header) if numeric else None,
                max_width=None if numeric else 40,
            )
        for row in rows:
            # paths and titles are corpus text: Text cells, never parsed as markup
            table.add_row(
                *(f"{value:,}" if isinstance(value, int) else Text(visible(str(value or ""))) for value in row)
            )
        out.print(table)
    if report["totals"]["sources"] > len(report["by_source"]):
        out.print(f"(first {len(report['by_source'])} of {report['totals']['sources']:,} sources)")
    if report["orphans"]:
        out.print(f"{len(report['orphans'])} reviews belong to items that no longer exist (view orphan_reviews):")
        for row in report["orphans"][:20]:
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
        for row in report["gone"][:20]:
            out.print(
                visible(
                    f"  {row['path']}: {row['gone_reason']} (since {row['gone_at'][:10]}; "
                    f"{row['reviewed']} reviewed items)"
                ),
                markup=False,
            )


@click.command()
@click.argument("destination", type=click.Path(dir_okay=False, path_type=Path))
@db_option
def backup(destination: Path, db_path: Path | None) -> None:
    """Copy the database to DESTINATION consistently, even while reviewers work."""
    from ..store.backup import backup_to

    db = open_database(db_path, create=False)
    try:
        pages = backup_to(db, destination)
    except (OSError, sqlite3.Error) as error:
        fail(f"{destination}: {error}")
    click.echo(f"backed up {pages:,} pages to {destination}")


def register_commands(cli: click.Group) -> None:
    cli.add_command(stats)
    cli.add_command(backup)
