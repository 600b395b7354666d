"""JSON lines and JSON files: one article per record, one failure per bad record."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterator
from pathlib import Path

from ..model import Article
from .article import file_key, finish_article
from .clean import clean_text, strip_controls
from .decode import decode_text, read_article_bytes
from .failures import ReadError, ReadFailure
from .registry import Reader, register

MAX_RECORD_BYTES = 5 * 1024 * 1024


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
    key = f"url:{fields['url']}" if fields["url"] else f"{file_key(path)}#{identity}"
    article = Article(
        key=key, path=f"{given}#{number}", text=cleaned.text, links=cleaned.links, format="jsonl", **fields
    )
    return finish_article(article, raw)


def read_json_lines(given: str, path: Path) -> Iterator[Article | ReadFailure]:
    """One article per line, streamed: the file as a whole has no size limit, each record has."""
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


def read_json(given: str, path: Path) -> Iterator[Article | ReadFailure]:
    """One article per record of a JSON list (or the one JSON object); JSON lines are read as such."""
    text = decode_text(read_article_bytes(path))
    try:
        document = json.loads(text)
    except json.JSONDecodeError:
        yield from read_json_lines(given, path)  # many .json exports are really JSON lines
        return
    records = document if isinstance(document, list) else [document]
    for number, record in enumerate(records, 1):
        try:
            yield _article_from_record(given, path, number, record, json.dumps(record, sort_keys=True).encode())
        except ReadError as error:
            yield ReadFailure(f"{given}#{number}", str(error))


register(Reader("jsonl", (".jsonl", ".ndjson"), read_json_lines))
register(Reader("json", (".json",), read_json))
