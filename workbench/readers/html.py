"""HTML pages: the article body and its metadata, found by trafilatura."""

from __future__ import annotations

from pathlib import Path

from ..model import Article
from .article import file_key, finish_article
from .clean import clean_text
from .decode import decode_text, read_article_bytes
from .failures import ReadError
from .registry import Reader, register


def read_html(given: str, path: Path) -> Article:
    """The main article of an HTML page, without navigation, footers and teasers."""
    import trafilatura  # imported late: it is slow to import and only HTML needs it

    data = read_article_bytes(path)
    html = decode_text(data)
    try:
        document = trafilatura.bare_extraction(html, with_metadata=True, fast=True)
    except Exception as error:  # trafilatura raises many parser-specific types
        raise ReadError(f"broken HTML ({type(error).__name__})") from None
    if document is None or not (document.text or "").strip():
        raise ReadError("no article text found in HTML")
    body = document.text
    first, _, rest = body.partition("\n")
    if document.title and first.strip() == document.title.strip():
        body = rest
    cleaned = clean_text("\n\n".join(body.split("\n")), has_title_line=False)
    article = Article(
        key="url:" + document.url if document.url else file_key(path),
        path=given,
        text=cleaned.text,
        title=document.title,
        outlet=document.sitename or document.hostname,
        author=document.author,
        url=document.url,
        published=document.date,
        links=cleaned.links,
        format="html",
    )
    return finish_article(article, data)


register(Reader("html", (".html", ".htm"), read_html))
