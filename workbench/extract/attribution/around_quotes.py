"""Who said a quote, read from the words around its quotation marks.

In order: an attribution right after the closing mark (``“…,” said X``, ``“…,” X said``,
``” ― X``), else one before the opening mark in the same sentence (``X said: “…”``,
``…, saying “…”``, ``Pollster X: “…”``), else a line announcing the quote at the end of
the paragraph before (``Cruz continued:``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from workbench.extract.attribution.cues import ADVERBS, CUE, CUE_RE, GERUND_RE
from workbench.extract.attribution.names import NAME_RUN
from workbench.extract.attribution.sources import (
    PRONOUNS,
    Source,
    clause_subject,
    parse_source,
    source_after_cue,
    subject_before,
)
from workbench.extract.patterns import at_end, last_match
from workbench.extract.quote_marks import QuoteSpan
from workbench.extract.spans import sentence_at

# Bounds that keep pathological input (a 1 MB paragraph, stray marks) linear.
_MAX_HEAD = 300
_PASSIVE = re.compile(r"\b(?:was|were|been|be|being|is|are)\s+$")
# After a quote: ``, said X, role`` / ``, X, role, told Y`` ; bounded lengths keep matching linear.
_TAIL_CUE_FIRST = re.compile(rf"\s*+(?:[,—–-]\s*+)?(?P<cue>{CUE})\s+(?P<who>[^!?“”\"]{{1,200}})")
_TAIL_SUBJECT_FIRST = re.compile(
    rf"\s*+(?:[,—–-]\s*+)?(?P<who>[^!?“”\";:]{{1,180}}?)\s+(?:{ADVERBS}\s+){{0,2}}(?P<cue>{CUE})\b"
)
# "” ― Krystal Correa": a dash and a name after the quote, no cue verb.
_TAIL_DASH_NAME = re.compile(rf"\s*[―—–-]+\s*(?P<who>{NAME_RUN.pattern}(?:\s*,[^.!?]{{1,120}})?)\s*(?:\.\s*)?$")
_BARE_ATTRIBUTION = re.compile(
    rf"[^.!?“”\"]{{1,60}}?\b(?:{CUE})\b(?:\s*(?:[.!]\s*)?$|\s+(?:to|in|at|on|during|after|before|via|from|with|by"
    r"|last|this|earlier|later|today|yesterday|as|while|of)\b)"
)
_ROUNDUP = re.compile(rf"(?P<name>{NAME_RUN.pattern}),\s+(?P<outlet>[^,:]{{2,60}})")
# "“…,” while councillor Reyes warned": a clause of its own, not the quote's attribution.
_NEW_CLAUSE = re.compile(r"(?:while|whereas|but|and|as|because|although|though|since|when|after|before|if|so)\b")
_CLAUSE_AFTER = re.compile(
    rf",\s+(?:but|and|while|though|although|because|whereas|yet|so|{GERUND_RE.pattern})\b|;\s|\s[—–]\s"
)
_LAST_SENTENCE = re.compile(r"(?<=[.!?])\s+")


@dataclass(slots=True)
class QuoteAttribution:
    """Who said one quote, and where that was read."""

    source: Source | None
    cue: str | None
    anchor: int  # where the attribution sits, for pronoun resolution
    found: bool  # an attribution was found (a bare gerund cue gives one without a source)
    tail_end: int | None  # "“…,” X said": where the attribution after the closing mark ends

    @property
    def after(self) -> bool:
        """The attribution follows the closing mark."""
        return self.tail_end is not None


def attribute_quote(
    text: str,
    quote: QuoteSpan,
    spans: list[tuple[int, int]],
    paragraphs: list[tuple[int, int]],
    lead_from: int,
    next_open: int,
) -> QuoteAttribution:
    """The attribution of ``quote``: after its closing mark up to ``next_open`` (the next quote
    in its paragraph, or the paragraph's end), else in its lead (``text[lead_from:open_at]``,
    the words before it in its sentence since any earlier quote), else the paragraph before.
    ``spans`` are the sentences of its paragraph."""
    found, anchor, tail_end = None, quote.open_at, None
    if quote.close_at is not None:
        found, tail_end = _after_quote(text, quote, spans, next_open)
        anchor = quote.after
    head_from = max(lead_from, quote.open_at - _MAX_HEAD)
    if found is None and head_from < quote.open_at:
        found = head_attribution(text[head_from : quote.open_at])
        anchor = head_from
        if found is None or found[0] is None:
            sentence_start = sentence_at(spans, quote.open_at)[0]
            found = _speaker_before(text, text[lead_from : quote.open_at], sentence_start, quote.open_at, found)
    if found is None and quote.open_at == paragraphs[quote.paragraph][0]:
        found = _announced(text, paragraphs, quote.paragraph)
        anchor = quote.open_at
    source, cue = found if found else (None, None)
    return QuoteAttribution(source, cue, anchor, found is not None, tail_end)


def _after_quote(
    text: str, quote: QuoteSpan, spans: list[tuple[int, int]], next_open: int
) -> tuple[tuple[Source, str | None] | None, int | None]:
    """The attribution following a closed quote up to the next quote in its paragraph, and
    where it ends (None when there is none)."""
    sentence_end = sentence_at(spans, quote.close_at)[1]
    if sentence_end <= quote.after and _bare_attribution_follows(text, quote, spans, sentence_end):
        # "“…votes?” Trump said." The splitter ends the sentence at the closing mark; read on.
        sentence_end = sentence_at(spans, sentence_end + 1)[1]
    tail_end = min(sentence_end, next_open, quote.close_at + _MAX_HEAD)
    found = tail_attribution(text[quote.after : tail_end])
    if found is None:
        return None, None
    # The attribution ends where a clause of its own begins ("…,” she said, adding that …").
    clause = _CLAUSE_AFTER.search(text, quote.after + 1, tail_end)
    return found, (clause.start() if clause else tail_end)


def _bare_attribution_follows(text: str, quote: QuoteSpan, spans: list[tuple[int, int]], sentence_end: int) -> bool:
    """``“…missing.” Trump said to a crowd.``: the splitter ended the sentence at the closing mark
    and the next sentence is only the attribution, not a new report (``He said the plan …``)."""
    if text[quote.end - 1 : quote.end] in "?!":
        return True
    following = sentence_at(spans, sentence_end + 1)
    return following[0] > sentence_end and _BARE_ATTRIBUTION.match(text, following[0], following[1]) is not None


def tail_attribution(tail: str) -> tuple[Source, str] | None:
    """Attribution right after a closing quote mark: ``, said X`` or ``X said``."""
    match = _TAIL_CUE_FIRST.match(tail)
    if match:
        source = parse_source(source_after_cue(match.group("who")))
        if source:
            return source, match.group("cue")
    match = _TAIL_SUBJECT_FIRST.match(tail)
    if match and not at_end(_PASSIVE, match.group("who") + " ") and not _NEW_CLAUSE.match(match.group("who")):
        who = match.group("who")
        last_part = who[who.rfind(",") + 1 :].strip()
        # "“…measure” income, he said": the writer's words run on before the real subject.
        source = parse_source(last_part if last_part.lower() in PRONOUNS else who)
        if source:
            return source, match.group("cue")
    match = _TAIL_DASH_NAME.match(tail)
    if match:
        source = parse_source(match.group("who"))
        if source:
            return source, None
    return None


def head_attribution(head: str) -> tuple[Source | None, str] | None:
    """Attribution before an opening quote mark in the same sentence (``X said: “``).

    Returns the source (None when only a gerund cue such as ``accusing`` is present) and cue.
    """
    last = last_match(CUE_RE.finditer(head))
    gerund = last_match(GERUND_RE.finditer(head))
    if gerund is not None and (last is None or gerund.start() > last.start()):
        # "footage of Trump saying, “…”" names the speaker right before the gerund; in
        # "…, accusing the government of creating an “…”" the speaker is not repeated.
        before = head[: gerund.start()].rstrip()
        name = last_match(NAME_RUN.finditer(before[-60:]))
        if name is not None and name.end() == len(before[-60:]):
            return parse_source(name.group()), gerund.group().lower()
        return None, gerund.group().lower()
    if last is None:
        return None
    cue = last.group().lower()
    if cue == "according to":
        source = parse_source(source_after_cue(head[last.end() :]))
        return (source, cue) if source else None
    before = head[: last.start()]
    if at_end(_PASSIVE, before):
        return None
    return subject_before(before), cue


def colon_attribution(lead: str) -> tuple[Source, None] | None:
    """A quote after a colon with no cue verb: the name just before the colon (``Republican
    pollster Daron Shaw: “…”``) or the subject opening the clause (``She then turned to the
    crowd: “…”``)."""
    lead = lead.strip()
    if not lead.endswith(":"):
        return None
    body = lead[:-1].rstrip()
    roundup = _ROUNDUP.fullmatch(body)
    if roundup:  # "Jane Roe, The Daily Ledger: “…”": a name and where it was said or written
        source = parse_source(roundup.group("name"))
        if source and source.pronoun is None:
            return Source(source.name, roundup.group("outlet")), None
    last = last_match(NAME_RUN.finditer(body))
    if last is not None and last.end() == len(body) and len(last.group().split()) >= 2:
        source = parse_source(last.group())
        if source:
            return source, None
    source = clause_subject(body)
    return (source, None) if source else None


def _speaker_before(
    text: str, lead: str, sentence_start: int, open_at: int, found: tuple[Source | None, str] | None
) -> tuple[Source | None, str | None] | None:
    """A speaker for a quote whose words before it name none with a cue: the name before a
    colon (``… treasurer Omar Said: “…”``), else, after a cue with no subject (``Warren endorsed
    Clinton, saying, “…”``), the subject opening the sentence."""
    colon = colon_attribution(lead)
    if colon is not None:
        return colon[0], found[1] if found else None
    if found is not None:
        return clause_subject(text[sentence_start:open_at]), found[1]
    return None


def _announced(text: str, paragraphs: list[tuple[int, int]], paragraph: int) -> tuple[Source | None, str | None] | None:
    """``Cruz continued:`` ending the paragraph before a quote that opens its own (a short
    line like that is no text paragraph of its own, so its raw text is read)."""
    if paragraph == 0:
        return None
    start, end = paragraphs[paragraph - 1]
    if text[end - 1 : end] != ":":
        return None
    last = text[max(start, end - _MAX_HEAD) : end]
    last = _LAST_SENTENCE.split(last)[-1]
    return head_attribution(last[:-1]) or colon_attribution(last)
