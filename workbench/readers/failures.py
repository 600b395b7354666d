"""How a reader says no: :class:`ReadError` inside a reader, :class:`ReadFailure` out of it."""

from __future__ import annotations

import errno
import logging
import warnings
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

OS_REASONS = {
    errno.ENOENT: "no such file or folder",
    errno.ELOOP: "symbolic link loop",
    errno.EACCES: "permission denied",
    errno.EPERM: "permission denied",
    errno.ENAMETOOLONG: "name too long",
    errno.EISDIR: "is a folder",
    errno.ENOTDIR: "a part of the path is not a folder",
}


class ReadError(Exception):
    """A file or record that cannot be read; the message is the reason."""


@dataclass
class ReadFailure:
    """A file or record that could not be read, and why (one line)."""

    path: str
    reason: str

    def __post_init__(self) -> None:
        # A file name or a library's message may hold line breaks: the failure is one line.
        self.path = " ".join(self.path.splitlines())
        self.reason = " ".join(self.reason.splitlines())

    def __str__(self) -> str:
        return f"{self.path}: {self.reason}"


def os_reason(error: OSError) -> str:
    """What an operating-system error means for the file, in a few words."""
    return OS_REASONS.get(error.errno or 0) or (error.strerror or str(error)).lower()


@contextmanager
def library_messages_dropped(*loggers: str) -> Iterator[None]:
    """Drop what parsing libraries log or warn while a reader runs: they name no file, and
    the reader's own one line (a failure, or nothing) says what matters."""
    silenced = [logging.getLogger(name) for name in loggers]
    previous = [logger.propagate for logger in silenced]
    dropped = logging.NullHandler()
    for logger in silenced:
        logger.propagate = False
        logger.addHandler(dropped)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            yield
    finally:
        for logger, propagate in zip(silenced, previous, strict=True):
            logger.removeHandler(dropped)
            logger.propagate = propagate
