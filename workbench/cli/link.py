"""``workbench link`` (cross-link everything again) and ``workbench link-state`` (a reviewer's
decision on one link)."""

from __future__ import annotations

import math
from pathlib import Path

import click

from .common import console, database_errors, database_path, db_option, fail, open_database, reviewer_option


def _threshold(_ctx: click.Context, _param: click.Parameter, value: str | None) -> float | None:
    """A finite number from 0 to 100 (``nan`` compares false with every bound, so it is named)."""
    if value is None:
        return None
    try:
        number = float(value)
    except ValueError:
        number = math.nan
    if not (math.isfinite(number) and 0 <= number <= 100):
        fail(f"--threshold {value}: not a number from 0 to 100")
    return number


@click.command()
@db_option
@click.option(
    "--threshold",
    callback=_threshold,
    default=None,
    help="Minimum match score, 0-100 (default: the linker's).",
)
def link(db_path: Path | None, threshold: float | None) -> None:
    """Link items from different sources that state the same claim or quote."""
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    from ..link import MeaningError, link_items

    db = open_database(db_path, create=False)
    errors = console(stderr=True)
    progress = Progress(
        TextColumn("[bold]link {task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=errors,
        transient=True,
        disable=not errors.is_terminal,  # off a terminal it would leave a blank line before any error
    )
    with database_errors(database_path(db_path)), progress:  # the bar is gone before an error is said
        task = progress.add_task("reading", total=None)

        def report(stage: str, done: int, total: int) -> None:
            progress.update(task, description=stage, completed=done, total=total)

        try:
            summary = link_items(db, threshold=threshold, progress=report)
        except MeaningError as error:  # the embedding model's files are missing: one line
            fail(str(error))
    click.echo(
        f"{summary.items:,} items, {summary.candidates:,} candidate pairs scored: {summary.links:,} links "
        f"({summary.repeats:,} joining repeats, {summary.added:,} new, {summary.removed:,} stale suggestions removed), {summary.conflicts:,} number "
        f"conflicts, {summary.drift:,} drifted quotes; {summary.clusters_changed:,} cluster ids changed "
        f"in {summary.seconds:.1f}s"
    )


@click.command("link-state")
@click.argument("item_a")
@click.argument("item_b")
@click.argument("state")
@reviewer_option
@db_option
def link_state(item_a: str, item_b: str, state: str, reviewer: str | None, db_path: Path | None) -> None:
    """Mark the link between ITEM_A and ITEM_B (ids or unique prefixes) STATE: confirmed or
    rejected (creating the link when the linker made none), or suggested (give a decision back)."""
    from ..link import LinkError, set_link_state

    db = open_database(db_path, create=False)
    try:
        with database_errors(database_path(db_path)):
            row = set_link_state(db, item_a, item_b, state, reviewer=reviewer)
    except LinkError as error:
        fail(str(error))
    cluster = db.execute("SELECT cluster_id FROM items WHERE id = ?", [row["item_a"]]).fetchone()[0]
    click.echo(
        f"{row['item_a']} {row['item_b']}: {row['state']} ({row['method']}, score {row['score']:g})"
        + (f"; cluster {cluster}" if cluster else "; not in a cluster")
    )


def register_commands(cli: click.Group) -> None:
    cli.add_command(link)
    cli.add_command(link_state)
