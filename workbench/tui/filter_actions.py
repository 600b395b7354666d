"""What the review screen does to its filter and sort: cycle, toggle, pick, clear. Mixed into
:class:`~.review_screen.ReviewScreen`, which shows the result (``apply_filter``), keeping
the reviewer's place in the list."""

from __future__ import annotations

from collections.abc import Callable
from functools import partial

from .dialogs import CANCELLED, PickScreen
from .filters import KINDS, SORTS, Filter
from .links_pane import MemberList
from .pickers import Choices, source_choices, speaker_choices, status_choices, status_keys


class FilterActions:
    """The review screen's actions on its filter (their keys: ``filter-*``, ``sort`` and
    ``clear-filters`` in :data:`.keys.KEYS`)."""

    def _refilter(self, **changes) -> None:
        self.apply_filter(self.filter.with_(**changes))

    def action_cycle_kind(self) -> None:
        self._refilter(kind=KINDS[(KINDS.index(self.filter.kind) + 1) % len(KINDS)])

    def action_cycle_sort(self) -> None:
        sorts = list(SORTS)
        self._refilter(sort=sorts[(sorts.index(self.filter.sort) + 1) % len(sorts)])

    def action_toggle_links(self) -> None:
        self._refilter(has_links=not self.filter.has_links)

    def action_toggle_drift(self) -> None:
        self._refilter(has_drift=not self.filter.has_drift)

    def action_toggle_conflict(self) -> None:
        self._refilter(has_conflict=not self.filter.has_conflict)

    def action_toggle_checked(self) -> None:
        self._refilter(checked_before=not self.filter.checked_before)

    def action_clear_filters(self) -> None:
        if self.focused is self.search or isinstance(self.focused, MemberList):
            self.item_list.focus()
            return
        if not self.filter.is_default:
            self.search.value = ""
            self.apply_filter(Filter(sort=self.filter.sort))

    def _pick(self, title: str, search: Callable[[str], Choices], apply: Callable[[object], Filter], **options) -> None:
        def picked(value: object) -> None:
            if value is not CANCELLED:
                self.apply_filter(apply(value))

        self.app.push_screen(PickScreen(title, search, **options), picked)

    def action_pick_status(self) -> None:
        self._pick(
            "Show status",
            lambda term: status_choices(self.vocabulary, self.key_display, term, any_status=True),
            lambda status: self.filter.with_(status=status),
            keys=status_keys(self.vocabulary, self.key_display),
        )

    def action_pick_source(self) -> None:
        self._pick(
            "Show source",
            partial(source_choices, self.conn),
            lambda value: self.filter.with_(source=value[0], source_label=value[1]),
        )

    def action_pick_speaker(self) -> None:
        self._pick(
            "Show speaker", partial(speaker_choices, self.conn), lambda speaker: self.filter.with_(speaker=speaker)
        )
