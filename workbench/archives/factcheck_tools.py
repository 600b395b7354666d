"""The JSON of Google's Fact Check Tools API ``claims:search``: ``claims[]`` with ``text``,
``claimant``, ``claimDate`` and ``claimReview[]`` of ``publisher{name, site}``, ``url``,
``title``, ``reviewDate``, ``textualRating``, ``languageCode``. One entry per review."""

from __future__ import annotations

from collections.abc import Iterator

from ..readers.failures import ReadError, ReadFailure
from .entry import ArchiveEntry, make_entry
from .registry import ArchiveFormat, register


def recognises(document: object) -> bool:
    return isinstance(document, dict) and isinstance(document.get("claims"), list)


def _site(site: object) -> object:
    """``site`` is a bare domain in the API's answers: the publisher's address."""
    return f"https://{site}" if isinstance(site, str) and site and "://" not in site else site


def entries(given: str, document: object) -> Iterator[ArchiveEntry | ReadFailure]:
    for number, claim in enumerate(document["claims"], 1):
        if not isinstance(claim, dict) or not isinstance(claim.get("claimReview"), list) or not claim["claimReview"]:
            yield ReadFailure(f"{given}#{number}", "not a claim with a claimReview list")
            continue
        for review_number, review in enumerate(claim["claimReview"], 1):
            where = f"{given}#{number}.{review_number}"
            if not isinstance(review, dict):
                yield ReadFailure(where, "claimReview is not an object")
                continue
            publisher = review.get("publisher") if isinstance(review.get("publisher"), dict) else {}
            try:
                yield make_entry(
                    {
                        "claim": claim.get("text"),
                        "claimant": claim.get("claimant"),
                        "claim_date": claim.get("claimDate"),
                        "publisher": publisher.get("name"),
                        "publisher_site": _site(publisher.get("site")),
                        "url": review.get("url"),
                        "title": review.get("title"),
                        "review_date": review.get("reviewDate"),
                        "rating": review.get("textualRating"),
                        "language": review.get("languageCode"),
                    },
                    where,
                    "factcheck_tools",
                )
            except ReadError as error:
                yield ReadFailure(where, str(error))


register(ArchiveFormat("factcheck_tools", (".json",), entries, recognises=recognises))
