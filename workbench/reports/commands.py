"""The ``workbench export`` command."""

from __future__ import annotations

import contextlib
import io
import os
import sqlite3
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import TextIO

import click

from ..options import db_option

FORMATS = ("md", "html", "csv", "json", "jsonl", "claimreview")
SUFFIXES = {
    ".md": "md",
    ".markdown": "md",
    ".html": "html",
    ".htm": "html",
    ".csv": "csv",
    ".json": "json",
    ".jsonl": "jsonl",
    ".ndjson": "jsonl",
    ".jsonld": "claimreview",
}


def writer_for(format_: str):
    """The ``write(selection, out) -> count`` function of a format."""
    from . import claimreview, csv_export, html, json_export, markdown

    return {
        "md": markdown.write,
        "html": html.write,
        "csv": csv_export.write,
        "json": json_export.write_json,
        "jsonl": json_export.write_jsonl,
        "claimreview": claimreview.write,
    }[format_]


@contextlib.contextmanager
def open_output(output: str, *, newline: str | None) -> Iterator[TextIO]:
    """A UTF-8 text stream to ``output`` (``-`` is stdout).

    A file is written beside its destination and renamed into place only when the
    export completed, so a failed export never leaves half a report behind.
    """
    if output == "-":
        if not hasattr(sys.stdout, "buffer"):  # already a text-only stream (embedded use)
            yield sys.stdout
            return
        stream = io.TextIOWrapper(sys.stdout.buffer, encoding="utf-8", newline=newline)
        try:
            yield stream
            stream.flush()
        finally:
            stream.detach()  # leave stdout itself open
        return
    path = Path(output)
    handle, temporary = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent.resolve())
    try:
        with open(handle, "w", encoding="utf-8", newline=newline) as stream:
            yield stream
        os.chmod(temporary, 0o644)
        os.replace(temporary, path)
    except BaseException:
        os.unlink(temporary)
        raise


@click.command()
@click.option(
    "--format",
    "-f",
    "format_",
    default=None,
    metavar="|".join(FORMATS),
    help="Output format (default: from the -o file's extension, else md).",
)
@click.option("-o", "--output", default="-", metavar="FILE|-", help="Where to write (default: - for stdout).")
@click.option(
    "--status",
    "statuses",
    multiple=True,
    metavar="S",
    help="Only items with this status (repeat, or separate with commas).",
)
@click.option("--kind", default=None, metavar="claim|quote", help="Only claims or only quotes.")
@click.option(
    "--source",
    "sources",
    multiple=True,
    metavar="ID",
    help="Only items from this source id or unique id prefix (repeatable).",
)
@click.option("--reviewed-only", is_flag=True, help="Only items with a verdict (not unreviewed or in progress).")
@db_option
@click.option(
    "--config",
    "config_path",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="Configuration file (default: workbench.toml beside the database).",
)
def export(
    format_: str | None,
    output: str,
    statuses: tuple[str, ...],
    kind: str | None,
    sources: tuple[str, ...],
    reviewed_only: bool,
    db_path: Path | None,
    config_path: Path | None,
) -> None:
    """Export verdicts and items: a report (md, html), data (csv, json, jsonl) or ClaimReview JSON-LD."""
    from ..cli import _open, fail
    from ..config import ConfigError, load_config
    from ..store.database import default_db_path
    from .query import ExportError, Filters, Selection, read_snapshot

    if format_ is None:
        format_ = SUFFIXES.get(Path(output).suffix.lower(), "md") if output != "-" else "md"
    if format_ not in FORMATS:
        fail(f"{format_!r}: unknown format (one of: {', '.join(FORMATS)})")
    if output != "-" and not Path(output).parent.resolve().is_dir():
        fail(f"{output}: no such folder {Path(output).parent}")
    db_path = db_path or default_db_path()
    db = _open(db_path, config_path, create=False)  # applies the configuration's statuses
    try:
        config = load_config(config_path, db_path=db_path)
    except ConfigError as error:
        fail(str(error))
    filters = Filters(
        statuses=tuple(dict.fromkeys(part.strip() for value in statuses for part in value.split(",") if part.strip())),
        kind=kind,
        sources=sources,
        reviewed_only=reviewed_only,
    )
    try:
        with read_snapshot(db):
            selection = Selection(db, filters, config)
            if format_ == "claimreview":
                from .claimreview import check_config

                check_config(config)  # before the output file is created
            with open_output(output, newline="" if format_ == "csv" else None) as stream:
                count = writer_for(format_)(selection, stream)
    except ExportError as error:
        fail(str(error))
    except BrokenPipeError:
        # The reader (``| head``) went away; what it wanted was written.
        sys.stderr.close()
        sys.exit(0)
    except OSError as error:
        fail(f"{output}: {error.strerror or error}")
    except sqlite3.DatabaseError as error:
        fail(f"{db_path}: {error}")
    if output != "-":
        click.echo(f"exported {count:,} items to {output}", err=True)


COMMANDS = [export]
