"""Reading one archive file: the format its suffix names (JSON ones told apart by what
they hold), every problem one line naming the file (and the entry), never an exception.

JSON lines are read a line at a time; a JSON document is parsed whole, up to
:data:`MAX_JSON_BYTES` (a data feed is one object).
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

from ..readers.decode import open_text
from ..readers.failures import ReadError, ReadFailure, os_reason
from ..readers.json_records import DECODER
from .entry import ArchiveEntry
from .registry import ArchiveFormat, formats

MAX_JSON_BYTES = 1024**3
MAX_LINE_CHARS = 5 * 1024**2
LINE_SUFFIXES = (".jsonl", ".ndjson")


def suffixes() -> list[str]:
    return sorted({suffix for archive_format in formats() for suffix in archive_format.suffixes})


def _format_of(document: object) -> ArchiveFormat:
    known = formats()
    return next(
        (found for found in known if found.recognises(document)), next(f for f in known if f.name == "claimreview")
    )


def _documents(given: str, path: Path) -> Iterator[tuple[str, object] | ReadFailure]:
    """``(where, document)`` per JSON document: the file's one document, or each line of JSON lines."""
    with open_text(path, MAX_JSON_BYTES) as stream:
        if path.suffix.lower() not in LINE_SUFFIXES:
            text = stream.read()
            try:
                yield given, DECODER.decode(text)
                return
            except json.JSONDecodeError as error:
                if error.msg != "Extra data":
                    raise ReadError(f"invalid JSON ({error.msg} at line {error.lineno} column {error.colno})") from None
            except RecursionError:
                raise ReadError("JSON nested too deeply") from None
            lines = iter(text.splitlines())  # many .json archives are really JSON lines
        else:
            lines = iter(lambda: stream.readline(MAX_LINE_CHARS + 1), "")
        for number, line in enumerate(lines, 1):
            if not line.strip():
                continue
            where = f"{given}:{number}"
            if len(line) > MAX_LINE_CHARS:
                yield ReadFailure(where, f"line longer than {MAX_LINE_CHARS // 1024**2} MB; not read")
                while line and not line.endswith("\n"):
                    line = stream.readline(MAX_LINE_CHARS)
                continue
            try:
                yield where, DECODER.decode(line)
            except json.JSONDecodeError as error:
                yield ReadFailure(where, f"invalid JSON ({error.msg} at column {error.colno})")
            except RecursionError:
                yield ReadFailure(where, "JSON nested too deeply")


def read_archive(
    given: str, path: Path, columns: dict[str, str] | None = None
) -> Iterator[ArchiveEntry | ReadFailure | str]:
    """The entries of the archive at ``path`` (named ``given`` in messages), one
    :class:`ReadFailure` per file or entry that cannot be read, and lines of information
    (``str``: the CSV column mapping)."""
    suffix = path.suffix.lower()
    tabular = next((found for found in formats() if found.read_file and suffix in found.suffixes), None)
    try:
        if tabular is not None:
            yield from tabular.read_file(given, path, columns or {})
            return
        if suffix not in suffixes():
            raise ReadError(f"not an archive format (one of: {', '.join(suffixes())})")
        for found in _documents(given, path):
            if isinstance(found, ReadFailure):
                yield found
                continue
            where, document = found
            yield from _format_of(document).entries(where, document)
    except ReadError as error:
        yield ReadFailure(given, str(error))
    except OSError as error:
        yield ReadFailure(given, os_reason(error))
    except UnicodeError as error:
        yield ReadFailure(given, f"cannot decode ({error.reason})")
