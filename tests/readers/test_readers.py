"""Readers and cleaning on the real fixtures and on every kind of bad input."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from paths import FIXTURES
from pdfmaker import write_pdf

from workbench.model import Article
from workbench.readers import (
    Reader,
    ReadError,
    ReadFailure,
    discover,
    read_article,
    read_path,
    register,
    unregister,
)

REUTERS = FIXTURES / "000_2b14526b3bd0fd47.txt"
MOSCOW_TIMES = FIXTURES / "003_9c5ba6eb5ac01bd5.txt"


def read_all(path: Path) -> list:
    return list(read_path(str(path), path))


def test_fixture_titles_are_taken_apart_from_the_body():
    reuters, moscow = read_article(REUTERS), read_article(MOSCOW_TIMES)
    assert reuters.title == "With warm words and fast visas, neighbours woo IT workers in Belarus"
    assert moscow.title == (
        "‘Everyone Who Can Leave, Will Leave’: Violence, Raids and Internet Blackouts Scare Off Belarus’ Entrepreneurs"
    )
    assert not reuters.text.startswith("With warm words")
    assert moscow.text.startswith("Young professionals have been at the forefront of protests in Belarus.")


@pytest.mark.parametrize(
    "junk",
    [
        "Related article",
        "Amazon sales growth",
        "Jassy",
        "EU chamber chief",
        "Share this Article",
        "become a member",
        "The team at Platform Executive",
        "Reporting by Sergiy Karazy",
        "http",
        "Tut.By via AP",
        "Torture Chamber",
        "Belarus Needs to Learn",
        "Yandex Pulls Employees Out of Minsk After Office Raid",
    ],
)
def test_boilerplate_links_and_credits_never_reach_the_text(junk):
    assert junk not in read_article(REUTERS).text
    assert junk not in read_article(MOSCOW_TIMES).text


def test_hard_wrapped_pdf_text_is_reflowed_into_paragraphs():
    text = read_article(MOSCOW_TIMES).text
    paragraphs = text.split("\n\n")
    assert all("\n" not in paragraph for paragraph in paragraphs)
    # a paragraph cut by a page of link lines is joined back together
    assert "demonstrations in Moscow in 2011-12 against Vladimir Putin’s return to the Russian presidency" in text
    assert "if Lukashenko holds onto power many are likely to become permanent" in text
    # a compound split at the line end keeps its hyphen
    assert "Lukashenko’s own anti-business rhetoric" in text
    # an indented line starts a new paragraph
    assert "“I believe in this country." in paragraphs[-2]
    assert paragraphs[-1].startswith("“If the regime changes")
    assert len(paragraphs) == 39


def test_link_lines_are_kept_as_the_source_links():
    links = read_article(MOSCOW_TIMES).links
    assert "https://deepdee.org/" in links
    assert "https://www.themoscowtimes.com/author/jake-cordell" in links
    assert len(links) == 13


def test_one_line_paragraphs_are_kept_as_they_are():
    paragraphs = read_article(REUTERS).text.split("\n\n")
    assert paragraphs[0].startswith("After Max Korolevsky stated he was detained")
    assert paragraphs[-1].startswith("“Simply put – it is no longer safe in Belarus.")
    assert len(paragraphs) == 33


def test_header_block_is_metadata(tmp_path):
    path = tmp_path / "a.txt"
    path.write_text(
        "title: Park grows\noutlet: Minsk Daily\nurl: https://example.org/a\ndate: 2020-09-01\n"
        "author: A. Writer\n\nThe park has 750 companies.\n\nIt employs 58,000 people.\n"
    )
    article = read_article(path)
    assert (article.title, article.outlet, article.url, article.published, article.author) == (
        "Park grows",
        "Minsk Daily",
        "https://example.org/a",
        "2020-09-01",
        "A. Writer",
    )
    assert article.text == "The park has 750 companies.\n\nIt employs 58,000 people."
    assert article.key == "url:https://example.org/a"


def test_markdown_is_reduced_to_text_and_links(tmp_path):
    path = tmp_path / "a.md"
    path.write_text(
        "# The headline\n\nThe **park** has [750 companies](https://example.org/park).\n\n"
        "![chart](https://example.org/c.png)\n\nIt employs *58,000* people.\n"
    )
    article = read_article(path)
    assert article.title == "The headline"
    assert article.text == "The park has 750 companies.\n\nIt employs 58,000 people."
    assert "https://example.org/park" in article.links


def test_html_goes_through_trafilatura_with_metadata(tmp_path):
    path = tmp_path / "a.html"
    path.write_text(
        "<html><head><title>Park grows</title><meta name='author' content='Jane Doe'>"
        "<meta property='og:site_name' content='Minsk Daily'><meta property='og:url' content='https://example.org/p'>"
        "</head><body><nav>Home | World | Subscribe</nav><article><h1>Park grows</h1>"
        "<p>The Belarus Hi-Tech Park has risen to 750 companies since its launch in 2006, officials said.</p>"
        "<p>“We are not leaving,” said Anna Petrova, a developer in Minsk who has worked there for years.</p>"
        "</article><footer>© 2020 Minsk Daily</footer></body></html>",
        encoding="utf-8",
    )
    article = read_article(path)
    assert article.title == "Park grows"
    assert article.author == "Jane Doe"
    assert article.outlet == "Minsk Daily"
    assert article.url == "https://example.org/p"
    assert "750 companies" in article.text and "Home | World" not in article.text


def test_broken_html_is_recovered_when_it_has_text(tmp_path):
    path = tmp_path / "broken.html"
    path.write_text(
        "<html><body><table><tr><td><p>The park has 750 companies since 2006, officials said "
        "on Monday.<td><b>unclosed</div></span></body>"
    )
    assert "The park has 750 companies since 2006" in read_article(path).text


def test_pdf_text_layer_is_read(tmp_path):
    path = write_pdf(
        tmp_path / "a.pdf", ["The park has risen to 750 companies since its", "launch in 2006."], title="Park grows"
    )
    article = read_article(path)
    assert article.title == "Park grows"
    assert article.text == "The park has risen to 750 companies since its launch in 2006."


def test_json_lines_records_each_become_an_article_and_bad_records_are_named(tmp_path):
    path = tmp_path / "feed.jsonl"
    records = [
        json.dumps({"text": "The park has 750 companies.", "title": "One", "url": "https://example.org/1"}),
        "{not json",
        json.dumps({"title": "no text"}),
        json.dumps({"text": "It employs 58,000 people.", "outlet": "Wire", "published": "2020-09-01"}),
    ]
    path.write_text("\n".join(records) + "\n")
    results = read_all(path)
    articles = [r for r in results if not isinstance(r, ReadFailure)]
    failures = [str(r) for r in results if isinstance(r, ReadFailure)]
    assert [a.title for a in articles] == ["One", None]
    assert articles[1].outlet == "Wire" and articles[1].published == "2020-09-01"
    assert failures == [
        f"{path}#2: invalid JSON (Expecting property name enclosed in double quotes at column 2)",
        f"{path}#3: record has no 'text'",
    ]


def test_json_array_file(tmp_path):
    path = tmp_path / "a.json"
    path.write_text(json.dumps([{"text": "The park has 750 companies."}, {"text": "It employs 58,000 people."}]))
    assert [a.text for a in read_all(path)] == ["The park has 750 companies.", "It employs 58,000 people."]


def test_windows_1252_text_is_decoded_not_rejected(tmp_path):
    path = tmp_path / "a.txt"
    path.write_bytes("Title\n\n“Café prices rose 5%,” said José – twice.\n".encode("cp1252"))
    assert read_article(path).text == "“Café prices rose 5%,” said José – twice."


def test_latin1_text_is_decoded(tmp_path):
    path = tmp_path / "a.txt"
    path.write_bytes("Title\n\nThe façade cost 5\u00a0000 euros in Zürich.\n".encode("latin-1"))
    assert "façade" in read_article(path).text and "Zürich" in read_article(path).text


@pytest.mark.parametrize(
    "name, content, reason",
    [
        ("empty.txt", b"", "empty file"),
        ("blank.txt", b"  \n\n \n", "empty file"),
        ("binary.txt", bytes(range(256)) * 40, "binary file"),
        ("image.txt", b"\x89PNG\r\n\x1a\n" + b"\x00" * 100, "binary file (a PNG image)"),
        ("broken.html", b"<html><body><div><p", "no article text found in HTML"),
        ("tags-only.html", b"<html><head><title>x</title></head><body><script>var a=1;</script></body>", "no article"),
        ("corrupt.pdf", b"%PDF-1.4\n1 0 obj garbage\n%%EOF", "PDF"),
        ("notpdf.pdf", b"hello there, I am text", "not a PDF"),
        ("empty.jsonl", b"", "empty file"),
    ],
)
def test_bad_files_fail_with_a_one_line_reason(tmp_path, name, content, reason):
    path = tmp_path / name
    path.write_bytes(content)
    [result] = read_all(path)
    assert isinstance(result, ReadFailure)
    assert reason in result.reason
    assert "\n" not in str(result) and str(result).startswith(str(path))
    with pytest.raises(ReadError):
        read_article(path)


def test_huge_file_is_refused_without_reading_it(tmp_path):
    path = tmp_path / "huge.txt"
    with path.open("wb") as handle:
        handle.truncate(21 * 1024 * 1024)
    [result] = read_all(path)
    assert "file too large" in result.reason


def test_discover_names_missing_paths_empty_folders_and_unsupported_files(tmp_path):
    (tmp_path / "empty").mkdir()
    (tmp_path / "docs").mkdir()
    (tmp_path / "docs" / "notes.docx").write_bytes(b"PK")
    (tmp_path / "nested" / "deeper").mkdir(parents=True)
    (tmp_path / "nested" / "deeper" / "a.txt").write_text("T\n\nBody.")
    (tmp_path / "nested" / ".hidden.txt").write_text("T\n\nBody.")
    (tmp_path / "x.docx").write_bytes(b"PK")
    given = [
        str(tmp_path / "missing"),
        str(tmp_path / "empty"),
        str(tmp_path / "docs"),
        str(tmp_path / "nested"),
        str(tmp_path / "x.docx"),
    ]
    found = list(discover(given))
    failures = [str(f) for f in found if isinstance(f, ReadFailure)]
    files = [f for f in found if not isinstance(f, ReadFailure)]
    assert failures[0] == f"{tmp_path / 'missing'}: no such file or folder"
    assert failures[1].startswith(f"{tmp_path / 'empty'}: folder has no readable articles")
    assert failures[2].startswith(f"{tmp_path / 'docs'}: folder has no readable articles")
    assert failures[3] == f"{tmp_path / 'x.docx'}: unsupported file type '.docx'"
    assert [path.name for _, path in files] == ["a.txt"]


def test_control_and_escape_characters_are_removed(tmp_path):
    path = tmp_path / "a.txt"
    path.write_text("Title\n\nThe park\x1b[31m has 750\x07 companies.\r\nMore\u200b text.\n")
    text = read_article(path).text
    assert "\x1b" not in text and "\x07" not in text and "\r" not in text and "\u200b" not in text
    assert text == "The park[31m has 750 companies. More text."


def read_wbtest(given: str, path: Path):
    """A format defined only here: one article per non-blank line, a failure per line "bad"."""
    for number, line in enumerate(path.read_text().splitlines(), 1):
        if line == "bad":
            yield ReadFailure(f"{given}#{number}", "bad line")
        elif line.strip():
            yield Article(key=f"wbtest:{path.name}#{number}", path=f"{given}#{number}", text=line, format="wbtest")


def test_a_registered_reader_is_discovered_and_read_with_no_other_change(tmp_path):
    feed = tmp_path / "feed.wbtest"
    feed.write_text("First claim.\nbad\nSecond claim.\n")
    (tmp_path / "a.txt").write_text("T\n\nBody.")
    reader = register(Reader("wbtest", (".wbtest",), read_wbtest))
    try:
        found = list(discover([str(tmp_path)]))
        assert [path.name for _, path in found] == ["a.txt", "feed.wbtest"]
        results = list(read_path(*found[1]))
        assert [(a.text, a.format) for a in results if isinstance(a, Article)] == [
            ("First claim.", "wbtest"),
            ("Second claim.", "wbtest"),
        ]
        assert [str(f) for f in results if isinstance(f, ReadFailure)] == [f"{feed}#2: bad line"]
        with pytest.raises(ValueError, match="already read by wbtest"):
            register(Reader("other", (".wbtest",), read_wbtest))
    finally:
        unregister(reader)
    assert [str(f) for f in discover([str(feed)])] == [f"{feed}: unsupported file type '.wbtest'"]
