"""The article an item comes from, whole (or a long window of a huge one), the item
highlighted and the article's other items marked in their status colour."""

from __future__ import annotations

from typing import ClassVar

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.screen import Screen
from textual.widgets import Footer, Static

from .context_query import Article
from .statuses import Vocabulary
from .text import literal

PARAGRAPH_BREAK = "\n\n"


def header(article: Article) -> Text:
    """Title, outlet, date and URL (each shown literally), and what the marks mean."""
    head = literal(article.title or article.path, "bold")
    for part in (article.outlet, article.published):
        if part:
            head.append_text(literal(f" — {part}"))
    if article.url:
        head.append("\n").append_text(literal(article.url, "underline"))
    head.append("\nthis item in reverse; the article's other items underlined in their status colour", style="dim")
    if article.offset or article.offset + len(article.text) < article.length:
        head.append(
            f"\nshowing characters {article.offset + 1:,} to {article.offset + len(article.text):,} "
            f"of {article.length:,} (the part around this item)",
            style="yellow",
        )
    return head


def paragraphs(article: Article, vocabulary: Vocabulary) -> tuple[list[Text], int]:
    """The article's paragraphs with its items marked, and the index of the item's paragraph."""
    text = literal(article.text, newlines=True)
    for item in article.items:
        style = "bold reverse" if item.num == article.num else f"underline {vocabulary.get(item.status).color}"
        for start, end in item.pieces:
            text.stylize(style, start, end)
    current = article.current
    at = current.pieces[0][0] if current and current.pieces else 0
    parts, start, found = [], 0, 0
    while True:
        end = article.text.find(PARAGRAPH_BREAK, start)
        stop = len(article.text) if end < 0 else end
        if start <= at:
            found = len(parts)
        parts.append(text[start:stop])
        if end < 0:
            return parts, found
        start = end + len(PARAGRAPH_BREAK)


class ArticleScreen(Screen[None]):
    """Reads an item's article; Esc comes back to the review screen."""

    DEFAULT_CSS = """
    ArticleScreen #article-head { height: auto; max-height: 6; padding: 0 1; border-bottom: solid $primary; }
    ArticleScreen #article-body { height: 1fr; padding: 0 1; }
    ArticleScreen .article-paragraph { margin-bottom: 1; }
    """
    BINDINGS: ClassVar[list[BindingType]] = [Binding("escape", "close", "Back to the list")]

    def __init__(self, article: Article, vocabulary: Vocabulary) -> None:
        super().__init__()
        self.article = article
        self.paragraphs, self.current = paragraphs(article, vocabulary)

    def compose(self) -> ComposeResult:
        yield Static(header(self.article), id="article-head")
        with VerticalScroll(id="article-body"):
            for number, paragraph in enumerate(self.paragraphs):
                yield Static(paragraph, classes="article-paragraph", id=f"paragraph-{number}")
        yield Footer()

    def on_mount(self) -> None:
        body = self.query_one("#article-body", VerticalScroll)
        body.focus()
        target = self.query_one(f"#paragraph-{self.current}")
        self.call_after_refresh(body.scroll_to_widget, target, top=True, animate=False)

    def action_close(self) -> None:
        self.dismiss(None)
