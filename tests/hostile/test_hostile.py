"""Hostile input: no byte sequence or text crashes ingest or extraction.

Property-based (Hypothesis) and hand-picked cases; a bad file gets one line at worst.
"""

from __future__ import annotations

import json
from pathlib import Path

from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from workbench.cli import cli
from workbench.extract import extract
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


@settings(max_examples=HOSTILE_EXAMPLES, deadline=None)
@given(text=hostile_text)
def test_any_text_cleans_and_extracts_with_exact_offsets(text):
    cleaned = clean_text(text).text
    assert "\x1b" not in cleaned and "\x00" not in cleaned
    for item in extract(cleaned):
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
