"""Every key of the review screen, in one registry, and the check on a ``[keys]`` key map.

No Textual here: the command line checks a configured key map before it imports Textual.
:mod:`.bindings` turns these entries into the widgets' ``BINDINGS`` (and so the footer);
the help screen and the command palette list the same entries, so the three never disagree.
A key map (binding id -> key or comma-separated keys, from ``[keys]`` in workbench.toml)
replaces the default key of the bindings it names.
"""

from __future__ import annotations

import difflib
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass

# Verdict keys by status position: position 0 (unreviewed) is ``0``, position 1
# (in progress) is ``6``, positions 2-6 (true ... unverifiable) are ``1``-``5`` and
# statuses a newsroom adds after those get ``7``, ``8``, ``9``.
MARK_KEYS = ("0", "6", "1", "2", "3", "4", "5", "7", "8", "9")

# Where a binding works: "app" everywhere, "screen" on the review screen, "list" and
# "links" when the item list or the linked items have the focus. A key pressed in one
# place looks for a binding in that place and in every place it lies inside.
WITHIN = {
    "app": {"app"},
    "screen": {"app", "screen"},
    "list": {"app", "screen", "list"},
    "links": {"app", "screen", "links"},
}


@dataclass(frozen=True)
class Key:
    """One key: where it works (``scope``), what it runs and how it is described."""

    id: str
    key: str
    action: str
    description: str
    scope: str
    show: bool = True  # in the footer
    palette: bool = True  # in the command palette
    display: str | None = None
    lead: bool = False  # an app key the review screen's footer shows first, so 80 columns never cut it

    @property
    def mark_position(self) -> int | None:
        """The status position a verdict key marks (None for every other key)."""
        return MARK_KEYS.index(self.id.removeprefix("mark.")) if self.id.startswith("mark.") else None


KEYS: tuple[Key, ...] = (
    *(Key(f"mark.{key}", key, f"mark({MARK_KEYS.index(key)})", "Mark", "screen") for key in "1234560789"),
    Key("note", "n", "note", "Note", "screen"),
    Key("undo", "u", "undo", "Undo", "screen"),
    Key("cluster-verdict", "C", "cluster_verdict", "Cluster verdict", "screen"),
    Key("search", "slash", "search", "Search", "screen", display="/"),
    Key("filter-kind", "k", "cycle_kind", "Kind", "screen"),
    Key("filter-status", "s", "pick_status", "Status filter", "screen"),
    Key("filter-source", "o", "pick_source", "Source filter", "screen", show=False),
    Key("filter-speaker", "p", "pick_speaker", "Speaker filter", "screen", show=False),
    Key("filter-links", "l", "toggle_links", "Has links", "screen", show=False),
    Key("filter-drift", "d", "toggle_drift", "Has drift", "screen", show=False),
    Key("filter-conflict", "number_sign", "toggle_conflict", "Number conflicts", "screen", show=False, display="#"),
    Key("filter-checked", "f", "toggle_checked", "Checked before", "screen", show=False),
    Key("sort", "r", "cycle_sort", "Sort", "screen"),
    Key("clear-filters", "escape", "clear_filters", "Clear filters", "screen", show=False, display="esc"),
    Key("links-focus", "L", "focus_links", "Linked items", "screen", show=False),
    Key("back", "b", "back", "Back", "screen", show=False),
    Key("reload", "R", "reload", "Reload", "app", show=False),
    Key("help", "question_mark", "help", "Help", "app", display="?", lead=True),
    Key("quit", "q", "quit", "Quit", "app", lead=True),
    Key("list-up", "up", "cursor(-1)", "Previous item", "list", show=False, palette=False),
    Key("list-down", "down", "cursor(1)", "Next item", "list", show=False, palette=False),
    Key("list-page-up", "pageup", "page(-1)", "Page up", "list", show=False, palette=False),
    Key("list-page-down", "pagedown", "page(1)", "Page down", "list", show=False, palette=False),
    Key("list-first", "home", "first", "First item", "list", show=False),
    Key("list-last", "end", "last", "Last item", "list", show=False),
    Key("list-open", "enter", "open_links", "Open linked items", "list", show=False, palette=False),
    Key("link-confirm", "c", "confirm_link", "Confirm link", "links"),
    Key("link-reject", "x", "reject_link", "Reject link", "links"),
    Key("link-jump", "enter", "jump", "Go to linked item", "links"),
    # Context keys (the article, the source, links by hand): their actions are in context_actions.py.
    Key("article", "a", "article", "Article", "screen"),
    Key("open-source", "w", "open_source", "Open source URL", "screen", show=False),
    Key("copy-text", "y", "copy_text", "Copy text", "screen", show=False),
    Key("copy-id", "Y", "copy_id", "Copy id", "screen", show=False),
    Key("link-to", "m", "link_to", "Link to an item…", "screen", show=False),
    Key("link-take-back", "U", "take_back_link", "Take back link decision", "links"),
    Key("check-adopt", "A", "adopt_check", "Adopt a published verdict", "screen", show=False),
    # End of context keys.
)
BY_ID = {key.id: key for key in KEYS}


def mark_id(position: int) -> str | None:
    """The id of the binding that marks the status at ``position`` (None past the tenth)."""
    return f"mark.{MARK_KEYS[position]}" if position < len(MARK_KEYS) else None


class KeymapError(ValueError):
    """A key map that cannot be used; the message is one line naming the binding id."""


# Textual's names for the keys that are not letters or digits, as its key map
# normalisation writes them ("?" is "question_mark", "/" is "slash").
_RENAMED = {
    "solidus": "slash",
    "reverse_solidus": "backslash",
    "commercial_at": "at",
    "hyphen_minus": "minus",
    "plus_sign": "plus",
    "low_line": "underscore",
}


def _key_name(key: str) -> str:
    key = key.strip()
    if len(key) == 1 and not key.isalnum():
        try:
            name = unicodedata.name(key).lower().replace("-", "_").replace(" ", "_")
        except ValueError:
            return key
        return _RENAMED.get(name, name)
    return key


def check_keymap(keymap: Mapping[str, str]) -> None:
    """Raise :class:`KeymapError` unless every id in ``keymap`` is a binding of :data:`KEYS`
    and no key would then run two bindings in one place (a remapped binding frees its old key)."""
    for binding_id, keys in keymap.items():
        if binding_id not in BY_ID:
            close = difflib.get_close_matches(binding_id, BY_ID, n=1)
            hint = f"did you mean {close[0]}?" if close else "the id column of ? in the review screen lists them"
            raise KeymapError(f"[keys] {binding_id}: no such binding ({hint})")
        if not all(part.strip() for part in keys.split(",")):
            raise KeymapError(f'[keys] {binding_id} = "{keys}": a key name is empty')
    taken: dict[str, list[Key]] = {}
    for key in KEYS:
        for name in {_key_name(part) for part in keymap.get(key.id, key.key).split(",")}:
            for other in taken.get(name, []):
                if other.scope in WITHIN[key.scope] or key.scope in WITHIN[other.scope]:
                    mapped, clashing = (key, other) if key.id in keymap else (other, key)
                    raise KeymapError(
                        f'[keys] {mapped.id} = "{keymap.get(mapped.id, mapped.key)}": {name} is the key of '
                        f"{clashing.id} too; give {clashing.id} another key"
                    )
            taken.setdefault(name, []).append(key)
