r"""Regex helpers shared by the extractors: a word to count, fast word alternations, the last
match, a match at the end of a text.

Python's ``re`` tries the branches of ``a|b|c`` one by one at every position, so a
200-word alternation costs 200 attempts per character. A prefix trie (``sa(?:id|ys)``)
fails after one or two characters instead: same matches, about five times faster.

The extractors' patterns all see untrusted text and must run in linear time. Python's
``re`` backtracks, and a search is retried at every position, so: a searched pattern that
opens with ``\s+`` opens with ``(?<!\s)`` too (a match starts where a run of spaces starts,
not again inside it); two quantifiers never compete for the same characters
(``\s*(?:,\s*)?``, not ``\s*,?\s*``; ``[A-Z]\w*+(?:\s+[A-Z]\w*+)*``, not ``(?:[A-Z]\w*\s*)*``);
a pattern anchored at the end (``…$``) is looked for in the last :data:`TAIL_REACH`
characters only (:func:`at_end`); and a rule that reads a sentence up to each cue tries a
bounded number of cues.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

WORD = re.compile(r"[A-Za-z0-9][\w’'-]*")  # a word, for counting
TAIL_REACH = 200  # characters an end-anchored pattern looks back over: a few words


def alternation(words: list[str] | set[str] | frozenset[str]) -> str:
    """A non-capturing regex matching exactly ``words`` (longest first, like a sorted alternation)."""
    tree: dict = {}
    for word in words:
        node = tree
        for char in word:
            node = node.setdefault(char, {})
        node[""] = {}
    return _branch(tree)


# The letters beyond ASCII that Python's ``re`` matches to an ASCII letter when case is ignored.
_CASE_FOLDS = {"i": "\u0130\u0131", "k": "\u212a", "s": "\u017f"}  # İ ı, the Kelvin sign, ſ


def word_start(words: list[str] | set[str] | frozenset[str]) -> tuple[str, str]:
    r"""``\b(?i:alternation(words))``, for ASCII words, in two parts that a search can skip through: the
    characters a word may start with (any case: a character class to follow a ``[``), and the
    pattern that, after that first character, matches the same words.

    A search for ``\b(?:a|b)`` tries every branch at every position; one opening with a
    character class jumps to the next character of the class and tries from there only. The
    first letter is consumed by the class, so ``\b`` becomes ``(?<!\w.)`` after it, and a
    one-character look-behind tells which words can follow it."""
    rests: dict[str, set[str]] = {}
    for word in words:
        rests.setdefault(word[0].lower(), set()).add(word[1:].lower())
    firsts = "".join(
        sorted({form for letter in rests for form in (letter, letter.upper(), *_CASE_FOLDS.get(letter, ""))})
    )
    branches = "|".join(f"(?<={re.escape(letter)}){alternation(rest)}" for letter, rest in sorted(rests.items()))
    return re.escape(firsts), rf"(?<!\w.)(?i:{branches})"


def _branch(node: dict) -> str:
    ends_here = "" in node
    branches = [re.escape(char) + _branch(child) for char, child in sorted(node.items()) if char]
    if not branches:
        return ""
    body = branches[0] if len(branches) == 1 else "(?:" + "|".join(branches) + ")"
    if ends_here:
        # Greedy optional: the longer word is tried first, the shorter one on backtracking.
        body = f"(?:{body})?"
    return body


def last_match(matches: Iterable[re.Match]) -> re.Match | None:
    """The last of ``matches`` (``finditer`` has no reverse search), or None."""
    last = None
    for last in matches:  # noqa: B007 - the loop only runs to the end
        pass
    return last


def at_end(pattern: re.Pattern, text: str, end: int | None = None, reach: int = TAIL_REACH) -> re.Match | None:
    """The match of ``pattern`` (which ends in ``$``) ending at ``end`` (the end of ``text`` by
    default), looked for in the ``reach`` characters before it only: searched from the start,
    every earlier position would rescan the text up to ``end``. A match reaching further back
    than that (a chain of adverbs longer than a few words) is not found."""
    end = len(text) if end is None else end
    return pattern.search(text, max(0, end - reach), end)
