"""The ``workbench`` command line.

Every command takes ``--db`` (default ``$WORKBENCH_DB`` or ``db/workbench.db``). Errors
are one line on stderr naming the file or item and the reason, with a non-zero exit.
"""

from __future__ import annotations

import importlib
import sqlite3
import sys
from pathlib import Path

import click
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table
from rich.text import Text

from .options import db_option
from .store.database import DatabaseError, default_db_path, open_db
from .store.reviews import ReviewError, default_reviewer
from .store.reviews import mark as record_mark
from .untrusted import visible

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"


def _console(stderr: bool = False) -> Console:
    return Console(stderr=stderr, highlight=False, soft_wrap=True)


def fail(message: str) -> None:
    """Print one plain line on stderr and exit 1."""
    click.echo(f"error: {message}", err=True)
    sys.exit(1)


def _open(db_path: Path | None, config_path: Path | None = None, **kwargs):
    """Open the database, mirroring ``config_path`` (default: ``workbench.toml`` beside
    the database) into ``statuses``."""
    from .config import ConfigError, apply_config, load_config

    path = db_path or default_db_path()
    try:
        db = open_db(path, **kwargs)
        for warning in apply_config(db, load_config(config_path, db_path=path)).warnings:
            click.echo(f"warning: {warning}", err=True)
    except (DatabaseError, ConfigError) as error:
        fail(str(error))
    return db


@click.group(invoke_without_command=True)
@click.version_option(package_name="workbench")
@click.pass_context
def cli(ctx: click.Context) -> None:
    """Claim and quote fact-checking workbench.

    With no command: build the database from the bundled fixtures if it does not exist
    yet, then open the review screen on it.
    """
    if ctx.invoked_subcommand is None:
        from .tui.commands import run_review

        path = default_db_path()
        if not path.exists():
            ctx.invoke(ingest, paths=(str(FIXTURES),), db_path=path)
        _open(path, create=False).conn.close()  # an unusable file is a one-line error, not a traceback
        run_review(path)


@cli.command()
@click.argument("paths", nargs=-1, required=True)
@db_option
@click.option("--workers", type=int, default=None, help="Extraction processes (default: CPU count, at most 4).")
@click.option("--no-link", is_flag=True, help="Skip cross-linking (run `workbench link` after a bulk load).")
def ingest(paths: tuple[str, ...], db_path: Path | None, workers: int | None, no_link: bool) -> None:
    """Ingest articles from PATHS (files or folders: .txt .md .html .pdf .jsonl .json)."""
    from .store.ingest import ingest as run_ingest

    db = _open(db_path)
    err = _console(stderr=True)
    progress = Progress(
        TextColumn("[bold]ingest"),
        BarColumn(),
        MofNCompleteColumn(),
        TextColumn("files"),
        TextColumn("{task.fields[items]:,} items"),
        TimeElapsedColumn(),
        console=err,
        transient=True,
    )
    with progress:
        task = progress.add_task("ingest", total=None, items=0)

        def on_file(done: int, total: int, items: int) -> None:
            progress.update(task, completed=done, total=total, items=items)

        summary = run_ingest(
            db,
            paths,
            workers=workers,
            on_file=on_file,
            link=not no_link,
            on_failure=lambda failure: progress.console.print(
                visible(f"skipped {failure}"), markup=False, soft_wrap=True
            ),
        )
    click.echo(
        f"{summary.files} files, {summary.articles} articles: {summary.new} new, {summary.updated} updated, "
        f"{summary.unchanged} unchanged; {summary.items_added} items added, {summary.items_removed} removed"
        + (f", {summary.reviews_moved} reviews followed edited items" if summary.reviews_moved else "")
        + (f"; {len(summary.failures)} failed" if summary.failures else "")
    )
    if summary.failures:
        sys.exit(1)


@cli.command()
@db_option
def stats(db_path: Path | None) -> None:
    """Counts by source, kind and status; reviews whose item disappeared or changed."""
    from .store.stats import collect

    db = _open(db_path, create=False)
    report = collect(db)
    console = _console()
    overview = Table(title=Text(visible(report["path"])), show_header=False, box=None)
    for label, value in report["totals"].items():
        overview.add_row(label, f"{value:,}")
    console.print(overview)
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
        console.print(table)
    if report["totals"]["sources"] > len(report["by_source"]):
        console.print(f"(first {len(report['by_source'])} of {report['totals']['sources']:,} sources)")
    if report["orphans"]:
        console.print(f"{len(report['orphans'])} reviews belong to items that no longer exist (view orphan_reviews):")
        for row in report["orphans"][:20]:
            console.print(
                visible(
                    f"  review {row['id']} of {row['item_id']}: {row['status']} by {row['reviewer']} — "
                    f"{(row['item_text'] or '')[:70]}"
                ),
                markup=False,
            )
    if report["text_changed"]:
        console.print(
            f"{report['text_changed']:,} reviewed items changed text since their review "
            "(view item_status, column text_changed)"
        )


@cli.command()
@click.argument("item_id")
@click.argument("status")
@click.option("--note", default=None, help="A note to keep with the verdict.")
@click.option("--reviewer", default=None, help="Who is marking (default: $WORKBENCH_REVIEWER or the OS user).")
@click.option(
    "--expect",
    "expected",
    default=None,
    help="Refuse unless the item's current status is this one (guards against overwriting).",
)
@db_option
def mark(
    item_id: str, status: str, note: str | None, reviewer: str | None, expected: str | None, db_path: Path | None
) -> None:
    """Record a verdict STATUS for ITEM_ID (a full id or a unique prefix)."""
    db = _open(db_path, create=False)
    try:
        result = record_mark(
            db, item_id, status, note=note, reviewer=reviewer or default_reviewer(), expected_status=expected
        )
    except ReviewError as error:
        fail(str(error))
    click.echo(f"{result.item_id}: {result.previous_status} -> {result.status} (review {result.review_id})")


@cli.command()
@click.argument("destination", type=click.Path(dir_okay=False, path_type=Path))
@db_option
def backup(destination: Path, db_path: Path | None) -> None:
    """Copy the database to DESTINATION consistently, even while reviewers work."""
    from .store.backup import backup_to

    db = _open(db_path, create=False)
    try:
        pages = backup_to(db, destination)
    except (OSError, sqlite3.Error) as error:
        fail(f"{destination}: {error}")
    click.echo(f"backed up {pages:,} pages to {destination}")


def main() -> None:
    cli(prog_name="workbench")


# Commands owned by the other stages register themselves here; each module imports its
# heavy dependencies (Textual included) inside its command functions, not at import.
COMMAND_MODULES = (
    "workbench.link.commands",
    "workbench.reports.commands",
    "workbench.tui.commands",
)
for module_name in COMMAND_MODULES:
    for command in importlib.import_module(module_name).COMMANDS:
        cli.add_command(command)
