"""The last step of every reader: an :class:`~workbench.model.Article` keyed and checksummed."""

from __future__ import annotations

import hashlib
from pathlib import Path

from ..model import Article
from .failures import ReadError


def file_key(path: Path) -> str:
    """The key of an article that has no URL: the file it came from."""
    return "file:" + str(path.resolve())


def finish_article(article: Article, raw: bytes) -> Article:
    """Refuse an article with no text; stamp it with the checksum of the bytes it came from."""
    if not article.text.strip():
        raise ReadError("no article text found")
    article.sha256 = hashlib.sha256(raw).hexdigest()
    return article
