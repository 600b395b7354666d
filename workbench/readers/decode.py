"""A file's bytes to text: only regular files are opened, every read is bounded, binary
data is refused and the encoding is detected.

A named pipe would block a read forever and a device (a link to ``/dev/zero``) would
never end, and the size a file reports is only a promise: so a file is opened without
blocking, checked to be a regular file on the open descriptor, and never read past its
limit plus one byte, whatever its reported size.
"""

from __future__ import annotations

import codecs
import io
import os
import re
import stat
from pathlib import Path
from typing import BinaryIO, TextIO

from .failures import ReadError

# One article larger than this is not an article.
MAX_ARTICLE_BYTES = 20 * 1024 * 1024
# A file of many records (JSON lines, a JSON list) is streamed, record by record, up to this.
MAX_COLLECTION_BYTES = 2 * 1024 * 1024 * 1024
# How much of a file is looked at to tell text from binary and to pick the encoding.
SNIFF_BYTES = 65536
BINARY_CHARS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
LONE_SURROGATE = re.compile("[\ud800-\udfff]")
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
FILE_KINDS = {
    stat.S_IFIFO: "a named pipe",
    stat.S_IFSOCK: "a socket",
    stat.S_IFCHR: "a character device",
    stat.S_IFBLK: "a block device",
    stat.S_IFDIR: "a folder",
}
# UTF-8, with any byte that is not part of valid UTF-8 read as Windows-1252: a file that
# mixes the two (a UTF-8 article pasted into a cp1252 one) reads right line by line.
UTF8_OR_CP1252 = "workbench-utf8-or-cp1252"


def _as_cp1252(error: UnicodeError) -> tuple[str, int]:
    if not isinstance(error, UnicodeDecodeError):
        raise error
    byte = error.object[error.start : error.start + 1]
    try:
        return byte.decode("cp1252"), error.start + 1
    except UnicodeDecodeError:  # the five bytes cp1252 leaves undefined
        return byte.decode("latin-1"), error.start + 1


codecs.register_error(UTF8_OR_CP1252, _as_cp1252)


def not_regular(mode: int) -> str | None:
    """Why a file of this mode is not read ("not a regular file (a named pipe)"), or ``None``."""
    if stat.S_ISREG(mode):
        return None
    return f"not a regular file ({FILE_KINDS.get(stat.S_IFMT(mode), 'a special file')})"


def _amount(size: int) -> str:
    return f"{size / 2**20:,.0f} MB" if size >= 2**20 else f"{size:,} bytes"


def _too_large(limit: int, size: int | None = None) -> ReadError:
    if size is None:  # it said it was smaller
        return ReadError(f"file too large (over the limit of {_amount(limit)})")
    return ReadError(f"file too large ({_amount(size)}, limit {_amount(limit)})")


def open_regular(path: Path, limit: int) -> BinaryIO:
    """Open ``path`` for reading if it is a regular file; reading past ``limit`` bytes fails."""
    # O_NONBLOCK: opening a named pipe waits for a writer; here it returns, and is refused.
    descriptor = os.open(path, os.O_RDONLY | os.O_NONBLOCK | os.O_NOCTTY | os.O_CLOEXEC)
    try:
        info = os.fstat(descriptor)
        problem = not_regular(info.st_mode)
        if problem:
            raise ReadError(problem)
        if info.st_size > limit:
            raise _too_large(limit, info.st_size)
        return io.BufferedReader(_Bounded(descriptor, limit), buffer_size=SNIFF_BYTES)
    except BaseException:
        os.close(descriptor)
        raise


class _Bounded(io.RawIOBase):
    """An open file that fails once more than ``limit`` bytes were read, whatever size it claimed."""

    def __init__(self, descriptor: int, limit: int) -> None:
        self.file = io.FileIO(descriptor, "r")
        self.limit = limit
        self.consumed = 0

    def readable(self) -> bool:
        return True

    def readinto(self, buffer) -> int:  # type: ignore[override]
        count = self.file.readinto(buffer) or 0
        self.consumed += count
        if self.consumed > self.limit:
            raise _too_large(self.limit)
        return count

    def close(self) -> None:
        self.file.close()
        super().close()


def read_article_bytes(path: Path) -> bytes:
    """The whole file, refused without reading it when it is too large for one article."""
    with open_regular(path, MAX_ARTICLE_BYTES) as handle:
        return handle.read()


def _encoding(head: bytes) -> tuple[str, str]:
    """The codec and error handler for a file that starts with ``head``; refuses binary data."""
    if not head.strip():
        raise ReadError("empty file")
    for magic, kind in MAGIC.items():
        if head.startswith(magic):
            raise ReadError(f"binary file ({kind}), not text")
    if head.startswith((b"\xff\xfe", b"\xfe\xff")):
        return "utf-16", "strict"
    if b"\x00" in head:
        utf16 = _utf16_without_bom(head)
        if utf16 is None:
            raise ReadError("binary file (contains NUL bytes), not text")
        return utf16, "strict"
    return "utf-8-sig", UTF8_OR_CP1252


def _utf16_without_bom(head: bytes) -> str | None:
    """UTF-16 text without a byte-order mark has its NUL bytes (the high halves of Latin
    characters) all on one side of each pair; binary data has them anywhere."""
    even, odd = head[0::2].count(0), head[1::2].count(0)
    enough = max(1, len(head) // 16)  # an eighth of the code units
    if odd >= enough and even * 8 <= odd:
        return "utf-16-le"
    if even >= enough and odd * 8 <= even:
        return "utf-16-be"
    return None


def _refuse_control_bytes(text: str) -> None:
    sample = text[:SNIFF_BYTES]
    if len(BINARY_CHARS.findall(sample)) > max(8, len(sample) // 50):
        raise ReadError("binary file (mostly control bytes), not text")


def decode_text(data: bytes) -> str:
    """Decode article bytes: UTF-8 (bytes that are not read as Windows-1252), or UTF-16
    with or without a byte-order mark.

    Raises :class:`ReadError` for empty and binary data.
    """
    encoding, errors = _encoding(data[:SNIFF_BYTES])
    try:
        text = data.decode(encoding, errors)
    except UnicodeDecodeError:
        raise ReadError(f"invalid {encoding.upper()} text") from None
    _refuse_control_bytes(text)
    return text


def open_text(path: Path, limit: int) -> TextIO:
    """A regular file of at most ``limit`` bytes as a stream of text, decoded like
    :func:`decode_text`; lines end at ``\\n`` only and are not translated."""
    handle = open_regular(path, limit)
    try:
        encoding, errors = _encoding(handle.peek(SNIFF_BYTES))
        stream = io.TextIOWrapper(handle, encoding=encoding, errors=errors, newline="\n")
    except BaseException:
        handle.close()
        raise
    return stream


def storable_text(text: str) -> str:
    """``text`` with lone surrogates replaced, so that it can be encoded and stored: the
    undecodable bytes of a file name become ``\\xNN``, others (a JSON ``"\\udc00"``) U+FFFD."""
    return LONE_SURROGATE.sub(_surrogate_stand_in, text) if LONE_SURROGATE.search(text) else text


def _surrogate_stand_in(match: re.Match) -> str:
    code = ord(match.group())
    return f"\\x{code - 0xDC00:02x}" if 0xDC80 <= code <= 0xDCFF else "\ufffd"
