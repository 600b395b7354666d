"""``workbench ingest``: files and folders in, with a progress bar and one line per bad file."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import click

from ..readers import plugin_problems
from ..untrusted import visible
from .common import console, database_errors, database_path, db_option, fail, open_database, warn


def most_workers() -> int:
    """More extraction processes than twice the CPUs only cost memory and start-up."""
    return 2 * (os.cpu_count() or 1)


@click.command()
@click.argument("paths", nargs=-1, required=True)
@db_option
@click.option(
    "--workers", type=int, default=None, help="Extraction processes (default: CPU count, at most 4; at most 2 x CPUs)."
)
@click.option("--no-link", is_flag=True, help="Skip cross-linking (run `workbench link` after a bulk load).")
@click.option(
    "--follow-links",
    is_flag=True,
    help="Follow symbolic links that lead out of the folders given (by default each is skipped and named).",
)
def ingest(
    paths: tuple[str, ...], db_path: Path | None, workers: int | None, no_link: bool, follow_links: bool
) -> None:
    """Ingest articles from PATHS (files or folders: .txt .md .html .pdf .jsonl .json)."""
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    from ..link import MeaningError
    from ..pipeline import ingest as run_ingest

    if workers is not None and not 1 <= workers <= most_workers():
        fail(f"--workers must be between 1 and {most_workers()} (twice this machine's {os.cpu_count()} CPUs)")
    db = open_database(db_path)
    for problem in plugin_problems():
        warn(problem)
    errors = console(stderr=True)
    progress = Progress(
        TextColumn("[bold]ingest"),
        BarColumn(),
        MofNCompleteColumn(),
        TextColumn("files"),
        TextColumn("{task.fields[items]:,} items"),
        TimeElapsedColumn(),
        console=errors,
        transient=True,
        disable=not errors.is_terminal,  # a log gets the failure lines, not a bar's leftovers
    )
    # A database that cannot be written (locked, read-only, disk full) stops the batch with one line.
    with database_errors(database_path(db_path)), progress:
        task = progress.add_task("ingest", total=None, items=0)

        def on_file(done: int, total: int, items: int) -> None:
            progress.update(task, completed=done, total=total, items=items)

        try:
            summary = run_ingest(
                db,
                paths,
                workers=workers,
                on_file=on_file,
                link=not no_link,
                follow_links=follow_links,
                on_failure=lambda failure: progress.console.print(
                    visible(f"skipped {failure}"), markup=False, soft_wrap=True
                ),
            )
        except MeaningError as error:  # the articles are stored; only linking could not run
            fail(f"{error}; the articles are stored, run `workbench link` once it is fixed")
    for path in summary.replaced:
        warn(f"{path}: now holds a different article; the one stored from it is kept, marked gone")
    click.echo(
        f"{summary.files} files, {summary.articles} articles: {summary.new} new, {summary.updated} updated, "
        f"{summary.unchanged} unchanged"
        + (f", {summary.moved} moved or renamed" if summary.moved else "")
        + (f", {summary.apart} stored apart from another article with the same URL" if summary.apart else "")
        + f"; {summary.items_added} items added, {summary.items_removed} removed"
        + (f", {summary.reviews_moved} reviews followed edited items" if summary.reviews_moved else "")
        + (f"; {len(summary.gone)} sources marked gone" if summary.gone else "")
        + (f"; {len(summary.failures)} failed" if summary.failures else "")
    )
    if summary.failures:
        sys.exit(1)


def register_commands(cli: click.Group) -> None:
    cli.add_command(ingest)
