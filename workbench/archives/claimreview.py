"""schema.org ClaimReview JSON-LD, in every form archives use: one object, a list, an
``@graph``, and the data feed (``DataFeed`` whose ``dataFeedElement`` items carry
``item`` lists) of large public collections. The workbench's own ClaimReview export is a
list of such objects and reads back the same way.

Each ClaimReview is one entry: ``claimReviewed``; the claim's ``author`` and
``datePublished`` from ``itemReviewed``; the review's ``author`` (publisher), ``url``,
``headline`` or ``name``, ``datePublished`` (``dateModified`` when later),
``reviewRating`` (``alternateName``, ``ratingValue``, ``bestRating``, ``worstRating``) and
``inLanguage``. Other nodes (``WebPage``, ``Organization`` ...) are passed over.
"""

from __future__ import annotations

from collections.abc import Iterator

from ..readers.failures import ReadError, ReadFailure
from .entry import ArchiveEntry, make_entry
from .registry import ArchiveFormat, register

# Nodes deeper than this are not looked into (a hostile file nests lists thousands deep).
MAX_DEPTH = 8
TOO_DEEP = object()


def _types(node: dict) -> set[str]:
    given = node.get("@type", ())
    return {given} if isinstance(given, str) else {kind for kind in given if isinstance(kind, str)}


def _nodes(value: object, depth: int = 0) -> Iterator[object]:
    """The ClaimReview candidates in a document, in order: a ClaimReview object is yielded,
    containers (lists, ``@graph``, data feeds and their items) are opened."""
    if depth > MAX_DEPTH:
        yield TOO_DEEP
        return
    if isinstance(value, list):
        for element in value:
            yield from _nodes(element, depth + 1)
        return
    if not isinstance(value, dict):
        yield value
        return
    if "ClaimReview" in _types(value):
        yield value
        return
    for key in ("@graph", "dataFeedElement", "item"):
        if key in value:
            yield from _nodes(value[key], depth + 1)
            return
    yield value


def _name(value: object) -> str | None:
    """A person's or organisation's name: a string, or the ``name`` of an object (or the first of a list)."""
    if isinstance(value, list):
        value = value[0] if value else None
    if isinstance(value, dict):
        value = value.get("name")
    return value if isinstance(value, str) or value is None else str(value)


def _field(node: dict, key: str) -> object:
    value = node.get(key)
    return value[0] if isinstance(value, list) and value and not isinstance(value[0], dict | list) else value


def fields(node: dict) -> dict:
    """The entry's fields from one ClaimReview object."""
    claim = node.get("itemReviewed") if isinstance(node.get("itemReviewed"), dict) else {}
    rating = node.get("reviewRating")
    rating = rating[0] if isinstance(rating, list) and rating else rating
    rating = rating if isinstance(rating, dict) else {}
    author = node.get("author")
    author = author[0] if isinstance(author, list) and author else author
    author = author if isinstance(author, dict) else {"name": author}
    published, modified = _field(node, "datePublished"), _field(node, "dateModified")
    later = modified if isinstance(modified, str) and isinstance(published, str) and modified > published else None
    return {
        "claim": _field(node, "claimReviewed"),
        "claimant": _name(claim.get("author")),
        "claim_date": _field(claim, "datePublished"),
        "publisher": _name(author),
        "publisher_site": _field(author, "url"),
        "url": _field(node, "url"),
        "title": _field(node, "headline") or _field(node, "name"),
        "review_date": later or published or modified,
        "rating": _field(rating, "alternateName"),
        "rating_value": _field(rating, "ratingValue"),
        "best_rating": _field(rating, "bestRating"),
        "worst_rating": _field(rating, "worstRating"),
        "language": _name(node.get("inLanguage")),
    }


def entries(given: str, document: object) -> Iterator[ArchiveEntry | ReadFailure]:
    found = 0
    for number, node in enumerate(_nodes(document), 1):
        where = f"{given}#{number}"
        if node is TOO_DEEP:
            yield ReadFailure(where, f"nested more than {MAX_DEPTH} levels deep; not read")
            continue
        if not isinstance(node, dict) or "ClaimReview" not in _types(node):
            yield ReadFailure(where, "not a ClaimReview object")
            continue
        found += 1
        try:
            yield make_entry(fields(node), where, "claimreview")
        except ReadError as error:
            yield ReadFailure(where, str(error))
    if not found:
        yield ReadFailure(given, "no ClaimReview object in it")


register(ArchiveFormat("claimreview", (".json", ".jsonld", ".jsonl", ".ndjson"), entries))
