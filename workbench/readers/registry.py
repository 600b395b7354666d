"""Which reader reads which file suffix.

A format is a module that calls :func:`register` when imported, the way a plugin would.
The built-in formats are the modules in :data:`BUILTIN_FORMATS`, imported on the first
lookup (or registration), so a new format is one new module plus one line here.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from importlib import import_module
from pathlib import Path

from ..model import Article
from .failures import ReadFailure

BUILTIN_FORMATS = ("plain", "html", "pdf", "json_records")


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
_builtins_loaded = False


def _load_builtins() -> None:
    global _builtins_loaded
    with _lock:
        if _builtins_loaded:
            return
        _builtins_loaded = True
        for name in BUILTIN_FORMATS:
            import_module(f"{__package__}.{name}")


def register(reader: Reader) -> Reader:
    """Make ``reader`` read its suffixes; a suffix another reader has is a :class:`ValueError`.

    The built-in readers are registered first, so a plugin cannot silently replace one.
    """
    with _lock:
        _load_builtins()
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


def reader_for(suffix: str) -> Reader | None:
    """The reader for a file suffix (any case), or ``None`` when no reader claims it."""
    _load_builtins()
    return _readers_by_suffix.get(suffix.lower())


def supported_suffixes() -> list[str]:
    """Every suffix some reader claims, sorted."""
    _load_builtins()
    return sorted(_readers_by_suffix)
