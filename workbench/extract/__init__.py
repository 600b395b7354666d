"""Extraction engine: claims, quotes, speakers, numbers and check-worthiness.

``extract(text, published)`` turns an article's cleaned text (paragraphs separated by a
blank line) into :class:`~workbench.model.ExtractedItem` records in text order. Every
item's ``text`` equals ``text[start:end]``. Quotes are emitted one item per quoted
segment (a quote split by its attribution, or running over paragraphs, gives several
items with the same speaker).
"""

from __future__ import annotations

import re
from bisect import bisect_right
from dataclasses import dataclass
from datetime import date

from workbench.extract import checkworthy
from workbench.extract.claims import paragraph_is_text, sentence_is_claim
from workbench.extract.names import NameBook
from workbench.extract.numbers import find_numbers
from workbench.extract.quotes import QuoteSpan, find_quotes
from workbench.extract.reported import STANCE_CUES, Indirect, find_indirect, main_clause_after, speaker_label
from workbench.extract.sentences import paragraph_spans, sentence_spans
from workbench.extract.speakers import (
    CUE,
    CUE_RE,
    GERUND_RE,
    Source,
    SpeakerResolver,
    clause_subject,
    colon_attribution,
    head_attribution,
    tail_attribution,
)
from workbench.extract.version import extractor_version
from workbench.model import ExtractedItem

__all__ = ["extract", "extractor_version"]

# Bounds that keep pathological input (a 1 MB paragraph, stray marks) linear.
_MAX_HEAD = 300
_MAX_SENTENCE_FOR_SPEECH = 3000
_BARE_ATTRIBUTION = re.compile(
    rf"[^.!?“”\"]{{1,60}}?\b(?:{CUE})\b(?:\s*[.!]?\s*$|\s+(?:to|in|at|on|during|after|before|via|from|with|by"
    r"|last|this|earlier|later|today|yesterday|as|while|of)\b)"
)
# A speech cue ending the words before a quote: "Ryan said “…”", "the share of voters saying “…”".
_CUE_AT_END = re.compile(rf"(?:\b(?:{CUE})|{GERUND_RE.pattern})\s*$")
_THAT_AFTER = re.compile(r"\s+(?:\w+\s+){0,3}?(?:that|whether|if)\b")
_STATEMENT_END = frozenset(",.?!…")
_LAST_SENTENCE = re.compile(r"(?<=[.!?])\s+")
_TITLE_WORDS = 6
_TITLE_SMALL_WORDS = frozenset("a an the of and or in on at to for with by from is are".split())
_WHEN = re.compile(r"(?:on|last|this|earlier|yesterday|today|during)\b")
_TITLE_FOLLOWERS = (
    "article",
    "report",
    "story",
    "book",
    "film",
    "song",
    "series",
    "show",
    "headline",
    "column",
    "op-ed",
)


@dataclass(slots=True)
class _Pending:
    """An item waiting for its speaker to be resolved in text order."""

    item: ExtractedItem
    source: Source | None
    anchor: int  # where the attribution sits, for pronoun resolution
    quote: QuoteSpan | None = None
    attributed: bool = False  # has its own cue in its sentence
    attributed_after: bool = False  # "“…,” X said": the attribution follows the closing mark
    introduced: bool = False  # "X said: “…”": its own speaker and cue stand right before the opening mark


def extract(text: str, published: str | None = None) -> list[ExtractedItem]:
    """Extract quotes and claims from an article's cleaned text, in text order.

    ``published`` (ISO date) supplies the year of year-less dates such as ``Aug. 9``.
    """
    if not text or not text.strip():
        return []
    paragraphs = paragraph_spans(text)
    is_text = [paragraph_is_text(text[start:end], index) for index, (start, end) in enumerate(paragraphs)]
    sentences = [sentence_spans(text, start, end) if is_text[i] else [] for i, (start, end) in enumerate(paragraphs)]
    quotes = [q for q in find_quotes(text, paragraphs) if is_text[q.paragraph]]
    quoted = [(q.open_at, q.after) for q in quotes]

    pending, tails = _quote_items(text, quotes, sentences, paragraphs)
    pending += _claim_items(text, sentences, sorted(quoted + [(s, e) for s, e, _, _ in tails]), tails)
    pending.sort(key=lambda entry: entry.anchor)

    resolver = SpeakerResolver(NameBook(text), quoted)
    for entry in pending:
        # "Minsk blamed …": who holds a stance is often a place or an institution, so only
        # speech makes a name a person (a candidate antecedent for "he" / "she").
        if entry.source is not None and entry.item.cue not in STANCE_CUES:
            resolver.register(entry.source)
    for entry in pending:
        if entry.source is not None:
            entry.item.speaker, role = resolver.resolve(entry.source, entry.anchor)
            entry.item.role = role
    _inherit_speakers([entry for entry in pending if entry.item.kind == "quote" or entry.source], is_text, paragraphs)

    reference, year = _reference_date(published)
    items = []
    for entry in pending:
        if entry.quote is not None and not _is_real_quote(text, entry, paragraphs):
            continue
        item = entry.item
        item.score = round(checkworthy.score(item.text), 4)
        item.numbers = find_numbers(item.text, year, reference)
        items.append(item)
    items.sort(key=lambda item: (item.start, item.kind))
    return items


def _quote_items(
    text: str, quotes: list[QuoteSpan], sentences: list[list[tuple[int, int]]], paragraphs: list[tuple[int, int]]
) -> tuple[list[_Pending], list[tuple[int, int, Source, str]]]:
    """One item per quoted segment, with its attribution; also the attribution clauses after
    quotes (``, said X, role, referring to…``: span, source, cue), which are not claims."""
    pending, attributions = [], []
    for index, quote in enumerate(quotes):
        spans = sentences[quote.paragraph]
        opening_sentence = _sentence_at(spans, quote.open_at)
        previous = quotes[index - 1] if index and quotes[index - 1].paragraph == quote.paragraph else None
        following = (
            quotes[index + 1] if index + 1 < len(quotes) and quotes[index + 1].paragraph == quote.paragraph else None
        )
        previous_end = previous.after if previous else 0
        head_from = max(opening_sentence[0], previous_end, quote.open_at - _MAX_HEAD)
        found, anchor, runs_on = None, quote.open_at, False
        if quote.close_at is not None:
            next_open = following.open_at if following else paragraphs[quote.paragraph][1]
            found, tail_to, runs_on = _after_quote(text, quote, spans, next_open)
            anchor = quote.after
            if found:
                attributions.append((anchor, tail_to, *found))
        tail_found = found is not None
        lead = text[max(opening_sentence[0], previous_end) : quote.open_at]
        if found is None and head_from < quote.open_at:
            found = head_attribution(text[head_from : quote.open_at])
            anchor = head_from
            if found is None or found[0] is None:
                found = _speaker_before(text, lead, opening_sentence[0], quote.open_at, found)
        if found is None and quote.open_at == paragraphs[quote.paragraph][0]:
            found = _announced(text, paragraphs, quote.paragraph)
            anchor = quote.open_at
        source, cue = found if found else (None, None)
        form = "partial" if runs_on and not quote.continues else _quote_form(lead, quote)
        item = ExtractedItem(
            "quote",
            text[quote.start : quote.end],
            quote.start,
            quote.end,
            cue=cue,
            attribution=form,
            paragraph=quote.paragraph,
        )
        pending.append(
            _Pending(
                item,
                source,
                anchor,
                quote,
                attributed=found is not None,
                attributed_after=tail_found,
                introduced=source is not None and _introduces(lead),
            )
        )
    return pending, attributions


def _after_quote(
    text: str, quote: QuoteSpan, spans: list[tuple[int, int]], next_open: int
) -> tuple[tuple[Source, str | None] | None, int, bool]:
    """What follows a closed quote up to the next quote in its paragraph: its attribution, where
    that ends, and whether the writer's own sentence runs on instead."""
    sentence_end = _sentence_at(spans, quote.close_at)[1]
    rest = text[quote.after : min(sentence_end, next_open)]
    if sentence_end <= quote.after and _bare_attribution_follows(text, quote, spans, sentence_end):
        # "“…votes?” Trump said." The splitter ends the sentence at the closing mark; read on.
        sentence_end = _sentence_at(spans, sentence_end + 1)[1]
    tail_to = min(sentence_end, next_open, quote.close_at + _MAX_HEAD)
    return tail_attribution(text[quote.after : tail_to]), tail_to, _writer_goes_on(text[quote.close_at - 1], rest)


def _claim_items(
    text: str,
    sentences: list[list[tuple[int, int]]],
    covered: list[tuple[int, int]],
    tails: list[tuple[int, int, Source, str]],
) -> list[_Pending]:
    """Claims from sentences, leaving out what ``covered`` (quotes and their attributions) holds."""
    pending = []
    tail_at = {start: (source, cue) for start, _, source, cue in tails}
    covered_ends = [end for _, end in covered]  # sorted too: the spans do not overlap
    for paragraph, spans in enumerate(sentences):
        label = speaker_label(text[spans[0][0] : spans[0][1]]) if spans else None
        for start, end in spans:
            sentence = text[start:end]
            inside = []
            for s, e in covered[bisect_right(covered_ends, start) :]:
                if s >= end:
                    break
                inside.append((max(s, start) - start, min(e, end) - start))
            if not sentence_is_claim(sentence) or _words_outside(sentence, 0, len(sentence), inside) < 4:
                continue
            reported = find_indirect(sentence, inside) if len(sentence) <= _MAX_SENTENCE_FOR_SPEECH else []
            if not reported:
                reported = _lead_in(sentence, start, inside, tail_at)
            emitted = False
            for indirect in reported:
                c_start, c_end = _trim(sentence, indirect.content_start, indirect.content_end)
                # A word of its own: "X said that “<whole quote>”" is the quote item already.
                if _words_outside(sentence, c_start, c_end, inside) >= 1:
                    item = ExtractedItem(
                        "claim",
                        sentence[c_start:c_end],
                        start + c_start,
                        start + c_end,
                        cue=indirect.cue,
                        attribution="indirect",
                        paragraph=paragraph,
                    )
                    pending.append(_Pending(item, indirect.source, start + indirect.cue_at))
                    emitted = True
            if emitted:
                _writer_main_clause(sentence, start, paragraph, reported, inside, pending)
                continue
            if label is not None:
                # A labelled paragraph ("Matthews: …") is that speaker's words, sentence by sentence.
                c_start, c_end = _trim(sentence, label[1] if start == spans[0][0] else 0, len(sentence))
                item = ExtractedItem(
                    "claim",
                    sentence[c_start:c_end],
                    start + c_start,
                    start + c_end,
                    attribution="indirect",
                    paragraph=paragraph,
                )
                pending.append(_Pending(item, label[0], start))
                continue
            item = ExtractedItem("claim", sentence, start, end, paragraph=paragraph)
            pending.append(_Pending(item, None, start))
    return pending


def _writer_main_clause(
    sentence: str,
    start: int,
    paragraph: int,
    reported: list[Indirect],
    inside: list[tuple[int, int]],
    pending: list[_Pending],
) -> None:
    """``After X stated he was beaten, he asked to move``: the report is X's, the main clause
    after it is the writer's own claim."""
    last = max(reported, key=lambda indirect: indirect.content_end)
    clause_at = main_clause_after(sentence, last.content_start)
    if clause_at is None or clause_at < last.content_end:
        return
    c_start, c_end = _trim(sentence, clause_at, len(sentence))
    if _words_outside(sentence, c_start, c_end, inside) >= 4:
        item = ExtractedItem("claim", sentence[c_start:c_end], start + c_start, start + c_end, paragraph=paragraph)
        pending.append(_Pending(item, None, start + c_start))


def _lead_in(
    sentence: str, start: int, inside: list[tuple[int, int]], tail_at: dict[int, tuple[Source, str]]
) -> list[Indirect]:
    """``Teachers here are “very pro-Bernie,” Kilfoyle said.``: the words leading into a partial
    quote are part of what its speaker said."""
    for s, _ in inside:
        if start + s in tail_at and s > 0:
            source, cue = tail_at[start + s]
            return [Indirect(0, s, source, cue, s)]
    return []


def _inherit_speakers(entries: list[_Pending], is_text: list[bool], paragraphs: list[tuple[int, int]]) -> None:
    """Unattributed quotes take the speaker of their paragraph's other quote (split quotes)
    or, when their paragraph has no attribution at all, of the previous paragraph."""
    by_paragraph: dict[int, list[_Pending]] = {}
    for entry in entries:
        by_paragraph.setdefault(entry.item.paragraph, []).append(entry)
    last_speaker: tuple[str | None, str | None] = (None, None)
    last_paragraph = -2
    for paragraph in sorted(by_paragraph):
        group = by_paragraph[paragraph]
        spoken = [e for e in group if e.item.speaker]
        first_quote = next((e for e in spoken if e.item.kind == "quote"), None)
        donor = None
        for entry in group:
            if entry.item.kind == "quote" and entry.item.speaker:
                donor = entry  # the nearest earlier quote with a speaker in this paragraph
            if entry.item.kind != "quote" or entry.item.speaker or entry.attributed:
                continue
            donor = donor or first_quote
            if donor is not None:
                entry.item.speaker, entry.item.role = donor.item.speaker, donor.item.role
                entry.item.cue = entry.item.cue or donor.item.cue
            elif (
                not spoken
                and _adjacent(last_paragraph, paragraph, is_text)
                and (entry.quote.continues or entry.quote.open_at == paragraphs[paragraph][0])
            ):
                entry.item.speaker, entry.item.role = last_speaker
                entry.attributed = entry.item.speaker is not None
        named = [e for e in group if e.item.speaker]
        if named:
            last_speaker = (named[-1].item.speaker, named[-1].item.role)
            last_paragraph = paragraph


def _adjacent(previous: int, current: int, is_text: list[bool]) -> bool:
    """True when only non-text paragraphs (links, headings) separate the two."""
    return previous >= 0 and all(not is_text[i] for i in range(previous + 1, current))


def _is_real_quote(text: str, entry: _Pending, paragraphs: list[tuple[int, int]]) -> bool:
    """Drop scare quotes and titles: unattributed, speakerless, inside someone else's sentence;
    also a work's title (``the TV show “The Apprentice”``) and a quoted subheading (a short
    paragraph that is only a quote) unless an attribution follows them."""
    quote = entry.quote
    words = entry.item.text.split()
    # A speaker introducing the quote himself (``The minister said: “Never.”``) makes even a
    # short, capitalised quote speech; a cue further back (``X told MSNBC’s “Morning Joe”``) or
    # a speaker inherited from the paragraph's other quote does not.
    if not (entry.attributed_after or entry.introduced) and (
        _is_title(words) or _is_subheading(quote, words, paragraphs)
    ):
        return False
    if entry.item.speaker or entry.attributed or entry.item.cue:
        return True
    after = text[quote.after : quote.after + 20].lstrip(" ’'”\"").lower() if quote.close_at else ""
    if quote.single or len(words) <= 4 or after.startswith(_TITLE_FOLLOWERS):
        return False
    capitalised = sum(word[:1].isupper() for word in words)
    if capitalised * 3 > len(words) * 2:
        return False  # Title Case: a headline or a work's title
    paragraph_start = paragraphs[quote.paragraph][0]
    return quote.open_at == paragraph_start  # a whole-paragraph quote whose speaker we lost


def _is_title(words: list[str]) -> bool:
    """``The Apprentice``, ``Last Week Tonight``, ``DIVISIVE, STUPID AND WRONG``: a few words,
    nearly all capitalised, not an exclamation or a question."""
    if not 1 <= len(words) <= _TITLE_WORDS or words[-1].endswith(("!", "?")):
        return False
    content = [word for word in words if word.lower().strip(",.:") not in _TITLE_SMALL_WORDS]
    return bool(content) and all(word[:1].isupper() or word[:1].isdigit() for word in content)


def _is_subheading(quote: QuoteSpan, words: list[str], paragraphs: list[tuple[int, int]]) -> bool:
    """``‘A healthy environment.’`` alone in its paragraph: a pull-quote heading."""
    start, end = paragraphs[quote.paragraph]
    return quote.open_at == start and quote.after >= end and len(words) <= _TITLE_WORDS


def _quote_form(lead: str, quote: QuoteSpan) -> str:
    """``direct`` for a quotation standing as its own sentence, after ``X said:`` / ``X said,``
    or right after the cue (``X said “…”``); ``partial`` for quoted words embedded in the
    writer's sentence (``… creating an “atmosphere of fear”``, ``He added that “…”``), which
    report someone's words without quoting a whole statement."""
    lead = lead.strip().lstrip("(").rstrip()  # str.strip: no-break spaces too
    if quote.continues or not lead or lead.endswith((":", "—", "–", " -")):
        return "direct"  # "X said: “…”", "… Saddam Hussein — “He would have loved Stalin,” he said"
    if lead.endswith(","):
        return "direct" if _introduces_speech(lead[:-1]) else "partial"
    return "direct" if _CUE_AT_END.search(lead) else "partial"


def _introduces(lead: str) -> bool:
    """``The minister said:`` / ``told parliament on Monday:`` / ``Whitfield said,``: the lead ends
    with a colon, a dash or the cue and a comma, not with the cue's object (``added the words,``)
    or a noun that looks like a cue (``the TV show “…”``)."""
    lead = lead.strip()
    return lead.endswith((":", "—", "–")) or (lead.endswith(",") and _CUE_AT_END.search(lead[:-1]) is not None)


def _introduces_speech(lead: str) -> bool:
    """``Trump said,`` / ``In a statement, Trump said,`` / ``telling Reuters,``: the clause before
    the comma holds a speech cue, and no ``that`` after it makes the quote part of reported speech."""
    clause = lead[max(lead.rfind(","), lead.rfind(" — ")) + 1 :]
    cue = CUE_RE.search(clause) or GERUND_RE.search(clause)
    return cue is not None and not _THAT_AFTER.search(clause, cue.end())


def _writer_goes_on(last_quoted: str, rest: str) -> bool:
    """After the closing mark the writer's sentence continues, not with an attribution (``“…” and
    against the gun law``, ``“…” income, he said``): the quote is embedded in it. Punctuation
    inside the mark (``,”`` ``.”`` ``!”``) ends a quoted statement, and a time (``“…” on
    Friday``) only dates it."""
    rest = rest.lstrip(" \t\xa0")
    if last_quoted in _STATEMENT_END or not rest[:1].isalnum() or _WHEN.match(rest):
        return False
    return CUE_RE.search(re.split(r"[,;]", rest, maxsplit=1)[0]) is None


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


def _bare_attribution_follows(text: str, quote: QuoteSpan, spans: list[tuple[int, int]], sentence_end: int) -> bool:
    """``“…missing.” Trump said to a crowd.``: the splitter ended the sentence at the closing mark
    and the next sentence is only the attribution, not a new report (``He said the plan …``)."""
    if text[quote.end - 1 : quote.end] in "?!":
        return True
    following = _sentence_at(spans, sentence_end + 1)
    return following[0] > sentence_end and _BARE_ATTRIBUTION.match(text, following[0], following[1]) is not None


def _sentence_at(spans: list[tuple[int, int]], position: int) -> tuple[int, int]:
    index = bisect_right(spans, (position, float("inf"))) - 1
    return spans[max(index, 0)] if spans else (position, position)


def _trim(sentence: str, start: int, end: int) -> tuple[int, int]:
    while start < end and sentence[start] in " ,;:—–-":
        start += 1
    while end > start and sentence[end - 1] in " ,;:—–-":
        end -= 1
    return start, end


def _words_outside(sentence: str, start: int, end: int, inside: list[tuple[int, int]]) -> int:
    chars = list(sentence[start:end])
    for s, e in inside:
        for i in range(max(s, start), min(e, end)):
            chars[i - start] = " "
    return len("".join(chars).split())


def _reference_date(published: str | None) -> tuple[date | None, int | None]:
    if not published:
        return None, None
    try:
        reference = date.fromisoformat(published[:10])
    except ValueError:
        return None, None
    return reference, reference.year
