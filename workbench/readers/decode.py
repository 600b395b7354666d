"""A file's bytes to text: the size limit, refusal of binary data, and encoding detection."""

from __future__ import annotations

import re
from pathlib import Path

from .failures import ReadError

# One article larger than this is not an article; JSON lines files are streamed instead.
MAX_ARTICLE_BYTES = 20 * 1024 * 1024
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


def read_article_bytes(path: Path) -> bytes:
    """The whole file, refused without reading it when it is too large for one article."""
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
