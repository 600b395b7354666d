"""Item ids hash the canonical text of an item (store/identity.canonical_text): its fast form
must give, for any text, what its definition gives, or re-ingesting would give new ids
and a verdict would leave its sentence."""

from __future__ import annotations

import re
import sys
import unicodedata

from hypothesis import given, settings
from hypothesis import strategies as st

from workbench.store.identity import canonical_text

QUOTES = str.maketrans(
    {"“": '"', "”": '"', "„": '"', "«": '"', "»": '"', "‘": "'", "’": "'", "‚": "'", "–": "-", "—": "-", "\u00a0": " "}
)


def defined(text: str) -> str:
    """The definition: NFKC, one quote style, case folded, runs of blanks one space, trimmed."""
    text = unicodedata.normalize("NFKC", text).translate(QUOTES).casefold()
    return re.sub(r"\s+", " ", text).strip(" .,;:!?\"'")


BLANKS = "".join(chr(code) for code in range(sys.maxunicode + 1) if chr(code).isspace())


def test_every_blank_and_quote_style_is_canonical_as_defined():
    samples = ["  . A  ", "“Prices,” she said — «no».\u00a0", "ǅ ß ﬁ K ſ İ", "\x85q\u2028r", "'\"x\"'", ""]
    samples += [f"a{blank}b{blank}" for blank in BLANKS]
    assert [canonical_text(text) for text in samples] == [defined(text) for text in samples]


@settings(max_examples=2000, deadline=None)
@given(st.text(st.sampled_from("aZé ß.,;:!?\"'“”„«»‘’‚–—-\u00a0\u2003\n\t\x1cﬁǅK") | st.characters()))
def test_any_text_is_canonical_as_defined(text):
    assert canonical_text(text) == defined(text)
