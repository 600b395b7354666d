"""Which sentences and clauses become claims.

A sentence is a claim when it asserts something with words of its own outside quotes. When
it reports what someone said (:mod:`workbench.extract.attribution.reported`), the reported
content is the claim, held by its speaker, and a main clause after the report is the
writer's own claim; a labelled paragraph (``Matthews: …``) is that speaker's, sentence by
sentence; otherwise the whole sentence is the writer's claim.
"""

from __future__ import annotations

from bisect import bisect_right
from itertools import islice

from workbench.extract.attribution.pending import Pending
from workbench.extract.attribution.reported import Indirect, find_indirect, main_clause_after, speaker_label
from workbench.extract.attribution.sources import Source
from workbench.extract.patterns import WORD
from workbench.extract.spans import trim, words_outside
from workbench.model import ExtractedItem


def sentence_is_claim(sentence: str) -> bool:
    """Sentences that assert something: not questions or fragments (boilerplate paragraphs are gone already)."""
    if sentence.endswith(("?", "?”", '?"')):
        return False
    return len(WORD.findall(sentence)) >= 5


def claim_items(
    text: str,
    sentences: list[list[tuple[int, int]]],
    covered: list[tuple[int, int]],
    tails: list[tuple[int, int, Source, str]],
) -> list[Pending]:
    """Claims from sentences, leaving out what ``covered`` (quotes and their attributions) holds."""
    pending = []
    tail_at = {start: (source, cue) for start, _, source, cue in tails}
    covered_ends = [end for _, end in covered]  # sorted too: the spans do not overlap
    for paragraph, spans in enumerate(sentences):
        label = speaker_label(text[spans[0][0] : spans[0][1]]) if spans else None
        for start, end in spans:
            sentence = text[start:end]
            inside = []
            for s, e in islice(covered, bisect_right(covered_ends, start), None):
                if s >= end:
                    break
                inside.append((max(s, start) - start, min(e, end) - start))
            if not sentence_is_claim(sentence) or words_outside(sentence, 0, len(sentence), inside) < 4:
                continue
            reported = find_indirect(sentence, inside)
            if not reported:
                reported = _lead_in(sentence, start, inside, tail_at)
            emitted = False
            for indirect in reported:
                c_start, c_end = trim(sentence, indirect.content_start, indirect.content_end)
                # A word of its own: "X said that “<whole quote>”" is the quote item already.
                if words_outside(sentence, c_start, c_end, inside) >= 1:
                    item = ExtractedItem(
                        "claim",
                        sentence[c_start:c_end],
                        start + c_start,
                        start + c_end,
                        cue=indirect.cue,
                        attribution="indirect",
                        paragraph=paragraph,
                    )
                    pending.append(Pending(item, indirect.source, start + indirect.cue_at))
                    emitted = True
            if emitted:
                _writer_main_clause(sentence, start, paragraph, reported, inside, pending)
                continue
            if label is not None:
                # A labelled paragraph ("Matthews: …") is that speaker's words, sentence by sentence.
                c_start, c_end = trim(sentence, label[1] if start == spans[0][0] else 0, len(sentence))
                item = ExtractedItem(
                    "claim",
                    sentence[c_start:c_end],
                    start + c_start,
                    start + c_end,
                    attribution="indirect",
                    paragraph=paragraph,
                )
                pending.append(Pending(item, label[0], start))
                continue
            item = ExtractedItem("claim", sentence, start, end, paragraph=paragraph)
            pending.append(Pending(item, None, start))
    return pending


def _writer_main_clause(
    sentence: str,
    start: int,
    paragraph: int,
    reported: list[Indirect],
    inside: list[tuple[int, int]],
    pending: list[Pending],
) -> None:
    """``After X stated he was beaten, he asked to move``: the report is X's, the main clause
    after it is the writer's own claim."""
    last = max(reported, key=lambda indirect: indirect.content_end)
    clause_at = main_clause_after(sentence, last.content_start)
    if clause_at is None or clause_at < last.content_end:
        return
    c_start, c_end = trim(sentence, clause_at, len(sentence))
    if words_outside(sentence, c_start, c_end, inside) >= 4:
        item = ExtractedItem("claim", sentence[c_start:c_end], start + c_start, start + c_end, paragraph=paragraph)
        pending.append(Pending(item, None, start + c_start))


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
