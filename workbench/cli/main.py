"""The ``workbench`` command group, and where its commands come from.

Each command lives in a module of this package with a ``register_commands(cli)`` function.
The built-in modules are listed in :data:`BUILTIN_COMMANDS`; a plugin package adds its own
commands the same way, by naming its module in the ``workbench.commands`` entry-point group.
Command modules import their heavy dependencies (Textual, the pipeline) inside the command,
so ``workbench --help`` stays fast.
"""

from __future__ import annotations

import importlib
from importlib.metadata import entry_points
from pathlib import Path

import click

from .common import database_path, fail, warn
from .ingest import ingest
from .review import open_review

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures"
BUILTIN_COMMANDS = (
    "workbench.cli.ingest",
    "workbench.cli.link",
    "workbench.cli.review",
    "workbench.cli.mark",
    "workbench.cli.export",
    "workbench.cli.database",
    "workbench.cli.init",
    "workbench.cli.factchecks",
    "workbench.cli.serve",
    "workbench.cli.reviewers",
    "workbench.cli.restore",
)
PLUGIN_GROUP = "workbench.commands"


@click.group(invoke_without_command=True)
@click.version_option(package_name="workbench")
@click.pass_context
def cli(ctx: click.Context) -> None:
    """Claim and quote fact-checking workbench.

    With no command: build the database from the bundled demo articles if it does not
    exist yet (and say where), then open the review screen on it.
    """
    if ctx.invoked_subcommand is None:
        path = database_path(None)
        if not path.exists():
            if not FIXTURES.is_dir():
                fail(f"{path}: no such database, and no demo articles to build it from: run `workbench ingest FOLDER`")
            click.echo(f"No database at {path.resolve()}: creating it from the demo articles in {FIXTURES}.")
            ctx.invoke(ingest, paths=(str(FIXTURES),), db_path=path)
            click.echo(
                f"Created {path.resolve()}. `workbench` opens the db/workbench.db of the folder it runs in; "
                f"from elsewhere, `workbench review --db {path.resolve()}` (or WORKBENCH_DB) opens this one."
            )
        open_review(path)


def register_all(group: click.Group) -> None:
    """Register the built-in commands, then every plugin's, through the same hook."""
    for name in BUILTIN_COMMANDS:
        importlib.import_module(name).register_commands(group)
    for entry in entry_points(group=PLUGIN_GROUP):
        try:
            entry.load().register_commands(group)
        except Exception as error:  # a broken plugin must not take the built-in commands with it
            warn(f"plugin {entry.name} ({entry.value}) not loaded: {error}")


register_all(cli)


def main() -> None:
    cli(prog_name="workbench")
