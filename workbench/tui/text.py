"""Showing corpus text literally: the one place text from articles becomes Rich text.

Articles are untrusted. Markup such as ``[bold]`` must stay characters (so text is
only ever put in :class:`rich.text.Text`, never parsed as markup) and control characters
(escape sequences, bells, carriage returns, bidi overrides) must not reach the terminal,
so they are swapped for visible stand-ins.
"""

from __future__ import annotations

from rich.style import Style
from rich.text import Text

# C0 controls become their Unicode "control picture" (ESC -> U+241B), DEL -> U+2421;
# C1 controls and invisible reordering characters become a visible <U+XXXX>.
_VISIBLE = {code: chr(0x2400 + code) for code in range(0x20)}
_VISIBLE[0x7F] = "\u2421"
_VISIBLE.update({code: f"<U+{code:04X}>" for code in range(0x80, 0xA0)})
_VISIBLE.update({code: f"<U+{code:04X}>" for code in (
    *range(0x200B, 0x2010), *range(0x202A, 0x202F), *range(0x2066, 0x206A), 0xFEFF)})
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


def literal(text: str | None, style: str | Style = "", *, newlines: bool = False) -> Text:
    """A :class:`Text` showing ``text`` exactly as typed, control characters made visible."""
    return Text(visible(text, newlines=newlines), style=style)
