"""The linked-items pane: the highlighted item's cluster, by source, with quote drift shown word by word."""

from __future__ import annotations

from rich.console import Group
from rich.table import Table
from rich.text import Text
from textual.containers import Vertical, VerticalScroll
from textual.message import Message
from textual.widgets import OptionList, Static
from textual.widgets.option_list import Option

from ..link import word_diff
from ..model import disagreement_text
from .bindings import bindings
from .detail_query import Member
from .rows import Row
from .statuses import Vocabulary
from .text import literal, visible

LINK_BADGES = {"confirmed": ("✔", "green"), "rejected": ("✘", "red"), "suggested": ("?", "yellow"), None: ("·", "dim")}


def side_by_side(text_a: str, text_b: str) -> Table:
    """Two columns, this item and the linked one, with the words that differ highlighted."""
    left, right = Text(), Text()
    for tag, a_words, b_words in word_diff(text_a, text_b):
        changed = tag != "equal"
        if a_words:
            left.append_text(literal(a_words, "bold white on dark_red" if changed else ""))
            left.append(" ")
        if b_words:
            right.append_text(literal(b_words, "bold white on dark_green" if changed else ""))
            right.append(" ")
    table = Table(expand=True, show_edge=False, box=None, padding=(0, 1))
    table.add_column("this item", ratio=1, style="", header_style="bold dim")
    table.add_column("linked item", ratio=1, header_style="bold dim")
    table.add_row(left, right)
    return table


class MemberList(OptionList):
    """The cluster members; the keys here act on the highlighted one."""

    BINDINGS = bindings("links")

    class Act(Message):
        """A key asked to confirm, reject or jump to the highlighted member."""

        def __init__(self, what: str, member: Member) -> None:
            super().__init__()
            self.what = what
            self.member = member

    def _act(self, what: str) -> None:
        member = self.parent.highlighted
        if member is not None:
            self.post_message(self.Act(what, member))

    def action_confirm_link(self) -> None:
        self._act("confirmed")

    def action_reject_link(self) -> None:
        self._act("rejected")

    def action_jump(self) -> None:
        self._act("jump")


class LinksPane(Vertical):
    """Every other item in the highlighted item's cluster, grouped by source."""

    def __init__(self, **kwargs) -> None:
        super().__init__(**kwargs)
        self.row: Row | None = None
        self.members: list[Member] = []
        self.member_list = MemberList(id="members")
        self.drift_body = Static(id="drift-body")
        self.drift = VerticalScroll(self.drift_body, id="drift")

    def compose(self):
        yield self.member_list
        yield self.drift

    @property
    def highlighted(self) -> Member | None:
        index = self.member_list.highlighted
        if index is None:
            return None
        option_id = self.member_list.get_option_at_index(index).id
        return self.members[int(option_id)] if option_id is not None and option_id.isdigit() else None

    def show(self, row: Row | None, members: list[Member], vocabulary: Vocabulary, total: int | None = None) -> None:
        """Show ``members`` of ``row`` (the first ``total`` linked items when there are more)."""
        # The same item again (re-read after a link decision): the highlight stays on its member.
        same_item = self.row is not None and row is not None and self.row.id == row.id
        keep = self.highlighted.row.id if self.highlighted and same_item else None
        showing_none = self.row is not None and not self.members
        self.row, self.members = row, members
        if showing_none and not members:
            return  # most items have no links: leave the pane as it is, no layout pass
        options = self.member_list
        options.clear_options()
        total = len(members) if total is None else total
        self.border_title = f"linked items ({total:,})" if members else "linked items"
        if not members:
            options.add_option(Option(Text("No linked items.", style="dim"), disabled=True))
            self.drift.display = False
            return
        self.drift.display = True
        highlight, source = None, None
        for index, member in enumerate(members):
            if member.row.source_id != source:
                source = member.row.source_id
                options.add_option(Option(literal(member.row.source, "bold underline"), disabled=True))
            badge, colour = LINK_BADGES.get(member.link_state, LINK_BADGES[None])
            status = vocabulary.get(member.row.status)
            prompt = Text()
            prompt.append(f" {badge} ", style=f"bold {colour}")
            prompt.append(f"{status.label:<12} ", style=status.color)
            prompt.append("≠ " if member.drift else "  ", style="bold magenta")
            if member.number_conflict:
                prompt.append("numbers differ ", style="bold red")
            elif not member.in_cluster:
                prompt.append("not in cluster ", style="dim")
            prompt.append_text(literal(member.row.text))
            options.add_option(Option(prompt, id=str(index)))
            if member.row.id == keep or highlight is None:
                highlight = options.option_count - 1
        if total > len(members):
            options.add_option(Option(Text(f"… {total - len(members):,} more not listed", style="dim"), disabled=True))
        options.highlighted = highlight

    def on_option_list_option_highlighted(self, event: OptionList.OptionHighlighted) -> None:
        member = self.highlighted
        body = self.drift_body
        if member is None or self.row is None:
            body.update("")
            return
        caption = Text(
            visible(f"link: {member.link_state} ({member.method})")
            if member.link_state
            else "no direct link: in the cluster through another item",
            style="dim",
        )
        for figure in member.figures:
            caption.append("\n").append_text(literal(disagreement_text(figure), "bold red"))
        if member.drift:
            body.update(Group(caption, side_by_side(self.row.text, member.row.text)))
        else:
            body.update(Group(caption, literal(member.row.text, newlines=True)))
