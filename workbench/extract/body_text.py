"""Which paragraphs are the article's body text.

Headings, link lines, captions, bylines and boilerplate never yield items: neither claims
nor quotes are read from them.
"""

from __future__ import annotations

import re

from workbench.extract.patterns import WORD

_BOILERPLATE_START = re.compile(
    r"(?:related(?: article| articles| stories| coverage)?\s*:|read (?:more|the rest|also)\b|share this|"
    r"subscribe\b|sign up\b|click here|follow us|photo:|image:|advertisement$|"
    r"(?:reporting|writing|editing|additional reporting) by\b|copyright\b|©|all rights reserved)",
    re.IGNORECASE,
)
_BOILERPLATE_NEEDLES = ("http://", "https://", "www.", "hope you enjoyed", "hope you have enjoyed", "become a member")
_PHOTO_CREDIT = re.compile(r"\bvia (?:AP|Reuters|AFP|Getty)\b|\b(?:AP|Reuters|AFP|Getty Images|TASS)\s*/\s*\w")
_BYLINE = re.compile(r"^(?:by|from)\s+[A-Z][\w.'’-]+(?:\s+[A-Z][\w.'’-]+){0,3}\s*$")
_SENTENCE_END = re.compile(r"[.!?…][”’\"')\]]*$")
_HEADING_WORDS = 12
_TERMINAL = re.compile(r"[.!?…][”’\"')\]]*$|[”\"]$")


def paragraph_is_text(paragraph: str, index: int) -> bool:
    """False for headings, link lines, captions, bylines and boilerplate."""
    lowered = paragraph.lower()
    if (
        _BOILERPLATE_START.match(paragraph)
        or any(needle in lowered for needle in _BOILERPLATE_NEEDLES)
        or (("via " in paragraph or "/" in paragraph) and _PHOTO_CREDIT.search(paragraph))
        or _BYLINE.match(paragraph)
    ):
        return False
    words = WORD.findall(paragraph)
    if not _TERMINAL.search(paragraph[-12:]):  # end-anchored: only the tail can match
        return len(words) > 25  # short unterminated lines are headings
    if len(words) <= _HEADING_WORDS and not _SENTENCE_END.search(paragraph[-3:]):
        # "Governor Said “We Will Not Cut Schools”": a heading in Title Case that ends on a quote.
        capitalised = sum(word[0].isupper() or word[0].isdigit() for word in words)
        if capitalised * 5 >= len(words) * 4:
            return False
    if index == 0 and len(words) <= 20:
        # A first line in Title Case is the headline even when it ends with a period.
        capitalised = sum(word[0].isupper() or word[0].isdigit() for word in words)
        return capitalised * 5 < len(words) * 3
    return True
