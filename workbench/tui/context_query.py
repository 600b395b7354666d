"""What the review screen reads for an item's context, without Textual: its article around
it with the article's other items, and the items another one can be linked to by hand.

Bounded like the detail (an article of megabytes reads as much as any other): a window of
the article around the item, the items inside the window, the first matches of a search.
"""

from __future__ import annotations

import re
import sqlite3
from dataclasses import dataclass
from urllib.parse import urlsplit

from .rows import ROW_FIELD_CHARS, bounded
from .stored_json import spans

ARTICLE_CHARS = 60_000  # of an article around the item: a long article whole, a huge one in part
ARTICLE_ITEMS = 2_000  # items marked in that window
MATCHES_SHOWN = 50  # items a link search offers
WORD = re.compile(r"\w+")


@dataclass
class ArticleItem:
    """An item of the article: its pieces as offsets into :attr:`Article.text`."""

    num: int
    status: str
    pieces: list[tuple[int, int]]


@dataclass
class Article:
    """The article around item ``num``: ``text`` starts ``offset`` characters into the
    article's ``length``; ``items`` are its items inside ``text``, the item ``num`` among them."""

    num: int
    title: str | None
    outlet: str | None
    published: str | None
    url: str | None
    path: str
    text: str
    offset: int
    length: int
    items: list[ArticleItem]

    @property
    def current(self) -> ArticleItem | None:
        return next((item for item in self.items if item.num == self.num), None)


def load_article(conn: sqlite3.Connection, num: int, chars: int = ARTICLE_CHARS) -> Article | None:
    """Item ``num``'s article: up to ``chars`` characters around the item, and its items there."""
    found = conn.execute(
        f"""SELECT items.source_id, coalesce(CAST(items.start AS INTEGER), 0), {bounded("sources.title")},
                   {bounded("sources.outlet")}, {bounded("sources.published")}, {bounded("sources.url", 2000)},
                   coalesce({bounded("sources.path")}, '?'), length(CAST(sources.text AS TEXT))
            FROM items JOIN sources ON sources.id = items.source_id WHERE items.num = ?""",
        [num],
    ).fetchone()
    if found is None:
        return None
    source_id, start, title, outlet, published, url, path, length = found
    length = length or 0
    offset = max(min(start - chars // 3, length - chars), 0)
    text = conn.execute(
        "SELECT substr(CAST(text AS TEXT), ?, ?) FROM sources WHERE id = ?", [offset + 1, chars, source_id]
    ).fetchone()[0]
    text = text or ""
    end = offset + len(text)
    items = []
    for item_num, status, item_start, item_end, segments in conn.execute(
        f"""SELECT num, coalesce({bounded("status")}, '?'), CAST(start AS INTEGER), CAST("end" AS INTEGER),
                   {bounded("segments", 2000)}
            FROM items WHERE source_id = ? AND coalesce(headline, 0) = 0 AND "end" > ? AND start < ?
            ORDER BY start LIMIT ?""",
        [source_id, offset, end, ARTICLE_ITEMS],
    ):
        pieces = spans(segments) or [(item_start, item_end)]
        items.append(
            ArticleItem(
                item_num,
                status,
                [(max(a - offset, 0), min(b - offset, len(text))) for a, b in pieces if b > offset and a < end],
            )
        )
    return Article(num, title, outlet, published, url, path, text, offset, length, items)


def openable(url: str | None) -> bool:
    """A web address a browser may be asked to open: http or https with a host, nothing else."""
    if not url:
        return False
    try:
        parts = urlsplit(url.strip())
    except ValueError:
        return False
    return parts.scheme.lower() in ("http", "https") and bool(parts.netloc)


def link_matches(conn: sqlite3.Connection, item_id: str, term: str) -> list[tuple[str, str, str, str]]:
    """Items matching ``term`` (full-text, as the list's search) that ``item_id`` can be linked
    to (from another source): ``(id, source title, speaker, text)``, the first few by rank."""
    # Every word typed a prefix, all of them required; rebuilt from word characters, so
    # nothing typed reaches FTS5 as syntax.
    words = WORD.findall(term[:1000])[:20]
    if not words:
        return []
    query = " ".join(f'"{word}"*' for word in words)
    return conn.execute(
        f"""SELECT items.id, coalesce({bounded("coalesce(sources.title, sources.path)")}, '?'),
                   {bounded("items.speaker")}, {bounded("items.text", ROW_FIELD_CHARS)}
            FROM (SELECT rowid AS num FROM items_fts WHERE items_fts MATCH ? ORDER BY rank LIMIT ?) AS found
            JOIN items ON items.num = found.num JOIN sources ON sources.id = items.source_id
            WHERE items.source_id != (SELECT source_id FROM items WHERE id = ?)""",
        [query, MATCHES_SHOWN, item_id],
    ).fetchall()
