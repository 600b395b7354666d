"""schema.org ClaimReview JSON-LD: one ``ClaimReview`` per item with a verdict.

The output is a JSON array of ClaimReview objects, each with its own ``@context``, as
search engines and fact-check aggregators read them. Ratings come from the status
vocabulary's ``rating`` (higher is truer); a verdict without a place on the scale
(such as ``unverifiable``) carries only ``alternateName``. It is published inside a
``<script>`` element, so it is written with :func:`~.common.json_text`; a verdict on an
item that changed since (:data:`~.query.CHANGED_SINCE_VERDICT`) is left out, and so is
every verdict when the publisher is missing or still the example's placeholder.
A verdict on an item that a reviewer confirmed repeats a published fact-check cites it
(``isBasedOn``: its URL, publisher and rating).
``claimReviewed`` is a sentence a reader understands on its own: a fragment of reported
speech ("he was detained and then beaten…") is given with the sentence it comes from.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import replace
from typing import TextIO
from urllib.parse import quote, urlsplit

from ..config import EXAMPLE_ORGANIZATION, Config
from ..extract.sentences import paragraph_spans, sentence_spans
from .common import day, json_text, safe_url
from .formats import ExportFormat, register
from .query import ExportError, Selection

# The domains kept for examples (RFC 2606): no fact-check is published there.
EXAMPLE_DOMAINS = ("example.com", "example.net", "example.org")
# Characters that may open or close a sentence around its first and last word.
OPENING_MARKS = "“‘\"'([«"
CLOSING_MARKS = "”’\"')]»"
# The marks around a quotation, replaced by the ones a ClaimReview puts around it.
QUOTATION_MARKS = '“”"«»'
# A sentence quoted as the claim reviewed is at most this long; a longer one is no summary.
LONGEST_SENTENCE = 600


def publisher_problem(name: str | None, url: str | None, review_url: str | None = None) -> str | None:
    """Why ``name`` and ``url`` (and the fact-check page template ``review_url``) cannot
    be published as the author of a ClaimReview, or ``None`` when they can."""
    if not name or not name.strip() or not url:
        return "needs the organisation that publishes it, a name and an http(s) url"
    if name.strip().casefold() == EXAMPLE_ORGANIZATION.casefold():
        return f"{name!r} is the example's placeholder, not an organisation"
    for what, address in (("url", url), ("fact-check url", review_url)):
        if address is None:
            continue
        if not safe_url(address.replace("{id}", "0")):
            return f"the {what} {address!r} is not an http(s) URL"
        host = (urlsplit(address).hostname or "").rstrip(".")
        if any(host == domain or host.endswith("." + domain) for domain in EXAMPLE_DOMAINS):
            return f"the {what} {address!r} is an example address, where nothing is published"
    if review_url is not None and "{id}" not in review_url:
        return f"the fact-check url {review_url!r} must contain {{id}} (the item id)"
    return None


def check_config(config: Config) -> None:
    """ClaimReview says who published each verdict and where: refuse to guess it, and
    refuse the placeholder of ``workbench.toml.example``."""
    problem = publisher_problem(config.organization_name, config.organization_url, config.claimreview_url)
    if problem:
        where = config.path or "workbench.toml beside the database"
        raise ExportError(
            f"ClaimReview {problem}: give --organization NAME --organization-url URL, or set [organization] "
            f"in {where} (`workbench init` writes it)"
        )


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
    review = {
        "@context": "https://schema.org",
        "@type": "ClaimReview",
        "url": _review_url(config, item["id"]),
        "claimReviewed": claim_reviewed(item),
        "datePublished": day(verdict["created_at"]),
        "author": {"@type": "Organization", "name": config.organization_name, "url": safe_url(config.organization_url)},
        "reviewRating": rating,
        "itemReviewed": claim,
        "identifier": item["id"],
    }
    earlier = _earlier_checks(item)
    if earlier:
        review["isBasedOn"] = earlier
    return review


def _earlier_checks(item: dict) -> list[dict]:
    """The published fact-checks a reviewer confirmed the item repeats, cited as ClaimReviews."""
    cited = []
    for check in item.get("checks", ()):
        url = safe_url(check["url"])
        if check["via"] != "archive" or check["state"] != "confirmed" or not url:
            continue
        earlier = {"@type": "ClaimReview", "url": url}
        if check["checked_by"]:
            earlier["author"] = {"@type": "Organization", "name": check["checked_by"]}
        if check["rating"]:
            earlier["reviewRating"] = {"@type": "Rating", "alternateName": check["rating"]}
        cited.append(earlier)
    return cited


def _opens_a_sentence(text: str) -> bool:
    """Whether ``text`` starts as a sentence does: a capital or a digit (marks aside)."""
    opening = text.lstrip(OPENING_MARKS)
    return bool(opening) and (opening[0].isupper() or opening[0].isdigit())


def _is_sentence(text: str) -> bool:
    """Whether ``text`` reads as a whole sentence: it opens as one and ends with a full
    stop, question or exclamation mark (quotation marks and brackets aside)."""
    return _opens_a_sentence(text) and text.rstrip(CLOSING_MARKS).endswith((".", "!", "?", "…"))


def enclosing_sentence(context: dict) -> str | None:
    """The whole sentence, or sentences, of the article the item is part of (from
    :meth:`Selection.items` ``context``), or ``None`` when it cannot be told."""
    text, start, end = context["text"], context["start"], context["end"]
    if not text or not 0 <= start < end <= len(text):
        return None
    paragraph = next(((low, high) for low, high in paragraph_spans(text) if low <= start and end <= high), None)
    if paragraph is None:  # a quotation over several paragraphs is no one sentence
        return None
    around = [(low, high) for low, high in sentence_spans(text, *paragraph) if low < end and start < high]
    if not around:
        return None
    low, high = around[0][0], around[-1][1]
    # A sentence reaching the edge of what was read may go on beyond it.
    if (low == 0 and context["clipped_before"]) or (high == len(text) and context["clipped_after"]):
        return None
    sentence = " ".join(text[low:high].split())
    return sentence if len(sentence) <= LONGEST_SENTENCE else None


def claim_reviewed(item: dict) -> str:
    """What the verdict is about, as a reader understands it without the article: a
    quotation with who said it (``Jane Doe: “…”``), a whole sentence as it is, a fragment
    (a partial quotation, reported speech) in the sentence it comes from, else with its
    speaker."""
    text = " ".join(item["text"].split())
    if item.get("headline"):
        return text
    # A quotation that opens as a sentence is what its speaker said, whatever ends it.
    whole = _opens_a_sentence(text) if item["kind"] == "quote" and item["speaker"] else _is_sentence(text)
    if not whole:
        sentence = enclosing_sentence(item["context"])
        if sentence:
            return sentence
    if item["speaker"] and item["kind"] == "quote":
        return f"{item['speaker']}: “{text.strip(QUOTATION_MARKS)}”"
    if item["speaker"] and not whole:
        return f"According to {item['speaker']}, {text}"
    return text


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
    for item in reviewed.items(cluster=True, context=True, checks=True):
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
