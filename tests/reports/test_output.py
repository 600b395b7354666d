"""``export -o`` writes where it is told without replacing what is there: through links,
named pipes, devices and standard output; a regular file only when the report is
complete; never the database; every write error one line; never a temporary file left.

Devices are private nodes made with ``mknod`` when the tests may (so nothing system-wide
is at stake), else the system's ``/dev/null`` and ``/dev/full``.
"""

from __future__ import annotations

import os
import signal
import stat
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from click.testing import CliRunner

from workbench.cli import cli
from workbench.store.database import open_db, write_transaction
from workbench.store.reviews import mark

WORKBENCH = str(Path(sys.executable).parent / "workbench")
STALLING = str(Path(__file__).resolve().parent / "stalling_export.py")
TEXT = "Unemployment fell by 5% last year, the minister said."


@pytest.fixture
def desk(tmp_path) -> Path:
    """A folder with a real database: one article, one item, one verdict."""
    path = tmp_path / "workbench.db"
    db = open_db(path)
    with write_transaction(db):
        db["sources"].insert(
            {
                "id": "s00000000001",
                "key": "k",
                "path": "/corpus/a.txt",
                "title": "Jobs",
                "sha256": "0",
                "text": TEXT,
                "format": "txt",
                "extractor": "test",
                "ingested_at": "2026-01-01T00:00:00+00:00",
            }
        )
        db["items"].insert(
            {
                "id": "i000000000000001",
                "source_id": "s00000000001",
                "seq": 0,
                "kind": "claim",
                "text": TEXT,
                "start": 0,
                "end": len(TEXT),
                "paragraph": 0,
                "first_seen": "2026-01-01T00:00:00+00:00",
            }
        )
    mark(db, "i000000000000001", "false", note="Closer to 3%.", reviewer="ana")
    db.close()
    return tmp_path


def export(desk: Path, output: str | Path, *args: str):
    return CliRunner().invoke(
        cli, ["export", "--db", str(desk / "workbench.db"), "-o", str(output), *args], catch_exceptions=False
    )


def one_error_line(result, reason: str) -> None:
    assert result.exit_code == 1
    assert result.stderr.count("\n") == 1 and result.stderr.startswith("error: ") and reason in result.stderr, (
        result.stderr
    )


def leftovers(folder: Path) -> list[str]:
    return [path.name for path in folder.iterdir() if path.name.endswith(".tmp")]


def device(folder: Path, name: str, minor: int) -> Path:
    """A private character device (1, minor) in ``folder`` if this user may make one, else the system's."""
    path = folder / name
    try:
        os.mknod(path, stat.S_IFCHR | 0o666, os.makedev(1, minor))
    except PermissionError:
        return Path("/dev") / name
    return path


def test_a_link_to_a_report_stays_a_link_and_its_target_gets_the_report(desk, tmp_path):
    reports = tmp_path / "reports"
    reports.mkdir()
    target = reports / "latest.md"
    target.write_text("last week's report\n", encoding="utf-8")
    target.chmod(0o640)
    link = tmp_path / "report.md"
    link.symlink_to(target)
    chain = tmp_path / "chain.md"
    chain.symlink_to(link)
    assert export(desk, chain).exit_code == 0
    assert chain.is_symlink() and link.is_symlink() and os.readlink(link) == str(target)
    assert target.read_text(encoding="utf-8").startswith("# Verdict report")
    assert stat.S_IMODE(target.stat().st_mode) == 0o640
    assert leftovers(tmp_path) == leftovers(reports) == []


def test_a_dangling_link_gets_its_target_created(desk, tmp_path):
    link = tmp_path / "report.csv"
    link.symlink_to(tmp_path / "not-yet.csv")
    assert export(desk, link).exit_code == 0
    assert link.is_symlink() and (tmp_path / "not-yet.csv").read_text(encoding="utf-8").startswith("id,kind,")


def test_an_existing_file_keeps_its_permissions_and_a_new_one_follows_the_umask(desk, tmp_path):
    kept = tmp_path / "kept.json"
    kept.write_text("{}", encoding="utf-8")
    kept.chmod(0o600)
    assert export(desk, kept).exit_code == 0
    assert stat.S_IMODE(kept.stat().st_mode) == 0o600 and kept.read_text(encoding="utf-8").startswith("{")
    new = tmp_path / "new.json"
    command = f"umask 027 && exec {WORKBENCH} export --db {desk / 'workbench.db'} -o {new}"
    subprocess.run(["sh", "-c", command], check=True, capture_output=True, timeout=120)
    assert stat.S_IMODE(new.stat().st_mode) == 0o640


def test_a_named_pipe_is_written_through_not_replaced(desk, tmp_path):
    pipe = tmp_path / "report.pipe"
    os.mkfifo(pipe)
    received = []
    reader = threading.Thread(target=lambda: received.append(pipe.read_bytes()))
    reader.start()
    result = export(desk, pipe, "--format", "md")
    reader.join(timeout=60)
    assert result.exit_code == 0, result.stderr
    assert stat.S_ISFIFO(pipe.lstat().st_mode)
    assert received[0].decode("utf-8").startswith("# Verdict report")
    assert leftovers(tmp_path) == []


def test_the_null_device_stays_a_device(desk, tmp_path):
    null = device(tmp_path, "null", 3)
    result = export(desk, null, "--format", "html")
    assert result.exit_code == 0, result.stderr
    assert stat.S_ISCHR(null.lstat().st_mode) and not leftovers(null.parent)


def test_a_full_device_is_one_line_and_exit_1(desk, tmp_path):
    full = device(tmp_path, "full", 7)
    one_error_line(export(desk, full, "--format", "json"), f"{full}: No space left on device")
    assert stat.S_ISCHR(full.lstat().st_mode) and not leftovers(full.parent)


def test_a_full_standard_output_is_one_line_and_exit_1(desk, tmp_path):
    with open(device(tmp_path, "full", 7), "w") as full:
        result = subprocess.run(
            [WORKBENCH, "export", "--db", str(desk / "workbench.db")], stdout=full, capture_output=False,
            stderr=subprocess.PIPE, text=True, timeout=120,
        )  # fmt: skip
    assert result.returncode == 1
    assert result.stderr == "error: standard output: No space left on device\n"


@pytest.mark.parametrize("name", ["/dev/stdout", "/proc/self/fd/1", "/dev/fd/1"])
def test_standard_output_by_name_is_written_through(desk, tmp_path, name):
    command = [WORKBENCH, "export", "--db", str(desk / "workbench.db"), "--format", "csv", "-o", name]
    piped = subprocess.run(command, capture_output=True, text=True, timeout=120)
    assert piped.returncode == 0, piped.stderr
    assert piped.stdout.startswith("id,kind,") and piped.stdout.count("\n") == 2
    log = tmp_path / "log.txt"
    log.write_text("earlier lines\n", encoding="utf-8")
    with open(log, "a", encoding="utf-8") as appended:  # the shell's >>
        subprocess.run(command, stdout=appended, stderr=subprocess.PIPE, check=True, timeout=120)
    assert log.read_text(encoding="utf-8").startswith("earlier lines\nid,kind,")
    assert Path("/dev/stdout").is_symlink()


def test_standard_error_by_name_is_written_through(desk):
    command = [WORKBENCH, "export", "--db", str(desk / "workbench.db"), "--format", "csv", "-o", "/dev/stderr"]
    result = subprocess.run(command, capture_output=True, text=True, timeout=120)
    assert result.returncode == 0 and result.stdout == ""
    assert result.stderr.startswith("id,kind,") and result.stderr.endswith("exported 1 items to /dev/stderr\n")


@pytest.mark.parametrize("given", ["workbench.db", "workbench.db-wal", "workbench.db-shm", "workbench.toml", "db.md"])
def test_the_database_its_journals_and_the_configuration_are_never_replaced(desk, given):
    (desk / "workbench.toml").write_text('[report]\ntitle = "Desk"\n', encoding="utf-8")
    (desk / "db.md").symlink_to(desk / "workbench.db")
    database = (desk / "workbench.db").read_bytes()
    one_error_line(export(desk, desk / "sub" / ".." / given if given != "db.md" else desk / given), "never replaces it")
    assert (desk / "workbench.db").read_bytes() == database and (desk / "db.md").is_symlink()
    assert (desk / "workbench.toml").read_text(encoding="utf-8") == '[report]\ntitle = "Desk"\n'
    db = open_db(desk / "workbench.db", readonly=True)
    assert db.execute("SELECT status, note FROM reviews").fetchall() == [("false", "Closer to 3%.")]


def test_a_folder_or_an_empty_name_is_one_line(desk, tmp_path):
    one_error_line(export(desk, tmp_path), "is a folder")
    one_error_line(CliRunner().invoke(cli, ["export", "--db", str(desk / "workbench.db"), "-o", ""]), "empty")


def test_the_longest_file_name_is_written(desk, tmp_path):
    target = tmp_path / ("r" * 250 + ".md")
    assert export(desk, target).exit_code == 0
    assert target.read_text(encoding="utf-8").startswith("# Verdict report") and leftovers(tmp_path) == []


def stalled(desk: Path, target: Path, mode: str) -> subprocess.Popen:
    ready = desk / "ready"
    command = [sys.executable, STALLING, str(ready), mode, "export", "--db", str(desk / "workbench.db"), "-o"]
    process = subprocess.Popen([*command, str(target)], stderr=subprocess.PIPE, text=True)
    deadline = time.monotonic() + 60
    while mode == "stall" and not ready.exists() and process.poll() is None and time.monotonic() < deadline:
        time.sleep(0.05)
    return process


@pytest.mark.parametrize("stop", [signal.SIGTERM, signal.SIGINT, signal.SIGHUP])
def test_a_stopped_export_leaves_the_old_report_and_no_temporary_file(desk, tmp_path, stop):
    target = tmp_path / "report.stall"
    target.write_text("the previous report\n", encoding="utf-8")
    process = stalled(desk, target, "stall")
    assert process.poll() is None, process.stderr.read()
    assert leftovers(tmp_path)  # the report being written, beside its target
    process.send_signal(stop)
    process.wait(timeout=60)
    assert process.returncode != 0
    assert target.read_text(encoding="utf-8") == "the previous report\n" and leftovers(tmp_path) == []


def test_a_failed_write_leaves_the_old_report_and_no_temporary_file(desk, tmp_path):
    target = tmp_path / "report.fail"
    target.write_text("the previous report\n", encoding="utf-8")
    process = stalled(desk, target, "fail")
    _, stderr = process.communicate(timeout=120)
    assert process.returncode == 1 and stderr == f"error: {target}: No space left on device\n"
    assert target.read_text(encoding="utf-8") == "the previous report\n" and leftovers(tmp_path) == []


def test_a_file_name_with_escape_sequences_is_written_and_shown_literally(desk, tmp_path):
    target = tmp_path / "\x1b]0;pwned\x07report\u202egpj.md"
    result = export(desk, target)
    assert result.exit_code == 0 and target.read_text(encoding="utf-8").startswith("# Verdict report")
    assert result.stderr == f"exported 1 items to {tmp_path}/␛]0;pwned␇report<U+202E>gpj.md\n"
