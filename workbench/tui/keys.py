"""Every key of the review screen, in one registry.

The same entries become the widgets' ``BINDINGS`` (and so the footer), the help screen
and the command palette, so the three can never disagree.
"""

from __future__ import annotations

from dataclasses import dataclass

from textual.binding import Binding

# Verdict keys by status position: position 0 (unreviewed) is ``0``, position 1
# (in progress) is ``6``, positions 2-6 (true ... unverifiable) are ``1``-``5`` and
# statuses a newsroom adds after those get ``7``, ``8``, ``9``.
MARK_KEYS = ("0", "6", "1", "2", "3", "4", "5", "7", "8", "9")
MARK_GROUP = Binding.Group("Mark", compact=True)


@dataclass(frozen=True)
class Key:
    """One key: where it works (``scope``), what it runs and how it is described."""

    id: str
    key: str
    action: str
    description: str
    scope: str  # "app", "list" or "links": the widget whose BINDINGS it joins
    show: bool = True  # in the footer
    palette: bool = True  # in the command palette
    display: str | None = None

    def binding(self) -> Binding:
        return Binding(
            self.key,
            self.action,
            self.description,
            show=self.show,
            id=self.id,
            key_display=self.display,
            group=MARK_GROUP if self.id.startswith("mark.") else None,
        )


KEYS: tuple[Key, ...] = (
    *(Key(f"mark.{key}", key, f"mark({MARK_KEYS.index(key)})", "Mark", "app") for key in "1234560789"),
    Key("note", "n", "note", "Note", "app"),
    Key("undo", "u", "undo", "Undo mark", "app"),
    Key("cluster-verdict", "C", "cluster_verdict", "Verdict for whole cluster", "app"),
    Key("search", "slash", "search", "Search", "app", display="/"),
    Key("filter-kind", "k", "cycle_kind", "Kind", "app"),
    Key("filter-status", "s", "pick_status", "Status filter", "app"),
    Key("filter-source", "o", "pick_source", "Source filter", "app", show=False),
    Key("filter-speaker", "p", "pick_speaker", "Speaker filter", "app", show=False),
    Key("filter-links", "l", "toggle_links", "Has links", "app", show=False),
    Key("filter-drift", "d", "toggle_drift", "Has drift", "app", show=False),
    Key("sort", "r", "cycle_sort", "Sort", "app"),
    Key("clear-filters", "escape", "clear_filters", "Clear filters", "app", show=False, display="esc"),
    Key("links-focus", "L", "focus_links", "Linked items", "app", show=False),
    Key("back", "b", "back", "Back", "app", show=False),
    Key("reload", "R", "reload", "Reload", "app", show=False),
    Key("help", "question_mark", "help", "Keys", "app", display="?"),
    Key("quit", "q", "quit", "Quit", "app"),
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
)


def bindings(scope: str) -> list[Binding]:
    return [key.binding() for key in KEYS if key.scope == scope]


def mark_key(position: int) -> str | None:
    """The key that marks the status at ``position`` (None past the tenth)."""
    return MARK_KEYS[position] if position < len(MARK_KEYS) else None
