"""Small helpers shared by the report formats: safe URLs, safe JSON, dates, colours, labels, drift."""

from __future__ import annotations

import datetime as dt
import json
import re
from collections.abc import Callable
from urllib.parse import quote, urlsplit

from ..config import safe_color
from ..model import disagreement_text
from ..untrusted import replacing_hidden

# Said of an item that is one piece of a sentence or quotation too long to be one item.
CUT_NOTE = "Part of a longer sentence or quotation, cut at a clause boundary."
# Characters kept as they are when a URL is re-quoted; everything else (spaces,
# quotes, angle brackets, parentheses, backslashes) is percent-encoded.
URL_SAFE = ":/?#[]@!$&'*+,;=%~-._"
# Other members of its cluster, and items giving other figures, that a report lists under
# an item; the rest are counted.
LISTED = 8
FALLBACK_COLOR = "#888888"


def safe_url(url: str | None) -> str | None:
    """``url`` re-quoted if it is an absolute http(s) URL, else ``None``.

    Anything else (``javascript:``, ``data:``, relative paths, URLs with control
    characters or spaces that a browser would strip before reading the scheme) must
    never reach an ``href``.
    """
    if not url or any(char.isspace() or ord(char) < 0x20 or ord(char) == 0x7F for char in url):
        return None
    try:
        parts = urlsplit(url)
    except ValueError:
        return None
    # A user name or password before the host ("https://trusted.example@evil.example/")
    # is only ever there to make a link look like it goes somewhere else.
    if parts.scheme.lower() not in {"http", "https"} or not parts.hostname or "@" in parts.netloc:
        return None
    return quote(url, safe=URL_SAFE)


def _json_escape(char: str) -> str:
    return json.dumps(char)[1:-1]  # \uXXXX, as a surrogate pair beyond U+FFFF


# Every JSON output may end up inside <script type="application/ld+json"> or an HTML
# page, be cut into lines, or be shown in a terminal: ``<``, ``>`` and ``&`` are escaped
# (so no ``</script>`` or comment can close the element), and so is every hidden
# character that ``json.dumps`` leaves raw (DEL, C1 controls, U+2028/2029, bidi and
# zero-width characters, lone surrogates). The line feeds of indentation stay.
_JSON_ESCAPES = replacing_hidden(_json_escape, {"<": "\\u003c", ">": "\\u003e", "&": "\\u0026", "\n": "\n"})


def json_text(value: object, *, indent: int | None = None) -> str:
    """``value`` as JSON that is safe to embed in HTML and to print, keys and values alike."""
    return json.dumps(value, ensure_ascii=False, indent=indent).translate(_JSON_ESCAPES)


def when(stamp: str | None) -> str:
    """An ISO timestamp as ``YYYY-MM-DD HH:MM UTC`` (dates and odd values unchanged)."""
    if not stamp:
        return ""
    try:
        moment = dt.datetime.fromisoformat(stamp)
    except ValueError:
        return stamp
    if len(stamp) <= 10:
        return stamp
    if moment.tzinfo is not None:
        moment = moment.astimezone(dt.UTC)
    return moment.strftime("%Y-%m-%d %H:%M") + (" UTC" if moment.tzinfo is not None else "")


def day(stamp: str | None) -> str | None:
    """The ``YYYY-MM-DD`` part of an ISO date or timestamp."""
    return stamp[:10] if stamp and len(stamp) >= 10 else stamp


def css_color(color: str | None) -> str:
    """A status colour (a Rich colour name or hex, as in ``statuses.color``) as CSS hex;
    grey when there is none or the stored value is not a colour."""
    from rich.color import Color

    color = safe_color(color, fallback="default")
    return FALLBACK_COLOR if color == "default" else Color.parse(color).get_truecolor().hex


def ink_for(background: str) -> str:
    """Black or white, whichever reads better on ``background`` (``#rrggbb``)."""
    red, green, blue = (int(background[index : index + 2], 16) for index in (1, 3, 5))
    return "#000000" if 0.299 * red + 0.587 * green + 0.114 * blue > 150 else "#ffffff"


def source_name(source: dict) -> str:
    """How a source is named in a report: its title, else outlet, else file path."""
    return source.get("title") or source.get("outlet") or source.get("path") or source.get("id") or ""


def counted(number: int, noun: str) -> str:
    """``1 item``, ``2,000 items``."""
    return f"{number:,} {noun}" + ("" if number == 1 else "s")


def conflicts_sentence(totals: dict) -> str:
    """What a report summary says of the items whose figures disagree with another source."""
    items = totals["in_conflict"]
    return (
        f"{counted(items, 'item')} here {'gives' if items == 1 else 'give'} other figures than another source "
        f"for the same statement ({counted(totals['conflicts'], 'number conflict')})."
    )


def spread_sentence(totals: dict) -> str:
    """What a report summary says of the items that appear in other sources too."""
    items = totals["clustered"]
    return f"{counted(items, 'item')} here also {'appears' if items == 1 else 'appear'} in other sources."


def conflict_text(figures: list[dict]) -> str:
    """``5% here, 7% there`` for every disagreeing figure of a number conflict."""
    return "; ".join(disagreement_text(figure) for figure in figures)


def filters_text(filters) -> str:
    """The filters in words, for a report's header (empty when nothing is filtered)."""
    parts = []
    if filters.statuses:
        parts.append("status " + ", ".join(filters.statuses))
    if filters.kind:
        parts.append(f"{filters.kind}s only")
    if filters.sources:
        parts.append("sources " + ", ".join(filters.sources))
    if filters.reviewed_only:
        parts.append("items with a verdict only")
    return "; ".join(parts)


# A web address in a reviewer's note: up to a blank, a quotation mark or an angle bracket;
# what ends a sentence after it (".", ")", ...) is not part of it.
NOTE_URL = re.compile(r"https?://[^\s<>\"]+", re.IGNORECASE)
URL_TRAILING = ".,;:!?)]}'’”"


def note_pieces(note: str) -> list[tuple[str, str | None]]:
    """A reviewer's note as pieces of text, each with the http(s) URL it is (made safe by
    :func:`safe_url`), or ``None`` for the text between."""
    pieces: list[tuple[str, str | None]] = []
    position = 0
    for match in NOTE_URL.finditer(note):
        url = match.group().rstrip(URL_TRAILING)
        if url.count("(") > url.count(")") and match.group()[len(url) : len(url) + 1] == ")":
            url += ")"  # https://en.wikipedia.org/wiki/Minsk_(disambiguation)
        if position < match.start():
            pieces.append((note[position : match.start()], None))
        pieces.append((url, safe_url(url)))
        position = match.start() + len(url)
    if position < len(note):
        pieces.append((note[position:], None))
    return pieces


def quoted_runs(item: dict) -> list[tuple[str, bool]]:
    """The item's text cut into runs, each with whether it is words the item quotes from its
    speaker (``items.quoted``); a span that does not fit the text is left out."""
    text = item["text"] or ""
    spans = []
    for span in item.get("quoted") or ():
        if isinstance(span, list) and len(span) == 2 and all(type(bound) is int for bound in span):
            spans.append(tuple(span))
    runs, position = [], 0
    for start, end in sorted(spans):
        if position <= start < end <= len(text):
            runs += [(text[position:start], False), (text[start:end], True)]
            position = end
    runs.append((text[position:], False))
    return [(run, quoted) for run, quoted in runs if run]


def changed_text(changed: list[str]) -> str:
    """``the text changed since this verdict was given`` for what changed since a verdict."""
    return f"the {' and '.join(changed)} changed since this verdict was given"


def drift(text_a: str, text_b: str) -> list[tuple[str, str, str]]:
    """Word-level differences between two wordings as ``(tag, a_words, b_words)``.

    Uses the link stage's ``word_diff`` so reports mark the same words the linker does.
    """
    from ..link import word_diff

    return [(tag, _words(a_words), _words(b_words)) for tag, a_words, b_words in word_diff(text_a, text_b)]


def marked_drift(text_a: str, text_b: str, escape: Callable[[str], str], removed: str, added: str) -> str | None:
    """``text_b`` with the words that differ from ``text_a`` marked; ``None`` if none do.

    ``escape`` makes corpus text inert for the format; ``removed`` and ``added`` are
    format strings such as ``"<del>{}</del>"``.
    """
    operations = drift(text_a, text_b)
    if all(tag == "equal" for tag, _, _ in operations):
        return None
    parts = []
    for tag, a_words, b_words in operations:
        if tag == "equal":
            parts.append(escape(b_words))
            continue
        if a_words.strip():
            parts.append(removed.format(escape(a_words)))
        if b_words.strip():
            parts.append(added.format(escape(b_words)))
    return " ".join(part for part in parts if part)


def _words(words: str | list[str] | tuple[str, ...]) -> str:
    return words if isinstance(words, str) else " ".join(words)
