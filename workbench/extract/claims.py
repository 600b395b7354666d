"""Which sentences and clauses become claims.

A sentence is a claim when it asserts something with words of its own outside whole
quotations. When it reports what someone said (:mod:`workbench.extract.attribution.reported`),
the reported content is a claim held by its speaker, and what remains of the writer's
sentence that asserts something (``The agency, which processed 40,000 requests, said …``,
``After the ministry cut the budget, analysts feared …``, the main clause after a report) is
the writer's own claim; a labelled paragraph (``Matthews: …``) is that speaker's, sentence
by sentence; otherwise the whole sentence is the writer's claim. Quoted words embedded in a
claim stay in it; a claim whose quote runs on over the next sentences holds them.

A short post (a tweet, a social post: :data:`WHOLE_POST_WORDS` words at most) with a line
that is not body text (no full stop: a heading-like statement, the author's name, hashtags),
whose words would go into no item, or with no item at all, is one claim as a whole besides
its items (:func:`whole_post_claim`): a fact-check concerns what the post says, and nothing
of it may escape the check.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from itertools import islice

from workbench.extract.attribution.cues import CUE_RE, CUE_WORDS, GERUND_RE, IRREGULAR_PAST
from workbench.extract.attribution.pending import Pending
from workbench.extract.attribution.reported import Indirect, find_indirect, speaker_label
from workbench.extract.attribution.sources import Source
from workbench.extract.patterns import WORD
from workbench.extract.sentences import MAX_ITEM_CHARS
from workbench.extract.spans import trim, words_outside
from workbench.model import ExtractedItem, segments_text

# A verb of the writer's own in what remains of a sentence around a report: an auxiliary, a
# past form, or a common irregular past ("After the ministry cut the budget, …").
_VERB = re.compile(
    r"\b(?:is|are|was|were|has|have|had|will|would|can|could|did|does|do|may|might|must|shall|should"
    rf"|[a-z]{{2,}}ed|{IRREGULAR_PAST})\b"
)
_CAPITALISED = re.compile(r"\b[A-Z][a-z]+\b")
_LEADING_LINK = re.compile(r"(?:(?:and|but|while|whereas|as|so|yet|or|then|also)\b[\s,]*)+")
_TRAILING_LINK = re.compile(r"(?<![\s,])[\s,]+(?:and|but|or|while|as)$")
_RELATIVE = re.compile(r",\s+(?:who|which|whose)\b")
# A text of at most this many words (the headline aside) is a post, also claimed whole: tweets
# run to about 50 words (CLEF-2020 task 2 train: 90% under 49); a news article's lead
# paragraph alone is longer.
WHOLE_POST_WORDS = 60
_POST_MIN_WORDS = 5  # as for a sentence (sentence_is_claim)
# A claim holds a remainder of the writer's sentence with at least this many words.
_REMAINDER_WORDS = 4
_LEAD_WORDS = 6  # words of a circumstance before a colon that opens a reported content
_LEAD_REACH = 40  # characters between a cue and the whole quotation it introduces
# A cue or gerund that introduces a whole quotation in the writer's sentence.
_INTRODUCING = re.compile(rf"{CUE_RE.pattern}|{GERUND_RE.pattern}")


def headline_claim(text: str, title: str | None, paragraphs: list[tuple[int, int]]) -> Pending | None:
    """The article's headline as a claim: at its place when the text opens with it, else at
    ``0, 0`` (readers keep the title apart from the text). A cue in it (``Mayor Says Budget Is
    Balanced``) makes it the speaker's."""
    title = " ".join((title or "").split())
    if not title:
        return None
    start, end = paragraphs[0] if paragraphs and text[paragraphs[0][0] : paragraphs[0][1]] == title else (0, 0)
    item = ExtractedItem("claim", title, start, end, headline=True)
    # Headlines capitalise their verbs: read "Says" as the cue it is.
    probe = _CAPITALISED.sub(
        lambda word: word.group().lower() if word.group().lower() in CUE_WORDS else word.group(), title
    )
    reported = [indirect for indirect in find_indirect(probe, []) if indirect.source is not None]
    if reported:
        item.cue, item.attribution = reported[0].cue, "indirect"
        return Pending(item, reported[0].source, start)
    return Pending(item, None, start)


def whole_post_claim(
    text: str,
    paragraphs: list[tuple[int, int]],
    is_text: list[bool],
    headline: Pending | None,
    items: list[ExtractedItem],
) -> ExtractedItem | None:
    """A short post's whole text as one claim of the writer's (its paragraphs as ``segments``
    when there are several) when a paragraph of it is not body text, so its words would go into
    no item (a line without a full stop: ``Flood waters carried a crocodile into a mall``, a
    signature, hashtags), or when none of its sentences is an item (``Unreal. Sharks on the
    freeway!``). None for a text of more than :data:`WHOLE_POST_WORDS` words (or
    :data:`MAX_ITEM_CHARS` characters)."""
    first = 1 if headline is not None and headline.item.end else 0  # a headline in the text is its own item
    parts = paragraphs[first:]
    words = 0
    for start, end in parts:
        words += sum(1 for _ in islice(WORD.finditer(text, start, end), WHOLE_POST_WORDS + 1 - words))
        if words > WHOLE_POST_WORDS:
            return None
    if words < _POST_MIN_WORDS or sum(end - start for start, end in parts) > MAX_ITEM_CHARS:
        return None
    if all(is_text[first:]) and any(not item.headline for item in items):
        return None  # every sentence was read, and its claims and quotes say it
    segments = parts if len(parts) > 1 else []
    post_text = segments_text(text, segments) if segments else text[slice(*parts[0])]
    return ExtractedItem("claim", post_text, parts[0][0], parts[-1][1], paragraph=first, segments=list(segments))


def sentence_is_claim(sentence: str) -> bool:
    """Sentences that assert something: not questions or fragments (boilerplate paragraphs are gone already)."""
    if sentence.endswith(("?", "?”", '?"')):
        return False
    return next(islice(WORD.finditer(sentence), 4, None), None) is not None  # five words or more


def claim_items(
    text: str,
    sentences: list[list[tuple[int, int]]],
    covered: list[tuple[int, int]],
    tails: list[tuple[int, int, Source, str]],
    embedded: list[tuple[int, int]],
) -> list[Pending]:
    """Claims from sentences, leaving out what ``covered`` (whole quotations and their
    attributions) holds; ``embedded`` quotes (partial quotes, scare quotes, titles) stay in
    the claims around them, though a cue word inside them is no cue."""
    pending = []
    tail_at = {start: (source, cue) for start, _, source, cue in tails}
    covered_at = _Spans(covered)
    embedded_at = _Spans(embedded)
    for paragraph, spans in enumerate(sentences):
        label = speaker_label(text[spans[0][0] : spans[0][1]]) if spans else None
        held_to = 0  # a claim whose quote ran on holds the sentences up to here
        for start, end in spans:
            if start < held_to:
                continue
            sentence = text[start:end]
            inside = covered_at.within(start, end)
            if not sentence_is_claim(sentence) or words_outside(sentence, 0, len(sentence), inside) < 4:
                continue
            tail = next((tail_at[start + s] for s, _ in inside if start + s in tail_at), None)
            reported = find_indirect(
                sentence, sorted(inside + embedded_at.within(start, end)), tail[0] if tail else None
            )
            if not reported:
                reported = _lead_in(sentence, start, inside, tail_at)
            if reported:
                parts = []
                for indirect in reported:
                    c_start, c_end = _content(sentence, indirect, inside)
                    # A word of its own: "X said: “<whole quotation>”" is the quote item already.
                    if words_outside(sentence, c_start, c_end, inside):
                        parts.append((c_start, c_end, indirect))
                cues = [indirect.cue_at for indirect in reported]
                parts += [(s, e, None) for s, e in _writer_remainder(sentence, cues, parts, inside)]
            elif label is not None:
                # A labelled paragraph ("Matthews: …") is that speaker's words, sentence by sentence.
                parts = [(*trim(sentence, label[1] if start == spans[0][0] else 0, len(sentence)), None)]
            elif inside:
                # The writer's words around a whole quotation, without its attribution
                # ("Okafor spoke for twenty minutes, adding, “…”").
                cues = [cue.start() for cue in _INTRODUCING.finditer(sentence) if _leads_into(cue, inside)]
                parts = [(s, e, None) for s, e in _writer_remainder(sentence, cues, [], inside)]
            else:
                parts = [(0, len(sentence), None)]
            for c_start, c_end, indirect in sorted(parts, key=lambda part: part[0]):
                c_end += embedded_at.run_on(start + c_start, start + c_end)
                held_to = max(held_to, start + c_end)
                item = ExtractedItem(
                    "claim",
                    text[start + c_start : start + c_end],
                    start + c_start,
                    start + c_end,
                    paragraph=paragraph,
                )
                if indirect is not None:
                    item.cue, item.attribution = indirect.cue, "indirect"
                    pending.append(Pending(item, indirect.source, start + indirect.cue_at))
                elif label is not None and not reported:
                    item.attribution = "indirect"
                    pending.append(Pending(item, label[0], start))
                else:
                    pending.append(Pending(item, None, start + c_start))
    return pending


def _content(sentence: str, indirect: Indirect, inside: list[tuple[int, int]]) -> tuple[int, int]:
    """The reported content, trimmed; a circumstance before a colon (``said on Monday: …``) and a
    recipient before a whole quotation (``told host Matt Boyle, “…”``) are not part of it."""
    start, end = trim(sentence, indirect.content_start, indirect.content_end)
    colon = sentence.find(": ", start, end)
    if colon >= 0 and len(WORD.findall(sentence, start, colon)) <= _LEAD_WORDS:
        start, end = trim(sentence, colon + 1, end)
    quotation = next((s for s, _ in inside if start <= s < end), None)
    if quotation is not None and not words_outside(sentence, quotation, end, inside):
        lead = sentence[start:quotation].rstrip()
        if lead.endswith((",", ":", "—")) and len(WORD.findall(lead)) <= _LEAD_WORDS:
            start = quotation  # the claim is the quotation alone: the quote item already
    return start, end


def _leads_into(cue: re.Match, inside: list[tuple[int, int]]) -> bool:
    """Whether the cue word stands just before a whole quotation (its attribution)."""
    return any(0 <= s - cue.end() <= _LEAD_REACH for s, _ in inside)


def _writer_remainder(
    sentence: str,
    cues: list[int],
    parts: list[tuple[int, int, Indirect]],
    inside: list[tuple[int, int]],
) -> list[tuple[int, int]]:
    """What remains of the sentence outside its reported contents, whole quotations and
    attributions, where it asserts something of the writer's own: the subject's appositive
    (``The agency, which processed 40,000 requests, said …``), an opening clause (``After the
    ministry cut the budget, analysts feared …``), the main clause after a report."""
    taken = sorted([(s, e) for s, e, _ in parts] + inside)
    runs, position = [], 0
    for s, e in taken:
        if s > position:
            runs.append((position, s))
        position = max(position, e)
    runs.append((position, len(sentence)))
    cues = sorted(cues)
    found = []
    for run_start, run_end in runs:
        cue_at = next((at for at in cues if run_start <= at < run_end), None)
        if cue_at is not None:
            # The attribution's words are not the writer's claim: what precedes the subject
            # (an opening clause, or the subject with its appositive) is.
            before = sentence[run_start:cue_at].rstrip(" ,—–")
            comma = before.rfind(", ")
            if comma > 0 and not _VERB.search(before, comma) and _VERB.search(before, 0, comma):
                before = before[:comma]  # "After …, analysts feared": the subject is the report's
            run_end = run_start + len(before)
        s, e = trim(sentence, run_start, run_end)
        lead = _LEADING_LINK.match(sentence, s, e)
        s = lead.end() if lead else s
        link = _TRAILING_LINK.search(sentence, s, e)  # "Stone declared the plan a success and"
        e = link.start() if link else e
        clause = sentence[s:e]
        if len(WORD.findall(clause)) >= _REMAINDER_WORDS and _VERB.search(clause):
            found.append((s, e))
    return found


class _Spans:
    """Sorted spans that do not overlap, looked up by the sentence they fall in."""

    def __init__(self, spans: list[tuple[int, int]]) -> None:
        self.spans = spans
        self.ends = [end for _, end in spans]

    def within(self, start: int, end: int) -> list[tuple[int, int]]:
        """The spans meeting ``[start, end)``, clipped to it, relative to ``start``."""
        found = []
        for s, e in islice(self.spans, bisect_right(self.ends, start), None):
            if s >= end:
                break
            found.append((max(s, start) - start, min(e, end) - start))
        return found

    def run_on(self, start: int, end: int) -> int:
        """How far past ``end`` a span that opens in ``[start, end)`` runs (0 when none does,
        or when the claim would grow past :data:`MAX_ITEM_CHARS`)."""
        index = bisect_right(self.ends, end)
        if index < len(self.spans) and start <= self.spans[index][0] < end:
            reach = self.spans[index][1]
            return reach - end if reach - start <= MAX_ITEM_CHARS else 0
        return 0


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
