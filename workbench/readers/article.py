"""The last step of every reader: an :class:`~workbench.model.Article` keyed and checksummed.

An article's key says what it claims to be. With a URL, it is the URL in a normal form:
scheme (``http`` is ``https``), the case of the host, default ports, a trailing
slash, the fragment, tracking parameters (``utm_*``, ``fbclid``...) and the order of the
other parameters do not count, so two saves of one page are one article. Without one, it
is the file (and, in JSON, the record). Whether a second file claiming a key really is
the same article is decided when it is stored (:mod:`workbench.store.articles`).
"""

from __future__ import annotations

import hashlib
import os
from pathlib import Path
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from ..model import Article
from .failures import ReadError

TRACKING_PREFIXES = ("utm_", "mtm_", "pk_", "at_", "itm_")
TRACKING_NAMES = frozenset(
    "fbclid gclid dclid gbraid wbraid msclkid yclid twclid igshid mc_cid mc_eid _ga _gl ocid cmpid smid "
    "ref_src ref_url xtor spm".split()
)
DEFAULT_PORTS = {"http": 80, "https": 443}


def file_key(path: Path) -> str:
    """The key of an article that has no URL: the file it came from."""
    return "file:" + os.path.realpath(path)  # realpath: a symlink loop is a path, not an exception


def url_key(url: str) -> str:
    """The key of an article with a URL (see the module docstring); a URL that does not
    parse as http(s) is kept as written, without surrounding blanks."""
    url = url.strip()
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError:  # a bad port or IPv6 literal: not a web address to normalise
        return "url:" + url
    scheme = parts.scheme.lower()
    if scheme not in DEFAULT_PORTS or not parts.hostname:
        return "url:" + url
    host = parts.hostname.rstrip(".")
    if ":" in host:  # an IPv6 address keeps its brackets
        host = f"[{host}]"
    if port is not None and port != DEFAULT_PORTS[scheme]:
        host = f"{host}:{port}"
    query = sorted(
        (name, value)
        for name, value in parse_qsl(parts.query, keep_blank_values=True)
        if name.lower() not in TRACKING_NAMES and not name.lower().startswith(TRACKING_PREFIXES)
    )
    return "url:" + urlunsplit(("https", host, parts.path.rstrip("/"), urlencode(query), ""))


def finish_article(article: Article, raw: bytes) -> Article:
    """Refuse an article with no text; key an article with a URL by it (in normal form) and
    stamp it with the checksum of the bytes it came from."""
    if not article.text.strip():
        raise ReadError("no article text found")
    if article.url and article.url.strip():
        article.key = url_key(article.url)
    article.sha256 = hashlib.sha256(raw).hexdigest()
    return article
