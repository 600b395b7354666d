"""Hostile input: no byte sequence or text crashes ingest or extraction.

Property-based (Hypothesis) and hand-picked cases; a bad file gets one line at worst.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from pdfmaker import write_pdf
from readers.adversarial import TEXT_BOMBS, adversarial_units

from workbench.cli import cli
from workbench.extract import extract
from workbench.model import Article, segments_text
from workbench.readers import ReadFailure, read_path
from workbench.readers.clean import clean_text
from workbench.store.database import open_db

SUFFIXES = [".txt", ".md", ".html", ".pdf", ".jsonl", ".json"]
HOSTILE_EXAMPLES = 150
# Every Unicode category, control and escape characters, right-to-left marks, quotation marks.
hostile_text = st.lists(
    st.one_of(
        st.characters(codec="utf-8"),
        st.sampled_from(list("“”‘’\"'«»„‚\u202e\u200f\u2066\x1b\x07\r\n\t\x00\u2028\ufeff")),
        st.sampled_from(["said", "he said.", "according to", " Mr ", "Dr.", "5%", "$2bn", "Aug. 9", "\n\n"]),
    ),
    max_size=800,
).map("".join)


@settings(max_examples=HOSTILE_EXAMPLES, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.binary(max_size=4000), suffix=st.sampled_from(SUFFIXES))
def test_random_bytes_never_crash_a_reader(tmp_path, data, suffix):
    path = tmp_path / f"random{suffix}"
    path.write_bytes(data)
    for result in read_path(str(path), path):
        if isinstance(result, ReadFailure):
            assert "\n" not in str(result) and str(result).startswith(str(path))


def assert_read_safely(path: Path) -> list[Article]:
    """Read ``path``: nothing raised, each failure one line naming the file, every string
    storable (no lone surrogates) and free of escape characters in the text."""
    articles = []
    for result in read_path(str(path), path):
        if isinstance(result, ReadFailure):
            assert "\n" not in str(result) and str(result).startswith(str(path)), str(result)
            str(result).encode("utf-8")
            continue
        articles.append(result)
        for value in (result.key, result.path, result.text, result.title, result.url, result.author):
            (value or "").encode("utf-8")
        assert "\x1b" not in result.text and "\x00" not in result.text
    return articles


# Structured hostile files: what broke the readers before, at sizes Hypothesis picks.
text_bombs = st.builds(
    lambda bomb, size: TEXT_BOMBS[bomb](size), st.sampled_from(sorted(TEXT_BOMBS)), st.integers(1, 20_000)
)
repeated_units = st.builds(lambda unit, times: unit * times, adversarial_units, st.integers(1, 3_000))
deep_nesting = st.builds(
    lambda brackets, depth: brackets[0] * depth + brackets[1] * depth,
    st.sampled_from([("[", "]"), ('{"a":', "}"), ('{"text": "x", "a": [', "]}")]),
    st.integers(1, 120_000),
)
huge_integers = st.builds(lambda digits: "9" * digits, st.integers(4_000, 30_000))
surrogate_escapes = st.lists(
    st.sampled_from(["\\ud800", "\\udc00", "\\udfff", "\\ud83d", "\\ud83d\\ude00", "\\u0000", "\\u001b", "a"]),
    min_size=1,
    max_size=6,
).map(lambda parts: '"' + "".join(parts) + '"')
json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=20),
    lambda children: st.lists(children, max_size=3) | st.dictionaries(st.text(max_size=5), children, max_size=3),
    max_leaves=8,
).map(json.dumps)
field_values = st.one_of(json_values, huge_integers, surrogate_escapes, deep_nesting, text_bombs.map(json.dumps))
records = st.builds(
    lambda values: "{" + ", ".join(f'"{name}": {value}' for name, value in values.items()) + "}",
    st.dictionaries(st.sampled_from(["text", "title", "url", "outlet", "author", "published", "id"]), field_values),
)


def json_file(layout: str, items: list[str], cut: int) -> str:
    text = "[" + ", ".join(items) + "]" if layout == "list" else "\n".join(items)
    return text[: len(text) - cut] if cut else text


json_files = st.builds(
    json_file,
    st.sampled_from(["list", "lines"]),
    st.lists(st.one_of(records, deep_nesting, huge_integers), min_size=1, max_size=4),
    st.sampled_from([0, 0, 1, 7]),
)
STRUCTURED_EXAMPLES = 200


@settings(max_examples=STRUCTURED_EXAMPLES, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    case=st.one_of(
        st.tuples(st.sampled_from([".txt", ".md"]), st.one_of(text_bombs, repeated_units)),
        st.tuples(st.just(".html"), st.one_of(text_bombs, repeated_units).map(lambda text: f"<p>{text}</p>")),
        st.tuples(st.sampled_from([".json", ".jsonl"]), json_files),
    )
)
def test_structured_hostile_files_never_crash_a_reader(tmp_path, case):
    suffix, text = case
    path = tmp_path / f"hostile{suffix}"
    path.write_text(text, encoding="utf-8", errors="surrogatepass")
    assert_read_safely(path)


PDF_EXAMPLES = 60


@settings(max_examples=PDF_EXAMPLES, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    flips=st.lists(st.tuples(st.integers(0, 10_000), st.integers(0, 255)), max_size=6),
    keep=st.integers(1, 10_000),
    encrypted=st.booleans(),
)
def test_damaged_pdfs_never_crash_the_reader(tmp_path, flips, keep, encrypted):
    from pypdf import PdfWriter

    path = write_pdf(tmp_path / "a.pdf", ["The park has risen to 750 companies since its", "launch."], title="Park")
    if encrypted:
        writer = PdfWriter(clone_from=path)
        writer.encrypt(user_password="", owner_password="owner", algorithm="RC4-128")
        writer.write(path)
    data = bytearray(path.read_bytes())
    for at, byte in flips:
        data[at % len(data)] = byte
    path.write_bytes(bytes(data[:keep]))
    assert_read_safely(path)


@pytest.mark.parametrize("workers", ["0", "-2", "1000", str(2 * (os.cpu_count() or 1) + 1)])
def test_an_unreasonable_number_of_workers_is_one_line(tmp_path, workers):
    (tmp_path / "a.txt").write_text("Title\n\nThe park has 750 companies.\n")
    result = CliRunner().invoke(
        cli, ["ingest", str(tmp_path / "a.txt"), "--workers", workers, "--db", str(tmp_path / "wb.db")]
    )
    assert result.exit_code == 1
    limit = 2 * (os.cpu_count() or 1)
    assert (
        result.output
        == f"error: --workers must be between 1 and {limit} (twice this machine's {os.cpu_count()} CPUs)\n"
    )
    assert not (tmp_path / "wb.db").exists()


def test_a_hostile_folder_goes_in_around_what_cannot_be_read(tmp_path):
    """Everything discovery and the readers refuse, in one folder read by a process pool:
    each refusal is one line naming the file, and the good files are stored."""
    folder = tmp_path / "hostile"
    folder.mkdir()
    good = [f"good{number}.txt" for number in range(20)]  # enough files for the pool
    for number, name in enumerate(good):
        (folder / name).write_text(f"Title {number}\n\nThe park has {number} companies, officials said.\n")
    os.mkfifo(folder / "pipe.txt")
    (folder / "zero.txt").symlink_to("/dev/zero")
    (folder / "passwd.txt").symlink_to("/etc/passwd")
    (folder / "loop.txt").symlink_to("loop.txt")
    (folder / "deep.json").write_text("[" * 50_000 + "]" * 50_000)
    (folder / "huge.jsonl").write_text('{"text": "x", "n": ' + "9" * 5_000 + "}\n" + '{"text": "y", "id": [1]}\n')
    (folder / "bomb.md").write_text("![a](" * 4_000)
    (folder / "hyphens.txt").write_text("Title\n\n" + "ab-\n" * 8_000)
    (folder / os.fsdecode(b"caf\xe9.txt")).write_bytes(b"")
    child = subprocess.run(
        [sys.executable, "-m", "workbench", "ingest", str(folder), "--workers", "2", "--db", str(tmp_path / "wb.db")],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert "Traceback" not in child.stderr and child.returncode == 1, child.stderr
    skipped = sorted(line for line in child.stderr.splitlines() if line.startswith("skipped "))
    assert skipped == [
        f"skipped {folder}/caf\\xe9.txt: empty file",
        f"skipped {folder}/deep.json: record 1 is nested too deeply; the records after it are not read",
        f"skipped {folder}/huge.jsonl#2: field 'id' is a list, not a string or an integer",
        f"skipped {folder}/loop.txt: symbolic link loop",
        f"skipped {folder}/passwd.txt: symbolic link to a file outside the folder, not followed (--follow-links follows it)",
        f"skipped {folder}/pipe.txt: not a regular file (a named pipe)",
        f"skipped {folder}/zero.txt: symbolic link to a file outside the folder, not followed (--follow-links follows it)",
    ]
    stored = open_db(tmp_path / "wb.db").execute("SELECT path FROM sources")
    assert {Path(path.split("#")[0]).name for (path,) in stored} == {*good, "huge.jsonl", "bomb.md", "hyphens.txt"}


@settings(max_examples=HOSTILE_EXAMPLES, deadline=None)
@given(text=hostile_text)
@example(text="0\n\n0{0:0:0\r\r0")  # a short post of two paragraphs: one claim in two segments (CI found it)
def test_any_text_cleans_and_extracts_with_exact_offsets(text):
    cleaned = clean_text(text).text
    assert "\x1b" not in cleaned and "\x00" not in cleaned
    for item in extract(cleaned):
        if item.segments:  # a quotation in several parts, or a short post's paragraphs (db/README.md)
            assert item.text == segments_text(cleaned, item.segments)
            assert (item.start, item.end) == (item.segments[0][0], item.segments[-1][1])
        else:
            assert cleaned[item.start : item.end] == item.text
        assert item.kind in {"claim", "quote"}
        assert 0.0 <= item.score <= 1.0


def test_hand_picked_hostile_files_ingest_without_a_traceback(tmp_path):
    folder = tmp_path / "hostile"
    folder.mkdir()
    long_paragraph = "The park grew " + "and grew " * 200_000 + "until 2020."
    files = {
        "unbalanced.txt": "Title\n\n“He said it would never end, she said. ‘And then\n\nNothing.\n\n“Open again.",
        "long-line.txt": "Title\n\n" + long_paragraph,
        "many-paragraphs.txt": "Title\n\n"
        + "\n\n".join(f"Paragraph {n} says 5% of {n} firms left." for n in range(20000)),
        "rtl.txt": "Title\n\n\u202eThe park has 750 companies\u202c, said \u200fAnna Petrova.\n",
        "markup.txt": "Title\n\n“[bold red]x[/] [link=file:///etc/passwd]here[/link] <script>alert(1)</script>,” "
        "said Eve Hacker, a tester.\n",
        "escapes.txt": "Title\n\nThe \x1b[2J\x1b]0;pwned\x07 park has 750 companies.\n",
        "nested.html": "<html><body>"
        + "<div>" * 5000
        + "<p>The park has 750 companies.</p>"
        + "</div>" * 5000
        + "</body></html>",
        "records.jsonl": "\n".join(
            [
                json.dumps({"text": "“Quote,” said A B."}),
                "[1, 2]",
                "null",
                '"text"',
                json.dumps({"text": 5}),
                json.dumps({"text": "Valid record with 5 firms."}),
            ]
        ),
    }
    for name, text in files.items():
        (folder / name).write_text(text, encoding="utf-8")
    with (folder / "huge.txt").open("wb") as handle:
        handle.truncate(100 * 1024 * 1024)  # a 100 MB file
    result = CliRunner().invoke(cli, ["ingest", str(folder), "--db", str(tmp_path / "wb.db")])
    assert "Traceback" not in result.output
    assert result.exception is None or isinstance(result.exception, SystemExit)
    skipped = [line for line in result.output.splitlines() if line.startswith("skipped ")]
    assert any("huge.txt: file too large" in line for line in skipped)
    db = open_db(tmp_path / "wb.db")
    paths = {Path(row[0].split("#")[0]).name for row in db.execute("SELECT path FROM sources")}
    assert {
        "unbalanced.txt",
        "long-line.txt",
        "many-paragraphs.txt",
        "rtl.txt",
        "markup.txt",
        "escapes.txt",
        "records.jsonl",
    } <= paths
    text = db.execute("SELECT group_concat(text, ' ') FROM sources").fetchone()[0]
    assert "\x1b" not in text and "\x07" not in text
    assert db.execute("SELECT count(*) FROM items WHERE text LIKE '%[link=file:///etc/passwd]%'").fetchone()[0] >= 1


EXPORT_EXAMPLES = 30


@settings(max_examples=EXPORT_EXAMPLES, deadline=None)
@given(texts=st.lists(hostile_text.filter(lambda t: t.strip()), min_size=1, max_size=4), speaker=hostile_text)
def test_exports_stay_valid_whatever_the_corpus_text(texts, speaker):
    import csv
    import io
    import tempfile

    from workbench.model import ExtractedItem
    from workbench.store.identity import item_ids, source_id
    from workbench.store.reviews import mark

    with tempfile.TemporaryDirectory() as folder:
        db_path = Path(folder) / "wb.db"
        db = open_db(db_path)
        body = "\n\n".join(texts)
        sid = source_id("hostile")
        db.execute(
            "INSERT INTO sources (id, key, path, title, url, sha256, text, format, extractor, ingested_at) "
            "VALUES (?, 'hostile', 'hostile.txt', ?, 'javascript:alert(1)', '', ?, 'txt', '', '')",
            [sid, texts[0][:80], body],
        )
        items = [ExtractedItem("claim", text, 0, len(text)) for text in texts]
        for seq, (id_, text) in enumerate(zip(item_ids(sid, items), texts)):
            db.execute(
                'INSERT INTO items (id, source_id, seq, kind, text, speaker, start, "end", paragraph, '
                "first_seen) VALUES (?, ?, ?, 'claim', ?, ?, 0, ?, 0, '')",
                [id_, sid, seq, text, speaker or None, len(text)],
            )
            mark(db, id_, "false", note=text, reviewer=speaker or "r")
        db.conn.commit()
        outputs = {}
        for format_ in ("csv", "html", "json", "jsonl", "md"):
            result = CliRunner().invoke(cli, ["export", "--format", format_, "--db", str(db_path)])
            assert result.exit_code == 0, result.output
            outputs[format_] = result.stdout
    for row in csv.reader(io.StringIO(outputs["csv"])):
        for cell in row:
            assert not cell.startswith(("=", "+", "-", "@", "\t", "\r")), cell
    html = outputs["html"].lower()
    assert "<script" not in html and "javascript:" not in html.replace("javascript:alert(1)</", "")
    assert "\x1b" not in outputs["html"]
    assert len(json.loads(outputs["json"])["items"]) == len(texts)
    records = [json.loads(line) for line in outputs["jsonl"].splitlines()]  # splits on U+2028 too
    assert len(records) == len(texts)
    assert "<script" not in outputs["md"].lower()
