"""Quote items: one per quoted segment, with its attribution and its form.

A quote split by its attribution, or running over paragraphs, gives several items, and so
does one longer than :data:`~workbench.extract.sentences.MAX_ITEM_CHARS` (cut at clause
boundaries); the attribution clauses after quotes (``, said X, role, referring to…``) are
returned too, so that they are not read again as claims.
"""

from __future__ import annotations

from workbench.extract.attribution.around_quotes import attribute_quote
from workbench.extract.attribution.pending import Pending
from workbench.extract.attribution.sources import Source
from workbench.extract.quote_forms import introduces, quote_form
from workbench.extract.quote_marks import QuoteSpan
from workbench.extract.sentences import pieces
from workbench.extract.spans import sentence_at
from workbench.model import ExtractedItem


def quote_items(
    text: str, quotes: list[QuoteSpan], sentences: list[list[tuple[int, int]]], paragraphs: list[tuple[int, int]]
) -> tuple[list[Pending], list[tuple[int, int, Source, str]]]:
    """One item per quote, with its attribution; also the attribution clauses after quotes
    (span, source, cue), which are not claims."""
    pending, attributions = [], []
    for index, quote in enumerate(quotes):
        spans = sentences[quote.paragraph]
        previous = quotes[index - 1] if index and quotes[index - 1].paragraph == quote.paragraph else None
        following = (
            quotes[index + 1] if index + 1 < len(quotes) and quotes[index + 1].paragraph == quote.paragraph else None
        )
        # The words leading into the quote: its sentence's, after any earlier quote in it.
        lead_from = max(sentence_at(spans, quote.open_at)[0], previous.after if previous else 0)
        lead = text[lead_from : quote.open_at]
        next_open = following.open_at if following else paragraphs[quote.paragraph][1]
        said = attribute_quote(text, quote, spans, paragraphs, lead_from, next_open)
        if said.tail_end is not None:
            attributions.append((quote.after, said.tail_end, said.source, said.cue))
        form = quote_form(text, quote, lead, spans, next_open)
        for start, end in pieces(text, quote.start, quote.end):
            item = ExtractedItem(
                "quote", text[start:end], start, end, cue=said.cue, attribution=form, paragraph=quote.paragraph
            )
            pending.append(
                Pending(
                    item,
                    said.source,
                    said.anchor,
                    quote,
                    attributed=said.found,
                    attributed_after=said.after,
                    introduced=said.source is not None and introduces(lead),
                )
            )
    return pending, attributions
