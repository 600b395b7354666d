"""Page furniture is told by several patterns that let the regex engine skip ahead: they must
tell exactly what the single patterns they replaced told (kept here as the definition)."""

from __future__ import annotations

import re

from hypothesis import given, settings
from hypothesis import strategies as st

from workbench.readers.clean import clean_text, is_junk_line

AGENCY = r"(AP|AFP|Reuters|TASS|EPA|Getty Images|Shutterstock|Sputnik|Pixabay|Unsplash)"
DEFINITION = (
    re.compile(
        r"^\s*(share this( article| story)?|share on (facebook|twitter)|click here to subscribe"
        r"|sign up for our newsletter|advertisement)\s*$"
        r"|become a member for|subscribe (now|today|to our)|hope you have enjoyed"
        r"|all rights reserved|^\s*©",
        re.IGNORECASE,
    ),
    re.compile(
        rf"^\s*\(?(?i:photo|image|picture|illustration)(?i: credit)?\s*(:|by\b)"
        rf"|\b(via|photo by|credit:?)\s++{AGENCY}(?:\s*+/\s*+[\w.]++)*+\s*+\)?\s*+$"
        rf"|\b{AGENCY}\s*+/\s*+[\w.]++\s*+\)?\s*+$"
    ),
)
REPORTING = re.compile(r"\bReporting by\b.*\b(?:Writing|Editing) by\b", re.IGNORECASE | re.DOTALL)


def defined_junk(line: str) -> bool:
    return any(pattern.search(line) for pattern in DEFINITION) or bool(REPORTING.search(line))


PIECES = [
    "Share this", " article", "SHARE ON TWITTER", "Advertisement", "  ", "\n", "©", "x", "é", "_", "-", "(",
    ")", "/", ".", ":", "ſubscribe", "Subscribe ", "now", "To Our", "BeCome a member for", "hope you have enjoyed",
    "All rights reserved", "ſhare this", "Photo", "Image credit", " by ", "by", "via ", "photo by ", "credit:",
    "Credit: ", "AP", "AFP", "MAP", "Reuters", "TASS", "EPA", "Getty Images", "Shutterstock", "Sputnik",
    "Pixabay", "Unsplash", "John.Smith", "Reporting by ", "Editing by ", "Writing by",
]  # fmt: skip

KNOWN = {
    "Share this story": True,
    "  ADVERTISEMENT ": True,
    "© 2024 The Paper": True,
    "Prices fell © later": False,
    "Readers who ſubscribe today get more": True,
    "Photo: Ivan Orlov": True,
    "A protest in Minsk (via Reuters)": True,
    "The march, photo by AP / John.Smith": True,
    "Crowds in Minsk. AFP/Sergei": True,
    "A MAP/legend": False,
    "The AP/ wire said more": False,
    "Reporting by Anna Petrova; Editing by Ivan Orlov": True,
    "The minister said prices would rise by 5% next year.": False,
}


def test_known_lines_are_told_as_defined():
    assert {line: is_junk_line(line) for line in KNOWN} == KNOWN
    assert all(defined_junk(line) == junk for line, junk in KNOWN.items())


@settings(max_examples=3000, deadline=None)
@given(st.lists(st.sampled_from(PIECES), max_size=10).map("".join))
def test_any_line_is_told_as_the_single_patterns_tell_it(line):
    assert is_junk_line(line) == defined_junk(line)


BLANKS = [chr(code) for code in range(0x3000 + 1) if chr(code).isspace()]


@settings(max_examples=500, deadline=None)
@given(st.lists(st.sampled_from(["word", "Word.", *BLANKS, "\n", "\n\n"]), max_size=30).map("".join))
def test_cleaned_paragraphs_hold_single_spaces_between_words(raw):
    for paragraph in clean_text(raw, has_title_line=False).text.split("\n\n"):
        assert not re.search(r"\s\s|^\s|\s$|[^\S ]", paragraph)
