"""Export benchmark: time, rows/s and peak memory for CSV, JSON lines and HTML.

    /work/venv/bin/python bench/export.py                 # 100k and 1M items
    /work/venv/bin/python bench/export.py --sizes 100000  # just one size

Databases are built once by direct bulk inserts (sources, items, reviews on a third
of the items, clusters of three on a tenth) and cached as ``bench/out/items-N.db``.
Each export runs the real ``workbench export`` command in a fresh process, so the
peak RSS it reports (``resource.getrusage``, the process high-water mark) belongs to
that export alone; CPU seconds are shown beside wall-clock seconds because a busy
shared machine stretches the latter. Memory that stays flat from 100k to 1M while time grows about
tenfold means the exports stream.
"""

from __future__ import annotations

import argparse
import json
import random
import resource
import subprocess
import sys
import time
from pathlib import Path

OUT = Path(__file__).resolve().parent / "out"
FORMATS = ("csv", "jsonl", "html")
ITEMS_PER_SOURCE = 50
WORDS = (
    "the minister said unemployment fell by percent last year while inflation rose and wages "
    "stagnated across the region according to official figures published on tuesday"
).split()
STATUSES = ("true", "mostly-true", "misleading", "false", "unverifiable", "in-progress")


def build(size: int) -> Path:
    """The cached benchmark database with ``size`` items (built on first use)."""
    from workbench.store.database import open_db, write_transaction

    path = OUT / f"items-{size}.db"
    if path.exists():
        return path
    OUT.mkdir(parents=True, exist_ok=True)
    partial = path.with_suffix(".partial")
    for leftover in OUT.glob(partial.name + "*"):
        leftover.unlink()
    started = time.perf_counter()
    rng = random.Random(size)
    db = open_db(partial)
    stamp = "2026-01-01T00:00:00+00:00"
    with write_transaction(db):
        db.conn.executemany(
            "INSERT INTO sources (id, key, path, title, outlet, url, published, sha256, text, links, format, "
            "extractor, ingested_at) VALUES (?, ?, ?, ?, ?, ?, ?, '', '', '[]', 'txt', 'bench', ?)",
            (
                (
                    f"s{number:011d}",
                    f"key{number}",
                    f"corpus/{number}.txt",
                    f"Article {number}",
                    f"Outlet {number % 40}",
                    f"https://news{number % 40}.example/{number}",
                    f"2025-{1 + number % 12:02d}-{1 + number % 28:02d}",
                    stamp,
                )
                for number in range(size // ITEMS_PER_SOURCE)
            ),
        )

        def items():
            for number in range(size):
                text = " ".join(rng.choices(WORDS, k=rng.randint(8, 22))).capitalize() + "."
                cluster = f"c{number // 3}" if number % 30 < 3 else None
                yield (
                    f"i{number:015d}",
                    f"s{number // ITEMS_PER_SOURCE:011d}",
                    number % ITEMS_PER_SOURCE,
                    "quote" if number % 4 == 0 else "claim",
                    text,
                    f"Speaker {number % 500}",
                    len(text),
                    rng.random(),
                    cluster,
                    stamp,
                )

        db.conn.executemany(
            'INSERT INTO items (id, source_id, seq, kind, text, speaker, start, "end", paragraph, score, cluster_id, '
            "first_seen) VALUES (?, ?, ?, ?, ?, ?, 0, ?, 0, ?, ?, ?)",
            items(),
        )
        db.conn.executemany(
            "INSERT INTO reviews (item_id, status, note, reviewer, created_at) VALUES (?, ?, ?, ?, ?)",
            (
                (
                    f"i{number:015d}",
                    STATUSES[number % len(STATUSES)],
                    "Checked against the official figures.",
                    f"reviewer{number % 7}",
                    f"2026-02-{1 + number % 28:02d}T12:00:00+00:00",
                )
                for number in range(0, size, 3)
            ),
        )
    db.conn.close()
    partial.rename(path)
    print(f"built {path.name} in {time.perf_counter() - started:.1f} s", flush=True)
    return path


def measure(database: Path, format_: str) -> dict:
    """Run one export in a fresh process and return its figures."""
    target = OUT / f"export-{database.stem}.{format_}"
    result = subprocess.run(
        [sys.executable, __file__, "--child", str(database), format_, str(target)],
        check=True,
        capture_output=True,
        text=True,
    )
    figures = json.loads(result.stdout.strip().splitlines()[-1])
    figures["bytes"] = target.stat().st_size
    target.unlink()  # a million-item report is large; only its size is of interest
    return figures


def child(database: str, format_: str, target: str) -> None:
    """Inside the fresh process: run ``workbench export`` and print the figures as JSON."""
    from workbench.cli import cli

    before = resource.getrusage(resource.RUSAGE_SELF)
    started = time.perf_counter()
    cli.main(["export", "--db", database, "--format", format_, "-o", target], standalone_mode=False)
    seconds = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_SELF)
    from workbench.store.database import open_db

    rows = open_db(database, readonly=True).execute("SELECT count(*) FROM items").fetchone()[0]
    print(
        json.dumps(
            {
                "seconds": seconds,
                "rows": rows,
                "baseline_kib": before.ru_maxrss,
                "peak_kib": after.ru_maxrss,
                "cpu": after.ru_utime + after.ru_stime - before.ru_utime - before.ru_stime,
            }
        )
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[100_000, 1_000_000])
    parser.add_argument("--formats", nargs="+", choices=FORMATS, default=list(FORMATS))
    parser.add_argument("--child", nargs=3, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(*args.child)
        return
    results: dict[tuple[int, str], dict] = {}
    print(
        f"{'items':>9}  {'format':<6} {'seconds':>8} {'CPU s':>6} {'rows/s':>9} {'output MB':>9} "
        f"{'RSS at start MB':>15} {'peak RSS MB':>11}",
        flush=True,
    )
    for size in args.sizes:
        database = build(size)
        for format_ in args.formats:
            figures = results[size, format_] = measure(database, format_)
            print(
                f"{size:>9,}  {format_:<6} {figures['seconds']:>8.1f} {figures['cpu']:>6.1f} "
                f"{figures['rows'] / figures['seconds']:>9,.0f} {figures['bytes'] / 1e6:>9.1f} "
                f"{figures['baseline_kib'] / 1024:>15.1f} {figures['peak_kib'] / 1024:>11.1f}",
                flush=True,
            )
    if len(args.sizes) > 1:
        small, large = min(args.sizes), max(args.sizes)
        for format_ in args.formats:
            a, b = results[small, format_], results[large, format_]
            print(
                f"{format_}: {large // small}x the items took {b['seconds'] / a['seconds']:.1f}x the time "
                f"({b['cpu'] / a['cpu']:.1f}x the CPU) and {b['peak_kib'] / a['peak_kib']:.2f}x the peak memory"
            )


if __name__ == "__main__":
    main()
