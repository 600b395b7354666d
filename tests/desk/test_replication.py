"""Replication with Litestream: the host is killed (SIGKILL) after a stream of marks, the
database is restored from the replica (a folder; an S3-compatible and an SFTP server on loopback) into
a new file, and every mark is there."""

from __future__ import annotations

import asyncio
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest
from desk_client import (
    PASSWORDS,
    WORKBENCH,
    DeskProcess,
    free_port,
    log_in,
    new_browser,
    open_review,
    reviews,
    wait_until,
)

# Litestream ships the WAL about once a second; this is well past it.
REPLICATION_LAG = 4.0


def restore(replica, target) -> subprocess.CompletedProcess:
    return subprocess.run(
        [*WORKBENCH, "restore", str(replica), str(target)], capture_output=True, text=True, timeout=120
    )


async def mark_then_kill_the_host(desk_db, replica: str, keys: str) -> None:
    """``ana`` types ``keys`` (one mark each); once the replica has caught up the host is
    killed with SIGKILL: the server, its review apps and Litestream at once."""
    with DeskProcess(desk_db, "--replicate", replica) as desk:
        async with new_browser() as browser:
            assert await log_in(browser, desk.url, "ana", PASSWORDS["ana"]) == 303
            review = await open_review(browser, desk.url)
            for key in keys:
                await review.press(key)
            await wait_until(lambda: len(reviews(desk.db_path)) == len(keys))
            await asyncio.sleep(REPLICATION_LAG)
            desk.kill()


async def test_marks_survive_the_host_killed_after_the_replica_caught_up(desk_db, tmp_path):
    replica = tmp_path / "replica"
    await mark_then_kill_the_host(desk_db, str(replica), "41235")
    restored = tmp_path / "restored.db"
    result = restore(replica, restored)
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith(f"Restored {restored}: 5 reviews")
    assert reviews(restored) == reviews(desk_db)
    assert {reviewer for _, _, reviewer in reviews(restored)} == {"ana"}


def test_a_restore_never_overwrites_and_a_missing_replica_is_one_line(desk_db, tmp_path):
    into_existing = restore(tmp_path, desk_db)
    assert into_existing.returncode == 1 and "already exists; restore into a new file" in into_existing.stderr
    nothing = restore(tmp_path / "no-replica", tmp_path / "new.db")
    assert nothing.returncode == 1 and nothing.stderr.count("\n") == 1 and "cannot restore" in nothing.stderr
    assert not (tmp_path / "new.db").exists()


@pytest.fixture
def s3_endpoint(monkeypatch):
    """An S3-compatible server (moto's) on a free loopback port with an empty bucket ``desk``;
    the credentials in the environment, where Litestream reads them (never in the URL)."""
    pytest.importorskip("moto")
    moto_server = Path(sys.executable).with_name("moto_server")
    if not moto_server.exists():
        pytest.skip("moto_server not installed (pip install 'moto[server]')")
    port = free_port()
    server = subprocess.Popen(
        [str(moto_server), "-H", "127.0.0.1", "-p", str(port)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    endpoint = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                urllib.request.urlopen(urllib.request.Request(f"{endpoint}/desk", method="PUT"), timeout=2)
                break
            except OSError:
                if time.monotonic() > deadline or server.poll() is not None:
                    pytest.skip("the S3-compatible test server did not start")
                time.sleep(0.2)
        for name, value in {
            "AWS_ACCESS_KEY_ID": "desk-test-key",
            "AWS_SECRET_ACCESS_KEY": "desk-test-secret",
            "AWS_REGION": "us-east-1",
        }.items():
            monkeypatch.setenv(name, value)
        # Litestream 0.5.17 cannot load its AWS configuration with a CA bundle named here
        # ("unable to add custom RootCAs"); the test server is plain http (docs/DESK.md).
        monkeypatch.delenv("AWS_CA_BUNDLE", raising=False)
        yield endpoint
    finally:
        server.terminate()
        server.wait(timeout=30)


async def test_marks_survive_the_host_killed_with_an_s3_replica(desk_db, tmp_path, s3_endpoint):
    replica = f"s3://desk/workbench?endpoint={s3_endpoint}&region=us-east-1"
    await mark_then_kill_the_host(desk_db, replica, "413")
    restored = tmp_path / "restored.db"
    result = restore(replica, restored)
    if result.returncode != 0:
        log = desk_db.with_name(desk_db.name + ".litestream.log").read_text(errors="replace")
        if "connection refused" in log.lower() or "dial tcp" in log.lower():
            pytest.skip(f"litestream could not reach the S3 test server: {log.strip().splitlines()[-1]}")
    assert result.returncode == 0, result.stderr
    assert reviews(restored) == reviews(desk_db)
    assert {reviewer for _, _, reviewer in reviews(restored)} == {"ana"}


@pytest.fixture
def sftp_endpoint(tmp_path):
    """An SFTP server (``sftpserver``, paramiko's, which takes any password) on a free
    loopback port, serving a folder of its own; the URL without its path."""
    paramiko = pytest.importorskip("paramiko")
    server_script = Path(sys.executable).with_name("sftpserver")
    if not server_script.exists():
        pytest.skip("sftpserver not installed (pip install sftpserver)")
    host_key = tmp_path / "host_key"
    paramiko.RSAKey.generate(2048).write_private_key_file(str(host_key))
    served = tmp_path / "sftp"
    served.mkdir()
    port = free_port()
    server = subprocess.Popen(
        [str(server_script), "-k", str(host_key), "--host", "127.0.0.1", "-p", str(port), "-l", "WARNING"],
        cwd=served,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + 30
        while True:
            try:  # a whole SFTP session: the server serves one at a time, and a bare connect would end it
                with paramiko.Transport(socket.create_connection(("127.0.0.1", port), timeout=2)) as transport:
                    transport.connect(username="desk", password="desk-test-password")
                    paramiko.SFTPClient.from_transport(transport).close()
                break
            except (OSError, paramiko.SSHException):
                if time.monotonic() > deadline or server.poll() is not None:
                    pytest.skip("the SFTP test server did not start")
                time.sleep(0.2)
        yield f"sftp://desk:desk-test-password@127.0.0.1:{port}", served
    finally:
        server.terminate()
        server.wait(timeout=30)


async def test_marks_survive_the_host_killed_with_an_sftp_replica(desk_db, tmp_path, sftp_endpoint):
    url, served = sftp_endpoint
    replica = f"{url}/replica"
    await mark_then_kill_the_host(desk_db, replica, "4123")
    assert any((served / "replica").rglob("*.ltx"))  # what Litestream wrote, on the server's side
    restored = tmp_path / "restored.db"
    result = restore(replica, restored)
    assert result.returncode == 0, result.stderr
    assert reviews(restored) == reviews(desk_db)
    assert {reviewer for _, _, reviewer in reviews(restored)} == {"ana"}
