"""Reading a file: hand it to the reader registered for its suffix, turn errors into failures."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

from ..model import Article
from .failures import ReadError, ReadFailure
from .registry import reader_for

# read_path on a file of a type no reader claims (discover never yields one) reads plain text.
FALLBACK_SUFFIX = ".txt"


def read_path(given: str, path: Path) -> Iterator[Article | ReadFailure]:
    """Read one file: one article, or one per record for JSON (lines)."""
    reader = reader_for(path.suffix) or reader_for(FALLBACK_SUFFIX)
    try:
        result = reader.read(given, path)
        if isinstance(result, Article):
            yield result
        else:
            yield from result
    except ReadError as error:
        yield ReadFailure(given, str(error))
    except OSError as error:
        yield ReadFailure(given, f"cannot read: {error.strerror or error}")


def read_article(path: str | Path) -> Article:
    """Read a single-article file; raises :class:`ReadError` on failure."""
    results = list(read_path(str(path), Path(path)))
    if len(results) != 1:
        raise ReadError(f"{path}: expected one article, found {len(results)} records")
    if isinstance(results[0], ReadFailure):
        raise ReadError(str(results[0]))
    return results[0]
