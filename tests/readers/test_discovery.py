"""Discovery reads what was asked, each file once, and names everything it skips.

Symbolic links out of a folder, loops, named pipes, devices, unreadable folders and file
names that are not UTF-8 are made on disk for real. Reading a pipe or a device used to
block forever or fill memory, so those run in a child process with a timeout and a
memory limit: the suite fails instead of hanging.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from click.testing import CliRunner

from workbench.cli import cli
from workbench.readers import ReadError, ReadFailure, discover, read_path
from workbench.readers.decode import open_regular
from workbench.store.database import open_db

ARTICLE = "Title\n\nThe park has 750 companies, officials said on Monday.\n"


def found(paths: list[Path], **options) -> tuple[list[str], list[str]]:
    """The files discover yields (as shown) and its failures (as printed)."""
    files, failures = [], []
    for result in discover([str(path) for path in paths], **options):
        if isinstance(result, ReadFailure):
            failures.append(str(result))
        else:
            files.append(result[0])
    return files, failures


@pytest.fixture
def corpus(tmp_path: Path) -> Path:
    """A folder with one article in it and one in a subfolder."""
    folder = tmp_path / "corpus"
    (folder / "sub").mkdir(parents=True)
    (folder / "a.txt").write_text(ARTICLE)
    (folder / "sub" / "b.txt").write_text(ARTICLE.replace("750", "751"))
    return folder


def test_links_out_of_the_folder_are_skipped_and_named(tmp_path, corpus):
    outside = tmp_path / "private"
    outside.mkdir()
    (outside / "secret.txt").write_text(ARTICLE.replace("750", "999"))
    (corpus / "secret.txt").symlink_to(outside / "secret.txt")
    (corpus / "passwd.txt").symlink_to("/etc/passwd")
    (corpus / "private").symlink_to(outside)
    (corpus / "notes.docx").symlink_to("/etc/passwd")  # not a readable type: not worth a line

    files, failures = found([corpus])
    assert files == [f"{corpus}/a.txt", f"{corpus}/sub/b.txt"]
    assert failures == [
        f"{corpus}/passwd.txt: symbolic link to a file outside the folder, not followed (--follow-links follows it)",
        f"{corpus}/private: symbolic link to a folder outside the folder, not followed (--follow-links follows it)",
        f"{corpus}/secret.txt: symbolic link to a file outside the folder, not followed (--follow-links follows it)",
    ]

    files, failures = found([corpus], follow_links=True)
    assert files == [
        f"{corpus}/a.txt",
        f"{corpus}/sub/b.txt",
        f"{corpus}/passwd.txt",
        f"{corpus}/private/secret.txt",  # the same file as the link secret.txt: read once
    ]
    assert failures == []


def test_a_path_named_on_the_command_line_is_read_wherever_it_leads(tmp_path, corpus):
    elsewhere = tmp_path / "elsewhere.txt"
    elsewhere.write_text(ARTICLE)
    (tmp_path / "named.txt").symlink_to(elsewhere)
    (tmp_path / "folder").symlink_to(corpus)
    files, failures = found([tmp_path / "named.txt", tmp_path / "folder"])
    assert files == [f"{tmp_path}/named.txt", f"{tmp_path}/folder/a.txt", f"{tmp_path}/folder/sub/b.txt"]
    assert failures == []


def test_every_file_is_read_once_however_often_it_is_named_or_linked(corpus):
    (corpus / "again.txt").symlink_to(corpus / "a.txt")  # a link inside the folder, to a file in it
    (corpus / "sub" / "up.txt").symlink_to("../a.txt")
    (corpus / "hard.txt").hardlink_to(corpus / "sub" / "b.txt")
    (corpus / "mirror").symlink_to(corpus / "sub")
    given = [corpus, corpus, corpus / "sub", corpus / "a.txt", corpus / "mirror"]
    files, failures = found(given)
    # A file reached in its own place is named by that place, not by a link to it.
    assert files == [f"{corpus}/a.txt", f"{corpus}/hard.txt"]
    assert failures == []


def test_ingesting_the_same_folder_twice_in_one_command_is_not_a_failure(tmp_path, corpus):
    result = CliRunner().invoke(cli, ["ingest", str(corpus), str(corpus), "--db", str(tmp_path / "wb.db")])
    assert result.exit_code == 0, result.output
    assert "skipped" not in result.output
    db = open_db(tmp_path / "wb.db")
    assert sorted(Path(path).name for (path,) in db.execute("SELECT path FROM sources")) == ["a.txt", "b.txt"]


def test_symbolic_link_loops_are_named_as_loops(tmp_path, corpus):
    (corpus / "one.txt").symlink_to("two.txt")
    (corpus / "two.txt").symlink_to("one.txt")
    (corpus / "self.md").symlink_to("self.md")
    (corpus / "sub" / "back").symlink_to("..")
    (corpus / "gone.txt").symlink_to("missing.txt")
    expected = [
        f"{corpus}/gone.txt: broken symbolic link (what it points to does not exist)",
        f"{corpus}/one.txt: symbolic link loop",
        f"{corpus}/self.md: symbolic link loop",
        f"{corpus}/two.txt: symbolic link loop",
        f"{corpus}/sub/back: symbolic link loop (it points back to a folder that contains it)",
    ]
    for follow_links in (False, True):
        files, failures = found([corpus], follow_links=follow_links)
        assert files == [f"{corpus}/a.txt", f"{corpus}/sub/b.txt"]
        assert failures == expected
    files, failures = found([corpus / "one.txt", corpus / "gone.txt", tmp_path / "nothing.txt"])
    assert failures == [
        f"{corpus}/one.txt: symbolic link loop",
        f"{corpus}/gone.txt: broken symbolic link (what it points to does not exist)",
        f"{tmp_path}/nothing.txt: no such file or folder",
    ]


def run_child(code: str, timeout: float = 60) -> list[str]:
    """Run reader code in a child process that can neither hang the suite nor take more
    than 1 GB of memory; its output lines."""
    prelude = "import resource\nresource.setrlimit(resource.RLIMIT_AS, (2**30, 2**30))\n"
    try:
        child = subprocess.run(
            [sys.executable, "-c", prelude + textwrap.dedent(code)], capture_output=True, text=True, timeout=timeout
        )
    except subprocess.TimeoutExpired:
        pytest.fail(f"still reading after {timeout} s")
    assert child.returncode == 0, child.stderr
    return child.stdout.splitlines()


READ_ALL = """
    import sys
    from workbench.readers import ReadFailure, discover, read_path

    for found in discover(sys.argv[1:]):
        if isinstance(found, ReadFailure):
            print(found)
            continue
        for result in read_path(*found):
            print(result if isinstance(result, ReadFailure) else f"{result.path}: read")
"""


def read_all_in_child(*paths: Path, timeout: float = 60) -> list[str]:
    code = READ_ALL.replace("sys.argv[1:]", repr([str(path) for path in paths]))
    return run_child(code, timeout)


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="named pipes are a POSIX thing")
def test_a_named_pipe_is_refused_not_waited_for(tmp_path, corpus):
    os.mkfifo(corpus / "pipe.txt")
    (tmp_path / "waiting.jsonl").symlink_to(corpus / "pipe.txt")
    lines = read_all_in_child(corpus, tmp_path / "waiting.jsonl", corpus / "pipe.txt")
    assert lines == [
        f"{corpus}/a.txt: read",
        f"{corpus}/pipe.txt: not a regular file (a named pipe)",
        f"{corpus}/sub/b.txt: read",
        f"{tmp_path}/waiting.jsonl: not a regular file (a named pipe)",
        f"{corpus}/pipe.txt: not a regular file (a named pipe)",
    ]


@pytest.mark.skipif(not Path("/dev/zero").exists(), reason="no /dev/zero here")
def test_a_device_is_refused_not_read_without_end(tmp_path):
    # Named on the command line, a link is followed: what it leads to must still be a file.
    for name, device in (("zero.txt", "/dev/zero"), ("zero.json", "/dev/zero"), ("random.pdf", "/dev/urandom")):
        (tmp_path / name).symlink_to(device)
    lines = read_all_in_child(tmp_path / "zero.txt", tmp_path / "zero.json", tmp_path / "random.pdf")
    assert lines == [
        f"{tmp_path}/zero.txt: not a regular file (a character device)",
        f"{tmp_path}/zero.json: not a regular file (a character device)",
        f"{tmp_path}/random.pdf: not a regular file (a character device)",
    ]


@pytest.mark.skipif(not Path("/proc/self/status").exists(), reason="no /proc here")
def test_a_file_that_holds_more_than_it_reports_is_read_only_to_its_limit():
    status = Path("/proc/self/status")  # a regular file that says it is empty
    assert status.stat().st_size == 0
    assert open_regular(status, 64 * 1024).read().startswith(b"Name:")
    with pytest.raises(ReadError, match=r"^file too large \(over the limit of 64 bytes\)$"):
        open_regular(status, 64).read()


def without_root_powers() -> list[str]:
    """A command prefix under which file permissions apply, even to root."""
    if os.geteuid() != 0:
        return []
    if shutil.which("setpriv") is None:
        pytest.skip("running as root without setpriv: permissions cannot be tested")
    return ["setpriv", "--bounding-set", "-dac_override,-dac_read_search", "--"]


def test_unreadable_folders_and_files_are_named_not_skipped(tmp_path, corpus):
    (corpus / "locked").mkdir()
    (corpus / "locked" / "c.txt").write_text(ARTICLE)
    (corpus / "closed.txt").write_text(ARTICLE)
    shut = tmp_path / "shut"
    shut.mkdir()
    (shut / "d.txt").write_text(ARTICLE)
    for path in (corpus / "locked", corpus / "closed.txt", shut):
        path.chmod(0)
    code = READ_ALL.replace("sys.argv[1:]", repr([str(corpus), str(shut)]))
    try:
        child = subprocess.run(
            [*without_root_powers(), sys.executable, "-c", textwrap.dedent(code)],
            capture_output=True,
            text=True,
            timeout=60,
        )
    finally:
        for path in (corpus / "locked", corpus / "closed.txt", shut):
            path.chmod(0o755)
    assert child.returncode == 0, child.stderr
    assert child.stdout.splitlines() == [
        f"{corpus}/a.txt: read",
        f"{corpus}/closed.txt: cannot read: permission denied",
        f"{corpus}/locked: cannot read folder: permission denied",
        f"{corpus}/sub/b.txt: read",
        f"{shut}: cannot read folder: permission denied",
    ]


def test_a_file_name_that_is_not_utf8_is_shown_with_its_bytes_escaped(tmp_path):
    folder = tmp_path / "corpus"
    folder.mkdir()
    name = os.fsdecode(b"caf\xe9 \xff.txt")
    (folder / name).write_text(ARTICLE)
    files, failures = found([folder])
    assert files == [f"{folder}/caf\\xe9 \\xff.txt"] and failures == []
    [(shown, path)] = discover([str(folder)])
    [article] = read_path(shown, path)
    for text in (article.key, article.path, article.text, article.title):
        text.encode("utf-8")  # storable and printable: no lone surrogates left
    assert article.path == shown and article.key.endswith("caf\\xe9 \\xff.txt")
    [failure] = read_path(os.fsdecode(b"gone \xff.txt"), tmp_path / os.fsdecode(b"gone \xff.txt"))
    assert str(failure) == "gone \\xff.txt: cannot read: no such file or folder"


def test_a_file_name_that_is_not_utf8_is_ingested(tmp_path):
    folder = tmp_path / "corpus"
    folder.mkdir()
    (folder / os.fsdecode(b"caf\xe9.txt")).write_text(ARTICLE)
    result = CliRunner().invoke(cli, ["ingest", str(folder), "--db", str(tmp_path / "wb.db")])
    assert result.exit_code == 0, result.output
    [(path,)] = open_db(tmp_path / "wb.db").execute("SELECT path FROM sources").fetchall()
    assert path == f"{folder}/caf\\xe9.txt"


def test_ingest_follows_links_out_of_a_folder_only_when_asked(tmp_path, corpus):
    outside = tmp_path / "elsewhere"
    outside.mkdir()
    (outside / "c.txt").write_text(ARTICLE.replace("750", "752"))
    (corpus / "c.txt").symlink_to(outside / "c.txt")
    db_path = tmp_path / "wb.db"

    result = CliRunner().invoke(cli, ["ingest", str(corpus), "--db", str(db_path)])
    assert result.exit_code == 1
    assert f"skipped {corpus}/c.txt: symbolic link to a file outside the folder, not followed" in result.output
    result = CliRunner().invoke(cli, ["ingest", str(corpus), "--follow-links", "--db", str(db_path)])
    assert result.exit_code == 0, result.output
    paths = {Path(path).name for (path,) in open_db(db_path).execute("SELECT path FROM sources")}
    assert paths == {"a.txt", "b.txt", "c.txt"}
