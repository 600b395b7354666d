"""Quote items: one per quotation, with its attribution and its form.

A quotation interrupted by its attribution (``“A,” she said. “B.”``) or running over
paragraphs is one item in several segments; one longer than
:data:`~workbench.extract.sentences.MAX_ITEM_CHARS` is cut into several items (at segment,
then clause boundaries). The attribution clauses after quotes (``, said X, role, referring
to…``) are returned too, so that they are not read again as claims.
"""

from __future__ import annotations

from dataclasses import dataclass

from workbench.extract.attribution.around_quotes import QuoteAttribution, attribute_quote
from workbench.extract.attribution.cues import CUE_RE, GERUND_RE
from workbench.extract.attribution.pending import Pending
from workbench.extract.attribution.sources import Source
from workbench.extract.quote_forms import introduces, quote_form
from workbench.extract.quote_marks import QuoteSpan
from workbench.extract.sentences import MAX_ITEM_CHARS, pieces
from workbench.extract.spans import sentence_at
from workbench.model import SEGMENT_SEPARATOR, ExtractedItem, segments_text


@dataclass(slots=True)
class _Read:
    """One quoted segment as read in its paragraph: who said it, and its form."""

    quote: QuoteSpan
    said: QuoteAttribution
    form: str
    introduced: bool  # its speaker and cue stand right before its opening mark
    led_in: bool  # the words before it introduce it ("When someone shouted, “…”"), whoever they name


def quote_items(
    text: str, quotes: list[QuoteSpan], sentences: list[list[tuple[int, int]]], paragraphs: list[tuple[int, int]]
) -> tuple[list[Pending], list[tuple[int, int, Source, str]], list[tuple[int, int]]]:
    """One item per quotation, with its attribution; also the attribution clauses after quotes
    (span, source, cue) and the whole quotations' segments (marks included), which are not
    claims."""
    reads, attributions = [], []
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
        led_in = introduces(lead)
        reads.append(_Read(quote, said, form, said.source is not None and led_in, led_in))
    pending, whole = [], []
    for quotation in _quotations(text, reads):
        first = quotation[0]
        if first.form == "direct":
            whole += [(read.quote.open_at, read.quote.after) for read in quotation]
        # A quotation over paragraphs is often attributed after its last segment.
        said = next((read.said for read in quotation if read.said.found), first.said)
        for segments, cut in _items_of(text, quotation):
            start, end = segments[0][0], segments[-1][1]
            item = ExtractedItem(
                "quote",
                segments_text(text, segments),
                start,
                end,
                cue=said.cue,
                attribution=first.form,
                paragraph=first.quote.paragraph,
                cut=cut,
                segments=segments if len(segments) > 1 else [],
            )
            pending.append(
                Pending(
                    item,
                    said.source,
                    said.anchor,
                    first.quote,
                    attributed=said.found,
                    attributed_after=said.after,
                    introduced=first.introduced,
                )
            )
    return pending, attributions, whole


def _quotations(text: str, reads: list[_Read]) -> list[list[_Read]]:
    """The segments grouped into quotations: a segment continues the one before it when that
    one's attribution reaches its opening mark and it has none after it (``“A,” she said.
    “B.”``), or when it reopens a quote left open at the end of the paragraph before."""
    quotations: list[list[_Read]] = []
    for read in reads:
        last = quotations[-1][-1] if quotations else None
        if last is not None and (_reopens(last.quote, read.quote) or _after_its_attribution(text, last, read)):
            quotations[-1].append(read)
        else:
            quotations.append([read])
    return quotations


def _reopens(last: QuoteSpan, quote: QuoteSpan) -> bool:
    return quote.continues and last.close_at is None and last.paragraph == quote.paragraph - 1


def _after_its_attribution(text: str, last: _Read, read: _Read) -> bool:
    """``“A,” she said. “B.”``: both whole quotations, the first one's attribution after it and
    reaching the second one's opening mark, the second one with no attribution after it. When
    words before the first introduce it (``When someone shouted, “Cruz,” Beck joked, “…”``), the
    words between are the second one's attribution, not the first one's."""
    tail_end = last.said.tail_end
    return (
        last.form == read.form == "direct"
        and not last.led_in
        and tail_end is not None
        and read.said.tail_end is None
        and last.quote.paragraph == read.quote.paragraph
        and last.quote.single == read.quote.single
        and tail_end <= read.quote.open_at
        and not text[tail_end : read.quote.open_at].strip()
        and not _second_attribution(text[last.quote.after : read.quote.open_at])
    )


def _second_attribution(between: str) -> bool:
    """``“A,” Cruz said as the heckler yelled: “B”`` / ``“A,” she said, adding, “B”``: the words
    between two quotes hold a second cue, or end with a colon: the second quote has an
    attribution of its own."""
    cues = CUE_RE.findall(between) + GERUND_RE.findall(between)
    return len(cues) > 1 or between.rstrip().endswith(":")


def _items_of(text: str, quotation: list[_Read]) -> list[tuple[list[tuple[int, int]], bool]]:
    """The items of one quotation: (segments, cut). Its segments in as few items of at most
    :data:`MAX_ITEM_CHARS` as their boundaries allow; a segment longer than that alone is
    cut into pieces at clause boundaries."""
    spans = [_segment(text, read.quote, last=index == len(quotation) - 1) for index, read in enumerate(quotation)]
    if sum(end - start + len(SEGMENT_SEPARATOR) for start, end in spans) <= MAX_ITEM_CHARS + len(SEGMENT_SEPARATOR):
        return [(spans, False)]
    items: list[tuple[list[tuple[int, int]], bool]] = []
    group: list[tuple[int, int]] = []
    length = 0
    for start, end in spans:
        if end - start > MAX_ITEM_CHARS:
            if group:
                items.append((group, True))
                group, length = [], 0
            items += [([piece], True) for piece in pieces(text, start, end)]
            continue
        if group and length + len(SEGMENT_SEPARATOR) + end - start > MAX_ITEM_CHARS:
            items.append((group, True))
            group, length = [], 0
        length += (len(SEGMENT_SEPARATOR) if group else 0) + end - start
        group.append((start, end))
    if group:
        items.append((group, True))
    return items


def _segment(text: str, quote: QuoteSpan, last: bool) -> tuple[int, int]:
    """The span of a segment's words; one that the quotation goes on after keeps the
    punctuation before its closing mark (``“A,” she said. “B.”`` reads ``A, B.``)."""
    if last or quote.close_at is None:
        return quote.start, quote.end
    end = quote.close_at
    while end > quote.start and text[end - 1].isspace():
        end -= 1
    return quote.start, end
