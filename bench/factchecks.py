"""Fact-check archives at scale: importing, matching, and matching incrementally.

    .venv/bin/python bench/factchecks.py                       # 200,000 entries; 2,000 and 8,000 items
    .venv/bin/python bench/factchecks.py --entries 20000 --items 1000 4000 --new 250 500
    .venv/bin/python bench/factchecks.py --items 1000000 --new 250 1000   # the goal's size

Synthetic data built from the fixture articles' sentences, about half of each sentence's
words swapped for others of the fixtures and its figures changed, so every claim is distinct:

1. **import**: ``workbench factchecks import FILE --no-match`` (the command, in this
   process) of a ClaimReview data feed of ``--entries`` entries; its time against a
   baseline in the same run: parsing the same file with ``json.load``.
2. **index**: the archive's matching index built and stored (``factcheck_index``), as the
   first ``match_new_items`` after an import does.
3. **match**: ``match_new_entries`` of those entries against ``--items`` stored items
   (a quarter of them rewordings of entries), per size, with the stored index; items per
   second, the peak memory of this process (VmHWM) and of the largest worker process, and
   the time per item, which stays flat when matching grows linearly with the items.
4. **incremental**: after the full match, ``match_new_items`` (what an ingest runs) for
   ``--new`` new items, on databases of each ``--items`` size: it reads the stored index
   instead of building it, so its time follows the new items, not the stored ones or the
   archive's size.

Each figure has its clock time and the CPU time of this process and its worker processes
(other work on the machine slows the first, not the second).

Items are written with SQL, not extracted (extraction is bench/ingest.py's subject).
"""

from __future__ import annotations

import argparse
import contextlib
import io
import json
import os
import random
import re
import resource
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from workbench.cli import cli  # noqa: E402
from workbench.link.factchecks import match_new_entries, match_new_items  # noqa: E402
from workbench.store.database import now, open_db, write_transaction  # noqa: E402

SENTENCE = re.compile(r"[A-Z][^.!?\n]{40,220}[.!?]")
WORD = re.compile(r"[A-Za-z]{4,}")
# Items written per transaction.
STORE_BATCH = 50_000


def sentences_and_words() -> tuple[list[str], list[str]]:
    text = "\n".join(path.read_text(encoding="utf-8") for path in sorted((ROOT / "fixtures").glob("*.txt")))
    return SENTENCE.findall(text), sorted(set(WORD.findall(text)))


def variant(rng: random.Random, sentence: str, words: list[str]) -> str:
    """The sentence with about half its longer words swapped and its figures changed."""
    swapped = WORD.sub(lambda match: rng.choice(words) if rng.random() < 0.5 else match.group(), sentence)
    return re.sub(r"\d+", lambda _: str(rng.randint(2, 999)), swapped)


def reworded(rng: random.Random, claim: str) -> str:
    """A rewording that keeps the claim: a word dropped, the rest in place."""
    parts = claim.split()
    if len(parts) > 6:
        del parts[rng.randrange(1, len(parts) - 1)]
    return "Officials said " + " ".join(parts)


def peak_mb() -> float:
    """This process's peak resident memory (VmHWM), in MB."""
    status = Path("/proc/self/status")
    if status.is_file():
        for line in status.read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def write_feed(path: Path, claims: list[str]) -> None:
    feed = {
        "@context": "https://schema.org",
        "@type": "DataFeed",
        "dataFeedElement": [
            {
                "@type": "DataFeedItem",
                "item": [
                    {
                        "@type": "ClaimReview",
                        "claimReviewed": claim,
                        "url": f"https://checks.example.net/{number}",
                        "author": {"@type": "Organization", "name": f"Desk {number % 40}"},
                        "datePublished": "2024-01-01",
                        "reviewRating": {
                            "@type": "Rating",
                            "alternateName": ("False", "Misleading", "True")[number % 3],
                        },
                    }
                ],
            }
            for number, claim in enumerate(claims)
        ],
    }
    path.write_text(json.dumps(feed), encoding="utf-8")


def add_items(db, texts: list[str], first: int) -> None:
    """Store ``texts`` as items of one synthetic source each (numbered from ``first``),
    ``STORE_BATCH`` per statement batch."""
    stamp = now()
    for begin in range(0, len(texts), STORE_BATCH):
        numbered = list(enumerate(texts[begin : begin + STORE_BATCH], first + begin))
        with write_transaction(db):
            db.conn.executemany(
                "INSERT INTO sources (id, key, path, sha256, text, format, extractor, ingested_at) "
                "VALUES (?1, ?1, ?1 || '.txt', ?1, ?2, 'plain', 'bench', ?3)",
                [(f"s{number:09d}", text, stamp) for number, text in numbered],
            )
            db.conn.executemany(
                'INSERT INTO items (id, source_id, seq, kind, text, start, "end", paragraph, first_seen) '
                "VALUES (?, ?, 0, 'claim', ?, 0, ?, 0, ?)",
                [(f"{number:016x}", f"s{number:09d}", text, len(text), stamp) for number, text in numbered],
            )


def worker_peak_mb() -> float:
    """The peak resident memory of the largest worker process that ended, in MB (pages it
    shares with this process, the archive's index among them, count in both)."""
    return resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024


def cpu_seconds() -> float:
    """CPU seconds of this process and of its children that ended (matching's worker processes)."""
    return sum(
        usage.ru_utime + usage.ru_stime
        for usage in (resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN))
    )


def timed(run, *args):
    """``run(*args)``, its clock seconds and CPU seconds (:func:`cpu_seconds`)."""
    started, cpu = time.monotonic(), cpu_seconds()
    result = run(*args)
    return result, time.monotonic() - started, cpu_seconds() - cpu


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--entries", type=int, default=200_000)
    parser.add_argument("--items", type=int, nargs="+", default=[2_000, 8_000])
    parser.add_argument("--new", type=int, nargs="+", default=[250, 500, 1_000])
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="bench-factchecks-") as work:
        run(args, Path(work))


def run(args: argparse.Namespace, work: Path) -> None:
    rng = random.Random(16)
    sentences, words = sentences_and_words()
    claims = list(dict.fromkeys(variant(rng, rng.choice(sentences), words) for _ in range(args.entries)))
    feed = work / "feed.json"
    write_feed(feed, claims)
    print(
        f"{len(claims):,} entries ({feed.stat().st_size / 2**20:.0f} MB); fixtures: {len(sentences)} sentences; "
        f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores (other work slows clock times, not CPU)"
    )

    started = time.monotonic()
    json.loads(feed.read_text(encoding="utf-8"))
    baseline = time.monotonic() - started
    db_path = work / "archive.db"
    with contextlib.redirect_stdout(io.StringIO()):
        command = ["factchecks", "import", str(feed), "--no-match", "--db", str(db_path)]
        _, imported, cpu = timed(lambda: cli.main(command, standalone_mode=False))
    print(
        f"import: {imported:.1f}s, CPU {cpu:.1f}s ({len(claims) / imported:,.0f} entries/s), "
        f"{imported / baseline:.1f}x json.load ({baseline:.1f}s); peak {peak_mb():,.0f} MB",
        flush=True,
    )
    db = open_db(db_path)
    _, took, cpu = timed(match_new_items, db)  # no items yet: builds and stores the archive's index
    db.close()
    print(f"index: {took:.1f}s, CPU {cpu:.1f}s; peak {peak_mb():,.0f} MB", flush=True)

    for size in args.items:
        db = open_db(db_path)
        db.execute("UPDATE factchecks SET matched_at = NULL")
        db.execute("DELETE FROM factcheck_matches")
        db.execute("UPDATE factcheck_progress SET items_through = 0")
        db.execute("DELETE FROM items")
        db.execute("DELETE FROM sources")
        texts = [
            reworded(rng, rng.choice(claims)) if number % 4 == 0 else variant(rng, rng.choice(sentences), words)
            for number in range(size)
        ]
        add_items(db, texts, 0)
        db.execute("UPDATE factcheck_progress SET items_through = (SELECT max(num) FROM items)")
        summary, took, cpu = timed(match_new_entries, db)
        print(
            f"match {size:,} items x {summary.entries:,} entries: {took:.1f}s, CPU {cpu:.1f}s "
            f"({size / took:,.0f} items/s, {cpu / size * 1000:.2f} ms CPU/item), {summary.matches:,} matches; "
            f"peak {peak_mb():,.0f} MB, largest worker {worker_peak_mb():,.0f} MB",
            flush=True,
        )
        for new in args.new:
            texts = [reworded(rng, rng.choice(claims)) for _ in range(new)]
            add_items(db, texts, 10**8 + new * 10 + size)
            summary, took, cpu = timed(match_new_items, db)
            print(
                f"  then {new:,} new items on {size:,} stored: {took:.1f}s, CPU {cpu:.1f}s "
                f"({cpu / new * 1000:.2f} ms CPU/new item), {summary.matches:,} matches",
                flush=True,
            )
        db.close()


if __name__ == "__main__":
    main()
