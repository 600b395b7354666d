"""How fast the review screen is on 10k and 1M items.

    /work/venv/bin/python bench/tui.py            # builds bench/out/tui_*.db once, then measures
    /work/venv/bin/python bench/tui.py --sizes 10000

Each database is made by ``open_db`` (the real schema, FTS triggers and all) and filled
with direct bulk inserts: sources, claims and quotes with realistic wording, numbers and
speakers, about 10% reviewed, a few thousand linked pairs (some with quote drift). Each
size is measured in a fresh process driving the app headless with ``App.run_test()``, so
the peak RSS printed is the app's alone. ``--cold`` first drops the file from the OS page
cache, as after a reboot.

Filters, sorts and searches print two times from the last key: "first rows" (the new
list's first screen drawn) and "complete" (its item count and whole id list known and
drawn). Scroll steps print the median and the max. Then a mark while another process
holds the write lock (the key's wall time: the mark waits, the screen does not), the
cursor moving off and onto an item of 19 MB (CPU, and how much of it the detail pane draws),
and onto the members of a cluster of 5,000 (wall time until the item and its first page of
linked items are drawn: the linked items are read in a worker).

Cursor steps print the CPU time of the app's thread and the wall time from the key to the
frame that shows the new item in the detail pane and its linked items.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import resource
import statistics
import subprocess
import sys
import time
from pathlib import Path

OUT = Path(__file__).resolve().parent / "out"
ITEMS_PER_SOURCE = 20
CPU_STEPS = {
    "pilot overhead",
    "page down",
    "page up",
    "jump to end",
    "jump to start",
    "cursor down",
    "cursor off and onto a 19 MB item",
}
# Another process adds an item of 19 MB beside item ``argv[3]`` (or deletes it again).
HUGE_ITEM = """
import sqlite3, sys
with sqlite3.connect(sys.argv[1]) as conn:
    if sys.argv[2] == "delete":
        conn.execute("DELETE FROM items WHERE id = 'bench-huge'")
    else:
        conn.execute(
            'INSERT INTO items (id, source_id, seq, kind, text, start, "end", paragraph, first_seen) '
            "SELECT 'bench-huge', source_id, -1, 'claim', ?, 0, 19000000, 0, first_seen FROM items WHERE num = ?",
            ["The council said the bridge will cost 40 million euros. " * 340_000, int(sys.argv[3])],
        )
"""
# Another process plants (or deletes) a claim repeated in 5,000 sources: one cluster held by
# star links to its first copy, as the linker stores repeats (db/LINKING.md).
CLUSTER = 5000
PLANT_CLUSTER = """
import sqlite3, sys
size = int(sys.argv[3])
text = "The bridge will pay for itself within ten years, the mayor said."
with sqlite3.connect(sys.argv[1]) as conn:
    if sys.argv[2] == "delete":
        conn.execute("DELETE FROM links WHERE item_a LIKE 'bench-star%'")
        conn.execute("DELETE FROM items WHERE id LIKE 'bench-star%'")
        conn.execute("DELETE FROM sources WHERE id LIKE 'bench-star%'")
    else:
        conn.executemany(
            "INSERT INTO sources (id, key, path, title, outlet, url, sha256, text, format, extractor, ingested_at) "
            "VALUES (?, ?, ?, ?, 'Wire', ?, '', ?, 'txt', 'bench', '2024-01-01T00:00:00')",
            [(f"bench-star{n:06d}", f"bench-star{n:06d}", f"star/{n}.txt", f"Copy {n}", f"https://example.org/{n}",
              text) for n in range(size)],
        )
        conn.executemany(
            'INSERT INTO items (id, source_id, seq, kind, text, start, "end", paragraph, cluster_id, first_seen) '
            "VALUES (?, ?, 0, 'claim', ?, 0, ?, 0, 'bench-star000000', '2024-01-01T00:00:00')",
            [(f"bench-star{n:06d}", f"bench-star{n:06d}", text, len(text)) for n in range(size)],
        )
        conn.executemany(
            "INSERT INTO links (item_a, item_b, score, method, created_at) "
            "VALUES ('bench-star000000', ?, 100, 'exact', '2024-01-01T00:00:00')",
            [(f"bench-star{n:06d}",) for n in range(1, size)],
        )
"""
# Another process's write transaction, held until its stdin closes.
HOLD_WRITE_LOCK = """
import sqlite3, sys
conn = sqlite3.connect(sys.argv[1], isolation_level=None)
conn.execute("BEGIN IMMEDIATE")
print("locked", flush=True)
sys.stdin.read()
"""
GOALS = "goals: first screen < 1 s, scroll step < 50 ms, filter/search < 200 ms, peak RSS < 300 MB"

SUBJECTS = [
    "The government",
    "Unemployment",
    "The central bank",
    "Inflation",
    "The ministry",
    "Exports",
    "The city council",
    "Hospital waiting times",
    "The opposition",
    "Crime",
    "Tuition fees",
    "The tech sector",
    "Rents",
    "Energy prices",
    "The police",
    "Emissions",
    "The budget deficit",
]
VERBS = [
    "rose by",
    "fell by",
    "reached",
    "doubled to",
    "dropped to",
    "increased to",
    "was cut by",
    "climbed to",
    "stood at",
    "grew by",
]
UNITS = ["percent", "million dollars", "billion euros", "people", "companies", "cases", "homes", "jobs"]
TAILS = [
    "last year",
    "since 2019",
    "in the third quarter",
    "according to official figures",
    "over the past decade",
    "in August",
    "compared with a year earlier",
    "in the capital",
]
FIRST = ["Maria", "Alexander", "Olga", "James", "Fatima", "Pavel", "Sofia", "Chen", "Amara", "Lukas", "Ines"]
LAST = ["Koryzna", "Lukashenko", "Novak", "Okafor", "Silva", "Ivanova", "Schmidt", "Haddad", "Tanaka", "Moreau"]
ROLES = ["minister of finance", "spokesperson", "economist", "mayor", "union leader", "analyst", None]
OUTLETS = ["Reuters", "The Daily Ledger", "Northern Times", "Metro Wire", "Civic Post"]
STATUSES = ["true", "mostly-true", "misleading", "false", "unverifiable", "in-progress"]


def _sentence(rng: random.Random) -> tuple[str, list[dict]]:
    value = rng.choice([rng.randint(2, 99), rng.randint(100, 9000), round(rng.uniform(0.5, 20), 1)])
    unit = rng.choice(UNITS)
    text = f"{rng.choice(SUBJECTS)} {rng.choice(VERBS)} {value} {unit} {rng.choice(TAILS)}"
    if rng.random() < 0.5:
        text += f", and {rng.choice(SUBJECTS).lower()} {rng.choice(VERBS)} {rng.randint(2, 60)} percent"
    return text + ".", [{"text": f"{value} {unit}", "value": float(value), "unit": unit, "start": 0, "end": 0}]


def build(path: Path, items: int, seed: int = 5) -> None:
    """Create ``path`` with ``items`` items (skipped when it already exists)."""
    from workbench.store.database import open_db
    from workbench.store.reviews import now

    if path.exists():
        return
    tmp = path.with_suffix(".tmp")
    for leftover in OUT.glob(tmp.name + "*"):
        leftover.unlink()
    rng = random.Random(seed)
    speakers = [
        (f"{rng.choice(FIRST)} {rng.choice(LAST)}{i if i > 50 else ''}", rng.choice(ROLES))
        for i in range(max(items // 200, 60))
    ]
    db = open_db(tmp)
    conn = db.conn
    conn.execute("PRAGMA synchronous = OFF")
    conn.execute("PRAGMA cache_size = -200000")
    stamp = now()
    started = time.perf_counter()
    conn.execute("BEGIN")
    num = 0
    item_ids: list[str] = []
    for source_no in range(items // ITEMS_PER_SOURCE):
        source_id = f"s{source_no:011d}"
        texts, rows = [], []
        offset = 0
        for seq in range(ITEMS_PER_SOURCE):
            sentence, numbers = _sentence(rng)
            quote = rng.random() < 0.35
            speaker, role = rng.choice(speakers) if quote or rng.random() < 0.3 else (None, None)
            item_id = f"i{num:015d}"
            item_ids.append(item_id)
            rows.append(
                (
                    item_id,
                    source_id,
                    seq,
                    "quote" if quote else "claim",
                    sentence,
                    speaker,
                    role,
                    "said" if speaker else None,
                    offset,
                    offset + len(sentence),
                    seq,
                    round(rng.random(), 4),
                    json.dumps(numbers),
                    stamp,
                )
            )
            texts.append(sentence)
            offset += len(sentence) + 2
            num += 1
        conn.execute(
            "INSERT INTO sources (id, key, path, title, outlet, published, url, sha256, text, format, extractor, "
            "ingested_at) VALUES (?, ?, ?, ?, ?, ?, ?, '', ?, 'txt', 'bench', ?)",
            [
                source_id,
                source_id,
                f"bench/{source_id}.txt",
                f"{rng.choice(SUBJECTS)} report {source_no}",
                rng.choice(OUTLETS),
                f"2024-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}",
                f"https://example.org/{source_id}",
                "\n\n".join(texts),
                stamp,
            ],
        )
        conn.executemany(
            'INSERT INTO items (id, source_id, seq, kind, text, speaker, role, cue, start, "end", paragraph, score, '
            "numbers, first_seen) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            rows,
        )
    reviewed = rng.sample(item_ids, len(item_ids) // 10)
    conn.executemany(
        "INSERT INTO reviews (item_id, status, reviewer, created_at, item_text) "
        "VALUES (?, ?, 'bench', ?, (SELECT text FROM items WHERE id = ?))",
        [(item_id, rng.choice(STATUSES), stamp, item_id) for item_id in reviewed],
    )
    links = []
    for _ in range(max(items // 500, 20)):
        a, b = sorted(rng.sample(item_ids, 2))
        drift = json.dumps([["replace", "rose", "climbed"]]) if rng.random() < 0.3 else None
        links.append((a, b, 92.0, "fuzzy", drift, stamp))
    conn.executemany(
        "INSERT OR IGNORE INTO links (item_a, item_b, score, method, drift, created_at) VALUES (?, ?, ?, ?, ?, ?)",
        links,
    )
    conn.executemany("UPDATE items SET cluster_id = ? WHERE id IN (?, ?)", [(a, a, b) for a, b, *_ in links])
    conn.execute("COMMIT")
    conn.execute("ANALYZE")
    db.close()
    tmp.rename(path)
    for suffix in ("-wal", "-shm"):
        Path(str(tmp) + suffix).unlink(missing_ok=True)
    print(f"built {path.name}: {items:,} items in {time.perf_counter() - started:.0f} s", file=sys.stderr)


async def _wait(pilot, done, timeout: float = 60.0) -> None:
    """Until ``done()`` holds, then one more screen update: the frame that shows it.

    ``pilot.pause(delay)`` processes pending messages and updates the screen; a bare
    ``pilot.pause()`` would also wait for the CPU to go idle, workers included.
    """
    started = time.perf_counter()
    while not done():
        if time.perf_counter() - started > timeout:
            raise TimeoutError("the app did not finish in time")
        await pilot.pause(0.001)
    await pilot.pause(0)


def evict(path: Path) -> None:
    """Drop the database's pages from the OS cache, as after a reboot (no root needed)."""
    for file in (path, Path(f"{path}-wal"), Path(f"{path}-shm")):
        if file.exists():
            descriptor = os.open(file, os.O_RDONLY)
            try:
                os.posix_fadvise(descriptor, 0, 0, os.POSIX_FADV_DONTNEED)
            finally:
                os.close(descriptor)


# (label, keys); the time runs from the last key. Each builds on the filter before it.
CHANGES = [
    ("filter kind=claim (k)", ("k",)),
    ("filter kind=quote (k)", ("k",)),
    ("filter all kinds (k)", ("k",)),
    ("filter has drift (d)", ("d",)),
    ("filter off (d)", ("d",)),
    ("filter has links (l)", ("l",)),
    ("filter off (l)", ("l",)),
    ("filter status=false (s)", ("s", *["down"] * 6, "enter")),
    ("filter any status (s)", ("s", "enter")),
    ("sort by score (r)", ("r",)),
    ("sort by cluster size (r)", ("r",)),
    ("sort by last change (r)", ("r",)),
    ("sort by source (r)", ("r",)),
    ("kind=claim, then sort (k r)", ("k", "r")),
    ("sort back to source (r r r)", ("r", "r", "r")),
    ("search 'u' typed", ("escape", "slash", "u")),
    ("search 'un' typed", ("n",)),
    ("search 'unemp' typed", ("e", "m", "p")),
    ("search one more char 'l'", ("l",)),
    ("search 'the' (common word)", ("ctrl+u", "t", "h", "e")),
    ("clear filters (esc esc)", ("escape", "escape")),
]


async def measure(path: Path) -> dict:
    from textual.geometry import Region

    from workbench.store.database import open_db
    from workbench.store.reviews import mark
    from workbench.tui.app import ReviewApp
    from workbench.tui.filters import Filter

    results: dict = {}
    started = time.perf_counter()
    app = ReviewApp(path, reviewer="bench", poll_seconds=3600)
    async with app.run_test(size=(160, 45)) as pilot:
        screen = app.review
        items, loader = screen.item_list, screen.loader
        await _wait(
            pilot,
            lambda: len(items.nums) > 0 and items.current_row() is not None and screen.detail.num == items.current,
        )
        results["first screen"] = time.perf_counter() - started
        await _wait(pilot, lambda: bool(screen.counts))
        results["status counts shown"] = time.perf_counter() - started
        await _wait(pilot, lambda: loader.complete)
        results["whole list known"] = time.perf_counter() - started
        await pilot.pause(0.5)  # past the detail throttle and any startup work

        def draw_list() -> None:
            """Render the list's visible lines now (reading any rows not cached)."""
            items.render_lines(Region(0, 0, items.size.width, items.size.height))

        async def step(key: str) -> float:
            """CPU seconds of the app's thread to handle the key and draw the next frame.

            Wall time through the pilot is useless here (every press sleeps ~20 ms waiting
            for the app to go idle); the app's own thread is where a keystroke waits.
            """
            cpu = time.thread_time()
            await pilot.press(key)
            await pilot.pause(0)
            draw_list()
            return time.thread_time() - cpu

        def steps(label: str, times: list[float]) -> None:
            results[f"{label} (median)"] = statistics.median(times)
            results[f"{label} (max)"] = max(times)

        def shown() -> bool:
            """The highlighted item is in the detail pane and its linked items are read."""
            links = screen.links
            return (
                screen.detail.num == items.current
                and links.row is not None
                and links.row.num == items.current
                and not links.reading
            )

        async def wall_step(key: str) -> float:
            """Wall seconds from the key to the drawn frame showing the item and its linked items
            (past the detail throttle, which only delays a burst of keys)."""
            await pilot.pause(0.15)
            before = items.current
            begun = time.perf_counter()
            app.simulate_key(key)
            while items.current == before or not shown():
                await asyncio.sleep(0.0005)
                if time.perf_counter() - begun > 30:
                    raise TimeoutError(f"{key}: the item was not shown")
            await pilot.pause(0)
            draw_list()
            return time.perf_counter() - begun

        results["pilot overhead (no-op key)"] = statistics.median([await step("f12") for _ in range(10)])
        steps("page down", [await step("pagedown") for _ in range(60)])
        steps("page up", [await step("pageup") for _ in range(20)])
        results["jump to end"] = await step("end")
        results["jump to start"] = await step("home")
        steps("cursor down", [await step("down") for _ in range(40)])
        steps("cursor down, wall", [await wall_step("down") for _ in range(20)])
        await pilot.pause(0.3)
        begun = time.perf_counter()
        screen._show_item(items.current)
        results["detail + links pane update"] = time.perf_counter() - begun

        async def change(*keys: str) -> tuple[float, float]:
            """Wall seconds from the last key to (first rows drawn, whole list and its count drawn)."""
            await pilot.press(*keys[:-1])
            await pilot.pause(0.2)
            generation = loader.generation
            begun = time.perf_counter()
            app.simulate_key(keys[-1])
            while not (loader.generation > generation and (loader.complete or loader.partial_shown)):
                await asyncio.sleep(0.001)
            await pilot.pause(0)
            draw_list()
            first = time.perf_counter() - begun
            while not loader.complete:
                await asyncio.sleep(0.001)
            await pilot.pause(0)
            draw_list()
            whole = time.perf_counter() - begun
            return first, whole

        for label, keys in CHANGES:
            results[label] = await change(*keys)
        # Another reviewer marks an item: the app re-reads what depends on status only.
        await pilot.press("k")
        await _wait(pilot, lambda: loader.complete)
        other = open_db(path)
        mark(other, items.current_row().id, "false", reviewer="someone-else")
        other.close()
        screen.reload()  # what a poll does once it decides to re-read
        await _wait(pilot, lambda: loader.complete)
        results["after another reviewer's mark: kind=quote (k)"] = await change("k")
        # The worst case: nothing kept, as after another process's ingest (new items make
        # every kept order and mask stale).
        await pilot.press("k")
        await _wait(pilot, lambda: loader.complete)
        loader.index.forget()
        results["nothing kept (after an ingest): kind=quote (k)"] = await change("k")
        await pilot.press("k")
        await _wait(pilot, lambda: loader.complete)
        # A mark while another process holds the write lock: it waits, the key is not held up.
        holder = subprocess.Popen(
            [sys.executable, "-c", HOLD_WRITE_LOCK, str(path)], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True
        )
        holder.stdout.readline()
        begun = time.perf_counter()
        await pilot.press("1")
        results["mark, database locked by another process"] = time.perf_counter() - begun
        holder.stdin.close()
        holder.wait()
        await _wait(pilot, lambda: not screen.writes.waiting)
        # The cursor over an item of 19 MB, as an old database or a script may hold (written by
        # another process, so that making it is not counted in this one's memory).
        subprocess.run([sys.executable, "-c", HUGE_ITEM, str(path), "insert", str(items.current)], check=True)
        screen.reload()  # what a poll does once it decides to re-read
        await _wait(pilot, lambda: loader.complete)
        items.select_num(app.db.execute("SELECT num FROM items WHERE id = 'bench-huge'").fetchone()[0])
        await pilot.pause(0.3)
        steps("cursor off and onto a 19 MB item", [await step(key) for key in ("down", "up") * 5])
        body = screen.detail.body
        results["detail pane of a 19 MB item (chars drawn)"] = sum(
            len(strip.text.rstrip()) for strip in body.render_lines(Region(0, 0, body.size.width, body.size.height))
        )
        subprocess.run([sys.executable, "-c", HUGE_ITEM, str(path), "delete"], check=True)
        # Onto the members of a 5,000-item cluster, from the item before them in source order.
        subprocess.run([sys.executable, "-c", PLANT_CLUSTER, str(path), "insert", str(CLUSTER)], check=True)
        screen.reload()  # what a poll does once it decides to re-read
        screen.apply_filter(Filter())  # every item listed, in source order: the members one after another
        await _wait(pilot, lambda: loader.complete)
        first = app.db.execute("SELECT min(num) FROM items WHERE cluster_id = 'bench-star000000'").fetchone()[0]
        if not items.select_num(first):
            raise RuntimeError("the cluster's first member is not listed")
        await pilot.pause(0.3)
        await pilot.press("up")
        steps(f"cursor onto a member of a {CLUSTER:,}-item cluster, wall", [await wall_step("down") for _ in range(10)])
        results["linked items listed for a member"] = len(screen.links.members)
        subprocess.run([sys.executable, "-c", PLANT_CLUSTER, str(path), "delete", "0"], check=True)
    results["peak RSS MB"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return results


def _format(label: str, value) -> str:
    if isinstance(value, list):
        return f"{value[0] * 1000:6.0f} ms first rows, {value[1] * 1000:6.0f} ms complete (count + full id list)"
    if label.endswith(("MB", "(chars drawn)")):
        return f"{value:6.0f}"
    if label.endswith("listed for a member"):
        return f"{value:6.0f}"
    cpu = label.split(" (")[0] in CPU_STEPS
    return f"{value * 1000:6.1f} ms" + (" CPU of the app thread" if cpu else "")


def prepare(path: Path) -> None:
    """Apply pending migrations once, so that no measurement includes them."""
    from sqlite_utils import Database

    from workbench.store.database import migrate
    from workbench.store.schema import migrations

    db = Database(path)
    if migrations.pending(db):
        started = time.perf_counter()
        migrate(db)
        print(f"migrated {path.name} in {time.perf_counter() - started:.1f} s", file=sys.stderr)
    db.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", type=int, nargs="+", default=[10_000, 1_000_000])
    parser.add_argument("--cold", action="store_true", help="evict the database from the OS cache before measuring")
    parser.add_argument("--measure", type=Path, help=argparse.SUPPRESS)  # the child process
    args = parser.parse_args()
    if args.measure:
        print(json.dumps(asyncio.run(measure(args.measure))))
        return
    OUT.mkdir(exist_ok=True)
    print(GOALS)
    for size in args.sizes:
        path = OUT / f"tui_{size}.db"
        build(path, size)
        prepare(path)
        if args.cold:
            evict(path)
        child = subprocess.run([sys.executable, __file__, "--measure", str(path)], capture_output=True, text=True)
        if child.returncode:
            sys.exit(child.stderr)
        results = json.loads(child.stdout.strip().splitlines()[-1])
        print(f"\n{size:,} items ({path.stat().st_size / 1e6:,.0f} MB file{', cold OS cache' if args.cold else ''})")
        width = max(map(len, results))
        for label, value in results.items():
            print(f"  {label:<{width}} {_format(label, value)}")


if __name__ == "__main__":
    main()
