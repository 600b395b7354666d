"""Modal screens: help, note, confirmation, a choice of answers and pick-one-of-many.

Every text they show is :class:`~rich.text.Text` (corpus, configuration and what the
reviewer typed are never parsed as markup); button labels are fixed words.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Mapping
from dataclasses import replace
from typing import ClassVar

from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Button, Input, OptionList, Static
from textual.widgets.option_list import Option

from .item_list import CHECKED_MARK, CONFLICT_MARK, DRIFT_MARK, HEADLINE_MARK, PENDING_MARK
from .keys import BY_ID, KEYS, Key, mark_id
from .marking import TITLE_CHARS, Target, Write, describe, quoted
from .rows import Row
from .statuses import Status, Vocabulary
from .text import literal, readable_time, short

CANCELLED = object()  # what PickScreen returns on Escape (None can be a real choice)
SCOPE_TITLES = {
    "app": "anywhere",
    "screen": "on the review screen",
    "list": "in the list",
    "links": "in the linked items (L or Enter on an item)",
}
CLOSE = [Binding("escape", "dismiss_none", "Close", show=False)]
# What the list's columns and marks mean, in the help.
LEGEND = (
    ("k", "kind: c a claim, q a quote (kind, on a wide screen)"),
    ("lnk", "how many items of other sources are linked to it (· none); Enter lists them"),
    (DRIFT_MARK, "a linked quote is worded differently (drift); d lists only these"),
    (CONFLICT_MARK, "a linked item gives other figures (a number conflict); # lists only these"),
    (
        CHECKED_MARK,
        "checked before: a published fact-check matched, or this desk's verdict on a linked item; f lists only these",
    ),
    (HEADLINE_MARK, "the article's headline (its text in bold)"),
    (PENDING_MARK, "before a status: a mark waiting for the database (saved as soon as it frees up)"),
)
WHERE = (
    "Tab and shift+Tab move between the search box, the list, the item and its linked items; "
    "Esc comes back to the list (in the list, it clears the filters)."
)


class HelpScreen(ModalScreen[None]):
    """What the list shows (each status's sign and colour, the columns and marks), where the
    focus goes, and every key, straight from the registry, grouped by where it works.

    ``vocabulary`` gives the verdict labels of this database; ``key_display`` writes the key
    that runs a binding now (after the key map); the id column names each binding for ``[keys]``.
    """

    BINDINGS: ClassVar[list[BindingType]] = [*CLOSE, Binding("question_mark,q", "dismiss_none", "Close", show=False)]

    def __init__(self, vocabulary: Vocabulary, key_display: Callable[[Key], str]) -> None:
        super().__init__()
        self.vocabulary = vocabulary
        self.key_display = key_display

    def legend(self) -> Table:
        table = Table(box=None, padding=(0, 1), show_header=False, expand=True)
        table.add_column("mark", style="bold", no_wrap=True, min_width=3)
        table.add_column("means", ratio=1)
        table.add_row("", Text("Each status: the key that marks it, its sign and colour in the list and counts", "dim"))
        for status in self.vocabulary.in_key_order():
            binding_id = mark_id(status.position)
            key = self.key_display(BY_ID[binding_id]) if binding_id else ""
            table.add_row(literal(key, "bold cyan"), status.text())
        for mark, means in LEGEND:
            table.add_row(mark, means)
        return table

    def keys(self) -> Table:
        table = Table(box=None, padding=(0, 1), show_header=True, header_style="bold", expand=True)
        table.add_column("key", style="bold cyan", no_wrap=True)
        table.add_column("does", ratio=1)
        table.add_column("id", style="dim", no_wrap=True)
        where = None
        for key in KEYS:
            position = key.mark_position
            if position is not None:
                if position >= len(self.vocabulary):
                    continue
                does = Text("Mark as ").append_text(self.vocabulary[position].text()).append(" and go to the next item")
            else:
                does = Text(key.description)
            if SCOPE_TITLES[key.scope] != where:  # the keys come grouped by where they work
                where = SCOPE_TITLES[key.scope]
                table.add_row("", Text(where.capitalize(), style="bold underline"), "")
            table.add_row(literal(self.key_display(key)), does, key.id)
        return table

    def compose(self) -> ComposeResult:
        with Vertical(id="dialog", classes="help"):
            yield Static("Help", classes="title")
            with VerticalScroll():
                yield Static(Text("What the list shows", style="bold underline"))
                yield Static(self.legend(), classes="help-legend")
                yield Static(Text(WHERE), classes="hint")
                yield Static(self.keys(), classes="help-table")
            yield Static("ctrl+p opens the command palette with the same commands · esc closes", classes="hint")

    def action_dismiss_none(self) -> None:
        self.dismiss(None)


class NoteScreen(ModalScreen[Write | None]):
    """Asks for the note on one item; Enter saves (an empty note clears it), Escape cancels.

    ``on`` is the item as it was shown, so the note is refused, not written over, if
    someone else changes the item meanwhile. ``saved`` is the note the item has; the box
    starts with ``typed`` (a note that was not saved) or else with ``saved``. Dismisses with
    the note's :class:`~.marking.Write`, or None.
    """

    BINDINGS = CLOSE

    def __init__(self, on: Target, saved: str | None, typed: str | None = None) -> None:
        super().__init__()
        self.on = on
        self.saved = saved or ""
        # Not selected on focus: a key typed would replace the whole note instead of adding to it.
        self.input = Input(
            self.saved if typed is None else typed,
            placeholder="note (enter to save, esc to cancel)",
            select_on_focus=False,
        )

    def write(self, note: str) -> Write:
        return Write("note", (replace(self.on, note=note.strip() or None),))

    @property
    def unsaved(self) -> Write | None:
        """The note typed and not saved yet (None: the box holds the saved note)."""
        return self.write(self.input.value) if self.input.value != self.saved else None

    def compose(self) -> ComposeResult:
        with Vertical(id="dialog"):
            yield Static(
                Text("Note on: ", style="bold").append_text(literal(quoted(self.on.text, TITLE_CHARS))), classes="title"
            )
            yield self.input

    def on_input_submitted(self, event: Input.Submitted) -> None:
        self.dismiss(self.write(event.value))

    def action_dismiss_none(self) -> None:
        self.dismiss(None)


class ConfirmScreen(ModalScreen[bool]):
    """A yes/no question; ``y``/Enter for yes, ``n``/Escape for no."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("y", "answer(True)", "Yes"),
        Binding("n,escape", "answer(False)", "No"),
    ]

    def __init__(self, question: Text, yes: str = "Yes", no: str = "No") -> None:
        super().__init__()
        self.question = question
        self.yes, self.no = yes, no

    def compose(self) -> ComposeResult:
        with Vertical(id="dialog"):
            yield Static(self.question)
            with Horizontal(classes="buttons"):
                yield Button(f"{self.yes} (y)", variant="primary", id="yes")
                yield Button(f"{self.no} (n)", id="no")

    def on_mount(self) -> None:
        self.query_one("#yes", Button).focus()

    def on_button_pressed(self, event: Button.Pressed) -> None:
        self.dismiss(event.button.id == "yes")

    def action_answer(self, answer: bool) -> None:
        self.dismiss(answer)


class ChoiceScreen(ModalScreen[str]):
    """A message and a few answers, each a button with its key; dismisses with the key.

    ``answers`` are ``(key, label)`` pairs, the first one focused (unless ``focus_first``
    is False); Escape gives ``escape`` (one of the keys) when it is set, and is ignored otherwise.
    """

    def __init__(self, message: Text, answers: list[tuple[str, str]], escape: str | None = None) -> None:
        super().__init__()
        self.message = message
        self.answers = answers
        self.escape = escape

    def compose(self) -> ComposeResult:
        with Vertical(id="dialog"):
            yield VerticalScroll(Static(self.message), classes="message")
            with Horizontal(classes="buttons"):
                for index, (key, label) in enumerate(self.answers):
                    yield Button(f"{label} ({key})", variant="primary" if index == 0 else "default", id=f"answer-{key}")

    focus_first = True

    def on_mount(self) -> None:
        if self.focus_first:
            self.query(Button).first().focus()

    def on_key(self, event) -> None:
        keys = {key for key, _ in self.answers}
        if event.key in keys or (event.key == "escape" and self.escape is not None):
            event.stop()
            self.dismiss(event.key if event.key in keys else self.escape)

    def on_button_pressed(self, event: Button.Pressed) -> None:
        self.dismiss(event.button.id.removeprefix("answer-"))


THEIRS_SHOWN = 10  # changed items listed in a conflict; the rest are counted


def yours(write: Write, vocabulary: Vocabulary) -> Text:
    """What the reviewer asked for, whole: a typed note in full, on lines of its own."""
    note = write.targets[0].note
    if write.kind == "note" and isinstance(note, str):
        text = literal(f"a note on {quoted(write.targets[0].text)}:", "bold").append("\n")
        return text.append_text(literal(note, "yellow", newlines=True))
    return literal(describe(write, vocabulary).removeprefix("your "), "bold")


def conflict_message(write: Write, current: dict[str, dict] | None, vocabulary: Vocabulary) -> Text:
    """Why ``write`` was not saved (someone else changed an item since it was shown), what
    it was, and what the items say now (``current``, from :meth:`Marker.current`; None if unread)."""
    message = Text("Not saved: someone else changed ", style="bold")
    message.append("this item" if len(write.targets) == 1 else "items of this cluster", style="bold")
    message.append(" since you loaded it. Nothing of yours was written.\n\nYours: ", style="bold")
    message.append_text(yours(write, vocabulary)).append("\n\nTheirs: ", style="bold")
    changed = [
        target
        for target in write.targets
        if current is None or current.get(target.item_id, {}).get("review_id") != target.expected
    ]
    for target in changed[:THEIRS_SHOWN]:
        now = (current or {}).get(target.item_id)
        message.append("\n  ").append_text(literal(quoted(target.text)))
        if now is None:
            message.append(" is gone (removed by a re-ingest)" if current is not None else " (could not be read)")
            continue
        message.append(" is now ").append_text(vocabulary.get(now["status"]).text())
        when = readable_time(now["created_at"]) if now["created_at"] else "at an unknown time"
        message.append_text(literal(f", by {short(now['reviewer'] or 'someone', 60)} {when}"))
        if now["note"]:
            message.append(", note ").append_text(literal(quoted(now["note"], 200), "yellow"))
    if len(changed) > THEIRS_SHOWN:
        message.append(f"\n  … and {len(changed) - THEIRS_SHOWN:,} more")
    return message


def not_saved_message(write: Write, reason: str, vocabulary: Vocabulary) -> Text:
    """Why ``write`` was refused for good (the item is gone, the status unknown...), and what it was."""
    message = Text("Not saved: ", style="bold").append_text(literal(reason, "bold"))
    return message.append("\n\nYours: ", style="bold").append_text(yours(write, vocabulary))


class ConflictScreen(ChoiceScreen):
    """A write refused because someone else changed an item since it was shown: what it
    was, what the items say now (``current``, None when it could not be read), and the
    answers ``a`` (apply it on top of theirs), ``e`` (edit the note first) and ``d`` (discard it).
    No answer has the focus: a reflexive Enter neither overrides their verdict nor drops the note."""

    AUTO_FOCUS = None
    focus_first = False

    def __init__(self, write: Write, current: dict[str, dict] | None, vocabulary: Vocabulary) -> None:
        answers = [("a", "Apply on top"), ("e", "Edit note"), ("d", "Discard")]
        super().__init__(
            conflict_message(write, current, vocabulary),
            [answer for answer in answers if answer[0] != "e" or write.kind == "note"],
        )


CLUSTER_SHOWN = 20  # items listed when a verdict for a whole cluster is asked


def cluster_question(rows: list[Row], status: Status) -> Text:
    """Asks whether to mark every one of ``rows`` (a cluster) with ``status``, listing them."""
    question = Text(f"Mark all {len(rows):,} items of this cluster as ", style="bold")
    question.append_text(status.text()).append("?\n\n")
    for row in rows[:CLUSTER_SHOWN]:
        question.append_text(literal(f"• {quoted(row.source, 40)}: {quoted(row.text, 90)}")).append("\n")
    if len(rows) > CLUSTER_SHOWN:
        question.append(f"… and {len(rows) - CLUSTER_SHOWN:,} more\n")
    return question


class PickScreen(ModalScreen[object]):
    """Pick one value; typing narrows the choices through ``search(term)``, and the
    highlight (what Enter picks) is on the first choice listed.

    ``search`` returns ``(value, label)`` pairs, labels as :class:`Text`; a key of ``keys``
    picks its value at once (a status's mark key picks that status). Dismisses with the
    value, or with :data:`CANCELLED`.
    """

    BINDINGS = CLOSE

    def __init__(
        self,
        title: str,
        search: Callable[[str], list[tuple[object, Text]]],
        *,
        typing: bool = True,
        keys: Mapping[str, object] | None = None,
    ) -> None:
        super().__init__()
        self.title_text = title
        self.search = search
        self.typing = typing
        self.keys = dict(keys or {})
        self.values: list[object] = []

    def compose(self) -> ComposeResult:
        with Vertical(id="dialog"):
            yield Static(Text(self.title_text), classes="title")
            if self.typing:
                hint = "type to narrow, enter to pick" + (", or press a status's key" if self.keys else "")
                yield Input(placeholder=hint, id="pick-term")
            yield OptionList(id="pick-options")
            if self.keys and not self.typing:
                yield Static("press a status's key, or enter to pick · esc cancels", classes="hint")

    def on_mount(self) -> None:
        self._fill("")
        if not self.typing:
            self.query_one(OptionList).focus()

    def _fill(self, term: str) -> None:
        options = self.query_one(OptionList)
        options.clear_options()
        try:
            choices = self.search(term)
        except sqlite3.Error as error:  # the database locked by another process, or failing
            choices = []
            options.add_option(Option(literal(f"cannot read the database now: {error}", "dim"), disabled=True))
        self.values = [value for value, _ in choices]
        options.add_options([Option(label, id=str(index)) for index, (_, label) in enumerate(choices)])
        options.highlighted = 0 if choices else None

    def on_input_changed(self, event: Input.Changed) -> None:
        if event.value in self.keys:  # the input takes the key before the screen sees it
            self.dismiss(self.keys[event.value])
        else:
            self._fill(event.value)

    def on_input_submitted(self, event: Input.Submitted) -> None:
        index = self.query_one(OptionList).highlighted
        if index is not None:
            self.dismiss(self.values[index])

    def on_key(self, event) -> None:
        if event.character in self.keys:
            event.stop()
            self.dismiss(self.keys[event.character])
        # Up and down move through the choices while the cursor stays in the input.
        elif self.typing and event.key in ("up", "down"):
            options = self.query_one(OptionList)
            options.action_cursor_up() if event.key == "up" else options.action_cursor_down()
            event.stop()

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        self.dismiss(self.values[event.option_index])

    def action_dismiss_none(self) -> None:
        self.dismiss(CANCELLED)
