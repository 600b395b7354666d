"""A real browser: headless Chromium logs in on the login page, the review screen draws in
its terminal, and a key typed into the page marks an item under the logged-in name.

Spoken to over the DevTools protocol (a websocket, with aiohttp); skipped where Debian's
``chromium`` is not installed (``.ci/run`` installs it).
"""

from __future__ import annotations

import asyncio
import base64
import itertools
import json
import os
import shutil
import signal
import subprocess
import time
from pathlib import Path

import aiohttp
import pytest
from desk_client import PASSWORDS, TIMEOUT, reviews, wait_until

CHROMIUM = shutil.which("chromium")
pytestmark = pytest.mark.skipif(CHROMIUM is None, reason="chromium is not installed (apt-get install chromium)")


class Page:
    """One tab, driven over the DevTools protocol."""

    def __init__(self, websocket: aiohttp.ClientWebSocketResponse) -> None:
        self.websocket = websocket
        self.ids = itertools.count(1)
        self.frames: list[bytes] = []  # what the review screen's websocket brought to the page
        self.pending: dict[int, asyncio.Future] = {}
        self.reader = asyncio.create_task(self.read())

    async def read(self) -> None:
        async for message in self.websocket:
            event = json.loads(message.data)
            if "id" in event and event["id"] in self.pending:
                self.pending.pop(event["id"]).set_result(event)
            elif event.get("method") == "Network.webSocketFrameReceived":
                response = event["params"]["response"]
                if response["opcode"] == 2:  # binary: the app's terminal output
                    self.frames.append(base64.b64decode(response["payloadData"]))

    async def send(self, method: str, **params) -> dict:
        call = next(self.ids)
        self.pending[call] = asyncio.get_running_loop().create_future()
        await self.websocket.send_str(json.dumps({"id": call, "method": method, "params": params}))
        reply = await asyncio.wait_for(self.pending[call], TIMEOUT)
        assert "error" not in reply, reply
        return reply["result"]

    async def evaluate(self, expression: str):
        return (await self.send("Runtime.evaluate", expression=expression, returnByValue=True))["result"].get("value")

    async def wait_for(self, expression: str) -> None:
        deadline = time.monotonic() + TIMEOUT
        while not await self.evaluate(expression):
            assert time.monotonic() < deadline, f"the page never satisfied {expression}"
            await asyncio.sleep(0.2)

    async def type(self, text: str) -> None:
        for char in text:
            await self.send("Input.dispatchKeyEvent", type="keyDown", key=char, text=char)
            await self.send("Input.dispatchKeyEvent", type="keyUp", key=char)


@pytest.fixture
def chromium(tmp_path: Path):
    profile = tmp_path / "chromium-profile"
    process = subprocess.Popen(
        [
            CHROMIUM,
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--no-first-run",
            "--remote-debugging-port=0",
            f"--user-data-dir={profile}",
            "about:blank",
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    try:
        deadline = time.monotonic() + TIMEOUT
        port_file = profile / "DevToolsActivePort"
        while not (port_file.exists() and port_file.read_text().count("\n") >= 1):
            assert process.poll() is None and time.monotonic() < deadline, "chromium did not start"
            time.sleep(0.1)
        yield int(port_file.read_text().splitlines()[0])
    finally:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=TIMEOUT)


async def test_chromium_logs_in_sees_the_review_screen_and_marks_as_the_logged_in_reviewer(desk, chromium):
    async with aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=TIMEOUT)) as client:
        targets = await (await client.get(f"http://127.0.0.1:{chromium}/json/list")).json()
        tab = next(target for target in targets if target["type"] == "page")
        async with client.ws_connect(tab["webSocketDebuggerUrl"], max_msg_size=0) as devtools:
            page = Page(devtools)
            await page.send("Network.enable")
            await page.send("Page.enable")
            await page.send("Page.navigate", url=f"{desk.url}/")
            await page.wait_for("location.pathname === '/login' && document.readyState === 'complete'")
            await page.evaluate(
                f"""document.querySelector('input[name=name]').value = 'ana';
                document.querySelector('input[name=password]').value = {json.dumps(PASSWORDS["ana"])};
                document.querySelector('form').submit()"""
            )
            await page.wait_for("location.pathname === '/' && document.body.classList.contains('-first-byte')")
            assert await page.evaluate("document.querySelector('form[action=logout] button').textContent") == (
                "log out ana"
            )
            await wait_until(lambda: b"reviewed" in b"".join(page.frames))  # the counts bar was drawn
            await page.evaluate("document.querySelector('.xterm-helper-textarea').focus()")
            await page.type("4")
            await wait_until(lambda: reviews(desk.db_path))
            assert [(status, reviewer) for _, status, reviewer in reviews(desk.db_path)] == [("false", "ana")]
            screenshot = base64.b64decode((await page.send("Page.captureScreenshot"))["data"])
            assert screenshot.startswith(b"\x89PNG")
            page.reader.cancel()
