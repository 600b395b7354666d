"""Where an export goes: a file that appears only when complete, or standard output."""

from __future__ import annotations

import contextlib
import io
import os
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import TextIO


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
