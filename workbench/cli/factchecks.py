"""``workbench factchecks``: import archives of published fact-checks, list the ratings the
desk has not mapped, and decide on matches (confirm, reject, adopt the verdict)."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from ..config import load_config
from .common import database_errors, database_path, db_option, fail, open_database, reviewer_option, warn

config_option = click.option(
    "--config", "config_path", type=click.Path(path_type=Path), default=None, help="workbench.toml to use."
)


@click.group()
def factchecks() -> None:
    """Published fact-checks: which claims were checked before, by whom."""


def _columns(values: tuple[str, ...]) -> dict[str, str]:
    columns = {}
    for value in values:
        field, equals, header = value.partition("=")
        if not equals or not field.strip():
            fail(f"--column {value}: give FIELD=HEADER, e.g. claim=Statement")
        columns[field.strip()] = header
    return columns


@factchecks.command("import")
@click.argument("files", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option("--column", "columns", multiple=True, help="CSV: the header of a field, FIELD=HEADER (repeatable).")
@click.option("--no-match", is_flag=True, help="Store the entries only; the next import or ingest matches them.")
@db_option
def import_archives(files: tuple[Path, ...], columns: tuple[str, ...], no_match: bool, db_path: Path | None) -> None:
    """Import archives of fact-checks: ClaimReview JSON-LD (object, list, @graph, data feed,
    JSON lines), Google Fact Check Tools JSON, CSV, or a workbench ClaimReview export; then
    match the new entries against every item. A file or entry that cannot be read is one
    line; the rest goes in (exit status 1 when something was not read)."""
    from ..archives.entry import ArchiveEntry
    from ..archives.reading import read_archive
    from ..link import MeaningError
    from ..link.factchecks import match_new_entries
    from ..store.factchecks import store_entries

    mapping = _columns(columns)
    db = open_database(db_path)
    problems = 0

    def entries():
        nonlocal problems
        for path in files:
            for found in read_archive(str(path), path, mapping):
                if isinstance(found, ArchiveEntry):
                    yield found
                elif isinstance(found, str):
                    click.echo(f"{path}: {found}")
                else:
                    problems += 1
                    warn(str(found))

    with database_errors(database_path(db_path)):
        result = store_entries(db, entries())
        for origin in result.older:
            warn(f"{origin}: an older verdict than the one stored; kept the stored one")
        click.echo(
            f"{result.added:,} fact-checks added, {result.updated:,} updated, {result.unchanged:,} unchanged"
            + (f", {problems:,} not read" if problems else "")
        )
        if not no_match:
            try:
                summary = match_new_entries(db)
            except MeaningError as error:
                fail(str(error))
            click.echo(
                f"{summary.entries:,} new fact-checks matched against {summary.items:,} items: "
                f"{summary.matches:,} matches"
            )
    if problems:  # like ingest: what could be read went in, and the exit status says something did not
        sys.exit(1)


@factchecks.command()
@config_option
@db_option
def ratings(config_path: Path | None, db_path: Path | None) -> None:
    """List the archive's ratings that [ratings] in workbench.toml does not map to a status."""
    from ..store.factchecks import unknown_ratings

    db = open_database(db_path, config_path, create=False)
    with database_errors(database_path(db_path)):
        config = load_config(config_path, db_path=database_path(db_path))
        unknown = unknown_ratings(db, config.rating_map)
    if not unknown:
        click.echo("every rating is mapped to a status")
        return
    click.echo(f"{len(unknown):,} ratings not in [ratings] of {config.path or 'workbench.toml'}:")
    for rating, count in unknown:
        click.echo(f"  {count:>7,}  {rating!r}")


@factchecks.command()
@click.argument("item")
@click.argument("factcheck_id", type=int)
@click.argument("state", type=click.Choice(["confirmed", "rejected", "suggested"]))
@reviewer_option
@db_option
def decide(item: str, factcheck_id: int, state: str, reviewer: str | None, db_path: Path | None) -> None:
    """Confirm or reject the match of ITEM to fact-check FACTCHECK_ID, or give it back (suggested)."""
    from ..store.factchecks import FactcheckError, set_match_state

    db = open_database(db_path, create=False)
    try:
        with database_errors(database_path(db_path)):
            row = set_match_state(db, item, factcheck_id, state, reviewer=reviewer)
    except FactcheckError as error:
        fail(str(error))
    click.echo(f"{row['item_id']} ~ fact-check {factcheck_id}: {row['state']}")


@factchecks.command()
@click.argument("item")
@click.argument("factcheck_id", type=int)
@reviewer_option
@config_option
@db_option
def adopt(item: str, factcheck_id: int, reviewer: str | None, config_path: Path | None, db_path: Path | None) -> None:
    """Mark ITEM with the verdict of its confirmed match FACTCHECK_ID, through [ratings]."""
    from ..store.factchecks import adopt_verdict
    from ..store.reviews import ReviewError

    db = open_database(db_path, config_path, create=False)
    try:
        with database_errors(database_path(db_path)):
            config = load_config(config_path, db_path=database_path(db_path))
            done = adopt_verdict(db, item, factcheck_id, config.rating_map, reviewer=reviewer)
    except ReviewError as error:
        fail(str(error))
    click.echo(f"{done.item_id}: {done.previous_status} -> {done.status} (from fact-check {factcheck_id})")


def register_commands(cli: click.Group) -> None:
    cli.add_command(factchecks)
