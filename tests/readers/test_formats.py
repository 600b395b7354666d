"""Each format says no clearly: encodings, encrypted and broken PDFs, dates HTML never declared."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest
from pdfmaker import write_pdf
from pypdf import PdfWriter

from workbench.readers import ReadError, ReadFailure, read_article, read_path

BODY = "“Café prices rose 5%,” said José – twice, in Zürich."


def only_failure(path: Path) -> str:
    [result] = read_path(str(path), path)
    assert isinstance(result, ReadFailure), result
    return str(result)


@pytest.mark.parametrize("encoding", ["utf-16-le", "utf-16-be", "utf-16"])
def test_utf16_is_decoded_with_or_without_a_byte_order_mark(tmp_path, encoding):
    path = tmp_path / "a.txt"
    path.write_bytes(f"Title\n\n{BODY}\n".encode(encoding))
    assert read_article(path).text == BODY


def test_a_file_mixing_utf8_and_cp1252_is_decoded_line_by_line(tmp_path):
    path = tmp_path / "a.txt"
    path.write_bytes(
        b"Title\n\n"
        + f"{BODY}\n\n".encode()
        + "Le café coûte 5 € à Zürich – “cher”.\n\n".encode("cp1252")
        + "Straße, naïve, 10 °C.\n".encode()
    )
    assert read_article(path).text.split("\n\n") == [
        BODY,
        "Le café coûte 5 € à Zürich – “cher”.",
        "Straße, naïve, 10 °C.",
    ]


@pytest.mark.parametrize(
    ("content", "reason"),
    [
        (bytes(range(256)) * 40, "binary file (contains NUL bytes), not text"),
        (b"\x00\x01\x02\x03" * 1000, "binary file (mostly control bytes), not text"),  # NULs on one side
        (b"\xff\xfe" + b"\x00\xd8" * 10, "invalid UTF-16 text"),  # a lone surrogate
        (b"T\x00\n\x00\n\x00x", "invalid UTF-16-LE text"),  # odd length: cut short
    ],
)
def test_binary_and_broken_utf16_are_still_refused(tmp_path, content, reason):
    path = tmp_path / "a.txt"
    path.write_bytes(content)
    assert only_failure(path) == f"{path}: {reason}"


def test_a_failure_is_one_line_whatever_the_file_is_called(tmp_path):
    path = tmp_path / "two\nlines\r.txt"
    path.write_bytes(b"")
    assert only_failure(path) == f"{tmp_path}/two lines .txt: empty file"


def encrypted_pdf(tmp_path: Path, name: str, user_password: str) -> Path:
    plain = write_pdf(tmp_path / "plain.pdf", ["The park has risen to 750 companies."], title="Park grows")
    writer = PdfWriter(clone_from=plain)
    writer.encrypt(user_password=user_password, owner_password="owner", algorithm="RC4-128")
    writer.write(tmp_path / name)
    return tmp_path / name


def as_aes(path: Path) -> Path:
    """The same file, its encryption dictionary saying AES: pypdf then needs a cryptography
    package to try even the empty password, and raised an error of a type no one caught."""
    data = path.read_bytes().replace(
        b"/V 2\n/R 3\n", b"/V 4\n/R 4\n/CF << /StdCF << /CFM /AESV2 /Length 16 >> >>\n/StmF /StdCF\n/StrF /StdCF\n"
    )
    data = re.sub(rb"startxref\n\d+", b"startxref\n%d" % (data.rindex(b"\nxref\n") + 1), data)
    path.write_bytes(data)
    return path


def test_an_encrypted_pdf_is_password_protected_even_with_an_empty_password(tmp_path):
    for path in (
        encrypted_pdf(tmp_path, "empty.pdf", ""),
        encrypted_pdf(tmp_path, "secret.pdf", "secret"),
        as_aes(encrypted_pdf(tmp_path, "aes.pdf", "")),
    ):
        assert only_failure(path) == f"{path}: password-protected PDF (encrypted); decrypt it first"


def test_pypdf_says_nothing_a_reader_did_not_say(tmp_path):
    path = write_pdf(tmp_path / "a.pdf", ["The park has risen to 750 companies."], title="Park grows")
    # Every offset in the cross-reference table now points 20 bytes early: pypdf repairs
    # that, and used to print what it did on stderr, naming no file.
    path.write_bytes(path.read_bytes().replace(b"%PDF-1.4\n", b"%PDF-1.4\n%" + b"x" * 18 + b"\n", 1))
    broken = tmp_path / "broken.pdf"
    broken.write_bytes(path.read_bytes()[:300])
    # A process of its own: under pytest, logging has handlers and would print nothing.
    code = f"""
from pathlib import Path
from workbench.readers import read_path
for path in {[str(path), str(broken)]!r}:
    for result in read_path(path, Path(path)):
        print(result)
"""
    child = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert child.stderr == ""
    read, failed = child.stdout.splitlines()
    assert "The park has risen to 750 companies." in read
    assert failed.startswith(f"{broken}: ")


PAGE = """<html><head><title>Park grows</title>{head}</head><body><article><h1>Park grows</h1>
<p>The Belarus Hi-Tech Park has risen to 750 companies since its launch in 2006, officials said.</p>
<p>On 12 March 2019 the park reported record exports, said Anna Petrova, a developer in Minsk.</p>
<p>The report dated 2019-03-12 lists <span class="date">March 12, 2019</span> as its last update.</p>
</article></body></html>"""


@pytest.mark.parametrize(
    ("head", "published"),
    [
        ("", None),
        ('<meta property="article:published_time" content="2020-09-01T10:00:00Z">', "2020-09-01"),
        ('<meta name="date" content="2020-09-02">', "2020-09-02"),
        (
            '<script type="application/ld+json">{"@type": "NewsArticle", "datePublished": "2020-09-03"}</script>',
            "2020-09-03",
        ),
    ],
)
def test_an_html_date_is_only_the_one_the_page_declares(tmp_path, head, published):
    path = tmp_path / "a.html"
    path.write_text(PAGE.format(head=head), encoding="utf-8")
    article = read_article(path)
    assert "750 companies" in article.text
    assert article.published == published


def test_read_article_says_why(tmp_path):
    path = tmp_path / "a.pdf"
    path.write_bytes(b"")
    with pytest.raises(ReadError, match="empty file"):
        read_article(path)
