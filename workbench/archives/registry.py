"""The archive formats: each is a module that ends with ``register(ArchiveFormat(...))``.

A format reads a file it is given and yields entries and one-line failures; it says which
suffixes it takes and, for JSON, whether a parsed document is its kind (``recognises``),
so ``.json`` files are told apart by what they hold.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

from ..readers.failures import ReadFailure
from .entry import ArchiveEntry

BUILTIN_FORMATS = ("factcheck_tools", "claimreview", "csv_table")
Read = Callable[[str, object], Iterator[ArchiveEntry | ReadFailure]]


@dataclass(frozen=True)
class ArchiveFormat:
    """``entries(given, document)`` turns one parsed JSON document (or, for a format with
    ``read_file``, a file path) into entries."""

    name: str
    suffixes: tuple[str, ...]
    entries: Read | None = None
    recognises: Callable[[object], bool] = lambda document: False
    read_file: Callable[[str, Path, dict[str, str]], Iterator[ArchiveEntry | ReadFailure | str]] | None = None


FORMATS: dict[str, ArchiveFormat] = {}


def register(archive_format: ArchiveFormat) -> ArchiveFormat:
    FORMATS[archive_format.name] = archive_format
    return archive_format


def formats() -> list[ArchiveFormat]:
    """Every format, built-in ones loaded, in the order they are tried."""
    for name in BUILTIN_FORMATS:
        importlib.import_module(f"{__package__}.{name}")
    return list(FORMATS.values())
