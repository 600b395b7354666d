"""The paths given on the command line, expanded into the files some reader can read.

A folder is read as it is, not as its links say: a symbolic link that leads out of the
folder being ingested (to ``/etc/passwd``, to a home folder) is not followed unless the
user asks (``follow_links``), and each one skipped is named. Only regular files are
handed to readers, each file once however many times it was named or linked.
"""

from __future__ import annotations

import errno
import os
import stat
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from .decode import not_regular, storable_text
from .failures import ReadFailure, os_reason
from .registry import reader_for, supported_suffixes

Found = tuple[str, Path] | ReadFailure


@dataclass
class _Walk:
    """What one call of :func:`discover` has seen: files by identity, folders by identity."""

    follow_links: bool
    files: set[tuple[int, int]] = field(default_factory=set)
    folders: set[tuple[int, int]] = field(default_factory=set)


def discover(paths: Iterable[str], *, follow_links: bool = False) -> Iterator[Found]:
    """Expand the paths given on the command line into ``(as_given, file)`` pairs.

    Folders are searched recursively for supported files (hidden ones skipped). A path
    named on the command line is read wherever it leads; inside a folder, a link that
    leads out of it is followed only with ``follow_links``. Every file is yielded once.
    """
    walk = _Walk(follow_links)
    for given in paths:
        shown = storable_text(given)
        path = Path(given)
        try:
            info = path.stat()
        except OSError as error:
            yield ReadFailure(shown, _missing(path, error))
            continue
        if stat.S_ISDIR(info.st_mode):
            yield from _folder(shown, path, info, walk)
        elif reader_for(path.suffix) is None:
            yield ReadFailure(shown, f"unsupported file type {path.suffix or '(none)'!r}")
        else:
            yield from _file(shown, path, info, walk)


def _missing(path: Path, error: OSError) -> str:
    if error.errno == errno.ENOENT and path.is_symlink():
        return "broken symbolic link (what it points to does not exist)"
    return os_reason(error)


def _identity(info: os.stat_result) -> tuple[int, int]:
    return info.st_dev, info.st_ino


def _file(shown: str, path: Path, info: os.stat_result, walk: _Walk) -> Iterator[Found]:
    problem = not_regular(info.st_mode)
    if problem:
        yield ReadFailure(shown, problem)
    elif _identity(info) not in walk.files:  # named twice, or linked: read once
        walk.files.add(_identity(info))
        yield shown, path


def _folder(shown: str, root: Path, info: os.stat_result, walk: _Walk) -> Iterator[Found]:
    """Every supported file under ``root``, depth first in name order, without recursion.
    What is reached through a link comes after the rest, so that a file or folder also
    found in its own place is named by that place."""
    if _identity(info) in walk.folders:
        return  # named twice, or inside a folder named before: read once
    inside = os.path.realpath(root)
    found = False  # a supported file, or a reason why one could not be read
    pending = [(Path(shown), root, info)]
    through_links: list[tuple[Path, Path, os.stat_result]] = []
    while pending or through_links:
        shown_path, path, target = pending.pop() if pending else through_links.pop(0)
        if not stat.S_ISDIR(target.st_mode):
            yield from _file(str(shown_path), path, target, walk)
            continue
        if _identity(target) in walk.folders:
            continue  # named twice, or linked: read once
        walk.folders.add(_identity(target))
        try:
            with os.scandir(path) as scan:
                entries = sorted(scan, key=lambda entry: entry.name)
        except OSError as error:
            yield ReadFailure(str(shown_path), f"cannot read folder: {os_reason(error)}")
            found = True
            continue
        subfolders = []
        for entry in entries:
            if entry.name.startswith("."):
                continue
            shown_entry = shown_path / storable_text(entry.name)
            supported = reader_for(Path(entry.name).suffix) is not None
            try:
                target = entry.stat()  # follows links
            except OSError as error:
                if supported:
                    yield ReadFailure(str(shown_entry), _missing(Path(entry.path), error))
                    found = True
                continue
            if not (supported or stat.S_ISDIR(target.st_mode)):
                continue
            found = found or supported
            refusal = _link_refusal(entry, target, inside, walk.follow_links) if entry.is_symlink() else None
            if refusal:
                yield ReadFailure(str(shown_entry), refusal)
            elif entry.is_symlink():
                through_links.append((shown_entry, Path(entry.path), target))
            elif stat.S_ISDIR(target.st_mode):
                subfolders.append((shown_entry, Path(entry.path), target))
            else:
                yield from _file(str(shown_entry), Path(entry.path), target, walk)
        pending.extend(reversed(subfolders))
    if not found:
        yield ReadFailure(shown, f"folder has no readable articles ({', '.join(supported_suffixes())})")


def _link_refusal(entry: os.DirEntry, target: os.stat_result, inside: str, follow_links: bool) -> str | None:
    """Why a symbolic link in a folder is not followed, or ``None`` to follow it."""
    real = os.path.realpath(entry.path)
    is_folder = stat.S_ISDIR(target.st_mode)
    if is_folder and (real == inside or inside.startswith(real.rstrip(os.sep) + os.sep)):
        return "symbolic link loop (it points back to a folder that contains it)"
    if follow_links or os.path.commonpath([inside, real]) == inside:
        return None
    kind = "folder" if is_folder else "file"
    return f"symbolic link to a {kind} outside the folder, not followed (--follow-links follows it)"
