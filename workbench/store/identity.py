"""What makes two rows the same source or the same item.

A source is identified by its article's ``key`` (see :class:`workbench.model.Article`),
an item by its source, kind and canonical text, so re-ingesting an unchanged article
gives every item the id it had, and a reviewer's verdict stays on it.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from collections import Counter

from ..model import ExtractedItem

QUOTE_CHARS = str.maketrans(
    {"“": '"', "”": '"', "„": '"', "«": '"', "»": '"', "‘": "'", "’": "'", "‚": "'", "–": "-", "—": "-", "\u00a0": " "}
)
SPACES = re.compile(r"\s+")


def canonical_text(text: str) -> str:
    """The form item ids are derived from: case, quote style and spacing do not count."""
    text = unicodedata.normalize("NFKC", text).translate(QUOTE_CHARS).casefold()
    return SPACES.sub(" ", text).strip(" .,;:!?\"'")


def _digest(basis: str, length: int) -> str:
    return hashlib.sha1(basis.encode("utf-8", "surrogatepass")).hexdigest()[:length]


def source_id(key: str) -> str:
    return _digest(key, 12)


def item_ids(source: str, items: list[ExtractedItem]) -> list[str]:
    """Stable ids: the same sentence in the same source keeps its id across re-ingests.

    A sentence repeated within one source gets its occurrence number mixed in.
    """
    seen: Counter[tuple[str, str]] = Counter()
    ids = []
    for item in items:
        identity = (item.kind, canonical_text(item.text))
        seen[identity] += 1
        ids.append(_digest("\x1f".join((source, *identity, str(seen[identity]))), 16))
    return ids
