"""The desk over real HTTP and websockets: a real server process, real review apps, a real database."""

from __future__ import annotations

import asyncio
import re
import sqlite3
import subprocess
import time
from pathlib import Path

import aiohttp
import pytest
from desk_client import (
    PASSWORDS,
    WORKBENCH,
    DeskProcess,
    log_in,
    new_browser,
    open_review,
    reviews,
    wait_until,
)

from workbench.desk.pages import foreign_urls
from workbench.desk.server import FIRST_DELAY
from workbench.store.database import open_db
from workbench.store.desk import present_reviewers


async def test_a_logged_in_reviewer_marks_and_the_review_carries_their_name(desk):
    async with new_browser() as browser:
        assert await log_in(browser, desk.url, "ana", PASSWORDS["ana"]) == 303
        review = await open_review(browser, desk.url)
        await review.press("4")  # 4 marks the first item false
        await wait_until(lambda: reviews(desk.db_path))
        assert [(status, reviewer) for _, status, reviewer in reviews(desk.db_path)] == [("false", "ana")]
        assert present_reviewers(open_db(desk.db_path)) == ["ana"]
        await review.websocket.close()
    await wait_until(lambda: not present_reviewers(open_db(desk.db_path)))


async def test_a_reviewer_cannot_mark_under_another_name(desk):
    async with new_browser() as browser:
        # Ben's name with Ana's password is refused.
        assert await log_in(browser, desk.url, "ben", PASSWORDS["ana"]) == 401
        assert await log_in(browser, desk.url, "ana", PASSWORDS["ana"]) == 303
        # Whatever the browser asks for, the app runs as the session's reviewer.
        review = await open_review(browser, desk.url, query="&reviewer=ben")
        await review.press("4")
        await wait_until(lambda: reviews(desk.db_path))
        assert {reviewer for _, _, reviewer in reviews(desk.db_path)} == {"ana"}


async def test_websockets_without_a_session_or_from_another_site_are_refused(desk):
    async with new_browser() as browser:
        with pytest.raises(aiohttp.WSServerHandshakeError) as refused:
            await open_review(browser, desk.url)
        assert refused.value.status == 401
        assert await log_in(browser, desk.url, "ana", PASSWORDS["ana"]) == 303
        for origin in ("http://evil.example", f"http://localhost:{desk.port}", "null"):
            with pytest.raises(aiohttp.WSServerHandshakeError) as refused:
                await open_review(browser, desk.url, origin=origin)
            assert refused.value.status == 403
        # A cross-site login form is refused too.
        response = await browser.post(
            f"{desk.url}/login",
            data={"name": "ana", "password": PASSWORDS["ana"]},
            headers={"Origin": "http://evil.example"},
        )
        assert response.status == 403
    assert reviews(desk.db_path) == []


async def test_a_wrong_password_is_refused_slowed_and_logged(desk):
    async with new_browser() as browser:
        started = time.monotonic()
        assert await log_in(browser, desk.url, "ana", "not the password") == 401
        first = time.monotonic() - started
        started = time.monotonic()
        assert await log_in(browser, desk.url, "ana", "still not it") == 401
        second = time.monotonic() - started
        assert first >= FIRST_DELAY and second >= 2 * FIRST_DELAY  # each failure makes the next one wait longer
        page = await (await browser.get(f"{desk.url}/")).text()
        assert "Log in" in page  # no session: back to the login page
        assert await log_in(browser, desk.url, "ana", PASSWORDS["ana"]) == 303
    with sqlite3.connect(desk.db_path) as conn:
        logged = conn.execute("SELECT reviewer, ok FROM desk_logins ORDER BY id").fetchall()
    assert logged == [("ana", 0), ("ana", 0), ("ana", 1)]


async def test_logout_and_a_new_password_end_the_session(desk):
    async with new_browser() as browser, new_browser() as other:
        assert await log_in(browser, desk.url, "ana", PASSWORDS["ana"]) == 303
        assert await log_in(other, desk.url, "ben", PASSWORDS["ben"]) == 303
        cookie = next(iter(browser.cookie_jar))
        assert "httponly" in cookie.output().lower() and "samesite=strict" in cookie.output().lower()
        response = await browser.post(f"{desk.url}/logout", headers={"Origin": desk.url}, allow_redirects=False)
        assert response.status == 303
        with pytest.raises(aiohttp.WSServerHandshakeError):
            await open_review(browser, desk.url)
        subprocess.run(
            [*WORKBENCH, "reviewers", "passwd", "ben", "--db", str(desk.db_path), "--password-stdin"],
            input="ben's new passphrase\n",
            text=True,
            check=True,
            timeout=60,
        )
        with pytest.raises(aiohttp.WSServerHandshakeError) as refused:
            await open_review(other, desk.url)
        assert refused.value.status == 401


def write_limits(db_path: Path, text: str) -> None:
    db_path.with_name("workbench.toml").write_text(f"[desk]\n{text}\n", encoding="utf-8")


async def test_the_session_limit_gives_a_clear_page_and_refuses_more(desk_db):
    write_limits(desk_db, "max_sessions_per_reviewer = 1")
    with DeskProcess(desk_db) as desk:
        async with new_browser() as browser:
            assert await log_in(browser, desk.url, "ana", PASSWORDS["ana"]) == 303
            first = await open_review(browser, desk.url)
            page = await browser.get(f"{desk.url}/")
            assert page.status == 503
            assert "You already have 1 review sessions open (the limit is 1)" in await page.text()
            with pytest.raises(aiohttp.WSServerHandshakeError) as refused:
                await open_review(browser, desk.url)
            assert refused.value.status == 503
            await first.websocket.close()
            await wait_until(lambda: not present_reviewers(open_db(desk.db_path)))
            second = await open_review(browser, desk.url)  # closing one frees its place
            await second.websocket.close()


async def test_an_idle_session_ends_and_keeps_its_marks(desk_db):
    write_limits(desk_db, "idle_minutes = 0.2")  # 12 seconds: more than the app takes to start
    with DeskProcess(desk_db) as desk:
        async with new_browser() as browser:
            assert await log_in(browser, desk.url, "ana", PASSWORDS["ana"]) == 303
            review = await open_review(browser, desk.url)
            await review.press("1")
            await asyncio.wait_for(review.drain(), timeout=30)  # returns when the server closes it
            assert review.websocket.closed
            await wait_until(lambda: "ana idle: session ended" in desk.log.read_text())
        assert [(status, reviewer) for _, status, reviewer in reviews(desk.db_path)] == [("true", "ana")]


async def test_an_idle_session_holding_unsaved_work_stays_open_and_keeps_it(desk_db):
    write_limits(desk_db, "idle_minutes = 0.2")
    with DeskProcess(desk_db) as desk:
        async with new_browser() as browser:
            assert await log_in(browser, desk.url, "ana", PASSWORDS["ana"]) == 303
            review = await open_review(browser, desk.url)
            drain = asyncio.create_task(review.drain())
            await asyncio.sleep(3)  # the list takes keys once it has loaded
            await review.press("n")  # a note on the first item, typed and not saved yet
            await wait_until(lambda: b"enter to save" in review.screen)
            await review.press("checked with the clerk")
            await wait_until(lambda: "ana idle: session kept open" in desk.log.read_text(), timeout=90)
            assert not review.websocket.closed
            assert b"NOT saved" in review.screen  # the app asks her on screen, where she finds it
            await review.press("s")  # stay: back to her note
            await review.press("\r")  # and save it
            await wait_until(lambda: reviews(desk.db_path))
            drain.cancel()
        with sqlite3.connect(desk.db_path) as conn:
            assert conn.execute("SELECT note, reviewer FROM reviews").fetchall() == [("checked with the clerk", "ana")]
        assert "ana idle: session ended" not in desk.log.read_text()


async def test_the_pages_load_nothing_from_another_site(desk):
    async with new_browser() as browser:
        login = await browser.get(f"{desk.url}/login")
        assert await log_in(browser, desk.url, "ana", PASSWORDS["ana"]) == 303
        app = await browser.get(f"{desk.url}/")
        assert login.status == 200 and app.status == 200
        app_text = await app.text()
        assert "textual-terminal" in app_text and "textual.js" in app_text  # textual-serve's page of the app
        for page in (await login.text(), app_text):
            assert foreign_urls(page, desk.url) == []
        # The font the page names is the desk's own copy.
        fonts = re.findall(r'url\("([^"]+\.ttf)"\)', app_text)
        assert fonts
        for font in fonts:
            response = await browser.get(font)
            assert response.status == 200 and len(await response.read()) > 10_000


def test_serve_listens_beyond_loopback_only_once_an_account_exists(open_db_path):
    result = subprocess.run(
        [*WORKBENCH, "serve", "--db", str(open_db_path), "--host", "0.0.0.0"],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 1
    assert result.stderr.count("\n") == 1
    assert "no reviewer accounts yet" in result.stderr and "workbench reviewers add NAME" in result.stderr


async def test_without_accounts_loopback_serves_this_machine_as_its_reviewer(open_db_path):
    with DeskProcess(open_db_path, "--reviewer", "local-desk") as desk:
        async with new_browser() as browser:
            review = await open_review(browser, desk.url)  # no login while no account exists
            await review.press("4")
            await wait_until(lambda: reviews(desk.db_path))
            assert [(status, reviewer) for _, status, reviewer in reviews(desk.db_path)] == [("false", "local-desk")]
            with pytest.raises(aiohttp.WSServerHandshakeError) as refused:
                await open_review(browser, desk.url, origin="http://evil.example")
            assert refused.value.status == 403


async def test_odd_browser_messages_never_stall_the_review_screen(desk):
    async with new_browser() as browser:
        assert await log_in(browser, desk.url, "ana", PASSWORDS["ana"]) == 303
        review = await open_review(browser, desk.url)
        for odd in ('["stdin", ""]', '["stdin", 4]', '["resize", {"width": "x"}]', "[]", "{}", "not json", '["nope"]'):
            await review.websocket.send_str(odd)
        await review.press("4")
        await wait_until(lambda: reviews(desk.db_path), timeout=30)
        assert [(status, reviewer) for _, status, reviewer in reviews(desk.db_path)] == [("false", "ana")]
