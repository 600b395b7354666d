"""The desk's tables: reviewers' accounts (scrypt), who is connected now, login attempts.

Passwords are kept only as scrypt hashes (memory-hard, from the standard library) with a
salt of their own and the parameters they were hashed with, so the cost can be raised
later without locking anyone out.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import re
import secrets
from dataclasses import dataclass

from sqlite_utils import Database

from .database import now, write_transaction

# About 16 MiB and 50 ms per hash: cheap for one login, costly for a guesser.
SCRYPT_N, SCRYPT_R, SCRYPT_P = 2**14, 8, 1
SALT_BYTES = 16
HASH_BYTES = 32
MIN_PASSWORD = 10
# A name goes into the reviews table and the app's command line: word characters, '.', '@', '-'.
REVIEWER_NAME = re.compile(r"[\w.@-]{1,64}")
# The failures that count towards slowing the next login down.
FAILURE_WINDOW = dt.timedelta(minutes=15)


class AccountError(ValueError):
    """An account cannot be added or changed; the message is one line."""


@dataclass(frozen=True)
class Account:
    name: str
    created_at: str
    changed_at: str


def check_name(name: str) -> str:
    if not REVIEWER_NAME.fullmatch(name):
        raise AccountError(f"{name!r} is not a reviewer name: 1 to 64 letters, digits, '_', '.', '@' or '-', no spaces")
    return name


def _hash(password: str, salt: bytes, n: int, r: int, p: int) -> bytes:
    return hashlib.scrypt(password.encode("utf-8"), salt=salt, n=n, r=r, p=p, maxmem=256 * n * r * p, dklen=HASH_BYTES)


def _hashed(password: str) -> dict:
    if len(password) < MIN_PASSWORD:
        raise AccountError(f"the password must have at least {MIN_PASSWORD} characters")
    salt = secrets.token_bytes(SALT_BYTES)
    return {
        "salt": salt,
        "password_hash": _hash(password, salt, SCRYPT_N, SCRYPT_R, SCRYPT_P),
        "scrypt_n": SCRYPT_N,
        "scrypt_r": SCRYPT_R,
        "scrypt_p": SCRYPT_P,
    }


def add_reviewer(db: Database, name: str, password: str) -> None:
    check_name(name)
    row = _hashed(password)
    stamp = now()
    with write_transaction(db):
        if db.execute("SELECT 1 FROM desk_reviewers WHERE name = ?", [name]).fetchone():
            raise AccountError(f"reviewer {name} already has an account (change the password with `passwd`)")
        db["desk_reviewers"].insert({"name": name, **row, "created_at": stamp, "changed_at": stamp})


def set_password(db: Database, name: str, password: str) -> None:
    row = _hashed(password)
    with write_transaction(db):
        changed = db.execute(
            "UPDATE desk_reviewers SET salt = ?, password_hash = ?, scrypt_n = ?, scrypt_r = ?, scrypt_p = ?,"
            " changed_at = ? WHERE name = ?",
            [*row.values(), now(), name],
        ).rowcount
    if not changed:
        raise AccountError(f"no reviewer account named {name}")


def remove_reviewer(db: Database, name: str) -> None:
    """Remove the account (the reviewer's verdicts stay, under their name)."""
    with write_transaction(db):
        if not db.execute("DELETE FROM desk_reviewers WHERE name = ?", [name]).rowcount:
            raise AccountError(f"no reviewer account named {name}")


def accounts(db: Database) -> list[Account]:
    return [
        Account(*row) for row in db.execute("SELECT name, created_at, changed_at FROM desk_reviewers ORDER BY name")
    ]


def has_accounts(db: Database) -> bool:
    return db.execute("SELECT 1 FROM desk_reviewers LIMIT 1").fetchone() is not None


def account_version(db: Database, name: str) -> str | None:
    """When the account's password last changed (None: no such account). A session holds
    the value it logged in with, so a new password or a removal ends older sessions."""
    row = db.execute("SELECT changed_at FROM desk_reviewers WHERE name = ?", [name]).fetchone()
    return row[0] if row else None


def verify_password(db: Database, name: str, password: str) -> str | None:
    """The account's version if ``password`` is its password, else None. An unknown name
    costs one hash too, so timing does not tell which names exist."""
    row = db.execute(
        "SELECT salt, password_hash, scrypt_n, scrypt_r, scrypt_p, changed_at FROM desk_reviewers WHERE name = ?",
        [name],
    ).fetchone()
    if row is None:
        _hash(password, b"\0" * SALT_BYTES, SCRYPT_N, SCRYPT_R, SCRYPT_P)
        return None
    salt, stored, n, r, p, changed_at = row
    return changed_at if hmac.compare_digest(_hash(password, salt, n, r, p), stored) else None


def record_login(db: Database, name: str, remote: str, ok: bool) -> None:
    with write_transaction(db):
        db["desk_logins"].insert({"reviewer": name[:200], "remote": remote[:200], "ok": int(ok), "at": now()})


def recent_failures(db: Database, name: str, remote: str) -> int:
    """Failed logins in the last :data:`FAILURE_WINDOW` for this name or from this address,
    since the last success of that name."""
    since = (dt.datetime.now(dt.UTC) - FAILURE_WINDOW).isoformat(timespec="microseconds")
    last_ok = db.execute("SELECT max(at) FROM desk_logins WHERE reviewer = ? AND ok", [name]).fetchone()[0]
    return db.execute(
        "SELECT count(*) FROM desk_logins WHERE NOT ok AND at > ? AND (reviewer = ? OR remote = ?)",
        [max(since, last_ok or ""), name, remote],
    ).fetchone()[0]


def join(db: Database, connection: str, reviewer: str) -> None:
    stamp = now()
    with write_transaction(db):
        db["desk_presence"].insert(
            {"connection": connection, "reviewer": reviewer, "started_at": stamp, "seen_at": stamp}, replace=True
        )


def seen(db: Database, connections: list[str]) -> None:
    stamp = now()
    with write_transaction(db):
        db.executemany("UPDATE desk_presence SET seen_at = ? WHERE connection = ?", [(stamp, c) for c in connections])


def leave(db: Database, connection: str) -> None:
    with write_transaction(db):
        db.execute("DELETE FROM desk_presence WHERE connection = ?", [connection])


def clear_presence(db: Database) -> None:
    """At server start: connections of a server that died are not anyone reviewing now."""
    with write_transaction(db):
        db.execute("DELETE FROM desk_presence")


def present_reviewers(db: Database, stale_after: dt.timedelta = dt.timedelta(minutes=2)) -> list[str]:
    """Who is reviewing through the desk now, by name, each once (a connection the server
    has not vouched for within ``stale_after`` is left out: its server may have died)."""
    since = (dt.datetime.now(dt.UTC) - stale_after).isoformat(timespec="microseconds")
    return [
        row[0]
        for row in db.execute(
            "SELECT DISTINCT reviewer FROM desk_presence WHERE seen_at > ? ORDER BY reviewer", [since]
        )
    ]
