"""Adversarial input for the readers, shared by the growth tests and the hostile-input tests.

Each ``*_BOMBS`` entry makes an input of about ``size`` characters from a pattern that
made a regular expression or a loop backtrack or rescan: repeated, such patterns turn a
linear step quadratic or worse (``"![a](" * 4000`` took 201 s to clean).
"""

from __future__ import annotations

import json
from collections.abc import Callable

from hypothesis import strategies as st

Bomb = Callable[[int], str]

# A hard-wrapped paragraph long enough to set a wrap width, for the bombs that need one.
WRAPPED = "\n".join(["The park has risen to seven hundred and fifty companies since its launch"] * 6)


def repeat(unit: str) -> Bomb:
    return lambda size: unit * max(1, size // len(unit))


TEXT_BOMBS: dict[str, Bomb] = {
    "markdown image openers": repeat("![a]("),
    "markdown link openers": repeat("[a]("),
    "markdown open brackets": repeat("["),
    "markdown image brackets": repeat("!["),
    "markdown link middles": repeat("]("),
    "markdown link titles": repeat('[a](x "'),
    "markdown parentheses in a target": lambda size: "[a](" + "(" * size,
    "markdown target without end": lambda size: "[a](" + "x" * size,
    "unclosed strong": repeat("**a "),
    "unclosed underscore strong": repeat("__a "),
    "unclosed emphasis": repeat("*a "),
    "star runs": repeat("*"),
    "headings": repeat("# a\n"),
    "hyphenated line ends": repeat("ab-\n"),
    "long word then a hyphen": lambda size: "T\n\n" + "a" * size + " b-\nc",
    "hyphen lines": repeat("-\n"),
    "reporting credits": repeat("Reporting by "),
    "agency credit with spaces": lambda size: "T\n\nvia AP" + " " * size + "x",
    "agency slashes": repeat("AP/"),
    "agency credit chain": lambda size: "T\n\nvia AP" + " / x" * (size // 4) + " y",
    "photo credits": repeat("Photo: "),
    "link line that is not one": lambda size: "http://" + "a" * size + " b",
    "link lines": repeat("http://a\n"),
    "related lines": repeat("Related article:\n"),
    "title-case lines": repeat("Title Line\n"),
    "paragraphs cut mid-sentence": lambda size: WRAPPED + "\n\n" + "a\n\n" * (size // 3),
    "headings after a wrapped paragraph": lambda size: WRAPPED + "\n\n" + "A\n\n" * (size // 3),
    "spaces": lambda size: " " * size + "x",
    "header lines": repeat("title: x\n"),
    "control characters": repeat("\x1b[31m\x07"),
    "indented lines": repeat(" a\n"),
    "blank lines": repeat("\n"),
}

# Pieces of the above, for Hypothesis to combine into units of its own.
TOKENS = [
    "![",
    "[",
    "]",
    "(",
    ")",
    "](",
    "!",
    "*",
    "**",
    "_",
    "__",
    "#",
    "-",
    "-\n",
    "\n",
    "\n\n",
    " ",
    '"',
    "a",
    "A",
    ".",
    ":",
    "/",
    "http://",
    "www.",
    "<",
    ">",
    "via AP",
    "AP/",
    "credit: ",
    "subscribe ",
    "ſ",
    "Reporting by ",
    "Writing by ",
    "Photo:",
    "Related article:",
    "title: ",
    "©",
    "\x1b",
    "“",
]
adversarial_units = st.lists(st.sampled_from(TOKENS), min_size=1, max_size=8).map("".join)


def record(text: str) -> str:
    return json.dumps({"text": text})


JSON_BOMBS: dict[str, Bomb] = {
    "many records": lambda size: "[" + ",".join([record("The park grew.")] * (size // 30)) + "]",
    "one long text": lambda size: "[" + record("The park grew. " * (size // 15)) + "]",
    "escaped characters": lambda size: '[{"text": "' + "\\u0041\\n" * (size // 8) + '"}]',
    "long number": lambda size: '[{"text": "x", "n": 1' + "0" * size + "}]",
    "long fraction": lambda size: '[{"text": "x", "n": 0.' + "1" * size + "}]",
    "markdown bomb in a record": lambda size: "[" + record("![a](" * (size // 5)) + "]",
    "whitespace between records": lambda size: (
        "[" + (record("a.") + " " * 64 + ",") * (size // 80) + record("b.") + "]"
    ),
}

JSON_LINES_BOMBS: dict[str, Bomb] = {
    "many records": lambda size: (record("The park grew.") + "\n") * (size // 30),
    "blank lines": lambda size: record("a.") + "\n" * size + record("b."),
    "hyphen bomb in a record": lambda size: record("ab-\n" * (size // 4)),
}

HTML_BOMBS: dict[str, Bomb] = {
    "nested divs": lambda size: "<html><body>" + "<div>" * (size // 5) + "<p>The park has 750 companies.</p>",
    "paragraphs": lambda size: "<html><body><article>" + "<p>The park grew.</p>" * (size // 20) + "</article>",
    "links": lambda size: "<html><body><article>" + "<a href='x'>a</a> " * (size // 18) + "</article>",
    "dates in the text": lambda size: "<html><body><p>" + "2019-03-12 " * (size // 11) + "</p>",
    "meta tags": lambda size: "<html><head>" + "<meta name='date' content='x'>" * (size // 30) + "</head>",
    "unclosed comments": repeat("<!--"),
    "markdown bomb in a page": lambda size: "<html><body><p>" + "![a](" * (size // 5) + "</p>",
}
