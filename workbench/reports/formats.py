"""The export formats, registered the way a plugin would register one.

Each format module ends with ``register(ExportFormat(...))``: its name, the file suffixes
that choose it, its writer and what it needs. The built-in modules are listed in
:data:`BUILTIN_FORMATS`; another package adds a format by naming its module in the
``workbench.exports`` entry-point group. A writer streams: it reads the selection item by
item and writes as it reads, so exporting a million items needs no more memory than ten.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from dataclasses import dataclass
from importlib.metadata import entry_points
from typing import TextIO

from ..config import Config
from .query import ExportError, Selection

BUILTIN_FORMATS = (
    "workbench.reports.markdown",
    "workbench.reports.html",
    "workbench.reports.csv_export",
    "workbench.reports.json_export",
    "workbench.reports.claimreview",
)
PLUGIN_GROUP = "workbench.exports"
DEFAULT_FORMAT = "md"


@dataclass(frozen=True)
class ExportFormat:
    name: str  # what ``--format`` takes
    suffixes: tuple[str, ...]  # ``-o`` file suffixes that choose this format
    write: Callable[[Selection, TextIO], int]  # writes the selection, returns the item count
    newline: str | None = None  # the output stream's newline mode ("" leaves line ends to the writer)
    check: Callable[[Config], None] | None = None  # raises ExportError before any output is made
    # A verdict report: without --all or --status it shows only items with a verdict.
    verdicts_only: bool = False


_registered: dict[str, ExportFormat] = {}
_loaded = False
# Plugins that failed to load, one line each: a broken plugin costs its formats, not the export.
_plugin_errors: list[str] = []


def register(export_format: ExportFormat) -> ExportFormat:
    _registered[export_format.name] = export_format
    return export_format


def export_formats() -> dict[str, ExportFormat]:
    """Every format by name: the built-ins, then the plugins' (loaded on first call)."""
    global _loaded
    if not _loaded:
        _loaded = True
        for name in BUILTIN_FORMATS:
            importlib.import_module(name)
        for entry in entry_points(group=PLUGIN_GROUP):
            try:
                entry.load()
            except Exception as error:
                _plugin_errors.append(f"plugin {entry.name} ({entry.value}) not loaded: {error}")
    return _registered


def plugin_problems() -> list[str]:
    """Why plugins' formats could not be loaded, one line each (loading them first)."""
    export_formats()
    return list(_plugin_errors)


def format_named(name: str) -> ExportFormat:
    formats = export_formats()
    if name not in formats:
        raise ExportError(f"{name!r}: unknown format (one of: {', '.join(formats)})")
    return formats[name]


def format_for_suffix(suffix: str) -> ExportFormat:
    """The format a file suffix chooses (``.csv`` -> csv), else the default (Markdown)."""
    for export_format in export_formats().values():
        if suffix.lower() in export_format.suffixes:
            return export_format
    return export_formats()[DEFAULT_FORMAT]
