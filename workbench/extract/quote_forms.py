"""What a quoted segment is: a whole quotation, quoted words inside the writer's sentence,
or no quotation at all.

``direct`` quotes stand as their own statement (``X said: “…”``, ``“…,” X said``);
``partial`` ones are embedded in the writer's sentence (``… creating an “atmosphere of
fear”``). Scare quotes, a work's title (``the TV show “The Apprentice”``) and a quoted
subheading are dropped.
"""

from __future__ import annotations

import re

from workbench.extract.attribution.cues import CUE, CUE_RE, GERUND_RE, is_noun
from workbench.extract.attribution.pending import Pending
from workbench.extract.patterns import at_end
from workbench.extract.quote_marks import QuoteSpan
from workbench.extract.spans import sentence_at

# A speech cue ending the words before a quote: "Ryan said “…”", "the share of voters saying “…”".
_CUE_AT_END = re.compile(rf"(?:\b(?:{CUE})|{GERUND_RE.pattern})\s*$")
_THAT_AFTER = re.compile(r"(?<!\s)\s+(?:\w+\s+){0,3}?(?:that|whether|if)\b")
_STATEMENT_END = frozenset(",.?!…")
_TITLE_WORDS = 6
_LABEL_WORDS = 3
_ARTICLE_END = re.compile(r"\b(?:[Tt]he|[Aa]n?|[Tt]his|[Tt]hat|[Tt]hese|[Tt]hose)\s+$")
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


def quote_form(text: str, quote: QuoteSpan, lead: str, spans: list[tuple[int, int]], next_open: int) -> str:
    """``direct`` for a quotation standing as its own sentence, after ``X said:`` / ``X said,``
    or right after the cue (``X said “…”``); ``partial`` for quoted words embedded in the
    writer's sentence (``… creating an “atmosphere of fear”``, ``He added that “…”``, ``“…” and
    against the gun law``), which report someone's words without quoting a whole statement.
    ``lead`` is the words before the quote in its sentence, ``spans`` its paragraph's sentences,
    ``next_open`` where the next quote in the paragraph opens (or the paragraph ends)."""
    if _writer_goes_on(text, quote, spans, next_open) and not quote.continues:
        return "partial"
    lead = lead.strip().lstrip("(").rstrip()  # str.strip: no-break spaces too
    if quote.continues or not lead or lead.endswith((":", "—", "–", " -")):
        return "direct"  # "X said: “…”", "… Saddam Hussein — “He would have loved Stalin,” he said"
    if lead.endswith(","):
        return "direct" if _introduces_speech(lead[:-1]) else "partial"
    cue = at_end(_CUE_AT_END, lead)
    return "direct" if cue and not is_noun(lead, cue) else "partial"


def _writer_goes_on(text: str, quote: QuoteSpan, spans: list[tuple[int, int]], next_open: int) -> bool:
    """After the closing mark the writer's sentence continues, not with an attribution (``“…” and
    against the gun law``, ``“…” income, he said``): the quote is embedded in it. Punctuation
    inside the mark (``,”`` ``.”`` ``!”``) ends a quoted statement, and a time (``“…” on
    Friday``) only dates it."""
    if quote.close_at is None:
        return False
    rest = text[quote.after : min(sentence_at(spans, quote.close_at)[1], next_open)].lstrip(" \t\xa0")
    if text[quote.close_at - 1] in _STATEMENT_END or not rest[:1].isalnum() or _WHEN.match(rest):
        return False
    return CUE_RE.search(re.split(r"[,;]", rest, maxsplit=1)[0]) is None


def introduces(lead: str) -> bool:
    """``The minister said:`` / ``told parliament on Monday:`` / ``Whitfield said,``: the lead ends
    with a colon, a dash or the cue and a comma, not with the cue's object (``added the words,``)
    or a noun that looks like a cue (``the TV show “…”``)."""
    lead = lead.strip()
    return lead.endswith((":", "—", "–")) or (
        lead.endswith(",") and at_end(_CUE_AT_END, lead, len(lead) - 1) is not None
    )


def _introduces_speech(lead: str) -> bool:
    """``Trump said,`` / ``In a statement, Trump said,`` / ``telling Reuters,`` / ``Clinton said in
    the spring, when the story broke,``: one of the last two clauses before the comma holds a
    speech cue, and no ``that`` after it makes the quote part of reported speech."""
    cut = max(lead.rfind(", "), lead.rfind(" — "))
    clause = lead[cut + 1 :]
    cue = CUE_RE.search(clause) or GERUND_RE.search(clause)
    if cue is None and cut > 0:
        clause = lead[max(lead.rfind(", ", 0, cut), lead.rfind(" — ", 0, cut)) + 1 :]
        cue = CUE_RE.search(clause) or GERUND_RE.search(clause)
    return cue is not None and not _THAT_AFTER.search(clause, cue.end())


def is_real_quote(text: str, entry: Pending, paragraphs: list[tuple[int, int]]) -> bool:
    """Drop scare quotes and titles: unattributed, speakerless, inside someone else's sentence;
    also a work's title (``the TV show “The Apprentice”``) and a quoted subheading (a short
    paragraph that is only a quote) unless an attribution follows them."""
    quote = entry.quote
    words = entry.item.text.split()
    if entry.item.attribution == "partial" and len(words) <= _LABEL_WORDS and at_end(_ARTICLE_END, text, quote.open_at):
        return False  # the “dishonest media”, a “wise Latina” remark: a label, not someone's words
    # A speaker introducing the quote himself (``The minister said: “Never.”``) makes even a
    # short, capitalised quote speech; a cue further back (``X told MSNBC’s “Morning Joe”``) or
    # a speaker inherited from the paragraph's other quote does not.
    embedded = entry.item.attribution == "partial"  # its attribution, if any, is its sentence's
    if (embedded or not (entry.attributed_after or entry.introduced)) and (
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
