"""What the review screen does with the highlighted item's context: the article around it,
its source, its links made or undone by hand. Mixed into :class:`~.review_screen.ReviewScreen`."""

from __future__ import annotations

import sqlite3
import webbrowser

from rich.text import Text
from textual import work
from textual.app import SuspendNotSupported

from ..config import ConfigError, fold_rating, load_config
from ..store.factchecks import FactcheckError, citation, set_match_state
from .article_view import ArticleScreen
from .context_query import link_matches, load_article, openable
from .dialogs import CANCELLED, ConfirmScreen, PickScreen
from .marking import Write, target
from .rows import ROW_TEXT_CHARS
from .text import literal, short

MATCH_CHARS = 100  # of a matching item's text in the link search


class ContextActions:
    """The review screen's actions on an item's context (its keys: the context block of :data:`.keys.KEYS`)."""

    def action_article(self) -> None:
        row = self._current_row()
        if row is None:
            return
        try:
            article = load_article(self.conn, row.num)
        except sqlite3.Error as error:
            self.read_failed(error)
            return
        if article is not None:
            self.app.push_screen(ArticleScreen(article, self.vocabulary))

    def action_open_source(self) -> None:
        detail = self.detail.detail
        url = detail.url if detail is not None else None
        if not url:
            self.notify("This item's source has no URL.", markup=False)
        elif not openable(url):
            self.notify(f"Not opened (only http and https addresses are): {short(url, 200)}", markup=False)
        else:
            self._open(url.strip())

    def _open(self, url: str) -> None:
        """In the desktop's browser; in a browser that runs in this terminal with the screen
        suspended; with none, the URL is shown (and copied) to open by hand."""
        try:
            browser = webbrowser.get()
        except webbrowser.Error:
            browser = None
        if browser is not None and type(browser) is not webbrowser.GenericBrowser:
            self._open_in_background(browser, url)
            self.notify(f"Opening {short(url, 200)}", markup=False)
            return
        if browser is not None:  # a text browser: it needs the terminal
            try:
                with self.app.suspend():
                    browser.open(url)
                return
            except SuspendNotSupported:
                pass
        self.app.copy_to_clipboard(url)
        self.notify(f"No browser to open it here; the URL (copied): {short(url, 200)}", markup=False, timeout=10)

    @work(thread=True, group="browser")
    def _open_in_background(self, browser: webbrowser.BaseBrowser, url: str) -> None:
        if not browser.open(url):
            self.app.call_from_thread(self.notify, f"The browser did not open {short(url, 200)}", markup=False)

    def action_copy_text(self) -> None:
        row = self._current_row()
        if row is None:
            return
        self.app.copy_to_clipboard(row.text)
        cut = f" (its first {ROW_TEXT_CHARS:,} characters)" if row.text_cut else ""
        self.notify(f"Copied the item's text{cut}: {short(row.text, 60)}", markup=False)

    def action_copy_id(self) -> None:
        row = self._current_row()
        if row is not None:
            self.app.copy_to_clipboard(row.id)
            self.notify(f"Copied the item id {row.id}", markup=False)

    def action_link_to(self) -> None:
        """Search for another item and link the highlighted one to it (a confirmed, manual link)."""
        row = self._current_row()
        if row is None:
            return

        def search(term: str) -> list[tuple[object, Text]]:
            try:
                found = link_matches(self.conn, row.id, term)
            except sqlite3.Error as error:
                self.read_failed(error)
                return []
            return [
                (
                    item_id,
                    literal(f"{short(source, 30)}  ", "bold")
                    .append_text(literal(f"{short(speaker, 20)}: " if speaker else "", "italic"))
                    .append_text(literal(short(text, MATCH_CHARS))),
                )
                for item_id, source, speaker, text in found
            ]

        def picked(other: object) -> None:
            if other is not CANCELLED and other is not None:
                self.writes.submit(Write("link", (target(row, row.status),), link=(row.id, other, "confirmed")))

        title = f"Link “{short(row.text, 50)}” to (type words of the other item, enter to link)"
        self.app.push_screen(PickScreen(title, search), picked)

    def action_adopt_check(self) -> None:
        """Mark the item with the verdict of the first published fact-check matched to it (its
        rating mapped by ``[ratings]``), a note citing it; a suggested match is confirmed first."""
        row, detail = self._current_row(), self.detail.detail
        if row is None or detail is None or detail.row.num != row.num:
            return
        check = next((check for check in detail.checks if check["state"] != "rejected"), None)
        if check is None:
            self.notify("No published fact-check is matched to this item.", markup=False)
            return
        try:
            rating_map = load_config(db_path=self.app.db_path).rating_map
        except ConfigError as error:
            self.notify(f"workbench.toml: {short(str(error), 200)}", severity="error", markup=False)
            return
        status = rating_map.get(fold_rating(check["rating"] or ""))
        if status is None or status not in {known.id for known in self.vocabulary}:
            self.notify(
                f"The rating {short(check['rating'] or '?', 60)!r} is not mapped to a status: add it to [ratings] "
                "in workbench.toml (workbench factchecks ratings lists those not mapped).",
                severity="warning",
                markup=False,
                timeout=10,
            )
            return
        note = citation(check)
        question = Text("Adopt this verdict? ", style="bold").append_text(self.vocabulary.get(status).text())
        question.append("\n\nTheir claim: ").append_text(literal(f"“{short(check['claim'] or '?', 300)}”", "italic"))
        question.append("\n\n").append_text(literal(short(note, 400)))
        if check["state"] != "confirmed":
            question.append("\n\nThe match is a suggestion: adopting confirms it.", style="yellow")

        def adopt(yes: bool) -> None:
            if not yes:
                return
            if check["state"] != "confirmed":
                try:
                    set_match_state(self.db, row.id, check["factcheck_id"], "confirmed", reviewer=self.reviewer)
                except (sqlite3.Error, FactcheckError) as error:
                    self.notify(
                        f"The match was not confirmed: {short(str(error), 200)}", severity="error", markup=False
                    )
                    return
            self.writes.submit(Write("mark", (target(row, status, note=note),)))

        self.app.push_screen(ConfirmScreen(question, yes="Adopt"), adopt)
