"""The linked-items pane: the highlighted item's cluster, by source, with quote drift shown word by word."""

from __future__ import annotations

import sqlite3

from rich.console import Group
from rich.text import Text
from textual import work
from textual.containers import Vertical, VerticalScroll
from textual.message import Message
from textual.widgets import OptionList, Static
from textual.widgets.option_list import Option

from ..model import disagreement_text
from .bindings import bindings
from .detail_query import MEMBERS_SHOWN, LinkedPage, Member, linked_page
from .keys import BY_ID
from .rows import Row
from .side_by_side import side_by_side
from .statuses import Vocabulary
from .text import literal, short, visible

LINK_BADGES = {"confirmed": ("✔", "green"), "rejected": ("✘", "red"), "suggested": ("?", "yellow"), None: ("·", "dim")}


MORE = "more"  # the option that lists the next page


class MemberList(OptionList):
    """The cluster members; the keys here act on the highlighted one."""

    BINDINGS = bindings("links")

    class Act(Message):
        """A key asked to confirm, reject, take back or jump to the highlighted member."""

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

    def action_take_back_link(self) -> None:
        self._act("suggested")

    def action_jump(self) -> None:
        index = self.highlighted
        if index is not None and self.get_option_at_index(index).id == MORE:
            self.parent.read_more()
        else:
            self._act("jump")


class LinksPane(Vertical):
    """Every other item in the highlighted item's cluster, grouped by source, a page at a time.

    Pages are read in a worker on a connection of its own (the screen's ``open_reader``), so moving onto
    a member of a cluster of thousands never waits for the cluster.
    """

    class Read(Message):
        """A page of ``row_id``'s linked items, read after the member ``after``."""

        def __init__(self, row_id: str, after: str | None, page: LinkedPage | None, error: str | None) -> None:
            super().__init__()
            self.row_id, self.after, self.page, self.error = row_id, after, page, error

    def __init__(self, **kwargs) -> None:
        super().__init__(**kwargs)
        self.row: Row | None = None
        self.members: list[Member] = []
        self.total = 0
        self.after: str | None = None  # where the next page starts, None when all are listed
        self.reading = False
        self.vocabulary: Vocabulary | None = None
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
        if option_id is None or not option_id.isdigit() or int(option_id) >= len(self.members):
            return None  # a heading, "more", or the previous item's lines while its page is read
        return self.members[int(option_id)]

    def load(self, row: Row | None, vocabulary: Vocabulary) -> None:
        """Show ``row``'s linked items: its first page, read in a worker."""
        self.vocabulary = vocabulary
        same_item = self.row is not None and row is not None and self.row.id == row.id
        if not same_item and self.members:
            # Never leave another item's members under the keys that decide links. The lines
            # stay, under a title saying so, until the page arrives a moment later: clearing
            # them would cost a second layout pass per key between members of a big cluster.
            self.members = []
            self.border_title = "linked items (reading…)"
            self.drift_body.update("")
        self.row = row
        if row is None:
            self.show(None, [], vocabulary, 0)
            return
        self.reading = True
        self._read(row.id, None)

    def read_more(self) -> None:
        """List the next page of the cluster under the members already listed."""
        if self.row is not None and self.after is not None and not self.reading:
            self.reading = True
            self._read(self.row.id, self.after)

    # Not exclusive: a page is bounded, a stale one is dropped when it arrives (and a
    # cancelled worker would fail whoever waits for the app's workers).
    @work(thread=True, group="links")
    def _read(self, row_id: str, after: str | None) -> None:
        try:
            conn = self.screen.open_reader()
            try:
                page = linked_page(conn, row_id, after)
            finally:
                conn.close()
        except sqlite3.Error as error:
            self.post_message(self.Read(row_id, after, None, str(error)))
            return
        self.post_message(self.Read(row_id, after, page, None))

    def on_links_pane_read(self, message: Read) -> None:
        message.stop()
        if self.row is None or message.row_id != self.row.id:
            return  # the cursor moved on meanwhile
        self.reading = False
        if message.page is None:
            self.show(self.row, [], self.vocabulary, 0)
            self.border_title = "linked items (not readable now)"
            self.notify(f"Cannot read the linked items now: {visible(message.error)}", severity="error", markup=False)
            return
        page, listed = message.page, len(self.members)
        members = page.members if message.after is None else [*self.members, *page.members]
        self.after = page.after
        self.show(self.row, members, self.vocabulary, page.total)
        if message.after is not None and page.members:  # on the first of the new page
            self.member_list.highlighted = self.member_list.get_option_index(str(listed))

    def show(self, row: Row | None, members: list[Member], vocabulary: Vocabulary, total: int | None = None) -> None:
        """Show ``members`` of ``row`` (the first ``total`` linked items when there are more)."""
        # The same item again (re-read after a link decision or a next page): the highlight stays on its member.
        same_item = self.row is not None and row is not None and self.row.id == row.id
        keep = self.highlighted.row.id if self.highlighted and same_item else None
        showing_none = not self.members
        self.row, self.members = row, members
        total = len(members) if total is None else total
        self.total = total
        if showing_none and not members and self.member_list.option_count and not self.drift.display:
            return  # most items have no links: "No linked items." stays, no layout pass
        options = self.member_list
        self.border_title = f"linked items ({total:,})" if members else "linked items"
        if not members:
            options.set_options([Option(Text("No linked items.", style="dim"), disabled=True)])
            self.drift.display = False
            return
        self.drift.display = True
        # Built first and added in one go: the list lays its options out once, not once per option.
        added: list[Option] = []
        highlight, source = None, None
        for index, member in enumerate(members):
            if member.row.source_id != source:
                source = member.row.source_id
                added.append(Option(literal(member.row.source, "bold underline"), disabled=True))
            added.append(Option(member_line(member, vocabulary), id=str(index)))
            if member.row.id == keep or highlight is None:
                highlight = len(added) - 1
        if total > len(members):
            more = Text(f"… {total - len(members):,} more not listed", style="dim")
            added.append(Option(more, id=MORE, disabled=self.after is None))
        options.set_options(added)
        options.highlighted = highlight

    def on_option_list_option_highlighted(self, event: OptionList.OptionHighlighted) -> None:
        member = self.highlighted
        body = self.drift_body
        if event.option.id == MORE:
            body.update(Text(f"{_enter_key(self)} lists the next {MEMBERS_SHOWN} linked items.", style="dim"))
            return
        if member is None or self.row is None:
            body.update("")
            return
        caption = Text(
            visible(
                f"link: {member.link_state}, {member.method}, score {member.score:.0f}"
                + (f", decided by {member.decided_by} at {member.decided_at}" if member.decided_by else "")
            )
            if member.link_state
            else "no direct link: in the cluster through another item",
            style="dim",
        )
        for figure in member.figures:
            caption.append("\n").append_text(literal(disagreement_text(figure), "bold red"))
        if member.drift:
            body.update(Group(caption, side_by_side(self.row.text, member.row.text, ("this item", "linked item"))))
        else:
            body.update(Group(caption, literal(member.row.text, newlines=True)))


def _enter_key(pane: LinksPane) -> str:
    return pane.screen.key_display(BY_ID["link-jump"]) if hasattr(pane.screen, "key_display") else "enter"


def member_line(member: Member, vocabulary: Vocabulary) -> Text:
    """One member: its link's state, the member's status, drift, the link's score and method, its text."""
    badge, colour = LINK_BADGES.get(member.link_state, LINK_BADGES[None])
    status = vocabulary.get(member.row.status)
    line = Text()
    line.append(f" {badge} ", style=f"bold {colour}")
    line.append(f"{status.label:<12} ", style=status.color)
    line.append("≠ " if member.drift else "  ", style="bold magenta")
    if member.link_state:
        line.append_text(literal(f"{member.score or 0:>3.0f} {short(member.method, 11):<11} ", "dim"))
    else:
        line.append("  · cluster     ", style="dim")
    if member.number_conflict:
        line.append("numbers differ ", style="bold red")
    elif not member.in_cluster:
        line.append("not in cluster ", style="dim")
    return line.append_text(literal(member.row.text))
