"""Corpus readers: files and folders in, cleaned :class:`~workbench.model.Article` records out.

Supported: ``.txt`` and ``.md`` (optional ``key: value`` header block), ``.html``/``.htm``
(trafilatura), ``.pdf`` (pypdf) and ``.jsonl``/``.json`` (one article per record).
Every problem with a file or record becomes a :class:`ReadFailure` naming it and the
reason, never an exception, so one bad file never stops a batch.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

from ..model import Article
from .clean import clean_text, strip_controls

FORMATS = {
    ".txt": "txt",
    ".text": "txt",
    ".md": "md",
    ".markdown": "md",
    ".html": "html",
    ".htm": "html",
    ".pdf": "pdf",
    ".jsonl": "jsonl",
    ".ndjson": "jsonl",
    ".json": "json",
}
# One article larger than this is not an article; JSON lines files are streamed instead.
MAX_ARTICLE_BYTES = 20 * 1024 * 1024
MAX_RECORD_BYTES = 5 * 1024 * 1024
HEADER_KEYS = {"title", "outlet", "url", "date", "published", "author", "source", "site", "byline"}
HEADER_ALIASES = {"date": "published", "source": "outlet", "site": "outlet", "byline": "author"}
BINARY_CHARS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
MAGIC = {
    b"%PDF": "a PDF",
    b"PK\x03\x04": "a ZIP/Office archive",
    b"\x89PNG": "a PNG image",
    b"GIF8": "a GIF image",
    b"\xff\xd8\xff": "a JPEG image",
    b"SQLite format 3": "a SQLite database",
    b"\x1f\x8b": "a gzip archive",
    b"\x7fELF": "an executable",
}


class ReadError(Exception):
    """A file or record that cannot be read; the message is the reason."""


@dataclass
class ReadFailure:
    """A file or record that could not be read, and why (one line)."""

    path: str
    reason: str

    def __str__(self) -> str:
        return f"{self.path}: {self.reason}"


def discover(paths: Iterable[str]) -> Iterator[tuple[str, Path] | ReadFailure]:
    """Expand the paths given on the command line into ``(as_given, file)`` pairs.

    Folders are searched recursively for supported files (hidden ones skipped).
    """
    for given in paths:
        path = Path(given)
        if not path.exists():
            yield ReadFailure(given, "no such file or folder")
        elif path.is_dir():
            found = False
            for root, dirs, files in os.walk(path):
                dirs[:] = sorted(d for d in dirs if not d.startswith("."))
                for name in sorted(files):
                    if not name.startswith(".") and Path(name).suffix.lower() in FORMATS:
                        found = True
                        yield str(Path(given) / Path(root).relative_to(path) / name), Path(root) / name
            if not found:
                yield ReadFailure(given, f"folder has no readable articles ({', '.join(sorted(set(FORMATS)))})")
        elif path.suffix.lower() not in FORMATS:
            yield ReadFailure(given, f"unsupported file type {path.suffix or '(none)'!r}")
        else:
            yield given, path


def read_path(given: str, path: Path) -> Iterator[Article | ReadFailure]:
    """Read one file: one article, or one per record for JSON (lines)."""
    fmt = FORMATS.get(path.suffix.lower(), "txt")
    try:
        if fmt == "jsonl":
            yield from _read_json_lines(given, path)
            return
        data = _read_bytes(path)
        if fmt == "json":
            yield from _read_json(given, path, data)
        elif fmt == "pdf":
            yield _read_pdf(given, path, data)
        elif fmt == "html":
            yield _read_html(given, path, data)
        else:
            yield _read_plain(given, path, data, markdown=fmt == "md")
    except ReadError as error:
        yield ReadFailure(given, str(error))
    except OSError as error:
        yield ReadFailure(given, f"cannot read: {error.strerror or error}")


def read_article(path: str | Path) -> Article:
    """Read a single-article file; raises :class:`ReadError` on failure."""
    results = list(read_path(str(path), Path(path)))
    if len(results) != 1:
        raise ReadError(f"{path}: expected one article, found {len(results)} records")
    if isinstance(results[0], ReadFailure):
        raise ReadError(str(results[0]))
    return results[0]


def _read_bytes(path: Path) -> bytes:
    size = path.stat().st_size
    if size > MAX_ARTICLE_BYTES:
        raise ReadError(
            f"file too large for one article ({size / 2**20:.0f} MB, limit {MAX_ARTICLE_BYTES // 2**20} MB)"
        )
    return path.read_bytes()


def decode_text(data: bytes) -> str:
    """Decode article bytes: UTF-8 (or UTF-16 with a BOM), else Windows-1252, else Latin-1.

    Raises :class:`ReadError` for empty and binary data.
    """
    if not data.strip():
        raise ReadError("empty file")
    for magic, kind in MAGIC.items():
        if data.startswith(magic):
            raise ReadError(f"binary file ({kind}), not text")
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return data.decode("utf-16")
        except UnicodeDecodeError:
            raise ReadError("invalid UTF-16 text") from None
    if b"\x00" in data[:65536]:
        raise ReadError("binary file (contains NUL bytes), not text")
    for encoding in ("utf-8-sig", "cp1252", "latin-1"):
        try:
            text = data.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    sample = text[:65536]
    if len(BINARY_CHARS.findall(sample)) > max(8, len(sample) // 50):
        raise ReadError("binary file (mostly control bytes), not text")
    return text


def _finish(article: Article, raw: bytes) -> Article:
    if not article.text.strip():
        raise ReadError("no article text found")
    article.sha256 = hashlib.sha256(raw).hexdigest()
    return article


def _file_key(path: Path) -> str:
    return "file:" + str(path.resolve())


def _split_header(text: str) -> tuple[dict[str, str], str]:
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


def _read_plain(given: str, path: Path, data: bytes, *, markdown: bool) -> Article:
    meta, body = _split_header(decode_text(data))
    cleaned = clean_text(body, has_title_line="title" not in meta, markdown=markdown)
    article = Article(
        key="url:" + meta["url"] if meta.get("url") else _file_key(path),
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
    return _finish(article, data)


def _read_html(given: str, path: Path, data: bytes) -> Article:
    import trafilatura  # imported late: it is slow to import and only HTML needs it

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
        key="url:" + document.url if document.url else _file_key(path),
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
    return _finish(article, data)


def _read_pdf(given: str, path: Path, data: bytes) -> Article:
    import io

    from pypdf import PdfReader
    from pypdf.errors import PyPdfError

    if not data.startswith(b"%PDF"):
        raise ReadError("not a PDF (no %PDF header)" if data.strip() else "empty file")
    try:
        reader = PdfReader(io.BytesIO(data))
        pages = [page.extract_text() or "" for page in reader.pages]
        info = reader.metadata or {}
        title, author = info.get("/Title"), info.get("/Author")
    except (PyPdfError, ValueError, KeyError, TypeError, AttributeError, OSError) as error:
        raise ReadError(f"corrupt PDF ({type(error).__name__}: {str(error)[:80]})") from None
    text = "\n".join(pages)
    if not text.strip():
        raise ReadError("PDF has no text layer (scanned image?)")
    cleaned = clean_text(text, has_title_line=not title)
    article = Article(
        key=_file_key(path),
        path=given,
        text=cleaned.text,
        title=str(title) if title else cleaned.title,
        author=str(author) if author else None,
        links=cleaned.links,
        format="pdf",
    )
    return _finish(article, data)


def _article_from_record(given: str, path: Path, number: int, record: object, raw: bytes) -> Article:
    if not isinstance(record, dict):
        raise ReadError("record is not a JSON object")
    text = record.get("text")
    if not isinstance(text, str) or not text.strip():
        raise ReadError("record has no 'text'")
    fields = {name: record.get(name) for name in ("title", "url", "outlet", "author", "published")}
    fields = {
        name: strip_controls(str(value)).strip() or None if value is not None else None
        for name, value in fields.items()
    }
    cleaned = clean_text(text, has_title_line=False)
    # Without a url or id, the text identifies the record: a line number would shift when
    # records are inserted, and re-ingesting would take one article for another.
    identity = record.get("id") or "sha:" + hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()[:16]
    key = f"url:{fields['url']}" if fields["url"] else f"{_file_key(path)}#{identity}"
    article = Article(
        key=key, path=f"{given}#{number}", text=cleaned.text, links=cleaned.links, format="jsonl", **fields
    )
    return _finish(article, raw)


def _read_json_lines(given: str, path: Path) -> Iterator[Article | ReadFailure]:
    if path.stat().st_size == 0:
        raise ReadError("empty file")
    with path.open("rb") as handle:
        number = 0
        for raw in handle:
            if not raw.strip():
                continue
            number += 1
            where = f"{given}#{number}"
            if len(raw) > MAX_RECORD_BYTES:
                yield ReadFailure(where, f"record too large ({len(raw) // 2**20} MB)")
                continue
            try:
                record = json.loads(decode_text(raw))
                yield _article_from_record(given, path, number, record, raw)
            except json.JSONDecodeError as error:
                yield ReadFailure(where, f"invalid JSON ({error.msg} at column {error.colno})")
            except ReadError as error:
                yield ReadFailure(where, str(error))
        if number == 0:
            raise ReadError("empty file")


def _read_json(given: str, path: Path, data: bytes) -> Iterator[Article | ReadFailure]:
    text = decode_text(data)
    try:
        document = json.loads(text)
    except json.JSONDecodeError:
        yield from _read_json_lines(given, path)  # many .json exports are really JSON lines
        return
    records = document if isinstance(document, list) else [document]
    for number, record in enumerate(records, 1):
        try:
            yield _article_from_record(given, path, number, record, json.dumps(record, sort_keys=True).encode())
        except ReadError as error:
            yield ReadFailure(f"{given}#{number}", str(error))


__all__ = ["FORMATS", "ReadError", "ReadFailure", "decode_text", "discover", "read_article", "read_path"]
