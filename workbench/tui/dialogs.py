"""Modal screens: help, note, confirmation and pick-one-of-many."""

from __future__ import annotations

from collections.abc import Callable
from typing import ClassVar

from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Button, Input, OptionList, Static
from textual.widgets.option_list import Option

from .keys import KEYS, Key

CANCELLED = object()  # what PickScreen returns on Escape (None can be a real choice)
SCOPE_TITLES = {"app": "anywhere", "screen": "anywhere", "list": "in the list", "links": "in linked items"}
CLOSE = [Binding("escape", "dismiss_none", "Close", show=False)]


class HelpScreen(ModalScreen[None]):
    """Every key, straight from the registry, with the verdict labels of this database.

    ``mark_labels`` are the labels of the statuses by position; ``key_display`` writes the
    key that runs a binding now (after the key map); the id column names each binding for ``[keys]``.
    """

    BINDINGS: ClassVar[list[BindingType]] = [*CLOSE, Binding("question_mark,q", "dismiss_none", "Close", show=False)]

    def __init__(self, mark_labels: dict[int, Text], key_display: Callable[[Key], str]) -> None:
        super().__init__()
        self.mark_labels = mark_labels
        self.key_display = key_display

    def compose(self) -> ComposeResult:
        table = Table(box=None, padding=(0, 1), show_header=True, header_style="bold", expand=True)
        table.add_column("key", style="bold cyan", no_wrap=True)
        table.add_column("does", ratio=1)
        table.add_column("id", style="dim", no_wrap=True)
        where = None
        for key in KEYS:
            position = key.mark_position
            if position is not None:
                if position not in self.mark_labels:
                    continue
                does = Text("Mark as ").append_text(self.mark_labels[position]).append(" and go to the next item")
            else:
                does = Text(key.description)
            if SCOPE_TITLES[key.scope] != where:  # the keys come grouped by where they work
                where = SCOPE_TITLES[key.scope]
                table.add_row("", Text(where.capitalize(), style="bold underline"), "")
            table.add_row(self.key_display(key), does, key.id)
        with Vertical(id="dialog", classes="help"):
            yield Static("Keys", classes="title")
            with VerticalScroll():
                yield Static(table, classes="help-table")
            yield Static("ctrl+p opens the command palette with the same commands · esc closes", classes="hint")

    def action_dismiss_none(self) -> None:
        self.dismiss(None)


class NoteScreen(ModalScreen[str | None]):
    """Asks for a note; Enter saves (an empty note clears it), Escape cancels."""

    BINDINGS = CLOSE

    def __init__(self, title: Text, note: str | None) -> None:
        super().__init__()
        self.title_text = title
        self.note = note or ""

    def compose(self) -> ComposeResult:
        with Vertical(id="dialog"):
            yield Static(self.title_text, classes="title")
            yield Input(self.note, placeholder="note (enter to save, esc to cancel)", id="note")

    def on_input_submitted(self, event: Input.Submitted) -> None:
        self.dismiss(event.value)

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


class PickScreen(ModalScreen[object]):
    """Pick one value; typing narrows the choices through ``search(term)``.

    ``search`` returns ``(value, label)`` pairs, labels as :class:`Text`. Dismisses with
    the value, or with :data:`CANCELLED`.
    """

    BINDINGS = CLOSE

    def __init__(self, title: str, search: Callable[[str], list[tuple[object, Text]]], *, typing: bool = True) -> None:
        super().__init__()
        self.title_text = title
        self.search = search
        self.typing = typing
        self.values: list[object] = []

    def compose(self) -> ComposeResult:
        with Vertical(id="dialog"):
            yield Static(self.title_text, classes="title")
            if self.typing:
                yield Input(placeholder="type to narrow, enter to pick", id="pick-term")
            yield OptionList(id="pick-options")

    def on_mount(self) -> None:
        self._fill("")
        if not self.typing:
            self.query_one(OptionList).focus()

    def _fill(self, term: str) -> None:
        options = self.query_one(OptionList)
        choices = self.search(term)
        self.values = [value for value, _ in choices]
        options.clear_options()
        options.add_options([Option(label, id=str(index)) for index, (_, label) in enumerate(choices)])
        options.highlighted = 0 if choices else None

    def on_input_changed(self, event: Input.Changed) -> None:
        self._fill(event.value)

    def on_input_submitted(self, event: Input.Submitted) -> None:
        index = self.query_one(OptionList).highlighted
        if index is not None:
            self.dismiss(self.values[index])

    def on_key(self, event) -> None:
        # Up and down move through the choices while the cursor stays in the input.
        if self.typing and event.key in ("up", "down"):
            options = self.query_one(OptionList)
            options.action_cursor_up() if event.key == "up" else options.action_cursor_down()
            event.stop()

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        self.dismiss(self.values[event.option_index])

    def action_dismiss_none(self) -> None:
        self.dismiss(CANCELLED)
