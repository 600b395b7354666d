"""``workbench init``: write ``workbench.toml`` beside the database from a few answers.

It asks only what a desk must decide before publishing: the report title, who publishes
the verdicts (ClaimReview's author) and where each fact-check's page is. Every answer can
be given as an option instead (``--no-input`` never asks); an existing file is replaced
only when the user says so (asked, or ``--force``).
"""

from __future__ import annotations

import json
import os
import tempfile
import tomllib
from pathlib import Path

import click

from ..config import CONFIG_NAME, Config, ConfigError, config_path_for, parse_config
from ..reports.claimreview import publisher_problem
from ..store.database import now
from ..untrusted import visible
from .common import database_path, db_option, fail


def _toml(value: str) -> str:
    """A TOML basic string: JSON's escapes are TOML's (the configuration refuses controls)."""
    return json.dumps(value, ensure_ascii=False)


def render(title: str, organization: str | None, url: str | None, review_url: str | None) -> str:
    """The text of ``workbench.toml`` for these answers."""
    lines = [
        f"# workbench configuration, written by `workbench init` on {now('seconds')[:10]}.",
        "# Every key is optional. The status vocabulary ([[statuses]]) and the review screen's",
        "# keys ([keys]) are described in workbench.toml.example.",
        "",
        "[report]",
        "# Heading of Markdown and HTML reports.",
        f"title = {_toml(title)}",
        "",
        "[organization]",
        "# Who publishes the verdicts: the author of every ClaimReview.",
    ]
    if organization and url:
        lines += [f"name = {_toml(organization)}", f"url = {_toml(url)}"]
    else:
        lines += ['# name = "Your fact-check desk"', '# url = "https://your-desk.example/"']
    if review_url:
        lines += [
            "",
            "[claimreview]",
            "# The page of each fact-check; {id} is the item id.",
            f"url = {_toml(review_url)}",
        ]
    return "\n".join(lines) + "\n"


def _checked(text: str, path: Path) -> Config:
    """The configuration ``text`` says, checked as ``workbench`` will read it."""
    return parse_config(tomllib.loads(text), path)


def _write(path: Path, text: str) -> None:
    """Write ``text`` to ``path`` through a temporary file beside it, renamed when complete."""
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, partial = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(handle, "w", encoding="utf-8") as out:
            out.write(text)
        os.replace(partial, path)
    except BaseException:
        Path(partial).unlink(missing_ok=True)
        raise


def _publisher_answer(name: str, url: str, review_url: str | None) -> None:
    problem = publisher_problem(name, url, review_url)
    if problem:
        raise click.BadParameter(problem)


@click.command()
@db_option
@click.option(
    "--config",
    "config_path",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help=f"Where to write (default: {CONFIG_NAME} beside the database).",
)
@click.option("--title", default=None, help="Heading of Markdown and HTML reports.")
@click.option("--organization", default=None, metavar="NAME", help="Who publishes the verdicts (ClaimReview).")
@click.option("--organization-url", default=None, metavar="URL", help="The publisher's web address.")
@click.option(
    "--claimreview-url",
    default=None,
    metavar="URL",
    help="The page of each fact-check, {id} standing for the item id (default: the organization URL#{id}).",
)
@click.option("--no-input", is_flag=True, help="Ask nothing: use the options given and the defaults.")
@click.option("--force", is_flag=True, help="Replace an existing file without asking.")
def init(
    db_path: Path | None,
    config_path: Path | None,
    title: str | None,
    organization: str | None,
    organization_url: str | None,
    claimreview_url: str | None,
    no_input: bool,
    force: bool,
) -> None:
    """Write workbench.toml beside the database: the report title and who publishes the
    verdicts (what ClaimReview needs). Asks for what the options do not say."""
    path = config_path or config_path_for(database_path(db_path))
    if path.exists() and not force:
        if no_input:
            fail(f"{path}: already exists; kept as it is (--force replaces it)")
        if not click.confirm(f"{visible(str(path))} exists. Replace it?", default=False):
            click.echo(f"Kept {visible(str(path))} as it is.")
            return
    asking = not no_input
    try:
        if title is None:
            title = click.prompt("Report title", default=Config.title) if asking else Config.title
        if organization is None and organization_url is None and asking:
            organization = click.prompt(
                "Organisation that publishes the verdicts (ClaimReview; leave empty to skip)",
                default="",
                show_default=False,
            ).strip()
        if organization and organization_url is None and asking:
            organization_url = click.prompt(
                "Its web address (https://…)", value_proc=lambda url: _url_answer(organization, url)
            )
        if organization and organization_url and claimreview_url is None and asking:
            claimreview_url = (
                click.prompt(
                    "Address of each fact-check's page, {id} standing for the item id (empty: "
                    f"{organization_url.split('#')[0]}#{{id}})",
                    default="",
                    show_default=False,
                    value_proc=lambda template: _template_answer(organization, organization_url, template),
                )
                or None
            )
    except click.Abort:
        fail("no answer (standard input closed): give the answers as options, with --no-input")
    if bool(organization) != bool(organization_url):
        fail("--organization and --organization-url go together: give both or neither")
    if organization or claimreview_url:
        problem = publisher_problem(organization, organization_url, claimreview_url)
        if problem:
            fail(f"ClaimReview {problem}")
    text = render(title, organization or None, organization_url or None, claimreview_url)
    try:
        _checked(text, path)
        _write(path, text)
    except ConfigError as error:
        fail(str(error))
    except OSError as error:
        fail(f"{path}: {error.strerror or error}")
    click.echo(f"Wrote {visible(str(path))}.")
    if organization:
        click.echo(visible(f"ClaimReview exports will be published by {organization} ({organization_url})."))
    else:
        click.echo("ClaimReview needs [organization] name and url in it (or --organization on export).")


def _url_answer(organization: str, url: str) -> str:
    _publisher_answer(organization, url.strip(), None)
    return url.strip()


def _template_answer(organization: str, url: str, template: str) -> str:
    template = template.strip()
    if template:
        _publisher_answer(organization, url, template)
    return template


def register_commands(cli: click.Group) -> None:
    cli.add_command(init)
