"""PDF files: the text layer and the document's title and author, read by pypdf."""

from __future__ import annotations

import io
from pathlib import Path

from ..model import Article
from .article import file_key, finish_article
from .clean import clean_text
from .decode import read_article_bytes
from .failures import ReadError, library_messages_dropped
from .registry import Reader, register

PASSWORD_PROTECTED = "password-protected PDF (encrypted); decrypt it first"


def read_pdf(given: str, path: Path) -> Article:
    """A PDF's text, reflowed; a PDF without a text layer is refused, and so is an
    encrypted one, even one that opens with an empty password."""
    from pypdf import PdfReader  # imported late: it is slow to import and only PDF needs it

    data = read_article_bytes(path)
    if not data.startswith(b"%PDF"):
        raise ReadError("not a PDF (no %PDF header)" if data.strip() else "empty file")
    with library_messages_dropped("pypdf"):
        try:
            reader = PdfReader(io.BytesIO(data))
            if reader.is_encrypted:
                raise ReadError(PASSWORD_PROTECTED)
            pages = [page.extract_text() or "" for page in reader.pages]
            info = reader.metadata or {}
            title, author = info.get("/Title"), info.get("/Author")
        except ReadError:
            raise
        except Exception as error:  # pypdf raises many types on broken files, not only PyPdfError
            # Opening an encrypted file tries the empty password, which can fail in its own way.
            if b"/Encrypt" in data:
                raise ReadError(PASSWORD_PROTECTED) from None
            raise ReadError(f"corrupt PDF ({type(error).__name__}: {str(error)[:80]})") from None
    text = "\n".join(pages)
    if not text.strip():
        raise ReadError("PDF has no text layer (scanned image?)")
    cleaned = clean_text(text, has_title_line=not title)
    article = Article(
        key=file_key(path),
        path=given,
        text=cleaned.text,
        title=str(title) if title else cleaned.title,
        author=str(author) if author else None,
        links=cleaned.links,
        format="pdf",
    )
    return finish_article(article, data)


register(Reader("pdf", (".pdf",), read_pdf))
