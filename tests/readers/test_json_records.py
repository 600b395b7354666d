"""JSON and JSON lines: records are streamed, each bad one is one line, nothing is guessed."""

from __future__ import annotations

import json
import tracemalloc
from pathlib import Path

import pytest

from workbench.model import Article
from workbench.readers import ReadFailure, read_path
from workbench.readers.decode import MAX_ARTICLE_BYTES


def read(path: Path) -> tuple[list[Article], list[str]]:
    articles, failures = [], []
    for result in read_path(str(path), path):
        if isinstance(result, ReadFailure):
            assert "\n" not in str(result) and str(result).startswith(str(path))
            failures.append(str(result))
        else:
            articles.append(result)
    return articles, failures


def write(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


def lines(*records: str) -> str:
    return "\n".join(records) + "\n"


GOOD = json.dumps({"text": "The park has 750 companies."})
LATER = json.dumps({"text": "It employs 58,000 people."})


@pytest.mark.parametrize("suffix", [".json", ".jsonl"])
def test_an_integer_too_long_to_convert_is_not_a_crash(tmp_path, suffix):
    huge = "9" * 5000  # Python refuses to convert more than 4300 digits to an int
    as_field = f'{{"text": "The park grew.", "views": {huge}}}'
    as_id = f'{{"text": "The park grew again.", "id": {huge}}}'
    text = f"[{as_field}, {as_id}, {LATER}]" if suffix == ".json" else lines(as_field, as_id, LATER)
    articles, failures = read(write(tmp_path / f"feed{suffix}", text))
    assert [a.text for a in articles] == ["The park grew.", "It employs 58,000 people."]
    assert failures == [f"{tmp_path}/feed{suffix}#2: field 'id' is a number, not a string or an integer"]


def test_json_nested_too_deeply_is_one_line(tmp_path):
    deep = "[" * 10_000 + "]" * 10_000
    articles, failures = read(write(tmp_path / "deep.json", deep))
    assert articles == []
    assert failures == [f"{tmp_path}/deep.json: record 1 is nested too deeply; the records after it are not read"]
    record = '{"text": "The park grew.", "extra": ' + "[" * 10_000 + "]" * 10_000 + "}"
    articles, failures = read(write(tmp_path / "list.json", f"[{GOOD}, {record}, {LATER}]"))
    assert [a.text for a in articles] == ["The park has 750 companies."]
    assert failures == [f"{tmp_path}/list.json: record 2 is nested too deeply; the records after it are not read"]
    articles, failures = read(write(tmp_path / "one.json", record))
    assert articles == [] and failures == [f"{tmp_path}/one.json#1: JSON nested too deeply"]


def test_json_lines_nested_too_deeply_fail_alone(tmp_path):
    deep = "[" * 100_000 + "]" * 100_000
    articles, failures = read(write(tmp_path / "feed.jsonl", lines(GOOD, deep, LATER)))
    assert [a.text for a in articles] == ["The park has 750 companies.", "It employs 58,000 people."]
    assert failures == [f"{tmp_path}/feed.jsonl#2: JSON nested too deeply"]


@pytest.mark.parametrize("suffix", [".json", ".jsonl"])
def test_lone_surrogates_become_replacement_characters(tmp_path, suffix):
    record = r'{"text": "The park \udc00 grew.", "title": "Park \ud800", "url": "https://example.org/\udfff", "id": "\udc80"}'
    orphan = r'{"text": "No url here \ud83d.", "id": "x\udc80y"}'
    text = f"[{record}, {orphan}]" if suffix == ".json" else lines(record, orphan)
    articles, failures = read(write(tmp_path / f"feed{suffix}", text))
    assert failures == []
    first, second = articles
    assert (first.text, first.title, first.url) == (
        "The park \ufffd grew.",
        "Park \ufffd",
        "https://example.org/\ufffd",
    )
    assert second.text == "No url here \ufffd."
    for article in articles:
        for value in (article.key, article.path, article.text, article.title or "", article.url or ""):
            value.encode("utf-8")  # would raise on a lone surrogate: SQLite and the terminal refuse them


@pytest.mark.parametrize(
    ("field", "value", "reason"),
    [
        ("url", '["https://example.org/a"]', "field 'url' is a list, not a string"),
        ("title", "true", "field 'title' is true, not a string"),
        ("published", "NaN", "field 'published' is a number, not a string"),
        ("author", '{"name": "A. Writer"}', "field 'author' is an object, not a string"),
        ("outlet", "12", "field 'outlet' is a number, not a string"),
        ("text", "5", "field 'text' is a number, not a string"),
        ("text", '["The park grew."]', "field 'text' is a list, not a string"),
        ("id", "false", "field 'id' is false, not a string or an integer"),
        ("id", "[1]", "field 'id' is a list, not a string or an integer"),
        ("id", "1.5", "field 'id' is a number, not a string or an integer"),
    ],
)
def test_fields_that_are_not_strings_are_refused_not_stringified(tmp_path, field, value, reason):
    record = f'{{"text": "The park grew.", "{field}": {value}}}' if field != "text" else f'{{"text": {value}}}'
    articles, failures = read(write(tmp_path / "feed.jsonl", lines(GOOD, record, LATER)))
    assert [a.text for a in articles] == ["The park has 750 companies.", "It employs 58,000 people."]
    assert failures == [f"{tmp_path}/feed.jsonl#2: {reason}"]


def test_an_integer_id_and_null_fields_are_accepted(tmp_path):
    record = json.dumps({"text": "The park grew.", "id": 7, "title": None, "url": None})
    [article], failures = read(write(tmp_path / "feed.jsonl", lines(record)))
    assert failures == [] and article.key.endswith("feed.jsonl#7") and article.title is None


def test_a_json_list_larger_than_one_article_is_streamed(tmp_path):
    records = [{"text": f"Story {number} says the park grew.", "note": "x" * 200} for number in range(100_000)]
    path = write(tmp_path / "export.json", json.dumps(records))
    assert path.stat().st_size > MAX_ARTICLE_BYTES
    articles, failures = read(path)
    assert failures == []
    assert len(articles) == 100_000
    assert articles[99_999].text == "Story 99999 says the park grew." and articles[99_999].path.endswith("#100000")


def test_a_json_list_is_read_one_record_at_a_time(tmp_path):
    records = [{"text": f"Story {number}.", "note": "x" * 10_000} for number in range(2_500)]
    path = write(tmp_path / "export.json", json.dumps(records, indent=1))
    tracemalloc.start()
    try:
        count = sum(1 for result in read_path(str(path), path) if isinstance(result, Article))
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert count == 2_500
    assert peak < path.stat().st_size / 4, f"{peak / 2**20:.1f} MB held to read {path.stat().st_size / 2**20:.1f} MB"


def test_a_bad_record_in_a_list_ends_it_with_one_line(tmp_path):
    articles, failures = read(write(tmp_path / "a.json", f"[{GOOD}, {{not json}}, {LATER}]"))
    assert [a.text for a in articles] == ["The park has 750 companies."]
    assert failures == [
        f"{tmp_path}/a.json: record 2 is invalid JSON (Expecting property name enclosed in double quotes); "
        "the records after it are not read"
    ]
    articles, failures = read(write(tmp_path / "b.json", f"[{GOOD}, {LATER}] trailing"))
    assert len(articles) == 2
    assert failures == [f"{tmp_path}/b.json: invalid JSON (Extra data) after record 2"]
    articles, failures = read(write(tmp_path / "c.json", f"[{GOOD}, {LATER}"))
    assert len(articles) == 2
    assert failures == [f"{tmp_path}/c.json: invalid JSON (Expecting ']') after record 2"]


def test_a_record_too_large_fails_alone(tmp_path):
    large = json.dumps({"text": "The park grew. " * 400_000})  # 6 MB of text
    articles, failures = read(write(tmp_path / "a.json", f"[{GOOD}, {large}, {LATER}]"))
    assert [a.text for a in articles] == ["The park has 750 companies.", "It employs 58,000 people."]
    assert failures == [f"{tmp_path}/a.json#2: record too large (limit 5 MB of text)"]
    articles, failures = read(write(tmp_path / "a.jsonl", lines(GOOD, large, LATER)))
    assert [a.text for a in articles] == ["The park has 750 companies.", "It employs 58,000 people."]
    assert failures == [f"{tmp_path}/a.jsonl#2: record too large (limit 5 MB of text)"]


def test_one_object_and_json_lines_in_a_json_file(tmp_path):
    pretty = json.dumps({"text": "The park grew.", "title": "Park"}, indent=2)
    [article], failures = read(write(tmp_path / "one.json", pretty))
    assert (article.text, article.title, failures) == ("The park grew.", "Park", [])
    articles, failures = read(write(tmp_path / "lines.json", lines(GOOD, "{broken", LATER)))
    assert len(articles) == 2
    assert failures == [
        f"{tmp_path}/lines.json#2: invalid JSON (Expecting property name enclosed in double quotes at column 2)"
    ]
    assert read(write(tmp_path / "empty.json", "  \n")) == ([], [f"{tmp_path}/empty.json: empty file"])
    assert read(write(tmp_path / "none.json", "[]")) == ([], [])


def test_json_lines_in_utf16_are_read(tmp_path):
    path = tmp_path / "feed.jsonl"
    path.write_bytes(lines(GOOD, LATER).encode("utf-16"))
    articles, failures = read(path)
    assert [a.text for a in articles] == ["The park has 750 companies.", "It employs 58,000 people."]
    assert failures == []
