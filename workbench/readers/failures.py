"""How a reader says no: :class:`ReadError` inside a reader, :class:`ReadFailure` out of it."""

from __future__ import annotations

from dataclasses import dataclass


class ReadError(Exception):
    """A file or record that cannot be read; the message is the reason."""


@dataclass
class ReadFailure:
    """A file or record that could not be read, and why (one line)."""

    path: str
    reason: str

    def __str__(self) -> str:
        return f"{self.path}: {self.reason}"
