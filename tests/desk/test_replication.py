"""Replication with Litestream: the host is killed (SIGKILL) after a stream of marks, the
database is restored from the replica into a new file, and every mark is there."""

from __future__ import annotations

import asyncio
import subprocess

from desk_client import PASSWORDS, WORKBENCH, DeskProcess, log_in, new_browser, open_review, reviews, wait_until

# Litestream ships the WAL about once a second; this is well past it.
REPLICATION_LAG = 4.0


def restore(replica, target) -> subprocess.CompletedProcess:
    return subprocess.run(
        [*WORKBENCH, "restore", str(replica), str(target)], capture_output=True, text=True, timeout=120
    )


async def test_marks_survive_the_host_killed_after_the_replica_caught_up(desk_db, tmp_path):
    replica = tmp_path / "replica"
    with DeskProcess(desk_db, "--replicate", str(replica)) as desk:
        async with new_browser() as browser:
            assert await log_in(browser, desk.url, "ana", PASSWORDS["ana"]) == 303
            review = await open_review(browser, desk.url)
            for key in "41235":
                await review.press(key)
            await wait_until(lambda: len(reviews(desk.db_path)) == 5)
            await asyncio.sleep(REPLICATION_LAG)
            desk.kill()  # SIGKILL to the server, its review apps and Litestream at once
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
