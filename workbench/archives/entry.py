"""One published fact-check of one claim, as an archive gives it, and the checks every
format applies to the fields it read."""

from __future__ import annotations

import math
from dataclasses import dataclass

from ..readers.clean import strip_controls
from ..readers.failures import ReadError

# A claim longer than this is no claim but a document pasted into the field.
MAX_CLAIM_CHARS = 5000
MAX_FIELD_CHARS = 2000
TEXT_FIELDS = ("claimant", "claim_date", "publisher", "publisher_site", "url", "title", "review_date", "rating")
NUMBER_FIELDS = ("rating_value", "best_rating", "worst_rating")


@dataclass
class ArchiveEntry:
    """A fact-check read from an archive file; ``origin`` says where (``file#entry``)."""

    claim: str
    origin: str
    format: str
    claimant: str | None = None
    claim_date: str | None = None
    publisher: str | None = None
    publisher_site: str | None = None
    url: str | None = None
    title: str | None = None
    review_date: str | None = None
    rating: str | None = None
    rating_value: float | None = None
    best_rating: float | None = None
    worst_rating: float | None = None
    language: str | None = None


def _text(name: str, value: object, limit: int = MAX_FIELD_CHARS) -> str | None:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, str | int | float):
        raise ReadError(f"{name} is not text")
    text = str(value)
    if not text.isprintable() or "  " in text or text[:1] == " " or text[-1:] == " ":
        # Only a printable text's spaces are all plain ones: anything else is cleaned.
        text = " ".join(strip_controls(text).split())
    if len(text) > limit:
        raise ReadError(f"{name} is longer than {limit:,} characters")
    return text or None


def _number(name: str, value: object) -> float | None:
    if value is None or value == "":
        return None
    try:
        number = float(value) if not isinstance(value, bool) else math.nan
    except (TypeError, ValueError):
        raise ReadError(f"{name} {str(value)[:40]!r} is not a number") from None
    if not math.isfinite(number):
        raise ReadError(f"{name} is not a finite number")
    return number


def make_entry(fields: dict, origin: str, format: str) -> ArchiveEntry:
    """An entry from the fields a format read (names as :class:`ArchiveEntry`'s), each
    checked: text fields are text, on one line, without control characters; numbers are
    finite; the URLs are http(s). Raises :class:`ReadError` naming the field."""
    claim = _text("the claim", fields.get("claim"), MAX_CLAIM_CHARS)
    if not claim:
        raise ReadError("no claim text")
    values = {name: _text(name, fields.get(name)) for name in TEXT_FIELDS}
    values["language"] = _text("language", fields.get("language"), 35)
    for name in ("url", "publisher_site"):
        address = values[name]
        if address and not address[:8].lower().startswith(("http://", "https://")):
            raise ReadError(f"{name} {address[:60]!r} is not an http(s) URL")
    numbers = {name: _number(name, fields.get(name)) for name in NUMBER_FIELDS}
    return ArchiveEntry(claim=claim, origin=origin, format=format, **values, **numbers)
