"""``workbench reviewers``: the accounts that may log in to ``workbench serve``."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from ..store.desk import AccountError, accounts, add_reviewer, check_name, remove_reviewer, set_password
from .common import db_option, fail, open_database

password_stdin = click.option(
    "--password-stdin", is_flag=True, help="Read the password from the first line of standard input (for scripts)."
)


def _password(from_stdin: bool) -> str:
    if from_stdin:
        return sys.stdin.readline().rstrip("\r\n")
    return click.prompt("Password", hide_input=True, confirmation_prompt=True)


@click.group()
def reviewers() -> None:
    """Reviewers' accounts for the desk (`workbench serve`)."""


@reviewers.command()
@click.argument("name")
@db_option
@password_stdin
def add(name: str, db_path: Path | None, password_stdin: bool) -> None:
    """Give NAME an account (asks for a password)."""
    try:
        check_name(name)
        db = open_database(db_path)
        add_reviewer(db, name, _password(password_stdin))
    except AccountError as error:
        fail(str(error))
    click.echo(f"{name} can log in to `workbench serve`.")


@reviewers.command()
@click.argument("name")
@db_option
@password_stdin
def passwd(name: str, db_path: Path | None, password_stdin: bool) -> None:
    """Change NAME's password (NAME's open sessions end)."""
    db = open_database(db_path)
    try:
        if not any(account.name == name for account in accounts(db)):
            raise AccountError(f"no reviewer account named {name}")
        set_password(db, name, _password(password_stdin))
    except AccountError as error:
        fail(str(error))
    click.echo(f"New password for {name}.")


@reviewers.command()
@click.argument("name")
@db_option
def remove(name: str, db_path: Path | None) -> None:
    """Remove NAME's account (their verdicts stay; their sessions end)."""
    try:
        remove_reviewer(open_database(db_path), name)
    except AccountError as error:
        fail(str(error))
    click.echo(f"{name} can no longer log in.")


@reviewers.command(name="list")
@db_option
def list_accounts(db_path: Path | None) -> None:
    """List the accounts."""
    for account in accounts(open_database(db_path)):
        click.echo(f"{account.name}\tsince {account.created_at[:10]}\tpassword set {account.changed_at[:16]}")


def register_commands(cli: click.Group) -> None:
    cli.add_command(reviewers)
