"""Corpus and configuration text is untrusted: the one place hidden characters are defined.

Escape sequences, bells, carriage returns, bidi overrides, zero-width and tag characters
must never reach a terminal or a report as themselves, so every display (the review
screen, the reports) swaps them for visible stand-ins through :func:`visible`, and every
JSON output escapes them (:func:`replacing_hidden` builds such a table).
"""

from __future__ import annotations

import unicodedata
from collections.abc import Callable

# Unicode's own classes of characters that are not text to look at: controls (C0, DEL,
# C1), format characters (zero-width, bidi controls, BOM, soft hyphen, tag characters),
# line and paragraph separators, and lone surrogates (which cannot even be written as UTF-8).
HIDDEN_CATEGORIES = frozenset({"Cc", "Cf", "Zl", "Zp", "Cs"})
# A translation table caches each character it has met; past this many it starts over,
# so text using every code point cannot make it grow without bound.
_TABLE_LIMIT = 65_536


def hidden(char: str) -> bool:
    """Whether ``char`` is a control, format, separator or surrogate code point."""
    return unicodedata.category(char) in HIDDEN_CATEGORIES


class _HiddenTable(dict):
    """A ``str.translate`` table that maps each hidden character to ``stand_in(char)``,
    every other character to itself, and the characters of ``fixed`` as given. It is
    filled as characters are first met, so any text is translated in one C-speed pass."""

    def __init__(self, stand_in: Callable[[str], str], fixed: dict[str, str]):
        self._fixed = {ord(char): value for char, value in fixed.items()}
        super().__init__(self._fixed)
        self._stand_in = stand_in

    def __missing__(self, code: int) -> str:
        if len(self) > _TABLE_LIMIT:
            self.clear()
            self.update(self._fixed)
        char = chr(code)
        self[code] = value = self._stand_in(char) if hidden(char) else char
        return value


def replacing_hidden(stand_in: Callable[[str], str], fixed: dict[str, str] | None = None) -> dict[int, str]:
    """A ``str.translate`` table: hidden characters become ``stand_in(char)``, the
    characters in ``fixed`` become what it maps them to, the rest stay as they are."""
    return _HiddenTable(stand_in, fixed or {})


def _picture(char: str) -> str:
    """C0 controls as their Unicode "control picture" (ESC -> U+241B), DEL as U+2421,
    anything else as ``<U+XXXX>``."""
    code = ord(char)
    if code < 0x20:
        return chr(0x2400 + code)
    if code == 0x7F:
        return "\u2421"
    return f"<U+{code:04X}>"


_VISIBLE = replacing_hidden(_picture)
_KEEP_NEWLINES = replacing_hidden(_picture, {"\n": "\n"})


def visible(text: str | None, *, newlines: bool = False) -> str:
    """``text`` with every hidden character replaced by a visible symbol.

    ``newlines=True`` keeps line feeds (for multi-line panes and cells); a list line
    shows them as spaces instead.
    """
    if not text:
        return ""
    if newlines:
        return text.translate(_KEEP_NEWLINES)
    return text.replace("\n", " ").translate(_VISIBLE)
