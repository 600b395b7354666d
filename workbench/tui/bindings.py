"""The key registry as Textual bindings, and a key as the screen shows it under a key map."""

from __future__ import annotations

from collections.abc import Mapping

from textual.app import App
from textual.binding import Binding

from .keys import KEYS, Key

MARK_GROUP = Binding.Group("Mark")  # not compact: the footer keeps the digits apart


def binding(key: Key, action: str | None = None) -> Binding:
    return Binding(
        key.key,
        action or key.action,
        key.description,
        show=key.show,
        id=key.id,
        key_display=key.display,
        group=MARK_GROUP if key.mark_position is not None else None,
    )


def bindings(scope: str) -> list[Binding]:
    """The ``BINDINGS`` of the widget that holds ``scope``'s keys. The screen's start with
    the app's lead keys (help, quit), run on the app: the footer lists the screen's keys
    before the app's and cuts what does not fit, and a newcomer must always see these."""
    lead = [binding(key, f"app.{key.action}") for key in KEYS if key.lead] if scope == "screen" else []
    return lead + [binding(key) for key in KEYS if key.scope == scope]


def shown_key(app: App, key: Key, keymap: Mapping[str, str]) -> str:
    """How the footer writes the key that runs ``key`` once ``keymap`` is applied."""
    if key.id not in keymap:
        return key.display or app.get_key_display(binding(key))
    return ",".join(app.get_key_display(Binding(part.strip(), key.action)) for part in keymap[key.id].split(","))
