"""textual-serve's server behind a login: one review process per browser connection.

What it adds to textual-serve: a login page and session cookie (HttpOnly, SameSite=Strict,
Secure over https), logout, failed logins slowed and recorded, websockets refused without
a session or from another site (``Origin``), limits on sessions in all and per reviewer,
idle sessions ended, and who is connected written to ``desk_presence``.
"""

from __future__ import annotations

import asyncio
import contextlib
import ipaddress
import logging
import shlex
import ssl
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import aiohttp_jinja2
import jinja2
from aiohttp import WSMsgType, web
from textual_serve.app_service import AppService
from textual_serve.server import Server

from ..config import DeskConfig
from ..store import desk as accounts
from ..store.database import open_db
from .pages import app_page, login_page, message_page
from .sessions import Connection, Sessions

log = logging.getLogger("workbench.desk")
COOKIE = "workbench_desk"
# Seconds a failed login waits: doubling with each recent failure of that name or address.
FIRST_DELAY, MAX_DELAY = 1.0, 30.0
# How often the server vouches for its connections in desk_presence and looks for idle ones.
TICK_SECONDS = 20.0
# An idle session is asked to quit as its reviewer would (ctrl+q, the app's quit key that no
# text box takes): the app ends if nothing of theirs is unsaved, else it asks them on screen.
QUIT_KEY = b"\x11"
QUIT_WAIT_SECONDS = 15.0  # how long an app asked to quit may take to end before it counts as kept


def is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def failure_delay(failures: int) -> float:
    return min(FIRST_DELAY * 2 ** max(failures - 1, 0), MAX_DELAY) if failures else 0.0


class DeskServer(Server):
    def __init__(
        self,
        db_path: Path,
        *,
        host: str,
        port: int,
        limits: DeskConfig,
        local_reviewer: str,
        public_url: str | None = None,
        ssl_context: ssl.SSLContext | None = None,
        title: str = "workbench desk",
    ) -> None:
        super().__init__(command="workbench review", host=host, port=port, title=title, public_url=public_url)
        self.explicit_public_url = public_url
        self.db_path = db_path.resolve()
        self.sessions = Sessions(limits)
        self.local_reviewer = local_reviewer
        self.ssl_context = ssl_context
        self.https = ssl_context is not None or (public_url or "").startswith("https:")
        self._db = open_db(self.db_path)
        self._db_lock = asyncio.Lock()
        self._live: dict[str, tuple[web.WebSocketResponse, AppService]] = {}
        self._tick_task: asyncio.Task | None = None

    # The database: one connection, used by one worker thread at a time, so a busy
    # database never stalls the event loop that carries every reviewer's keys.
    async def store(self, function: Callable[..., Any], *args: Any) -> Any:
        async with self._db_lock:
            return await asyncio.to_thread(function, self._db, *args)

    def command_for(self, reviewer: str) -> str:
        """The review app of one connection: the reviewer's name comes from the session."""
        return shlex.join(
            [sys.executable, "-m", "workbench", "review", "--db", str(self.db_path), "--reviewer", reviewer]
        )

    async def _make_app(self) -> web.Application:
        app = web.Application()
        aiohttp_jinja2.setup(app, loader=jinja2.FileSystemLoader(self.templates_path))
        app.add_routes(
            [
                web.get("/", self.handle_index, name="index"),
                web.get("/login", self.handle_login_page),
                web.post("/login", self.handle_login),
                web.post("/logout", self.handle_logout),
                web.get("/ws", self.handle_websocket, name="websocket"),
                web.static("/static", self.statics_path, name="static"),
            ]
        )
        app.on_startup.append(self.on_startup)
        app.on_shutdown.append(self.on_shutdown)
        return app

    # Who is asking.
    def origin(self, request: web.Request) -> str:
        if self.explicit_public_url:
            parts = urlsplit(self.explicit_public_url)
            return f"{parts.scheme}://{parts.netloc}".lower()
        return f"{request.scheme}://{request.host}".lower()

    def same_site(self, request: web.Request) -> bool:
        return request.headers.get("Origin", "").lower() == self.origin(request)

    async def reviewer(self, request: web.Request) -> str | None:
        """The logged-in reviewer, or the local reviewer while no account exists (loopback only)."""
        if not await self.store(accounts.has_accounts):
            return self.local_reviewer
        token = request.cookies.get(COOKIE)
        login = self.sessions.login(token)
        if login is None:
            return None
        if await self.store(accounts.account_version, login.reviewer) != login.account_version:
            self.sessions.log_out(token)  # removed, or a new password since this login
            return None
        return login.reviewer

    def html(self, text: str, status: int = 200) -> web.Response:
        response = web.Response(text=text, status=status, content_type="text/html")
        response.headers["Cache-Control"] = "no-store"
        response.headers["X-Frame-Options"] = "DENY"
        return response

    # Pages.
    async def handle_index(self, request: web.Request) -> web.StreamResponse:
        reviewer = await self.reviewer(request)
        if reviewer is None:
            raise web.HTTPSeeOther("login")
        refusal = self.sessions.refusal(reviewer)
        if refusal:
            return self.html(message_page("Not now", refusal, ("./", "Try again")), status=503)
        base = self.explicit_public_url or f"{request.scheme}://{request.host}"
        base = base.rstrip("/")
        socket_url = ("wss:" if base.startswith("https:") else "ws:") + base.split(":", 1)[1] + "/ws"
        context = {
            "font_size": 16,
            "app_websocket_url": socket_url,
            "config": {"static": {"url": f"{base}/static/"}},
            "application": {"name": self.title},
        }
        page = aiohttp_jinja2.render_string("app_index.html", request, context)
        return self.html(app_page(page, reviewer, context["config"]["static"]["url"]))

    async def handle_login_page(self, request: web.Request) -> web.Response:
        return self.html(login_page(self.title))

    async def handle_login(self, request: web.Request) -> web.Response:
        if not self.same_site(request):
            raise web.HTTPForbidden(text="cross-site login refused")
        form = await request.post()
        name, password = str(form.get("name", "")).strip(), str(form.get("password", ""))
        remote = request.remote or "unknown"
        await asyncio.sleep(failure_delay(await self.store(accounts.recent_failures, name, remote)))
        version = await self.store(accounts.verify_password, name, password)
        await self.store(accounts.record_login, name, remote, version is not None)
        if version is None:
            log.warning("failed login for %r from %s", name, remote)
            await asyncio.sleep(FIRST_DELAY)
            return self.html(login_page(self.title, "Wrong reviewer name or password.", name), status=401)
        log.info("%s logged in from %s", name, remote)
        response = web.HTTPSeeOther("./")
        response.set_cookie(
            COOKIE,
            self.sessions.log_in(name, version),
            httponly=True,
            samesite="Strict",
            secure=self.https,
            path="/",
            max_age=int(self.sessions.limits.session_hours * 3600),
        )
        return response

    async def handle_logout(self, request: web.Request) -> web.Response:
        if not self.same_site(request):
            raise web.HTTPForbidden(text="cross-site logout refused")
        self.sessions.log_out(request.cookies.get(COOKIE))
        response = web.HTTPSeeOther("login")
        response.del_cookie(COOKIE, path="/")
        return response

    # The review app over a websocket.
    async def handle_websocket(self, request: web.Request) -> web.StreamResponse:
        if not self.same_site(request):
            raise web.HTTPForbidden(text="cross-site websocket refused")
        reviewer = await self.reviewer(request)
        if reviewer is None:
            raise web.HTTPUnauthorized(text="log in first")
        refusal = self.sessions.refusal(reviewer)
        if refusal:
            raise web.HTTPServiceUnavailable(text=refusal)
        connection = self.sessions.open(reviewer)  # no await since the check: the limit holds
        websocket = web.WebSocketResponse(heartbeat=15)
        app_service: AppService | None = None
        try:
            await websocket.prepare(request)
            await self.store(accounts.join, connection.id, reviewer)
            app_service = AppService(
                self.command_for(reviewer),
                write_bytes=websocket.send_bytes,
                write_str=websocket.send_str,
                close=websocket.close,
                download_manager=self.download_manager,
            )
            self._live[connection.id] = (websocket, app_service)
            width = _size(request.query.get("width"), 80)
            height = _size(request.query.get("height"), 24)
            await app_service.start(width, height)
            await self._relay(websocket, app_service, connection)
        except asyncio.CancelledError:
            await websocket.close()
        finally:
            self._live.pop(connection.id, None)
            self.sessions.close(connection)
            if app_service is not None:
                await app_service.stop()
            with contextlib.suppress(Exception):
                await self.store(accounts.leave, connection.id)
        return websocket

    async def _relay(self, websocket: web.WebSocketResponse, app_service: AppService, connection: Connection) -> None:
        """The browser's messages to the app (textual-serve's protocol: JSON lists)."""
        async for message in websocket:
            if message.type != WSMsgType.TEXT:
                continue
            try:
                kind, *rest = message.json()
            except (ValueError, TypeError):
                continue
            if kind == "stdin" and rest and isinstance(rest[0], str) and rest[0]:  # an empty packet stalls the app
                connection.last_input = time.monotonic()
                connection.asked_to_quit = False
                await app_service.send_bytes(rest[0].encode("utf-8"))
            elif kind == "resize" and rest and isinstance(rest[0], dict):
                await app_service.set_terminal_size(_size(rest[0].get("width"), 80), _size(rest[0].get("height"), 24))
            elif kind == "ping" and rest:
                await websocket.send_json(["pong", rest[0]])
            elif kind == "blur":
                await app_service.blur()
            elif kind == "focus":
                await app_service.focus()

    # Background: presence and idle sessions.
    async def on_startup(self, app: web.Application) -> None:
        await self.store(accounts.clear_presence)
        self._tick_task = asyncio.create_task(self._tick())
        scheme = "https" if self.ssl_context else "http"
        print(f"Serving the review screen of {self.db_path} on {scheme}://{self.host}:{self.port}", flush=True)

    async def on_shutdown(self, app: web.Application) -> None:
        if self._tick_task is not None:
            self._tick_task.cancel()
        for connection_id in list(self._live):
            await self.end(connection_id)
        await self.store(accounts.clear_presence)

    async def end(self, connection_id: str) -> None:
        """End one connection now (the server stops): the app quits; what it could not save
        (a refused mark not answered, a note being typed) it writes to the server's log,
        each with the command that saves it."""
        websocket, app_service = self._live.pop(connection_id, (None, None))
        if app_service is not None:
            await app_service.stop()
        if websocket is not None:
            await websocket.close(message=b"session ended")

    async def _tick(self) -> None:
        interval = min(TICK_SECONDS, self.sessions.limits.idle_minutes * 60 / 4)
        while True:
            await asyncio.sleep(interval)
            await asyncio.gather(*(self.end_idle(connection) for connection in self.sessions.idle()))
            with contextlib.suppress(Exception):  # a busy database: vouch again next time
                await self.store(accounts.seen, list(self.sessions.connections))

    async def end_idle(self, connection: Connection) -> None:
        """Ask an idle session's app to quit, as its reviewer would. Nothing unsaved: it ends.
        Something unsaved (a refused mark in its dialog, a note being typed): the app asks
        on the reviewer's screen instead, and the session stays, their work in it, until
        they come back to answer; it is asked again only after new input and idleness."""
        live = self._live.get(connection.id)
        if live is None or connection.asked_to_quit:
            return
        connection.asked_to_quit = True
        await live[1].send_bytes(QUIT_KEY)
        deadline = time.monotonic() + QUIT_WAIT_SECONDS
        while connection.id in self._live and time.monotonic() < deadline:
            await asyncio.sleep(0.1)
        if connection.id in self._live:
            log.warning("%s idle: session kept open, it holds changes not saved yet", connection.reviewer)
        else:
            log.info("%s idle: session ended", connection.reviewer)

    def serve(self, debug: bool = False) -> None:
        logging.basicConfig(level="INFO", format="%(message)s")
        web.run_app(
            self._make_app(),
            host=self.host,
            port=self.port,
            ssl_context=self.ssl_context,
            print=lambda *args: None,
        )


def _size(value: object, default: int) -> int:
    """A terminal dimension from the browser, kept to what a screen can be."""
    try:
        return min(max(int(value), 10), 1000)
    except (TypeError, ValueError):
        return default
