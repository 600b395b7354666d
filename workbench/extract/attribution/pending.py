"""An extracted item waiting for its speaker, with what is known about its attribution."""

from __future__ import annotations

from dataclasses import dataclass

from workbench.extract.attribution.sources import Source
from workbench.extract.quote_marks import QuoteSpan
from workbench.model import ExtractedItem


@dataclass(slots=True)
class Pending:
    """An item waiting for its speaker to be resolved in text order."""

    item: ExtractedItem
    source: Source | None
    anchor: int  # where the attribution sits, for pronoun resolution
    quote: QuoteSpan | None = None
    attributed: bool = False  # has its own cue in its sentence
    attributed_after: bool = False  # "“…,” X said": the attribution follows the closing mark
    introduced: bool = False  # "X said: “…”": its own speaker and cue stand right before the opening mark
