"""Speaking to ``workbench serve`` as a browser does, for the tests and bench/desk.py.

The browser protocol is textual-serve's (its static/js/textual.js): the page opens
``/ws?width=W&height=H``; the browser sends JSON lists (``["stdin", keys]``,
``["resize", {...}]``, ``["ping", stamp]``) and receives the app's terminal output as
binary frames.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
import signal
import socket
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import aiohttp

ROOT = Path(__file__).resolve().parents[2]
WORKBENCH = [sys.executable, "-m", "workbench"]
PASSWORDS = {"ana": "ana's long passphrase", "ben": "ben's long passphrase"}
# The review screen has drawn its counts bar: it takes keys from here on.
READY = b"reviewed"
TIMEOUT = 60.0


def build_database(path: Path, corpus: Path = ROOT / "fixtures") -> Path:
    subprocess.run([*WORKBENCH, "ingest", str(corpus), "--db", str(path)], check=True, capture_output=True, timeout=300)
    return path


def add_accounts(path: Path, passwords: dict[str, str]) -> None:
    for name, password in passwords.items():
        subprocess.run(
            [*WORKBENCH, "reviewers", "add", name, "--db", str(path), "--password-stdin"],
            input=password + "\n",
            text=True,
            check=True,
            capture_output=True,
            timeout=60,
        )


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class DeskProcess:
    """``workbench serve`` in its own process group (its review apps and Litestream with it)."""

    def __init__(self, db_path: Path, *extra: str, log: Path | None = None) -> None:
        self.db_path = db_path
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.extra = extra
        self.log = log or db_path.with_name(f"serve-{self.port}.log")
        self.process: subprocess.Popen | None = None

    def __enter__(self) -> DeskProcess:
        with open(self.log, "wb") as log:
            self.process = subprocess.Popen(
                [*WORKBENCH, "serve", "--db", str(self.db_path), "--port", str(self.port), *self.extra],
                stdout=log,
                stderr=subprocess.STDOUT,
                stdin=subprocess.DEVNULL,
                start_new_session=True,
            )
        deadline = time.monotonic() + TIMEOUT
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"workbench serve exited: {self.log.read_text()}")
            try:
                socket.create_connection(("127.0.0.1", self.port), timeout=1).close()
                return self
            except OSError:
                time.sleep(0.1)
        self.kill()
        raise TimeoutError(f"workbench serve did not listen within {TIMEOUT} s")

    def kill(self, sig: int = signal.SIGKILL) -> None:
        if self.process is not None and self.process.poll() is None:
            os.killpg(self.process.pid, sig)
            self.process.wait(timeout=TIMEOUT)

    def __exit__(self, *exc: object) -> None:
        self.kill()


def new_browser() -> aiohttp.ClientSession:
    """A client that keeps cookies for 127.0.0.1 as a browser does."""
    return aiohttp.ClientSession(
        cookie_jar=aiohttp.CookieJar(unsafe=True), timeout=aiohttp.ClientTimeout(total=TIMEOUT)
    )


async def log_in(browser: aiohttp.ClientSession, url: str, name: str, password: str) -> int:
    response = await browser.post(
        f"{url}/login", data={"name": name, "password": password}, headers={"Origin": url}, allow_redirects=False
    )
    return response.status


class Review:
    """One browser tab on the review screen."""

    def __init__(self, websocket: aiohttp.ClientWebSocketResponse) -> None:
        self.websocket = websocket
        self.screen = b""

    async def wait_for(self, text: bytes, timeout: float = TIMEOUT) -> None:
        deadline = time.monotonic() + timeout
        while text not in self.screen:
            message = await asyncio.wait_for(self.websocket.receive(), max(deadline - time.monotonic(), 0.01))
            if message.type == aiohttp.WSMsgType.BINARY:
                self.screen += message.data
            elif message.type in (aiohttp.WSMsgType.CLOSE, aiohttp.WSMsgType.CLOSED, aiohttp.WSMsgType.ERROR):
                raise ConnectionError(f"the server closed the review screen before showing {text!r}")

    async def drain(self) -> None:
        """Read what the app sent (as a browser does) so its output never backs up."""
        while True:
            message = await self.websocket.receive()
            if message.type == aiohttp.WSMsgType.BINARY:
                self.screen = (self.screen + message.data)[-200_000:]
            elif message.type in (aiohttp.WSMsgType.CLOSE, aiohttp.WSMsgType.CLOSED, aiohttp.WSMsgType.ERROR):
                return

    async def press(self, keys: str) -> None:
        await self.websocket.send_str(json.dumps(["stdin", keys]))


async def open_review(
    browser: aiohttp.ClientSession, url: str, *, origin: str | None = None, query: str = "", timeout: float = TIMEOUT
) -> Review:
    """Open the websocket as the page does, and wait for the review screen to be drawn."""
    websocket = await browser.ws_connect(
        f"{url}/ws?width=120&height=40{query}",
        headers={"Origin": origin or url},
        timeout=aiohttp.ClientWSTimeout(ws_receive=None, ws_close=10),  # reads wait as long as their caller says
    )
    review = Review(websocket)
    await review.wait_for(READY, timeout)
    await websocket.send_str(json.dumps(["focus"]))  # as the page does when its terminal has the keyboard
    return review


def reviews(db_path: Path) -> list[tuple[str, str, str]]:
    """(item id, status, reviewer) of every review, oldest first."""
    with contextlib.closing(sqlite3.connect(db_path, timeout=30)) as conn:
        return conn.execute("SELECT item_id, status, reviewer FROM reviews ORDER BY id").fetchall()


async def wait_until(predicate, timeout: float = TIMEOUT, step: float = 0.1) -> None:
    deadline = time.monotonic() + timeout
    while not predicate():
        if time.monotonic() > deadline:
            raise TimeoutError("condition not met in time")
        await asyncio.sleep(step)
