"""Which paragraphs and sentences can carry claims, and reported (indirect) speech.

Headings, link lines, captions, bylines and boilerplate never yield items. A sentence
is a claim when it asserts something; when it reports what someone said
(``X said that …``, ``…, said X``, ``…, according to X``) the claim is the reported
content and the source becomes its speaker.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from workbench.extract.speakers import CUE_RE, NEEDS_THAT, Source, parse_source, source_after_cue, subject_before

_BOILERPLATE_START = re.compile(
    r"(?:related(?: article| articles| stories| coverage)?\s*:|read (?:more|the rest|also)\b|share this|"
    r"subscribe\b|sign up\b|click here|follow us|photo:|image:|advertisement$|"
    r"(?:reporting|writing|editing|additional reporting) by\b|copyright\b|©|all rights reserved)",
    re.IGNORECASE,
)
_BOILERPLATE_NEEDLES = ("http://", "https://", "www.", "hope you enjoyed", "hope you have enjoyed", "become a member")
_PHOTO_CREDIT = re.compile(r"\bvia (?:AP|Reuters|AFP|Getty)\b|\b(?:AP|Reuters|AFP|Getty Images|TASS)\s*/\s*\w")
_BYLINE = re.compile(r"^(?:by|from)\s+[A-Z][\w.'’-]+(?:\s+[A-Z][\w.'’-]+){0,3}\s*$")
_TERMINAL = re.compile(r"[.!?…][”’\"')\]]*$|[”\"]$")
_WORD = re.compile(r"[A-Za-z0-9][\w’'-]*")
_THAT = re.compile(r"\s*(?:,\s*)?that\b\s*")
_RECIPIENT = re.compile(
    r"\s*(?:(?:the\s+)?(?:[A-Z][\w’'-]*\s*){1,5}|reporters|journalists|supporters|the\s+\w+|an?\s+\w+|him|her|them|us|me|police|officials)"
    r"(?:\s+(?:on|in|at|by|during|after|via)\s+[^,]{1,40}?)?(?:,\s*|\s+(?=that\b)|\s+)"
)
_SHORT_TAIL = 8  # words after the cue that can still be circumstance ("in a statement on Monday")
# What may follow "…, X said" at the end of a sentence: nothing, or a circumstance.
_CIRCUMSTANCE = re.compile(
    r"\s*(?:$|[.,;:)]|(?:in|on|at|during|after|before|via|by|from|through|to|with|last|this|earlier|"
    r"later|today|yesterday|reporters|journalists|[A-Z][\w’'-]*)\b)"
)
# Cue words that, in final position, are more often nouns ("the Baltic states").
_NOUN_LIKE = frozenset("states reports claims notes estimates charges posts tweets thinks".split())


@dataclass(slots=True)
class Indirect:
    """Reported speech inside one sentence; offsets relative to the sentence."""

    content_start: int
    content_end: int
    source: Source
    cue: str
    cue_at: int


def paragraph_is_text(paragraph: str, index: int) -> bool:
    """False for headings, link lines, captions, bylines and boilerplate."""
    lowered = paragraph.lower()
    if (
        _BOILERPLATE_START.match(paragraph)
        or any(needle in lowered for needle in _BOILERPLATE_NEEDLES)
        or _PHOTO_CREDIT.search(paragraph)
        or _BYLINE.match(paragraph)
    ):
        return False
    words = _WORD.findall(paragraph)
    if not _TERMINAL.search(paragraph):
        return len(words) > 25  # short unterminated lines are headings
    if index == 0 and len(words) <= 20:
        # A first line in Title Case is the headline even when it ends with a period.
        capitalised = sum(word[0].isupper() or word[0].isdigit() for word in words)
        return capitalised * 5 < len(words) * 3
    return True


def sentence_is_claim(sentence: str) -> bool:
    """Sentences that assert something: not questions or fragments (boilerplate paragraphs are gone already)."""
    if sentence.endswith(("?", "?”", '?"')):
        return False
    return len(_WORD.findall(sentence)) >= 5


def find_indirect(sentence: str, quoted: list[tuple[int, int]]) -> Indirect | None:
    """Reported speech in ``sentence`` (cue verbs inside ``quoted`` spans are ignored)."""
    cues = [m for m in CUE_RE.finditer(sentence) if not any(s <= m.start() < e for s, e in quoted)]
    if not cues:
        return None
    last = cues[-1]
    found = _content_before(sentence, last)
    if found:
        return found
    for cue in cues:
        found = _content_after(sentence, cue)
        if found:
            return found
    return None


def _content_before(sentence: str, cue: re.Match) -> Indirect | None:
    """``…, said X, role.`` / ``…, X said.`` / ``…, according to X.``"""
    before, after = sentence[: cue.start()], sentence[cue.end() :]
    if cue.group() in _NOUN_LIKE:
        return None
    stripped = before.rstrip()
    if stripped.endswith(","):
        # "…, said Katia Glod, fellow at CEPA." The words after the cue must be a source.
        source = parse_source(source_after_cue(after))
        if source and (after.strip()[:1].isupper() or len(after.split()) <= 4 or source.role):
            return Indirect(0, len(stripped) - 1, source, cue.group(), cue.start())
        return None
    comma = max(before.rfind(", "), before.rfind(" — "))
    if comma <= 0 or len(after.split()) > _SHORT_TAIL or not _CIRCUMSTANCE.match(after):
        return None
    phrase = before[comma + 1 :].strip(" —")
    if len(phrase.split()) > 6:
        return None
    source = parse_source(phrase)
    if source is None or source.name.lower().startswith(("and ", "but ", "which", "who")):
        return None
    return Indirect(0, comma, source, cue.group(), cue.start())


def _content_after(sentence: str, cue: re.Match) -> Indirect | None:
    """``X said (that) …`` / ``X told Reuters …`` / ``According to X, …``."""
    word = cue.group()
    before, after_at = sentence[: cue.start()], cue.end()
    if word == "according to":
        if before.strip():
            return None
        comma = sentence.find(",", after_at)
        source = parse_source(sentence[after_at:comma]) if comma > 0 else None
        return Indirect(comma + 1, len(sentence), source, word, cue.start()) if source else None
    if re.search(r"\b(?:was|were|been|be|being|is|are)\s*$", before):
        return None
    source = subject_before(before)
    if source is None:
        return None
    that = _THAT.match(sentence, after_at)
    if that:
        start = that.end()
    elif word in NEEDS_THAT:
        return None
    elif word.startswith(("told", "tell")):
        recipient = _RECIPIENT.match(sentence, after_at)
        if recipient is None:
            return None
        start = recipient.end()
        that = _THAT.match(sentence, start)
        start = that.end() if that else start
    else:
        start = after_at
        while start < len(sentence) and sentence[start] in " ,:":
            start += 1
    if len(_WORD.findall(sentence[start:])) < 3:
        return None
    return Indirect(start, len(sentence), source, word, cue.start())

