"""One published fact-check of one claim, as an archive gives it."""

from __future__ import annotations

from dataclasses import dataclass


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
