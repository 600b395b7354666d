"""Plain records passed between the pipeline stages.

Readers produce :class:`Article`; extraction turns an article's cleaned text into
:class:`ExtractedItem`; storage writes both. Nothing here imports Textual or touches
the database, so every stage can be used and tested on its own.
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass
class Article:
    """One article as read from disk, after cleaning.

    ``key`` identifies the article across re-ingests (its URL when the record has
    one, otherwise the resolved file path, plus the record number in JSON lines),
    so an edited file updates the same source instead of adding a new one.
    """

    key: str
    path: str
    text: str
    title: str | None = None
    outlet: str | None = None
    author: str | None = None
    url: str | None = None
    published: str | None = None
    links: list[str] = field(default_factory=list)
    format: str = "txt"
    sha256: str = ""


@dataclass
class NumberMention:
    """A quantity or date found inside an item, in normalised form.

    ``value`` is a float for quantities and an ISO date string for dates
    (``--08-09`` when the year is unknown); ``unit`` is e.g. ``percent``,
    ``USD``, ``people``, ``companies``, ``date`` or ``None``.
    """

    text: str
    value: float | str
    unit: str | None = None
    start: int = 0
    end: int = 0


@dataclass
class ExtractedItem:
    """A claim or quote found in an article's cleaned text.

    ``start``/``end`` are character offsets into the cleaned text. For most items
    ``text == article_text[start:end]``; a quotation interrupted by its attribution
    (``“A,” she said. “B.”``) or running over paragraphs is one item whose ``segments``
    are the spans of its words, ``start``/``end`` reaching from the first to the last,
    and whose ``text`` is :func:`segments_text` of them. A headline is the article's title,
    not in its text: ``start == end == 0``.
    """

    kind: str  # "claim" or "quote"
    text: str
    start: int
    end: int
    speaker: str | None = None
    role: str | None = None
    cue: str | None = None
    attribution: str | None = None  # "direct", "partial", "indirect" or None
    paragraph: int = 0
    score: float = 0.0  # check-worthiness in [0, 1]; quotes get one too
    numbers: list[NumberMention] = field(default_factory=list)
    cut: bool = False  # one piece of a sentence or quotation too long to be one item
    segments: list[tuple[int, int]] = field(default_factory=list)  # several spans: one quotation, words apart
    quoted: list[tuple[int, int]] = field(default_factory=list)  # spans in ``text`` quoted from the speaker
    headline: bool = False  # the article's title

    @property
    def spans(self) -> list[tuple[int, int]]:
        """The spans of the article text the item's words come from (none for a headline)."""
        if self.headline:
            return []
        return self.segments or [(self.start, self.end)]


SEGMENT_SEPARATOR = " "


def segments_text(article_text: str, segments: list[tuple[int, int]]) -> str:
    """The words of a quotation in several segments, as one text."""
    return SEGMENT_SEPARATOR.join(article_text[start:end] for start, end in segments)


def figure_text(value: object, unit: str | None) -> str:
    """A figure as people write it: ``5%``, ``1,200 people``, ``800``, ``2020-08-09``."""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    shown = f"{value:,}" if isinstance(value, (int, float)) else str(value)
    if unit == "percent":
        return f"{shown}%"
    return f"{shown} {unit}" if unit and unit != "date" else shown


def disagreement_text(figure: dict) -> str:
    """One figure of a number conflict, seen from one item: ``5% here, 7% there``."""
    return f"{figure_text(figure['this'], figure['unit'])} here, {figure_text(figure['other'], figure['unit'])} there"
