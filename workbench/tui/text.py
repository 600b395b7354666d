"""Showing corpus text literally: the one place text from articles becomes Rich text.

Articles are untrusted. Markup such as ``[bold]`` must stay characters (so text is
only ever put in :class:`rich.text.Text`, never parsed as markup) and control characters
(escape sequences, bells, carriage returns, bidi overrides) must not reach the terminal,
so they are swapped for visible stand-ins.
"""

from __future__ import annotations

from datetime import UTC, datetime

from rich.style import Style
from rich.text import Text

from ..untrusted import visible

__all__ = ["literal", "readable_time", "short", "short_words", "visible"]


def literal(text: str | None, style: str | Style = "", *, newlines: bool = False) -> Text:
    """A :class:`Text` showing ``text`` exactly as typed, control characters made visible."""
    return Text(visible(text, newlines=newlines), style=style)


def short(text: object, chars: int) -> str:
    """``text`` on one line, made visible and cut to ``chars`` characters (an ellipsis ends a cut one).

    Only the first ``chars`` characters are looked at, however long ``text`` is."""
    text = "" if text is None else str(text)
    shown = visible(text[: chars + 1])
    return shown if len(shown) <= chars else shown[: chars - 1] + "…"


def short_words(text: object, chars: int) -> str:
    """Like :func:`short`, but a cut text ends at the end of a word (unless its last space is
    in its first half: a very long word is cut)."""
    shown = short(text, chars)
    if not shown.endswith("…") or len(shown) < chars:
        return shown
    space = shown.rfind(" ", 0, len(shown) - 1)
    return shown[:space].rstrip(" ,;:") + "…" if space > chars // 2 else shown


def readable_time(stamp: object, now: datetime | None = None) -> str:
    """An ISO time from the database as a reviewer reads it: ``5 minutes ago (29 Nov 2026 14:03)``,
    in local time; anything else (a script may store anything) shown literally."""
    try:
        when = datetime.fromisoformat(str(stamp))
    except ValueError:
        return f"at {short(stamp, 40)}"
    when = when if when.tzinfo else when.replace(tzinfo=UTC)
    seconds = ((now or datetime.now(UTC)) - when).total_seconds()
    for unit, length in (("day", 86400), ("hour", 3600), ("minute", 60)):
        if seconds >= length:
            count = int(seconds // length)
            ago = f"{count} {unit}{'s' if count > 1 else ''} ago"
            break
    else:
        ago = "just now" if seconds >= -60 else "in the future"
    return f"{ago} ({when.astimezone():%d %b %Y %H:%M})"
