"""Logins (a cookie's token -> reviewer), open connections, and the limits on them.

Kept in the server's memory: a restarted server asks everyone to log in again, and
nothing a reviewer marked is lost by that (every mark is committed when it is made).
"""

from __future__ import annotations

import secrets
import time
import uuid
from dataclasses import dataclass, field

from ..config import DeskConfig


@dataclass
class Login:
    reviewer: str
    account_version: str | None  # the account's changed_at when logged in (None: no accounts, loopback)
    expires: float


@dataclass
class Connection:
    reviewer: str
    id: str = field(default_factory=lambda: uuid.uuid4().hex)
    last_input: float = field(default_factory=time.monotonic)
    asked_to_quit: bool = False  # idle, its app asked to quit (and still open: it holds unsaved work)


class Sessions:
    def __init__(self, limits: DeskConfig) -> None:
        self.limits = limits
        self.logins: dict[str, Login] = {}
        self.connections: dict[str, Connection] = {}

    def log_in(self, reviewer: str, account_version: str | None) -> str:
        token = secrets.token_urlsafe(32)
        self.logins[token] = Login(reviewer, account_version, time.monotonic() + self.limits.session_hours * 3600)
        return token

    def login(self, token: str | None) -> Login | None:
        login = self.logins.get(token or "")
        if login is not None and login.expires < time.monotonic():
            del self.logins[token]
            return None
        return login

    def log_out(self, token: str | None) -> None:
        self.logins.pop(token or "", None)

    def refusal(self, reviewer: str) -> str | None:
        """Why one more connection for ``reviewer`` is refused now, or None."""
        if len(self.connections) >= self.limits.max_sessions:
            return f"The desk is full: {self.limits.max_sessions} review sessions are open. Try again in a few minutes."
        mine = sum(connection.reviewer == reviewer for connection in self.connections.values())
        if mine >= self.limits.max_sessions_per_reviewer:
            return (
                f"You already have {mine} review sessions open (the limit is "
                f"{self.limits.max_sessions_per_reviewer}): close one of them, then reload this page."
            )
        return None

    def open(self, reviewer: str) -> Connection:
        connection = Connection(reviewer)
        self.connections[connection.id] = connection
        return connection

    def close(self, connection: Connection) -> None:
        self.connections.pop(connection.id, None)

    def idle(self) -> list[Connection]:
        """Connections without a key or click for longer than ``idle_minutes``, not asked to quit yet."""
        cutoff = time.monotonic() - self.limits.idle_minutes * 60
        return [
            connection
            for connection in self.connections.values()
            if connection.last_input < cutoff and not connection.asked_to_quit
        ]
