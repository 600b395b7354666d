"""HTML pages: the article body and its metadata, found by trafilatura."""

from __future__ import annotations

from pathlib import Path

from ..model import Article
from .article import file_key, finish_article
from .clean import clean_text
from .decode import decode_text, read_article_bytes
from .failures import ReadError, library_messages_dropped
from .registry import Reader, register

PARSING_LIBRARIES = ("trafilatura", "htmldate", "courlan", "justext")


def read_html(given: str, path: Path) -> Article:
    """The main article of an HTML page, without navigation, footers and teasers."""
    import trafilatura  # imported late: it is slow to import and only HTML needs it
    from trafilatura.utils import load_html

    data = read_article_bytes(path)
    html = decode_text(data)
    with library_messages_dropped(*PARSING_LIBRARIES):
        try:
            tree = load_html(html)
            published = _declared_date(tree) if tree is not None else None
            # Its own date search reads the body too ("since 2006"): not asked for, not used.
            document = trafilatura.bare_extraction(
                tree if tree is not None else html,
                with_metadata=True,
                fast=True,
                date_extraction_params={"extensive_search": False, "original_date": True},
            )
        except Exception as error:  # trafilatura and lxml raise many parser-specific types
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
        published=published,
        links=cleaned.links,
        format="html",
    )
    return finish_article(article, data)


def _declared_date(tree) -> str | None:
    """The publication date the page declares in its ``<meta>`` tags or JSON-LD, never
    one guessed from a year its text mentions (htmldate's header and JSON passes)."""
    from htmldate.core import examine_header
    from htmldate.extractors import json_search
    from htmldate.utils import Extractor
    from htmldate.validators import get_max_date, get_min_date

    options = Extractor(False, get_max_date(None), get_min_date(None), True, "%Y-%m-%d")
    return examine_header(tree, options) or json_search(tree, options)


register(Reader("html", (".html", ".htm"), read_html))
