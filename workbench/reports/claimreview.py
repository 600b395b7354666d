"""schema.org ClaimReview JSON-LD: one ``ClaimReview`` per item with a verdict.

The output is a JSON array of ClaimReview objects, each with its own ``@context``, as
search engines and fact-check aggregators read them. Ratings come from the status
vocabulary's ``rating`` (higher is truer); a verdict without a place on the scale
(such as ``unverifiable``) carries only ``alternateName``. It is published inside a
``<script>`` element, so it is written with :func:`~.common.json_text`; a verdict on an
item that changed since (:data:`~.query.CHANGED_SINCE_VERDICT`) is left out.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import replace
from typing import TextIO
from urllib.parse import quote

from ..config import Config
from .common import day, json_text, safe_url
from .formats import ExportFormat, register
from .query import ExportError, Selection


def check_config(config: Config) -> None:
    """ClaimReview says who published each verdict and where: refuse to guess it."""
    if not config.organization_name or not safe_url(config.organization_url):
        where = config.path or "workbench.toml beside the database"
        raise ExportError(
            f"ClaimReview needs [organization] name and an http(s) url in {where} (see workbench.toml.example)"
        )
    if config.claimreview_url is not None and (
        "{id}" not in config.claimreview_url or not _review_url(config, "0123456789ab")
    ):
        raise ExportError(f"{config.path}: [claimreview] url must be an http(s) URL containing {{id}}")


def _review_url(config: Config, item_id: str) -> str | None:
    # Item ids are hex digests, but a script may have written anything into the table.
    item_id = quote(item_id, safe="")
    if config.claimreview_url:
        return safe_url(config.claimreview_url.replace("{id}", item_id))
    return safe_url(f"{config.organization_url.split('#')[0]}#{item_id}")


def _appearances(item: dict) -> list[dict]:
    """The item's own source and every other source in its cluster that has a URL, earliest first."""
    seen: dict[str, dict] = {}
    for source in (item["source"], *(member["source"] for member in item["cluster"])):
        url = safe_url(source["url"])
        if url and url not in seen:
            work = {"@type": "CreativeWork", "url": url}
            if source["title"]:
                work["headline"] = source["title"]
            if source["published"]:
                work["datePublished"] = day(source["published"])
            seen[url] = work
    # Undated appearances go last: they cannot be the first.
    return sorted(seen.values(), key=lambda work: (work.get("datePublished") is None, work.get("datePublished", "")))


def claim_review(item: dict, config: Config, scale: dict, labels: dict) -> dict:
    """The ClaimReview object of one item with a verdict."""
    verdict = item["verdict"]
    rating = {"@type": "Rating", "alternateName": labels.get(item["status"], item["status"])}
    if item["status"] in scale["ratings"]:
        rating = {
            "@type": "Rating",
            "ratingValue": scale["ratings"][item["status"]],
            "bestRating": scale["best"],
            "worstRating": scale["worst"],
            "alternateName": rating["alternateName"],
        }
    claim: dict = {"@type": "Claim"}
    if item["speaker"]:
        claim["author"] = {"@type": "Person", "name": item["speaker"]}
    appearances = _appearances(item)
    if appearances:
        claim["appearance"] = appearances
        claim["firstAppearance"] = appearances[0]
        if "datePublished" in appearances[0]:
            claim["datePublished"] = appearances[0]["datePublished"]
    return {
        "@context": "https://schema.org",
        "@type": "ClaimReview",
        "url": _review_url(config, item["id"]),
        "claimReviewed": item["text"],
        "datePublished": day(verdict["created_at"]),
        "author": {"@type": "Organization", "name": config.organization_name, "url": safe_url(config.organization_url)},
        "reviewRating": rating,
        "itemReviewed": claim,
        "identifier": item["id"],
    }


def write(selection: Selection, out: TextIO) -> int:
    """Write a JSON array of ClaimReview objects; return how many."""
    check_config(selection.config)
    ratings = {status["id"]: status["rating"] for status in selection.statuses() if status["rating"] is not None}
    scale = {
        "ratings": ratings,
        "best": max(ratings.values(), default=None),
        "worst": min(ratings.values(), default=None),
    }
    labels = {status["id"]: status["label"] for status in selection.statuses()}
    # Only verdicts are published, whatever the other filters say.
    reviewed = Selection(selection.db, replace(selection.filters, reviewed_only=True), selection.config)
    out.write("[")
    count = 0
    left_out: Counter[str] = Counter()
    for item in reviewed.items(cluster=True):
        reason = _unpublishable(item)
        if reason:
            left_out[reason] += 1
            continue
        out.write(
            ("\n" if count == 0 else ",\n") + json_text(claim_review(item, selection.config, scale, labels), indent=1)
        )
        count += 1
    out.write("\n]\n" if count else "]\n")
    selection.warnings += [f"{number:,} left out of ClaimReview: {reason}" for reason, number in left_out.items()]
    return count


def _unpublishable(item: dict) -> str | None:
    """Why the verdict on ``item`` must not be published, if it must not."""
    verdict = item["verdict"]
    if verdict is None:  # a status written without a review, by a script
        return "a status with no review behind it"
    if verdict["changed"]:
        return f"the {' and '.join(verdict['changed'])} changed since the verdict (review again to publish)"
    return None


register(ExportFormat("claimreview", (".jsonld",), write, check=check_config))
