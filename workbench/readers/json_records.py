"""JSON lines and JSON files: one article per record, one failure per bad record.

Both are streamed: a file holds up to :data:`~.decode.MAX_COLLECTION_BYTES` of records and
memory holds about one record at a time. A record is a JSON object whose ``text`` is a
string; ``title``, ``url``, ``outlet``, ``author`` and ``published`` are strings when
present and ``id`` a string or an integer. Anything else is refused with one line, never
turned into a string.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import TextIO

from ..model import Article
from .article import file_key, finish_article
from .clean import clean_text, strip_controls
from .decode import MAX_COLLECTION_BYTES, open_text
from .failures import ReadError, ReadFailure
from .registry import Reader, register

MAX_RECORD_CHARS = 5 * 1024 * 1024
READ_CHARS = 1024 * 1024
TOO_LARGE = f"too large (limit {MAX_RECORD_CHARS // 2**20} MB of text)"
TEXT_FIELDS = ("title", "url", "outlet", "author", "published")
WHITESPACE = re.compile(r"[ \t\n\r]*")
# Python refuses to turn more digits than this into an int (the conversion is quadratic).
MAX_INT_DIGITS = 4300


def _number(digits: str) -> int | float:
    """A JSON integer; one too long for an int is a float (infinite): no field needs it."""
    return int(digits) if len(digits) <= MAX_INT_DIGITS else float(digits)


DECODER = json.JSONDecoder(parse_int=_number)


def _json_type(value: object) -> str:
    if isinstance(value, bool) or value is None:
        return json.dumps(value)
    if isinstance(value, int | float):
        return "a number"
    return {list: "a list", dict: "an object"}.get(type(value), "not a string")


def _string_field(record: dict, name: str) -> str | None:
    value = record.get(name)
    if value is None:
        return None
    if not isinstance(value, str):
        raise ReadError(f"field {name!r} is {_json_type(value)}, not a string")
    return strip_controls(value).strip() or None


def _article_from_record(given: str, source: str, number: int, record: object, raw: bytes) -> Article:
    if not isinstance(record, dict):
        raise ReadError("record is not a JSON object")
    text = record.get("text")
    if text is None or (isinstance(text, str) and not text.strip()):
        raise ReadError("record has no 'text'")
    if not isinstance(text, str):
        raise ReadError(f"field 'text' is {_json_type(text)}, not a string")
    fields = {name: _string_field(record, name) for name in TEXT_FIELDS}
    record_id = record.get("id")
    if record_id is not None and (isinstance(record_id, bool) or not isinstance(record_id, str | int)):
        raise ReadError(f"field 'id' is {_json_type(record_id)}, not a string or an integer")
    cleaned = clean_text(text, has_title_line=False)
    # Without a url or id, the text identifies the record: a line number would shift when
    # records are inserted, and re-ingesting would take one article for another.
    identity = record_id or "sha:" + hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()[:16]
    key = f"url:{fields['url']}" if fields["url"] else f"{source}#{identity}"
    article = Article(
        key=key, path=f"{given}#{number}", text=cleaned.text, links=cleaned.links, format="jsonl", **fields
    )
    return finish_article(article, raw)


def _record(given: str, source: str, number: int, record: object, raw: bytes | None) -> Article | ReadFailure:
    """The article of one parsed record of the file whose key is ``source`` (checksummed by
    ``raw``, else by its canonical form), or the one line that says why there is none."""
    try:
        return _article_from_record(given, source, number, record, raw or json.dumps(record, sort_keys=True).encode())
    except ReadError as error:
        return ReadFailure(f"{given}#{number}", str(error))
    except RecursionError:
        return ReadFailure(f"{given}#{number}", "JSON nested too deeply")


def read_json_lines(given: str, path: Path) -> Iterator[Article | ReadFailure]:
    """One article per line, streamed: each record has a size limit, the file a far larger one."""
    source = file_key(path)
    with open_text(path, MAX_COLLECTION_BYTES) as stream:
        number = 0
        for line in _lines(stream):
            if line is not None and not line.strip():
                continue
            number += 1
            where = f"{given}#{number}"
            if line is None:
                yield ReadFailure(where, f"record {TOO_LARGE}")
                continue
            try:
                record = DECODER.decode(line)
            except json.JSONDecodeError as error:
                yield ReadFailure(where, f"invalid JSON ({error.msg} at column {error.colno})")
            except RecursionError:
                yield ReadFailure(where, "JSON nested too deeply")
            else:
                yield _record(given, source, number, record, line.encode("utf-8", "surrogatepass"))
        if number == 0:
            raise ReadError("empty file")


def _lines(stream: TextIO) -> Iterator[str | None]:
    """The stream's lines; ``None`` for a line too long to be a record (skipped, not kept)."""
    while line := stream.readline(MAX_RECORD_CHARS + 1):
        if len(line) <= MAX_RECORD_CHARS or line.endswith("\n"):
            yield line
            continue
        while (rest := stream.readline(READ_CHARS)) and not rest.endswith("\n"):
            pass
        yield None


class _Values:
    """JSON values read one at a time from a stream: only the value being parsed is kept."""

    def __init__(self, stream: TextIO) -> None:
        self.stream = stream
        self.text = ""
        self.at = 0
        self.ended = False

    def _more(self) -> bool:
        """Read on, at least as much again as is held, so re-parsing a long value stays linear."""
        if self.ended:
            return False
        self.text = self.text[self.at :]
        self.at = 0
        chunk = self.stream.read(max(READ_CHARS, len(self.text)))
        self.ended = not chunk
        self.text += chunk
        return bool(chunk)

    def next_char(self) -> str:
        """The next character that is not whitespace (not consumed), or "" at the end."""
        while True:
            self.at = WHITESPACE.match(self.text, self.at).end()
            if self.at < len(self.text):
                return self.text[self.at]
            if not self._more():
                return ""

    def take(self, char: str) -> None:
        if self.next_char() != char:
            raise json.JSONDecodeError(f"Expecting {char!r}", self.text, self.at)
        self.at += 1

    def value(self) -> tuple[object, int]:
        """The next value and how many characters it took. Raises :class:`ReadError` for a
        value longer than a record may be, :class:`json.JSONDecodeError` for invalid JSON."""
        self.next_char()
        while True:
            try:
                value, end = DECODER.raw_decode(self.text, self.at)
            except json.JSONDecodeError as error:
                cut_short = error.pos >= len(self.text) - 8 or error.msg.startswith("Unterminated string")
                if not cut_short:
                    raise
                if len(self.text) - self.at > MAX_RECORD_CHARS:
                    raise ReadError(TOO_LARGE) from None
                if not self._more():
                    raise
                continue
            if end < len(self.text) or not self._more():  # a value at the end may go on: 12|3
                size, self.at = end - self.at, end
                return value, size


def read_json(given: str, path: Path) -> Iterator[Article | ReadFailure]:
    """One article per record of a JSON list (or the one JSON object); JSON lines are read as such."""
    with open_text(path, MAX_COLLECTION_BYTES) as stream:
        values = _Values(stream)
        first = values.next_char()
        if not first:
            raise ReadError("empty file")
        if first == "[":
            yield from _list_records(given, file_key(path), values)
            return
        if first == "{":
            try:
                record, _ = values.value()
                alone = not values.next_char()
            except (json.JSONDecodeError, RecursionError):
                alone = False
            except ReadError as error:
                raise ReadError(f"record 1 is {error}") from None
            if alone:
                yield _record(given, file_key(path), 1, record, None)
                return
    yield from read_json_lines(given, path)  # many .json exports are really JSON lines


def _list_records(given: str, source: str, values: _Values) -> Iterator[Article | ReadFailure]:
    """The records of a JSON list, one at a time. A record too large is refused alone once
    parsed; one that is not valid JSON, or too large to parse within twice the limit, ends
    the list: where the next record starts cannot be known."""
    values.take("[")
    number = 0
    more = values.next_char() != "]"
    while more:
        number += 1
        try:
            record, size = values.value()
        except (json.JSONDecodeError, ReadError, RecursionError) as error:
            raise ReadError(f"record {number} is {_problem(error)}; the records after it are not read") from None
        if size > MAX_RECORD_CHARS:
            yield ReadFailure(f"{given}#{number}", f"record {TOO_LARGE}")
        else:
            yield _record(given, source, number, record, None)
        more = values.next_char() == ","
        if more:
            values.take(",")
    try:
        values.take("]")
        if values.next_char():
            raise json.JSONDecodeError("Extra data", values.text, values.at)
    except json.JSONDecodeError as error:
        raise ReadError(f"{_problem(error)} after record {number}") from None


def _problem(error: Exception) -> str:
    if isinstance(error, json.JSONDecodeError):
        return f"invalid JSON ({error.msg})"
    if isinstance(error, RecursionError):
        return "nested too deeply"
    return str(error)


register(Reader("jsonl", (".jsonl", ".ndjson"), read_json_lines))
register(Reader("json", (".json",), read_json))
