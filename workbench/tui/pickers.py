"""What the pick dialogs offer: statuses with the keys that mark them, sources and speakers.

Each choice is ``(value, label)``, the label as Rich :class:`Text`; corpus text is shown literally.
"any ..." leads the choices only while nothing is typed: once the reviewer types, the first
choice (the one Enter picks) is the first match.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Iterable

from rich.text import Text

from .filters import search_sources, search_speakers
from .keys import BY_ID, Key, mark_id
from .statuses import Status
from .text import literal, short

Choices = list[tuple[object, Text]]
CHOICE_CHARS = 120  # of a source title or speaker name in a pick list


def status_choices(
    vocabulary: Iterable[Status], key_display: Callable[[Key], str], term: str = "", *, any_status: bool = False
) -> Choices:
    """The statuses whose label contains ``term``, each led by the key that marks it (and
    by "any status" when ``any_status`` and nothing is typed)."""
    choices: Choices = [(None, Text("any status", style="italic"))] if any_status and not term else []
    for position, status in enumerate(vocabulary):
        if term.casefold() not in status.label.casefold():
            continue
        binding_id = mark_id(position)
        key = key_display(BY_ID[binding_id]) if binding_id else " "
        choices.append((status.id, literal(f"{key}  ", "bold cyan").append_text(status.text())))
    return choices


def status_keys(vocabulary: Iterable[Status], key_display: Callable[[Key], str]) -> dict[str, str]:
    """The key that marks each status (one character) -> the status id: pressed in a status
    pick list, it picks that status, as it marks one in the list."""
    keys = {}
    for position, status in enumerate(vocabulary):
        binding_id = mark_id(position)
        shown = key_display(BY_ID[binding_id]) if binding_id else ""
        if len(shown) == 1:
            keys[shown] = status.id
    return keys


def source_choices(conn: sqlite3.Connection, term: str) -> Choices:
    """ "any source" (while nothing is typed), then the sources matching ``term``; a value is ``(id, label)``."""
    return [
        *([((None, None), Text("any source", style="italic"))] if not term else []),
        *(((id_, label), Text(short(label, CHOICE_CHARS))) for id_, label in search_sources(conn, term)),
    ]


def speaker_choices(conn: sqlite3.Connection, term: str) -> Choices:
    """ "any speaker" (while nothing is typed), then the speakers with a word starting with ``term``."""
    return [
        *([(None, Text("any speaker", style="italic"))] if not term else []),
        *((name, Text(short(label, CHOICE_CHARS))) for name, label in search_speakers(conn, term)),
    ]
