"""Which reader reads which file suffix.

A format is a module that calls :func:`register` when imported, the way a plugin would.
The built-in formats are the modules in :data:`BUILTIN_FORMATS`, imported on the first
lookup (or registration), so a new format is one new module plus one line here; another
package adds a format by naming its module in the ``workbench.readers`` entry-point group.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from importlib import import_module
from importlib.metadata import entry_points
from pathlib import Path

from ..model import Article
from .failures import ReadFailure

BUILTIN_FORMATS = ("plain", "html", "pdf", "json_records")
PLUGIN_GROUP = "workbench.readers"


@dataclass(frozen=True)
class Reader:
    """A file format: its name, the suffixes it claims, and the function that reads a file.

    ``read(given, path)`` returns one :class:`Article`, or a stream of articles and
    :class:`ReadFailure` (one per record); it raises :class:`~.failures.ReadError` or
    :class:`OSError` when the whole file cannot be read.
    """

    name: str
    suffixes: tuple[str, ...]
    read: Callable[[str, Path], Article | Iterable[Article | ReadFailure]]


_readers_by_suffix: dict[str, Reader] = {}
_lock = threading.RLock()  # re-entrant: a built-in module registers while the registry imports it
_formats_loaded = False
# Plugins that failed to load, one line each: a broken plugin costs its formats, not the batch.
_plugin_errors: list[str] = []


def _load_formats() -> None:
    """Import the built-in formats, then the plugins' (once)."""
    global _formats_loaded
    with _lock:
        if _formats_loaded:
            return
        _formats_loaded = True
        for name in BUILTIN_FORMATS:
            import_module(f"{__package__}.{name}")
        for entry in entry_points(group=PLUGIN_GROUP):
            try:
                entry.load()
            except Exception as error:
                _plugin_errors.append(f"plugin {entry.name} ({entry.value}) not loaded: {error}")


def register(reader: Reader) -> Reader:
    """Make ``reader`` read its suffixes; a suffix another reader has is a :class:`ValueError`.

    The built-in readers are registered first, so a plugin cannot silently replace one.
    """
    with _lock:
        _load_formats()
        for suffix in reader.suffixes:
            if not suffix.startswith(".") or suffix != suffix.lower():
                raise ValueError(f"{reader.name}: suffix {suffix!r} is not like '.txt'")
            if suffix in _readers_by_suffix:
                raise ValueError(f"{reader.name}: {suffix} is already read by {_readers_by_suffix[suffix].name}")
        _readers_by_suffix.update(dict.fromkeys(reader.suffixes, reader))
    return reader


def unregister(reader: Reader) -> None:
    """Forget ``reader``: its suffixes are unsupported again until another reader claims them."""
    with _lock:
        for suffix in reader.suffixes:
            if _readers_by_suffix.get(suffix) is reader:
                del _readers_by_suffix[suffix]


def plugin_problems() -> list[str]:
    """Why plugins' readers could not be loaded, one line each (loading them first)."""
    _load_formats()
    return list(_plugin_errors)


def reader_for(suffix: str) -> Reader | None:
    """The reader for a file suffix (any case), or ``None`` when no reader claims it."""
    _load_formats()
    return _readers_by_suffix.get(suffix.lower())


def supported_suffixes() -> list[str]:
    """Every suffix some reader claims, sorted."""
    _load_formats()
    return sorted(_readers_by_suffix)
