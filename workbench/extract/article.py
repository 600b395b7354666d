"""One article's text in, its items out: the extraction stages in order.

Paragraphs and sentences; the article's body text; quote spans and their items, one per
quotation; the headline and the claims of the sentences outside whole quotations (and a short
post's whole text when a line of it is not body text or it has no other item); speakers
resolved in text order; scare quotes and titles dropped, quoted words embedded in a claim
marked in it; then every item's check-worthiness score and numbers.
"""

from __future__ import annotations

from bisect import bisect_right
from datetime import date

from workbench.extract import checkworthy
from workbench.extract.attribution.speakers import resolve_speakers
from workbench.extract.body_text import paragraph_is_text
from workbench.extract.claims import claim_items, headline_claim, whole_post_claim
from workbench.extract.numbers import find_numbers
from workbench.extract.quote_forms import is_real_quote
from workbench.extract.quote_items import quote_items
from workbench.extract.quote_marks import find_quotes
from workbench.extract.sentences import MAX_ITEM_CHARS, long_sentences, paragraph_spans, sentence_spans
from workbench.model import ExtractedItem


def extract(text: str, published: str | None = None, title: str | None = None) -> list[ExtractedItem]:
    """Extract quotes and claims from an article's cleaned text, in text order, the headline
    (``title``) first.

    ``published`` (ISO date) supplies the year of year-less dates such as ``Aug. 9``.
    """
    if not text or not text.strip():
        return []
    paragraphs = paragraph_spans(text)
    is_text = [paragraph_is_text(text[start:end], index) for index, (start, end) in enumerate(paragraphs)]
    headline = headline_claim(text, title, paragraphs)
    if headline is not None and headline.item.end:
        is_text[0] = False  # the headline stands in the text too: it is one item
    sentences = [sentence_spans(text, start, end) if is_text[i] else [] for i, (start, end) in enumerate(paragraphs)]
    quotes = [q for q in find_quotes(text, paragraphs) if is_text[q.paragraph]]
    quoted = [(q.open_at, q.after) for q in quotes]

    pending, tails, whole = quote_items(text, quotes, sentences, paragraphs)
    # Whole quotations are items of their own; quoted words embedded in a sentence are part of its claim.
    covered = sorted(whole + [(s, e) for s, e, _, _ in tails])
    embedded = sorted(set(quoted) - set(whole))
    pending += claim_items(text, sentences, covered, tails, embedded)
    pending.sort(key=lambda entry: entry.anchor)
    if headline is not None:
        pending.insert(0, headline)
    resolve_speakers(text, pending, quoted, is_text, paragraphs)

    # Sentences and quotations cut into pieces: their items are marked, so a reviewer knows.
    too_long = _merged(
        [run for i, (start, end) in enumerate(paragraphs) if is_text[i] for run in long_sentences(text, start, end)]
        + [(q.start, q.end) for q in quotes if q.end - q.start > MAX_ITEM_CHARS]
    )
    reference, year = _reference_date(published)
    claims = sorted((e.item for e in pending if e.quote is None and not e.item.headline), key=lambda item: item.start)
    claim_starts = [claim.start for claim in claims]
    items = []
    for entry in pending:
        if entry.quote is not None and not is_real_quote(text, entry, paragraphs):
            continue
        item = entry.item
        if item.attribution == "partial":
            holder = _holder(claims, claim_starts, item.start, item.end)
            if holder is not None:
                # Quoted words inside someone's reported speech or the writer's sentence are
                # shown within that claim, not as a fragment of their own.
                holder.quoted.append((item.start - holder.start, item.end - holder.start))
                continue
        items.append(item)
    post = whole_post_claim(text, paragraphs, is_text, headline, items)
    if post is not None:
        items.append(post)
    for item in items:
        item.score = round(checkworthy.score(item.text), 4)
        item.numbers = find_numbers(item.text, year, reference)
        item.cut = item.cut or (bool(too_long) and _inside_any(too_long, item.start, item.end))
        item.quoted.sort()
    items.sort(key=lambda item: (not item.headline, item.start, item.kind))
    return items


def _holder(claims: list[ExtractedItem], starts: list[int], start: int, end: int) -> ExtractedItem | None:
    """The claim (``claims`` sorted by ``starts``, not overlapping) whose text holds ``[start, end)``."""
    index = bisect_right(starts, start) - 1
    if index >= 0 and claims[index].end >= end:
        return claims[index]
    return None


def _merged(runs: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """Sorted runs joined where they overlap (a long quotation inside a long sentence)."""
    merged: list[tuple[int, int]] = []
    for start, end in sorted(runs):
        if merged and start < merged[-1][1]:
            merged[-1] = (merged[-1][0], max(merged[-1][1], end))
        else:
            merged.append((start, end))
    return merged


def _inside_any(runs: list[tuple[int, int]], start: int, end: int) -> bool:
    """Whether ``[start, end)`` lies inside one of ``runs`` (sorted, not overlapping)."""
    index = bisect_right(runs, (start, float("inf"))) - 1
    return index >= 0 and runs[index][0] <= start and end <= runs[index][1]


def _reference_date(published: str | None) -> tuple[date | None, int | None]:
    """The publication day and its year, or ``(None, None)`` when ``published`` is not an ISO date."""
    if not published:
        return None, None
    try:
        reference = date.fromisoformat(published[:10])
    except ValueError:
        return None, None
    return reference, reference.year
