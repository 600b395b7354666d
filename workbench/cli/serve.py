"""``workbench serve``: the review screen for web browsers, behind a login (textual-serve)."""

from __future__ import annotations

import getpass
import os
import ssl
from pathlib import Path

import click

from ..config import ConfigError, load_config
from ..desk import replicate
from ..desk.server import DeskServer, is_loopback
from ..store.desk import has_accounts
from .common import database_path, db_option, fail, open_database, reviewer_option, warn


@click.command()
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on.")
@click.option("--port", default=8000, show_default=True, type=click.IntRange(1, 65535))
@db_option
@click.option("--public-url", default=None, help="The address browsers use, when behind a reverse proxy (https://…).")
@click.option("--certfile", type=click.Path(exists=True, dir_okay=False, path_type=Path), help="TLS certificate (PEM).")
@click.option("--keyfile", type=click.Path(exists=True, dir_okay=False, path_type=Path), help="TLS private key (PEM).")
@click.option(
    "--replicate", "destination", default=None, help="Replicate with Litestream to a folder, sftp:// or s3:// URL."
)
@reviewer_option
def serve(
    host: str,
    port: int,
    db_path: Path | None,
    public_url: str | None,
    certfile: Path | None,
    keyfile: Path | None,
    destination: str | None,
    reviewer: str | None,
) -> None:
    """Serve the review screen to web browsers; each reviewer logs in with their account.

    While no account exists (`workbench reviewers add NAME`), only this machine may connect
    (loopback), as --reviewer.
    """
    path = database_path(db_path)
    db = open_database(path, create=False)
    try:
        config = load_config(db_path=path)
    except ConfigError as error:
        fail(str(error))
    if not has_accounts(db) and not is_loopback(host):
        fail(
            f"{path}: no reviewer accounts yet, so the desk listens only on 127.0.0.1; "
            "add one with `workbench reviewers add NAME --db FILE`"
        )
    db.conn.close()
    if bool(certfile) != bool(keyfile):
        fail("--certfile and --keyfile go together")
    ssl_context = None
    if certfile and keyfile:
        ssl_context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        try:
            ssl_context.load_cert_chain(certfile, keyfile)
        except (ssl.SSLError, OSError) as error:
            fail(f"{certfile}: cannot use it with {keyfile} ({error})")
    if public_url and not public_url.startswith(("http://", "https://")):
        fail(f"--public-url {public_url}: must start with http:// or https://")
    litestream = None
    destination = destination or config.replicate_to
    if destination:
        try:
            litestream = replicate.start(path, destination, path.with_name(path.name + ".litestream.log"))
        except replicate.ReplicationError as error:
            fail(str(error))
        click.echo(f"Replicating {path} to {destination} (log: {path.name}.litestream.log)")
    local = reviewer or os.environ.get("WORKBENCH_REVIEWER") or getpass.getuser()
    server = DeskServer(
        path,
        host=host,
        port=port,
        limits=config.desk,
        local_reviewer=local,
        public_url=public_url,
        ssl_context=ssl_context,
        title=config.title,
    )
    try:
        server.serve()
    finally:
        if litestream is not None:
            litestream.terminate()
            try:
                litestream.wait(timeout=10)
            except Exception:
                litestream.kill()
                warn("litestream did not stop within 10 s and was killed")


def register_commands(cli: click.Group) -> None:
    cli.add_command(serve)
