"""CSV (or tab-separated) archives: a header row naming at least the claim text, the
rating and the review URL. Column names are matched loosely (case, spaces and punctuation
aside, common synonyms: ``claim``/``statement``/``claim_reviewed``, ``rating``/``verdict``/
``textual rating``, ``url``/``review url``/``link`` ...); the mapping used is reported, and
``--column field=header`` overrides it."""

from __future__ import annotations

import csv
import itertools
import re
from collections.abc import Iterator
from pathlib import Path

from ..readers.decode import open_text
from ..readers.failures import ReadError, ReadFailure
from .entry import MAX_CLAIM_CHARS, ArchiveEntry, make_entry
from .registry import ArchiveFormat, register

MAX_CSV_BYTES = 2 * 1024**3
REQUIRED = ("claim", "rating", "url")
# Each field and the header names that mean it, folded (see _fold), best first.
SYNONYMS = {
    "claim": ("claim", "claimtext", "claimreviewed", "statement", "text", "claimtitle"),
    "rating": ("rating", "textualrating", "verdict", "ruling", "label", "alternatename", "ratingname"),
    "url": ("url", "reviewurl", "factcheckurl", "link", "claimreviewurl", "articleurl", "source"),
    "claimant": ("claimant", "speaker", "author", "claimauthor", "saidby"),
    "claim_date": ("claimdate", "datesaid", "claimdatepublished"),
    "publisher": ("publisher", "publishername", "factchecker", "organisation", "organization", "site"),
    "title": ("title", "headline", "reviewtitle"),
    "review_date": ("reviewdate", "date", "datepublished", "published"),
    "rating_value": ("ratingvalue", "score", "numericrating"),
    "best_rating": ("bestrating",),
    "worst_rating": ("worstrating",),
    "language": ("language", "languagecode", "lang", "inlanguage"),
}
FOLD = re.compile(r"[^0-9a-z]")


def _fold(name: str) -> str:
    return FOLD.sub("", name.casefold())


def column_mapping(header: list[str], overrides: dict[str, str]) -> dict[str, int]:
    """Field -> column index. Raises :class:`ReadError` for an unknown field or header in
    ``overrides`` or a required field no column names."""
    folded = [_fold(name) for name in header]
    mapping: dict[str, int] = {}
    for field, name in overrides.items():
        if field not in SYNONYMS:
            raise ReadError(f"--column {field}: unknown field (one of: {', '.join(SYNONYMS)})")
        if name not in header:
            raise ReadError(f"--column {field}={name}: no such column (columns: {', '.join(header)[:200]})")
        mapping[field] = header.index(name)
    taken = set(mapping.values())
    for field, names in SYNONYMS.items():
        if field in mapping:
            continue
        found = next((folded.index(name) for name in names if name in folded and folded.index(name) not in taken), None)
        if found is not None:
            mapping[field] = found
            taken.add(found)
    missing = [field for field in REQUIRED if field not in mapping]
    if missing:
        raise ReadError(
            f"no column for {', '.join(missing)} (columns: {', '.join(header)[:200]}); name it with --column FIELD=HEADER"
        )
    return mapping


def read_file(given: str, path: Path, overrides: dict[str, str]) -> Iterator[ArchiveEntry | ReadFailure | str]:
    """A line saying the mapping used, then the entries, one failure per bad row."""
    csv.field_size_limit(MAX_CLAIM_CHARS * 4)
    with open_text(path, MAX_CSV_BYTES) as stream:
        first = stream.readline(MAX_CLAIM_CHARS * 4)
        delimiter = "\t" if path.suffix.lower() == ".tsv" or first.count("\t") > first.count(",") else ","
        rows = csv.reader(itertools.chain([first], stream), delimiter=delimiter)
        try:
            header = next(rows, None)
        except csv.Error as error:
            raise ReadError(f"header: {error}") from None
        if not header:
            raise ReadError("empty file")
        mapping = column_mapping(header, overrides)
        yield "columns: " + ", ".join(f"{field}={header[index]!r}" for field, index in mapping.items())
        number = 1
        while True:
            number += 1
            where = f"{given}#{number}"
            try:
                row = next(rows, None)
            except csv.Error as error:
                yield ReadFailure(where, f"row not read ({error})")
                continue
            if row is None:
                return
            if not any(cell.strip() for cell in row):
                continue
            try:
                yield make_entry(
                    {field: row[index] if index < len(row) else None for field, index in mapping.items()},
                    where,
                    "csv",
                )
            except ReadError as error:
                yield ReadFailure(where, str(error))


register(ArchiveFormat("csv", (".csv", ".tsv"), read_file=read_file))
