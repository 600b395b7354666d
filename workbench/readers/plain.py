"""Plain-text and Markdown articles, with an optional ``key: value`` header block."""

from __future__ import annotations

from pathlib import Path

from ..model import Article
from .article import file_key, finish_article
from .clean import clean_text
from .decode import decode_text, read_article_bytes
from .registry import Reader, register

HEADER_KEYS = {"title", "outlet", "url", "date", "published", "author", "source", "site", "byline"}
HEADER_ALIASES = {"date": "published", "source": "outlet", "site": "outlet", "byline": "author"}


def split_header(text: str) -> tuple[dict[str, str], str]:
    """Split an optional ``key: value`` header block (ended by a blank line) from the body."""
    lines = text.lstrip("\n").split("\n")
    meta: dict[str, str] = {}
    for index, line in enumerate(lines):
        if not line.strip():
            if meta:
                return meta, "\n".join(lines[index + 1 :])
            break
        key, sep, value = line.partition(":")
        key = key.strip().lower()
        if not sep or key not in HEADER_KEYS or not value.strip():
            break
        meta[HEADER_ALIASES.get(key, key)] = value.strip()
    return {}, text


def _read_plain(given: str, path: Path, *, markdown: bool) -> Article:
    data = read_article_bytes(path)
    meta, body = split_header(decode_text(data))
    cleaned = clean_text(body, has_title_line="title" not in meta, markdown=markdown)
    article = Article(
        key="url:" + meta["url"] if meta.get("url") else file_key(path),
        path=given,
        text=cleaned.text,
        title=meta.get("title") or cleaned.title,
        outlet=meta.get("outlet"),
        author=meta.get("author"),
        url=meta.get("url"),
        published=meta.get("published"),
        links=cleaned.links,
        format="md" if markdown else "txt",
    )
    return finish_article(article, data)


def read_text(given: str, path: Path) -> Article:
    """A plain-text article: header block or headline first, then the body."""
    return _read_plain(given, path, markdown=False)


def read_markdown(given: str, path: Path) -> Article:
    """A Markdown article, reduced to the words a reader sees and its link targets."""
    return _read_plain(given, path, markdown=True)


register(Reader("txt", (".txt", ".text"), read_text))
register(Reader("md", (".md", ".markdown"), read_markdown))
