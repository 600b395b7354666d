"""Showing corpus text literally: the one place text from articles becomes Rich text.

Articles are untrusted. Markup such as ``[bold]`` must stay characters (so text is
only ever put in :class:`rich.text.Text`, never parsed as markup) and control characters
(escape sequences, bells, carriage returns, bidi overrides) must not reach the terminal,
so they are swapped for visible stand-ins.
"""

from __future__ import annotations

from rich.style import Style
from rich.text import Text

from ..untrusted import visible

__all__ = ["literal", "short", "visible"]


def literal(text: str | None, style: str | Style = "", *, newlines: bool = False) -> Text:
    """A :class:`Text` showing ``text`` exactly as typed, control characters made visible."""
    return Text(visible(text, newlines=newlines), style=style)


def short(text: object, chars: int) -> str:
    """``text`` on one line, made visible and cut to ``chars`` characters (an ellipsis ends a cut one).

    Only the first ``chars`` characters are looked at, however long ``text`` is."""
    text = "" if text is None else str(text)
    shown = visible(text[: chars + 1])
    return shown if len(shown) <= chars else shown[: chars - 1] + "…"
