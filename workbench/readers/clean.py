"""Turn an article's raw text into clean paragraphs.

Real input is messy: PDF exports are hard-wrapped with words hyphenated across lines,
paragraphs are cut by page furniture (bare link lines), and sites append "Related
article" teasers, share/subscribe footers and photo credits. Reviewers must never see
that junk, and every extracted item's offsets point into the text returned here, so
this is the one place where text is changed.

The result has one paragraph per line and paragraphs separated by a blank line.

Every pattern here sees untrusted text and runs in linear time: no two quantifiers can
share the characters they match (possessive ``*+``/``++`` where they could), and a
pattern that scans ahead from a start stops at the next character that could start
another match, so the scans from successive starts do not overlap.
"""

from __future__ import annotations

import re
import statistics
from dataclasses import dataclass, field

URL_LINE = re.compile(r"\s*+<?(?:https?://|www\.)\S++\s*+$", re.IGNORECASE)
RELATED_LINE = re.compile(r"^\s*(related( article| story| content)?|read more|see also|also read)\s*:", re.I)
# A paragraph's furniture is found by patterns tried at its start (``match``) and patterns
# searched through it. The searched ones begin every alternative with a plain letter, so the
# regex engine skips ahead to the next such letter instead of trying every alternative at
# every position: case-insensitive, that letter is a class of its case forms (with the long
# s, ``ſ``, which matches "s" ignoring case) and a look-behind tells which word it starts;
# ``\b`` before a word becomes ``(?<!\w.)`` after its first letter.
BOILERPLATE_LINE = re.compile(
    r"\s*(share this( article| story)?|share on (facebook|twitter)|click here to subscribe"
    r"|sign up for our newsletter|advertisement)\s*$|\s*©",
    re.IGNORECASE,
)
BOILERPLATE_PHRASE = re.compile(
    r"[BHSAbhasſ](?i:(?<=b)ecome a member for|(?<=s)ubscribe (now|today|to our)|(?<=h)ope you have enjoyed"
    r"|(?<=a)ll rights reserved)"
)
# An agency's credit line names its reporters, then its writers or editors (two searches:
# one pattern with ``.*`` between them rescans the rest of the line at every "Reporting by").
REPORTING_BY = re.compile(r"\bReporting by\b", re.IGNORECASE)
WRITING_BY = re.compile(r"\b(?:Writing|Editing) by\b", re.IGNORECASE)
AGENCY = r"(AP|AFP|Reuters|TASS|EPA|Getty Images|Shutterstock|Sputnik|Pixabay|Unsplash)"
PHOTO_CREDIT = re.compile(r"\s*\(?(?i:photo|image|picture|illustration)(?i: credit)?\s*(:|by\b)")
AGENCY_CREDIT = re.compile(
    rf"(?:v(?<!\w.)ia|p(?<!\w.)hoto by|c(?<!\w.)redit:?)\s++{AGENCY}(?:\s*+/\s*+[\w.]++)*+\s*+\)?\s*+$"
)
AGENCY_PATH = re.compile(  # AGENCY, each name led by its first letter
    r"(?:A(?<!\w.)(?:P|FP)|R(?<!\w.)euters|T(?<!\w.)ASS|E(?<!\w.)PA|G(?<!\w.)etty Images"
    r"|S(?<!\w.)(?:hutterstock|putnik)|P(?<!\w.)ixabay|U(?<!\w.)nsplash)\s*+/\s*+[\w.]++\s*+\)?\s*+$"
)
CONTROL_CHARS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\x80-\x9f\u200b\ufeff]")
TERMINAL = tuple(".!?:;\"”’'»)…")
# Prefixes that keep their hyphen when a line break falls after them (anti-business).
KEEP_HYPHEN_PREFIXES = {
    "anti",
    "non",
    "pro",
    "co",
    "self",
    "ex",
    "post",
    "pre",
    "well",
    "long",
    "high",
    "low",
    "multi",
    "semi",
    "mid",
    "half",
    "cross",
    "full",
    "part",
    "so",
    "all",
    "vice",
}
# Brackets hold no brackets and a target no whitespace and at most one level of
# parentheses (wiki/Foo_(bar)): a scan from one bracket ends at the next.
LINK_TARGET = r"(?:[^()\s]|\([^()\s]*+\))++"
MARKDOWN_IMAGE = re.compile(rf"!\[[^\[\]]*+\]\((?:{LINK_TARGET})?(?:\s++[^()\n]*+)?\)")
MARKDOWN_LINK = re.compile(rf"\[([^\[\]]++)\]\(({LINK_TARGET})(?:\s++\"[^\"]*+\")?\)")
MARKDOWN_HEADING = re.compile(r"^\s{0,3}#{1,6}\s+")
# **strong**, __strong__ (a lone * or _ inside), *emphasis*; none crosses its closing run.
MARKDOWN_EMPHASIS = re.compile(
    r"\*\*(?=\S)((?:[^*\n]|\*(?!\*))+?)(?<=\S)\*\*"
    r"|__(?=\S)((?:[^_\n]|_(?!_))+?)(?<=\S)__"
    r"|(?<![\w*])\*(?=\S)([^*\n]+?)(?<=\S)\*(?!\w)"
)
# A word split at a line end is looked for this far back: longer runs are not words, and
# searching a whole paragraph again at every line would be quadratic.
LONGEST_WORD = 64
WORD_BEFORE_HYPHEN = re.compile(r"(\w+)-$")
FIRST_WORD = re.compile(r"\w+")
# Whether a paragraph ends in a heading is judged on this many of its last characters.
LAST_LINE_CHARS = 200


@dataclass
class CleanText:
    """Cleaned body text plus what cleaning took out of it."""

    text: str
    title: str | None = None
    links: list[str] = field(default_factory=list)


def strip_controls(text: str) -> str:
    """Normalise newlines and drop control characters (escape sequences included)."""
    text = text.replace("\r\n", "\n").replace("\r", "\n").replace("\u2028", "\n").replace("\u2029", "\n\n")
    return CONTROL_CHARS.sub("", text.replace("\t", " "))


def markdown_to_text(text: str, links: list[str]) -> str:
    """Reduce Markdown to the words a reader sees, keeping link targets in ``links``."""

    def keep_link(match: re.Match) -> str:
        links.append(match.group(2))
        return match.group(1)

    text = MARKDOWN_IMAGE.sub("", text)
    text = MARKDOWN_LINK.sub(keep_link, text)
    lines = [MARKDOWN_HEADING.sub("", line) for line in text.split("\n")]
    text = "\n".join(lines)
    return MARKDOWN_EMPHASIS.sub(lambda match: match.group(match.lastindex), text)


def is_junk_line(line: str) -> bool:
    if BOILERPLATE_LINE.match(line) or PHOTO_CREDIT.match(line):
        return True
    if BOILERPLATE_PHRASE.search(line) or AGENCY_CREDIT.search(line) or AGENCY_PATH.search(line):
        return True
    reporting = REPORTING_BY.search(line)
    return bool(reporting and WRITING_BY.search(line, reporting.end()))


def _blocks(lines: list[str], links: list[str]) -> list[list[str]]:
    """Group lines into blocks separated by blank lines, dropping link and related lines."""
    blocks: list[list[str]] = []
    current: list[str] = []
    skip_next_title = False
    for line in lines:
        if URL_LINE.match(line):
            links.append(line.strip().strip("<>"))
            continue  # page furniture: the paragraph it interrupts goes on after it
        if RELATED_LINE.match(line):
            # "Related article:" alone on its line announces the teaser title on the next
            skip_next_title = not line.split(":", 1)[1].strip()
            if current:
                blocks.append(current)
                current = []
            continue
        if skip_next_title and line.strip():
            skip_next_title = False
            continue
        if not line.strip():
            if current:
                blocks.append(current)
                current = []
            continue
        # A leading space marks a new paragraph (or a caption) in PDF exports.
        if line[:1] == " " and current:
            blocks.append(current)
            current = []
        current.append(line)
    if current:
        blocks.append(current)
    return blocks


def _wrap_width(blocks: list[list[str]]) -> int:
    """The width the text was hard-wrapped at, or 0 when it was not wrapped."""
    wrapped = [len(line.rstrip()) for block in blocks if len(block) > 1 for line in block[:-1]]
    if len(wrapped) < 3:
        return 0
    return int(statistics.median(wrapped))


def _keeps_hyphen(before: str, after: str, vocabulary: set[str]) -> bool:
    """Whether a line ending ``before`` in a hyphen joins ``after`` as a compound (anti-business)
    rather than as one word split in two (busi-ness)."""
    head = WORD_BEFORE_HYPHEN.search(before)
    tail = FIRST_WORD.match(after)
    if not head or not tail:
        return True
    first, second = head.group(1), tail.group(0)
    if (first + second).lower() in vocabulary:
        return False
    if f"{first}-{second}".lower() in vocabulary:
        return True
    return first.lower() in KEEP_HYPHEN_PREFIXES or (first[:1].isupper() and second[:1].isupper())


def _reflow(block: list[str], width: int, vocabulary: set[str]) -> list[str]:
    """Join a block's lines into paragraphs; short lines ending a sentence end one."""
    paragraphs: list[str] = []
    pieces: list[str] = []  # the paragraph so far, joined once it ends
    tail = ""  # its last characters: enough to find a word split at the line end
    for line in block:
        line = line.strip()
        if not pieces:
            pieces.append(line)
        elif tail.endswith("-") and not tail.endswith(" -"):
            if not _keeps_hyphen(tail, line, vocabulary):
                pieces[-1] = pieces[-1][:-1]
                tail = tail[:-1]
            pieces.append(line)
        else:
            pieces += (" ", line)
            tail += " "
        tail = (tail + line)[-LONGEST_WORD:]
        if width and line.endswith(TERMINAL) and len(line) < 0.6 * width:
            paragraphs.append("".join(pieces))
            pieces, tail = [], ""
    if pieces:
        paragraphs.append("".join(pieces))
    return paragraphs


def _continues(previous: list[str], previous_length: int, following: str, width: int) -> bool:
    """Whether a paragraph (the ``previous`` pieces, joined by spaces) was cut in two by
    page furniture rather than ended."""
    if previous[-1].endswith(TERMINAL) or not following:
        return False
    if following[0].islower():
        return True
    # A hard-wrapped paragraph cut mid-sentence ends in a full-width line; a heading is short.
    if not width or previous_length < 0.8 * width:
        return False
    return not _last_chars(previous, min(width, LAST_LINE_CHARS)).istitle()


def _last_chars(pieces: list[str], count: int) -> str:
    """The last ``count`` characters of ``pieces`` joined by spaces, reading no further back."""
    taken: list[str] = []
    length = 0
    for piece in reversed(pieces):
        taken.append(piece)
        length += len(piece) + 1
        if length >= count:
            break
    return " ".join(reversed(taken))[-count:]


def _is_title_line(line: str) -> bool:
    words = re.findall(r"[^\W\d_][\w’'-]*", line)
    if not words or len(line) > 150 or (line.rstrip().endswith((".", "?", "!")) and len(words) > 14):
        return False
    small = {"a", "an", "and", "or", "the", "of", "in", "on", "to", "for", "at", "by", "off", "with", "as", "but"}
    capitalised = sum(1 for w in words if w[0].isupper() or w.lower() in small)
    return capitalised / len(words) >= 0.8


def _take_title(blocks: list[list[str]]) -> str | None:
    """Remove and return the headline from the first block."""
    first = blocks[0]
    if len(first) == 1:
        if len(first[0]) > 200:
            return None
        blocks.pop(0)
        return first[0].strip()
    count = 0
    while count < len(first) and _is_title_line(first[count]):
        count += 1
    count = max(count, 1)  # no title-like line: the first line is the headline anyway
    title = " ".join(line.strip() for line in first[:count])
    del first[:count]
    if not first:
        blocks.pop(0)
    return title


def clean_text(raw: str, *, has_title_line: bool = True, markdown: bool = False) -> CleanText:
    """Clean an article's raw text.

    ``has_title_line``: the first line is the headline (plain-text articles with no
    metadata header). The headline is returned apart and is not part of ``text``.
    """
    links: list[str] = []
    text = strip_controls(raw)
    if markdown:
        text = markdown_to_text(text, links)
    blocks = _blocks(text.split("\n"), links)
    if not blocks:
        return CleanText("", None, links)
    title = _take_title(blocks) if has_title_line else None
    width = _wrap_width(blocks)
    # Only needed to judge words hyphenated at a line end, which most texts lack.
    vocabulary = set(re.findall(r"[\w-]+", text.lower())) if "-\n" in text else set()
    paragraphs: list[list[str]] = []  # each the reflowed pieces of one paragraph
    length = 0  # of the last paragraph, joined
    for block in blocks:
        for paragraph in _reflow(block, width, vocabulary):
            if is_junk_line(paragraph):
                continue
            if paragraphs and _continues(paragraphs[-1], length, paragraph, width):
                paragraphs[-1].append(paragraph)
                length += 1 + len(paragraph)
            else:
                paragraphs.append([paragraph])
                length = len(paragraph)
    # str.split() splits at exactly the characters ``\s`` matches: blanks collapsed and trimmed.
    joined = (" ".join(" ".join(pieces).split()) for pieces in paragraphs)
    return CleanText("\n\n".join(text for text in joined if text), title, links)
