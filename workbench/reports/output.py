"""Where an export goes: standard output, a file that appears only when complete, or
through a special file (a named pipe, a device) the way the shell's ``>`` writes.

- ``-``, or a path naming the file that is already standard output or standard error
  (``/dev/stdout``, ``/proc/self/fd/1``, or the file the shell redirected to): written
  to that stream, so a pipe stays a pipe and ``>>`` keeps appending.
- A regular file, a new one, or a symbolic link to either: written to a temporary file
  beside the final target and renamed onto it when complete. A link stays a link and
  its target gets the report; an existing file keeps its permission bits (and owner,
  where allowed); a new one gets the usual ``umask`` bits. If the export fails or is
  stopped (Ctrl-C, ``kill``), the temporary file is removed and the target is untouched.
- Anything else (a named pipe, ``/dev/null``, ``/dev/full``, a terminal, a socket):
  opened and written in place, never replaced. A named pipe waits for its reader.

Write errors (a full disk, ``/dev/full``) surface as :class:`OSError`.
"""

from __future__ import annotations

import contextlib
import io
import os
import secrets
import signal
import stat
import sys
import threading
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import TextIO

from .query import ExportError

# Signals that end a process politely: turned into SystemExit while a temporary file
# exists, so it is removed on the way out.
STOP_SIGNALS = (signal.SIGTERM, signal.SIGHUP)


@contextlib.contextmanager
def open_output(
    output: str, *, newline: str | None, protected: Mapping[str | Path, str] | None = None
) -> Iterator[TextIO]:
    """A UTF-8 text stream to ``output`` (``-`` is stdout); see the module docstring.

    ``protected`` names the files an export must never replace (the database, its
    journals, the configuration) and what each is: naming one, or a link to one, is an
    :class:`ExportError`.
    """
    if output == "-":
        yield from _standard_stream(sys.stdout, newline)
        return
    if not output:
        raise ExportError("the output file name is empty")
    target = Path(os.path.realpath(output))
    for path, what in (protected or {}).items():
        if Path(os.path.realpath(path)) == target:
            raise ExportError(f"{output}: is {what} ({path}); an export never replaces it")
    stream_fd = _standard_fd(output)
    if stream_fd is not None:
        yield from _standard_stream(sys.stdout if stream_fd == 1 else sys.stderr, newline)
        return
    try:
        existing = os.stat(target)
    except FileNotFoundError:
        existing = None
    if existing is not None and stat.S_ISDIR(existing.st_mode):
        raise ExportError(f"{output}: is a folder")
    if existing is not None and not stat.S_ISREG(existing.st_mode):
        with open(output, "w", encoding="utf-8", newline=newline) as stream:
            yield stream
        return
    with _removed_on_stop():
        yield from _replace(target, existing, newline)


def _standard_fd(output: str) -> int | None:
    """1 or 2 if ``output`` is the very file standard output or error already writes to."""
    try:
        named = os.stat(output)
    except OSError:
        return None
    for fd in (1, 2):
        with contextlib.suppress(OSError):
            stream = os.fstat(fd)
            if (stream.st_dev, stream.st_ino) == (named.st_dev, named.st_ino):
                return fd
    return None


def _standard_stream(stream: TextIO, newline: str | None) -> Iterator[TextIO]:
    if not hasattr(stream, "buffer"):  # already a text-only stream (embedded use)
        yield stream
        return
    stream.flush()  # what was printed before comes first
    wrapper = io.TextIOWrapper(stream.buffer, encoding="utf-8", newline=newline)
    try:
        yield wrapper
        wrapper.flush()
    finally:
        wrapper.detach()  # leave the stream itself open


def _replace(target: Path, existing: os.stat_result | None, newline: str | None) -> Iterator[TextIO]:
    """Write a temporary file beside ``target`` and rename it onto ``target`` when complete."""
    # Short enough for any file system whatever the target's name; O_EXCL: never
    # someone else's file; mode 0o666 so that the umask decides, as for any new file.
    temporary = target.parent / f".{target.name[:64]}.{secrets.token_hex(6)}.tmp"
    handle = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666)
    try:
        if existing is not None:
            os.chmod(handle, stat.S_IMODE(existing.st_mode))
            with contextlib.suppress(PermissionError):
                os.chown(handle, existing.st_uid, existing.st_gid)
        with open(handle, "w", encoding="utf-8", newline=newline) as stream:
            yield stream
            stream.flush()
            os.fsync(stream.fileno())  # the new report is on disk before its name is
        os.replace(temporary, target)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(temporary)
        raise


@contextlib.contextmanager
def _removed_on_stop() -> Iterator[None]:
    """Turn SIGTERM and SIGHUP into :class:`SystemExit` meanwhile, so cleanup code runs."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return

    def stop(signum: int, _frame: object) -> None:
        raise SystemExit(128 + signum)

    previous = {signum: signal.signal(signum, stop) for signum in STOP_SIGNALS}
    try:
        yield
    finally:
        for signum, handler in previous.items():
            signal.signal(signum, handler)
