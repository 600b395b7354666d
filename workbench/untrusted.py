"""Corpus text is untrusted: the one place control characters are made harmless.

Escape sequences, bells, carriage returns and bidi overrides must never reach a
terminal or a report as control characters, so every display (the review screen, the
HTML and Markdown reports) swaps them for visible stand-ins through :func:`visible`.
"""

from __future__ import annotations

# C0 controls become their Unicode "control picture" (ESC -> U+241B), DEL -> U+2421;
# C1 controls and invisible reordering characters become a visible <U+XXXX>.
_VISIBLE = {code: chr(0x2400 + code) for code in range(0x20)}
_VISIBLE[0x7F] = "\u2421"
_VISIBLE.update({code: f"<U+{code:04X}>" for code in range(0x80, 0xA0)})
_VISIBLE.update(
    {
        code: f"<U+{code:04X}>"
        for code in (*range(0x200B, 0x2010), *range(0x202A, 0x202F), *range(0x2066, 0x206A), 0xFEFF)
    }
)
_KEEP_NEWLINES = {**_VISIBLE}
del _KEEP_NEWLINES[0x0A]


def visible(text: str | None, *, newlines: bool = False) -> str:
    """``text`` with every control character replaced by a visible symbol.

    ``newlines=True`` keeps line feeds (for multi-line panes); a list line shows them
    as spaces instead.
    """
    if not text:
        return ""
    if newlines:
        return text.translate(_KEEP_NEWLINES)
    return text.replace("\n", " ").translate(_VISIBLE)
