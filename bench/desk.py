"""Desk benchmark: N reviewers in browsers against one ``workbench serve`` while an ingest runs.

    .venv/bin/python bench/desk.py                          # 20 reviewers, a mark every 2-5 s, 60 s
    .venv/bin/python bench/desk.py --reviewers 40 --burst   # a mark every 0.05-0.2 s
    .venv/bin/python bench/desk.py --replication            # SIGKILL the host mid-stream, restore, count

Each simulated reviewer is what a browser is to the server (tests/desk/desk_client.py):
it logs in over HTTP, opens the review websocket, moves its cursor to its own block of
items and types mark keys at the chosen pace, reading everything the app draws. Meanwhile
``workbench ingest`` of 1,000 synthetic articles (bench/ingest.py's corpus) writes to the
same database. Mark-to-commit is the time from the key leaving the client to the review's
``created_at`` (the app's commit). A baseline first: one reviewer alone, no ingest, so
the figures compare on a shared machine (ratios are against it).

Prints: sessions held, the server's CPU and memory per session (the server and its review
apps, all of its process group), mark-to-commit median / 95th percentile / slowest (and
the slowest as a multiple of the baseline's), the ingest's time and CPU, and the load
average before and after (the machine may be shared).

Every mark is accounted for. A reviewer's reviews are matched to its keys in order (the
status a key asks for, committed after it was sent); a key without a review is put down to
its cause: the mark refused and kept in the dialog that offers it again, a key typed while
that dialog was open (the dialog takes the keys: the reviewer sees it), a mark still
waiting in the app's queue when the session closed (shown in its bar), or else lost. A
review on an item of another reviewer's block is counted too: a key that marked an item
the reviewer was not on.

``--reload-cost DB``: what one review session's re-read after others' commits costs on a
copy of DB (CPU and clock seconds, its workers included): the review app's poll spaces its
re-reads by it (workbench/tui/app.py).

``--replication``: the same stream with ``--replicate FOLDER``; the host's process group is
killed with SIGKILL while marks are arriving, the replica is restored into a new file, and
the recovery point is how many committed reviews (and how many seconds of them) it lacks.
"""

from __future__ import annotations

import argparse
import asyncio
import collections
import contextlib
import os
import random
import shutil
import signal
import sqlite3
import statistics
import subprocess
import sys
import threading
import time
import zlib
from contextlib import closing
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests" / "desk"))
sys.path.insert(0, str(ROOT / "bench"))

from desk_client import WORKBENCH, DeskProcess, log_in, new_browser, open_review  # noqa: E402
from ingest import OUT, synthesise  # noqa: E402

from workbench.store.database import open_db  # noqa: E402
from workbench.store.desk import add_reviewer  # noqa: E402
from workbench.tui.keys import MARK_KEYS as KEYS_BY_POSITION  # noqa: E402

DOWN = "\x1b[B"  # the down arrow as a browser's terminal sends it
CLICK_FIRST_ROW = "\x1b[<0;20;4M\x1b[<0;20;4m"  # a click on the list's first row (SGR mouse, 120x40)
MARK_KEYS = "12345"
MARGIN = 10  # spare items in each reviewer's block
SETTLE_SECONDS = 300.0  # after the last key: the longest wait for the last marks to commit
ARRIVAL = 3.0  # seconds between two reviewers' logins
READY_TIMEOUT = 600.0  # every review screen open and placed, or the run stops


def corpus(size: int, name: str) -> Path:
    folder = OUT / f"desk_{name}_{size}"
    if not folder.exists() or len(list(folder.iterdir())) != size:
        shutil.rmtree(folder, ignore_errors=True)
        bases = [path.read_text(encoding="utf-8") for path in sorted((ROOT / "fixtures").glob("0*.txt"))]
        synthesise(bases, size, folder, seed=zlib.crc32(name.encode()))
    return folder


def fresh_database(reviewers: list[str], items_needed: int) -> Path:
    """A database with enough items for every reviewer's block, and an account each."""
    base = OUT / f"desk_base_{items_needed}.db"
    bigger = sorted(OUT.glob("desk_base_*.db"), key=lambda path: int(path.stem.rsplit("_", 1)[1]))
    base = next((path for path in bigger if int(path.stem.rsplit("_", 1)[1]) >= items_needed), base)
    if not base.exists():
        articles = max(items_needed // 10, 20)  # a synthetic article holds 10 to 30 items
        subprocess.run(
            [*WORKBENCH, "ingest", str(corpus(articles, "base")), "--db", str(base)], check=True, capture_output=True
        )
    with closing(sqlite3.connect(base)) as conn:
        items = conn.execute("SELECT count(*) FROM items").fetchone()[0]
    assert items >= items_needed, f"{base}: {items} items, fewer than the {items_needed} the reviewers' blocks need"
    path = OUT / "desk.db"
    for suffix in ("", "-wal", "-shm"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)
    shutil.copy(base, path)
    db = open_db(path)
    for name in reviewers:  # in this process: N commands would take minutes on a loaded machine
        add_reviewer(db, name, f"{name} bench passphrase")
    db.close()
    return path


def process_group(leader: int) -> list[int]:
    members = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            if int(fields[2]) == leader:  # field 5 of stat: the process group
                members.append(int(entry.name))
    return members


def cpu_seconds(pids: list[int]) -> float:
    total = 0
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
            total += int(fields[11]) + int(fields[12])  # utime, stime
        except OSError:
            continue
    return total / os.sysconf("SC_CLK_TCK")


def rss_mb(pids: list[int]) -> float:
    """Proportional set size (shared pages split among the processes that share them)."""
    total = 0
    for pid in pids:
        try:
            for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines():
                if line.startswith("Pss:"):
                    total += int(line.split()[1])
        except OSError:
            continue
    return total / 1024


@dataclass
class Sent:
    at: float  # time.time() when the key left the client
    status: str  # the status the key asks for
    dialog_open: bool  # the refused-mark dialog was on the reviewer's screen


@dataclass
class Committed:
    at: float  # the review's created_at
    status: str
    item_id: str


REFUSED = "refused, kept in the dialog that offers it again"
INTO_DIALOG = "typed while that dialog was open (the dialog took the key)"
WAITING = "waiting in the app's queue when the session closed (shown in its bar)"
LOST = "LOST"


class Ledger:
    """Marks sent per reviewer and reviews committed, read from the database; each key matched to its review."""

    def __init__(self, db_path: Path) -> None:
        self.db_path = db_path
        self.sent: dict[str, list[Sent]] = {}
        self.committed: dict[str, list[Committed]] = {}
        self.stop = threading.Event()
        self.refused_at: dict[str, float] = {}  # when a reviewer's screen first showed a refused mark
        self.waiting_at_end: set[str] = set()  # reviewers whose screen showed marks waiting at the end
        self.opening: list[float] = []  # seconds from opening the websocket to the drawn review screen
        self.last_id = 0
        with closing(sqlite3.connect(db_path, timeout=30)) as conn:
            by_position = [status for (status,) in conn.execute("SELECT id FROM statuses ORDER BY position")]
        self.status_of_key = dict(zip(KEYS_BY_POSITION, by_position))

    def poll(self) -> None:
        with closing(sqlite3.connect(self.db_path, timeout=30)) as conn:
            self.last_id = conn.execute("SELECT coalesce(max(id), 0) FROM reviews").fetchone()[0]
            while not self.stop.wait(0.05):
                self.read(conn)
            self.read(conn)

    def read(self, conn: sqlite3.Connection) -> None:
        try:
            rows = conn.execute(
                "SELECT id, reviewer, created_at, status, item_id FROM reviews WHERE id > ? ORDER BY id",
                [self.last_id],
            ).fetchall()
        except sqlite3.OperationalError:
            return  # the database gone with its host (--replication): what was read stands
        for review_id, reviewer, created_at, status, item_id in rows:
            self.last_id = review_id
            stamp = datetime.fromisoformat(created_at).timestamp()
            self.committed.setdefault(reviewer, []).append(Committed(stamp, status, item_id))

    def matched(self, reviewer: str) -> tuple[list[tuple[Sent, Committed | None]], list[Committed]]:
        """Each key of ``reviewer`` with its review (None: none), in order; and reviews no key asked for."""
        commits = collections.deque(self.committed.get(reviewer, []))
        pairs = []
        for sent in self.sent.get(reviewer, []):
            # The next review is this key's if it has the key's status and came after it
            # (same clock; a key lost is skipped, its successor takes the review).
            if commits and commits[0].status == sent.status and commits[0].at >= sent.at - 0.01:
                pairs.append((sent, commits.popleft()))
            else:
                pairs.append((sent, None))
        return pairs, list(commits)

    def latencies(self) -> list[float]:
        return [
            commit.at - sent.at
            for reviewer in self.sent
            for sent, commit in self.matched(reviewer)[0]
            if commit is not None
        ]

    def uncommitted(self) -> collections.Counter:
        """Keys without a review, by cause."""
        causes: collections.Counter = collections.Counter()
        for reviewer in self.sent:
            missing = [sent for sent, commit in self.matched(reviewer)[0] if commit is None]
            refused_at = self.refused_at.get(reviewer)
            # The refused mark is the last key sent before its dialog was drawn.
            refused = max(
                (sent for sent in missing if refused_at and sent.at <= refused_at), key=lambda s: s.at, default=None
            )
            for sent in missing:
                if sent is refused:
                    causes[REFUSED] += 1
                elif sent.dialog_open:
                    causes[INTO_DIALOG] += 1
                elif reviewer in self.waiting_at_end:
                    causes[WAITING] += 1
                else:
                    causes[LOST] += 1
        return causes

    def unasked(self) -> int:
        return sum(len(self.matched(reviewer)[1]) for reviewer in self.sent)

    def elsewhere(self) -> int:
        """Reviews on an item that another reviewer marked too: each block is one reviewer's."""
        markers = collections.defaultdict(set)
        for reviewer, commits in self.committed.items():
            for commit in commits:
                markers[commit.item_id].add(reviewer)
        return sum(len(names) - 1 for names in markers.values() if len(names) > 1)


async def reviewer(
    url: str,
    name: str,
    start_row: int,
    ledger: Ledger,
    pace: tuple[float, float],
    seconds: float,
    ready: asyncio.Barrier,
    arrival: float = 0.0,
) -> bool:
    """One browser: log in, go to its block, mark at ``pace`` for ``seconds`` once every
    reviewer is ready. True if the session held to the end."""
    rng = random.Random(name)
    async with new_browser() as browser:
        try:
            await asyncio.sleep(arrival)  # reviewers arrive one after another, as at the start of a shift
            assert await log_in(browser, url, name, f"{name} bench passphrase") == 303, f"{name}: login refused"
            opened = time.monotonic()
            review = await open_review(browser, url, timeout=READY_TIMEOUT)
            ledger.opening.append(time.monotonic() - opened)
            drain = asyncio.create_task(review.drain())
            watch = asyncio.create_task(watch_for_refusal(review, name, ledger))
            await asyncio.sleep(3)  # the list takes keys once it has loaded
            await review.press(CLICK_FIRST_ROW)  # the list takes arrows only once clicked (see the report)
            for start in range(0, start_row, 20):  # to its own block, so two reviewers never mark one item at once
                await review.press(DOWN * min(20, start_row - start))
                await asyncio.sleep(0.05)
            await asyncio.sleep(2)
        except BaseException:
            ready.abort()  # the run stops now instead of waiting for a reviewer who never comes
            raise
        await asyncio.wait_for(ready.wait(), READY_TIMEOUT)
        until = time.monotonic() + seconds
        sends = ledger.sent.setdefault(name, [])
        while time.monotonic() < until:
            await asyncio.sleep(rng.uniform(*pace))
            if review.websocket.closed:
                break
            key = rng.choice(MARK_KEYS)
            sends.append(Sent(time.time(), ledger.status_of_key[key], name in ledger.refused_at))
            await review.press(key)
        held = not review.websocket.closed
        settle = time.monotonic() + SETTLE_SECONDS
        while len(ledger.committed.get(name, [])) < len(sends) and time.monotonic() < settle:
            await asyncio.sleep(0.5)  # a key the app has not handled yet is not lost while it is open
        if WAITING_BAR in review.screen[-20_000:]:  # the bar of marks waiting for the database, drawn lately
            ledger.waiting_at_end.add(name)
        await review.websocket.close()
        drain.cancel()
        watch.cancel()
        return held


REFUSAL = b"Not saved:"  # the dialog of a refused mark (an item changed meanwhile), offering it again
WAITING_BAR = "⧗".encode()


async def watch_for_refusal(review, name: str, ledger: Ledger) -> None:
    """Note when the screen first shows a refused mark (the bench never answers the dialog)."""
    while name not in ledger.refused_at:
        if REFUSAL in review.screen[-20_000:]:
            ledger.refused_at[name] = time.time()
        await asyncio.sleep(0.02)


async def run(
    db_path: Path, names: list[str], seconds: float, pace: tuple[float, float], block: int, ingest: Path | None
) -> dict:
    """The stream of marks (and the ingest) against one served database; figures in a dict."""
    ledger = Ledger(db_path)
    poller = threading.Thread(target=ledger.poll)
    poller.start()
    result: dict = {"ledger": ledger}
    with DeskProcess(db_path) as desk:
        ready = asyncio.Barrier(len(names) + 1)
        tasks = [
            asyncio.create_task(reviewer(desk.url, name, place * block, ledger, pace, seconds, ready, place * ARRIVAL))
            for place, name in enumerate(names)
        ]
        await asyncio.wait_for(ready.wait(), READY_TIMEOUT)  # every review screen open and placed
        started = time.monotonic()
        server = desk.process.pid
        cpu_before = cpu_seconds(process_group(server)), cpu_seconds([server])
        ingest_run = ingest and Ingest(ingest, db_path)
        peak = 0.0
        while time.monotonic() < started + seconds:
            peak = max(peak, rss_mb(process_group(server)))
            await asyncio.sleep(1)
        cpu = cpu_seconds(process_group(server)) - cpu_before[0]
        server_cpu = cpu_seconds([server]) - cpu_before[1]
        result.update(cpu_share=cpu / seconds, server_share=server_cpu / seconds, peak_mb=peak)
        result.update(held=sum(await asyncio.gather(*tasks)))
        ledger.stop.set()
        poller.join()
    if ingest_run:
        result["ingest"] = ingest_run.outcome(db_path)
    return result


class Ingest:
    """``workbench ingest`` in a process of its own; its end and its CPU (its pool's included) noted when it ends."""

    def __init__(self, corpus: Path, db_path: Path) -> None:
        self.started = time.monotonic()
        self.process = subprocess.Popen(
            [*WORKBENCH, "ingest", str(corpus), "--db", str(db_path)],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            start_new_session=True,  # its extraction processes with it, to be stopped together
        )
        self.ended: tuple[float, int, float] | None = None  # seconds taken, exit code, CPU seconds
        self.waiter = threading.Thread(target=self.wait)
        self.waiter.start()

    def wait(self) -> None:
        _, status, usage = os.wait4(self.process.pid, 0)
        self.process.returncode = os.waitstatus_to_exitcode(status)
        self.ended = (time.monotonic() - self.started, self.process.returncode, usage.ru_utime + usage.ru_stime)

    def outcome(self, db_path: Path) -> str:
        if self.ended is None:  # still going when the stream ended: it ran throughout
            with contextlib.suppress(ProcessLookupError):
                os.killpg(self.process.pid, signal.SIGKILL)  # and its pool, else orphaned
            self.waiter.join()
            with closing(sqlite3.connect(db_path, timeout=30)) as conn:
                stored = conn.execute("SELECT count(*) FROM sources").fetchone()[0]
            return f"still running when the marks were settled ({stored} sources in the database), stopped"
        self.waiter.join()
        taken, code, cpu = self.ended
        return f"exit {code} after {taken:.0f} s, {cpu:.0f} CPU s"


def report(label: str, names: list[str], result: dict, baseline_slowest: float | None) -> float:
    ledger: Ledger = result["ledger"]
    latencies = sorted(ledger.latencies())
    sent = sum(len(sends) for sends in ledger.sent.values())
    slowest = latencies[-1] if latencies else float("nan")
    p95 = latencies[int(0.95 * (len(latencies) - 1))] if latencies else float("nan")
    median = statistics.median(latencies) if latencies else float("nan")
    ratio = f"{slowest / baseline_slowest:.1f}x base" if baseline_slowest else "the baseline"
    sessions = max(result["held"], 1)
    uncommitted = ledger.uncommitted()
    causes = "; ".join(f"{cause}: {count}" for cause, count in uncommitted.most_common()) or "none"
    print(
        f"{label}: sessions held {result['held']}/{len(names)} (screen drawn within {max(ledger.opening):.1f} s "
        f"of opening); marks sent {sent}, committed {len(latencies)}, not committed {sum(uncommitted.values())} "
        f"({causes}), lost {uncommitted[LOST]}; reviews no key asked for {ledger.unasked()}, "
        f"reviews on another reviewer's item {ledger.elsewhere()}; "
        f"mark-to-commit median {median:.3f} s, p95 {p95:.3f} s, slowest {slowest:.3f} s ({ratio}), "
        f"within 1 s {sum(latency <= 1 for latency in latencies)}/{len(latencies)}; "
        f"server CPU {result['cpu_share']:.2f} cores (its web server {result['server_share']:.2f}; "
        f"{result['cpu_share'] / sessions:.3f} per session), "
        f"memory {result['peak_mb']:.0f} MB PSS ({result['peak_mb'] / sessions:.0f} MB per session); "
        f"ingest {result.get('ingest', 'none')}; load average now {os.getloadavg()[0]:.1f}",
        flush=True,
    )
    return slowest


async def recovery_point(names: list[str], seconds: float, pace: tuple[float, float], block: int) -> None:
    """Marks stream in with Litestream replicating; the host is SIGKILLed mid-stream; restore and count."""
    db_path = fresh_database(names, block * len(names))
    replica = OUT / "desk_replica"
    shutil.rmtree(replica, ignore_errors=True)
    with DeskProcess(db_path, "--replicate", str(replica)) as desk:
        ledger = Ledger(db_path)
        ready = asyncio.Barrier(len(names) + 1)
        tasks = [
            asyncio.create_task(reviewer(desk.url, name, place * block, ledger, pace, seconds * 2, ready))
            for place, name in enumerate(names)
        ]
        await asyncio.wait_for(ready.wait(), READY_TIMEOUT)
        await asyncio.sleep(seconds)
        desk.kill()  # the host dies while marks arrive
        killed_at = time.time()
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
    restored = OUT / "desk_restored.db"
    restored.unlink(missing_ok=True)
    subprocess.run([*WORKBENCH, "restore", str(replica), str(restored)], check=True, capture_output=True)

    def stamps(path: Path) -> list[float]:
        with closing(sqlite3.connect(path)) as conn:
            return [
                datetime.fromisoformat(row[0]).timestamp() for row in conn.execute("SELECT created_at FROM reviews")
            ]

    committed, kept = stamps(db_path), stamps(restored)
    lost = len(committed) - len(kept)
    print(
        f"recovery point: {len(names)} reviewers, host SIGKILLed after {seconds:.0f} s; committed {len(committed)} "
        f"reviews, restored {len(kept)}, lost {lost}"
        + (f" (the last {max(committed) - max(kept, default=0):.2f} s before the kill)" if lost else "")
        + f"; last committed {killed_at - max(committed, default=killed_at):.2f} s before the kill; "
        f"load average {os.getloadavg()[0]:.1f}",
        flush=True,
    )


def reload_cost(source: Path, times: int = 5) -> None:
    """Re-read the review screen ``times`` as after another process's ingest; print what each took."""
    from workbench.tui.app import ReviewApp

    db_path = OUT / "desk_reload.db"
    for suffix in ("", "-wal", "-shm"):
        Path(f"{db_path}{suffix}").unlink(missing_ok=True)
    shutil.copy(source, db_path)

    async def measure() -> list[tuple[float, float]]:
        app = ReviewApp(db_path, reviewer="bench", poll_seconds=3600)
        costs = []
        async with app.run_test(size=(120, 40)) as pilot:
            await app.workers.wait_for_complete()
            await pilot.pause(0.5)
            for _ in range(times):
                cpu, clock = time.process_time(), time.monotonic()
                app.review.changes.seen[None] = ()  # as if another process had ingested: everything is stale
                app.review.reload()
                while not app.review.loader.complete or any(worker.is_running for worker in app.workers):
                    await pilot.pause(0.01)
                costs.append((time.process_time() - cpu, time.monotonic() - clock))
        return costs

    with closing(sqlite3.connect(source)) as conn:
        items = conn.execute("SELECT count(*) FROM items").fetchone()[0]
    costs = asyncio.run(measure())
    shown = ", ".join(f"{cpu:.3f}/{clock:.3f}" for cpu, clock in costs)
    print(
        f"re-read of the review screen at {items:,} items (CPU/clock s, workers included): {shown}; "
        f"median CPU {statistics.median(cpu for cpu, _ in costs):.3f} s; load average {os.getloadavg()[0]:.1f}",
        flush=True,
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--reviewers", type=int, default=20)
    parser.add_argument("--seconds", type=float, default=60)
    parser.add_argument("--burst", action="store_true", help="a mark every 0.05-0.2 s instead of 2-5 s")
    parser.add_argument("--articles", type=int, default=1000, help="the ingest running meanwhile (0: none)")
    parser.add_argument("--replication", action="store_true", help="measure the recovery point instead")
    parser.add_argument("--reload-cost", type=Path, metavar="DB", help="measure one session's re-read on DB instead")
    args = parser.parse_args()
    if args.reload_cost:
        reload_cost(args.reload_cost)
        return
    pace = (0.05, 0.2) if args.burst else (2.0, 5.0)
    names = [f"r{number:02}" for number in range(1, args.reviewers + 1)]
    block = int(args.seconds / statistics.mean(pace)) + MARGIN  # the marks one reviewer makes, and spare
    OUT.mkdir(parents=True, exist_ok=True)
    print(f"load average before: {' '.join(f'{load:.1f}' for load in os.getloadavg())} on {os.cpu_count()} cores")
    if args.replication:
        asyncio.run(recovery_point(names, args.seconds, pace, block))
        return
    ingest = corpus(args.articles, "ingest") if args.articles else None
    base = asyncio.run(run(fresh_database(names[:1], 30), names[:1], 20, (1.0, 1.0), 30, None))
    slowest = report("baseline (1 reviewer, a mark a second, no ingest)", names[:1], base, None)
    result = asyncio.run(run(fresh_database(names, block * len(names)), names, args.seconds, pace, block, ingest))
    mode = "burst" if args.burst else "human pace"
    report(f"{len(names)} reviewers ({mode}) while ingesting {args.articles} articles", names, result, slowest)


if __name__ == "__main__":
    main()
