"""The paths given on the command line, expanded into the files some reader can read."""

from __future__ import annotations

import os
from collections.abc import Iterable, Iterator
from pathlib import Path

from .failures import ReadFailure
from .registry import reader_for, supported_suffixes


def discover(paths: Iterable[str], *, follow_links: bool = False) -> Iterator[tuple[str, Path] | ReadFailure]:
    """Expand the paths given on the command line into ``(as_given, file)`` pairs.

    Folders are searched recursively for supported files (hidden ones skipped).
    """
    for given in paths:
        path = Path(given)
        if not path.exists():
            yield ReadFailure(given, "no such file or folder")
        elif path.is_dir():
            found = False
            for root, dirs, files in os.walk(path):
                dirs[:] = sorted(d for d in dirs if not d.startswith("."))
                for name in sorted(files):
                    if not name.startswith(".") and reader_for(Path(name).suffix) is not None:
                        found = True
                        yield str(Path(given) / Path(root).relative_to(path) / name), Path(root) / name
            if not found:
                yield ReadFailure(given, f"folder has no readable articles ({', '.join(supported_suffixes())})")
        elif reader_for(path.suffix) is None:
            yield ReadFailure(given, f"unsupported file type {path.suffix or '(none)'!r}")
        else:
            yield given, path
