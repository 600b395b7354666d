"""Reviewers' accounts and presence: the real commands on a real database file."""

from __future__ import annotations

import datetime as dt
import hashlib
import subprocess

import pytest
from desk_client import WORKBENCH

from workbench.config import ConfigError, parse_config
from workbench.store.database import open_db, write_transaction
from workbench.store.desk import join, present_reviewers, verify_password


def reviewers(*args: str, password: str | None = None) -> subprocess.CompletedProcess:
    return subprocess.run(
        [*WORKBENCH, "reviewers", *args, *(["--password-stdin"] if password is not None else [])],
        input=None if password is None else password + "\n",
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_accounts_are_added_listed_changed_and_removed_with_scrypt_hashes_only(open_db_path):
    db_arg = ("--db", str(open_db_path))
    assert reviewers("add", "ana", *db_arg, password="a long passphrase").returncode == 0
    listed = reviewers("list", *db_arg)
    assert listed.stdout.startswith("ana\t")
    db = open_db(open_db_path)
    salt, stored, n, r, p = db.execute(
        "SELECT salt, password_hash, scrypt_n, scrypt_r, scrypt_p FROM desk_reviewers"
    ).fetchone()
    assert b"a long passphrase" not in stored + salt
    assert stored == hashlib.scrypt(b"a long passphrase", salt=salt, n=n, r=r, p=p, maxmem=2**30, dklen=32)
    assert verify_password(db, "ana", "a long passphrase") and not verify_password(db, "ana", "a long passphrase!")
    assert reviewers("passwd", "ana", *db_arg, password="another passphrase").returncode == 0
    assert verify_password(db, "ana", "another passphrase") and not verify_password(db, "ana", "a long passphrase")
    assert reviewers("remove", "ana", *db_arg).returncode == 0
    assert reviewers("list", *db_arg).stdout == ""


@pytest.mark.parametrize(
    ("args", "password", "message"),
    [
        (("add", "ana"), "short", "at least 10 characters"),
        (("add", "ana ben"), "a long passphrase", "not a reviewer name"),
        (("add", "ana;rm"), "a long passphrase", "not a reviewer name"),
        (("passwd", "nobody"), "a long passphrase", "no reviewer account named nobody"),
        (("remove", "nobody"), None, "no reviewer account named nobody"),
    ],
)
def test_account_mistakes_are_one_line(open_db_path, args, password, message):
    result = reviewers(*args, "--db", str(open_db_path), password=password)
    assert result.returncode == 1
    assert result.stderr.count("\n") == 1 and message in result.stderr


def test_an_existing_account_is_not_replaced(open_db_path):
    assert reviewers("add", "ana", "--db", str(open_db_path), password="a long passphrase").returncode == 0
    again = reviewers("add", "ana", "--db", str(open_db_path), password="another passphrase")
    assert again.returncode == 1 and "already has an account" in again.stderr
    assert verify_password(open_db(open_db_path), "ana", "a long passphrase")


def test_present_reviewers_leaves_out_connections_nobody_vouched_for(open_db_path):
    db = open_db(open_db_path)
    join(db, "c1", "ben")
    join(db, "c2", "ana")
    join(db, "c3", "ana")
    assert present_reviewers(db) == ["ana", "ben"]
    old = (dt.datetime.now(dt.UTC) - dt.timedelta(minutes=5)).isoformat()
    with write_transaction(db):
        db.execute("UPDATE desk_presence SET seen_at = ? WHERE reviewer = 'ben'", [old])  # its server died
    assert present_reviewers(db) == ["ana"]


@pytest.mark.parametrize(
    ("table", "message"),
    [
        ({"max_sessions": 2.5}, "max_sessions must be a positive integer"),
        ({"idle_minutes": 0}, "idle_minutes must be a positive number"),
        ({"idle_minute": 5}, "unknown key 'idle_minute'"),
    ],
)
def test_desk_settings_are_checked(table, message):
    with pytest.raises(ConfigError, match=message):
        parse_config({"desk": table})
    assert parse_config({"desk": {"idle_minutes": 0.5}}).desk.idle_minutes == 0.5
