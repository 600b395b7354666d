"""Reading a file: hand it to the reader registered for its suffix, turn errors into failures."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

from ..model import Article
from .decode import storable_text
from .failures import ReadError, ReadFailure, os_reason
from .registry import reader_for

# read_path on a file of a type no reader claims (discover never yields one) reads plain text.
FALLBACK_SUFFIX = ".txt"


def read_path(given: str, path: Path) -> Iterator[Article | ReadFailure]:
    """Read one file: one article, or one per record for JSON (lines).

    Nothing is raised: every problem is a :class:`ReadFailure`, and every string that
    comes out can be encoded (stored, printed), whatever the file's name or contents.
    """
    given = storable_text(given)
    reader = reader_for(path.suffix) or reader_for(FALLBACK_SUFFIX)
    try:
        result = reader.read(given, path)
        for read in [result] if isinstance(result, Article) else result:
            yield _storable(read)
    except ReadError as error:
        yield ReadFailure(given, str(error))
    except OSError as error:
        yield ReadFailure(given, f"cannot read: {os_reason(error)}")
    except UnicodeDecodeError as error:
        yield ReadFailure(given, f"invalid {error.encoding.upper()} text")
    except RecursionError:
        yield ReadFailure(given, "nested too deeply to read")


def _storable(read: Article | ReadFailure) -> Article | ReadFailure:
    """``read`` with every string made storable (a reader's article is its own to change)."""
    if isinstance(read, ReadFailure):
        return ReadFailure(storable_text(read.path), storable_text(read.reason))
    for name, value in list(vars(read).items()):
        if isinstance(value, str):
            setattr(read, name, storable_text(value))
    read.links = [storable_text(link) for link in read.links]
    return read


def read_article(path: str | Path) -> Article:
    """Read a single-article file; raises :class:`ReadError` on failure."""
    results = list(read_path(str(path), Path(path)))
    if len(results) != 1:
        raise ReadError(f"{path}: expected one article, found {len(results)} records")
    if isinstance(results[0], ReadFailure):
        raise ReadError(str(results[0]))
    return results[0]
