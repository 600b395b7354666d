"""``workbench link`` (cross-link everything again) and ``workbench link-state`` (a reviewer's
decision on one link)."""

from __future__ import annotations

from pathlib import Path

import click

from .common import console, db_option, fail, open_database, reviewer_option


@click.command()
@db_option
@click.option(
    "--threshold",
    type=click.FloatRange(0, 100),
    default=None,
    help="Minimum match score, 0-100 (default: the linker's).",
)
def link(db_path: Path | None, threshold: float | None) -> None:
    """Link items from different sources that state the same claim or quote."""
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    from ..link import link_items

    db = open_database(db_path, create=False)
    progress = Progress(
        TextColumn("[bold]link {task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=console(stderr=True),
        transient=True,
    )
    with progress:
        task = progress.add_task("reading", total=None)

        def report(stage: str, done: int, total: int) -> None:
            progress.update(task, description=stage, completed=done, total=total)

        summary = link_items(db, threshold=threshold, progress=report)
    click.echo(
        f"{summary.items:,} items, {summary.candidates:,} candidate pairs scored: {summary.links:,} links "
        f"({summary.added:,} new, {summary.removed:,} stale suggestions removed), {summary.conflicts:,} number "
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
    """Mark the link between ITEM_A and ITEM_B (ids or unique prefixes) STATE: confirmed or rejected."""
    from ..link import LinkError, set_link_state

    db = open_database(db_path, create=False)
    try:
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
