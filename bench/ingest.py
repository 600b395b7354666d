"""Ingest benchmark: what `workbench ingest FOLDER` does by default (read, clean, extract,
store, then link the new items), on synthetic corpora of N articles built from the fixtures.

    .venv/bin/python bench/ingest.py                 # N = 1,000 and 10,000
    .venv/bin/python bench/ingest.py --sizes 200 2000 --workers 2

Each synthetic article is one of the fixture files with its names, numbers and about
half of its content words swapped and its paragraphs shuffled, so items are distinct.
Each size runs in a fresh process, as the command does, through ``pipeline.ingest`` with
linking on (its default): the ingest part ends when the linking starts (its first progress
call), the link part is the rest. Prints articles/s, MB/s, items, both parts' seconds, the
links made, the main process's own peak memory (VmHWM of that fresh process, so no size
inherits another's peak) and the largest worker's, and, so that runs on a shared, noisy
machine compare, the whole time relative to a baseline measured in the same run (reading
and cleaning the same files in one process, no extraction or storage).
Each sentence skeleton recurs in N/2 articles with half its words changed, a much more
self-similar corpus than real news, which makes linking here harder than in bench/link.py.
"""

from __future__ import annotations

import argparse
import concurrent.futures as cf
import multiprocessing
import os
import random
import re
import resource
import shutil
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from workbench.pipeline import ingest  # noqa: E402
from workbench.readers import discover, read_path  # noqa: E402
from workbench.store.database import open_db  # noqa: E402

OUT = ROOT / "bench" / "out"
FIRST = ["Anna", "Pavel", "Olga", "Ivan", "Maria", "Dmitry", "Elena", "Sergei", "Irina", "Alexei", "Tanya", "Yuri"]
LAST = ["Petrova", "Sidorov", "Kuznetsova", "Orlov", "Volkova", "Lebedev", "Morozova", "Novikov", "Zaitseva", "Sokolov"]
SPEAKERS = [
    "Max Korolevsky",
    "Eugene Nagel",
    "Elena Izraylevych",
    "Ilya Lashch",
    "Olle Pridiuksson",
    "Katia Glod",
    "Alexei Kuzmenkov",
    "Darya Miskevich",
    "Daniel Krutzinna",
    "Alex Kokcharov",
    "Franak Viacorka",
]


KEEP = {
    "said",
    "told",
    "added",
    "according",
    "he",
    "she",
    "they",
    "it",
    "the",
    "a",
    "an",
    "of",
    "to",
    "in",
    "and",
    "that",
    "was",
    "is",
    "were",
    "has",
    "have",
    "by",
    "for",
    "on",
    "with",
    "as",
    "at",
    "from",
    "who",
    "which",
    # boilerplate markers the cleaner must still recognise
    "related",
    "article",
    "share",
    "this",
    "become",
    "member",
    "just",
    "per",
    "month",
    "team",
    "hope",
    "you",
    "enjoyed",
    "reporting",
    "writing",
    "editing",
    "via",
}
WORD = re.compile(r"[A-Za-z][a-z’']+")


def synthesise(bases: list[str], count: int, folder: Path, seed: int = 7) -> int:
    """Write ``count`` varied articles into ``folder``; return total bytes written.

    About half of the content words of every article are swapped for other words of the
    fixtures' vocabulary, so items are distinct (not near-duplicates to be linked) while
    quotation marks, cue verbs and sentence shapes stay those of real news.
    The corpus is cached under bench/out/ and rebuilt when missing.
    """
    rng = random.Random(seed)
    # The fixtures' own words plus made-up ones: a real corpus of thousands of articles
    # has a vocabulary of tens of thousands of words, two articles have about 1,500.
    syllables = ["ka", "lo", "min", "ser", "va", "dor", "pe", "tru", "nis", "gal", "bre", "zo", "ul", "ram", "te"]
    invented = {"".join(rng.choice(syllables) for _ in range(rng.randint(2, 4))) for _ in range(30000)}
    vocabulary = sorted(({word.lower() for base in bases for word in WORD.findall(base)} | invented) - KEEP)

    def vary(match: re.Match) -> str:
        word = match.group()
        if word.lower() in KEEP or rng.random() < 0.5:
            return word
        replacement = rng.choice(vocabulary)
        return replacement.capitalize() if word[0].isupper() else replacement

    folder.mkdir(parents=True, exist_ok=True)
    total = 0
    for index in range(count):
        title, _, body = bases[index % len(bases)].partition("\n")
        paragraphs = [p for p in body.split("\n\n") if p.strip()]
        rng.shuffle(paragraphs)
        paragraphs = paragraphs[: max(8, int(len(paragraphs) * rng.uniform(0.6, 1.0)))]
        text = "\n\n".join(paragraphs)
        for speaker in SPEAKERS:
            text = text.replace(speaker, f"{rng.choice(FIRST)} {rng.choice(LAST)}")
        text = re.sub(r"\d+", lambda m: str(int(m.group()) + rng.randint(1, 97)), text)
        text = WORD.sub(vary, text)
        article = f"{title} ({index})\n\n{text}\n"
        (folder / f"article_{index:06d}.txt").write_text(article, encoding="utf-8")
        total += len(article.encode("utf-8"))
    return total


def baseline(folder: Path) -> float:
    """Seconds to read and clean every file in one process: the yardstick for ratios."""
    start = time.perf_counter()
    for found in discover([str(folder)]):
        for _ in read_path(*found):
            pass
    return time.perf_counter() - start


def peak_mb(who: int) -> float:
    return resource.getrusage(who).ru_maxrss / 1024


def own_peak_mb() -> float:
    """This process's own peak resident memory (``ru_maxrss`` survives exec: a spawned
    process would report its parent's peak when that is higher)."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return peak_mb(resource.RUSAGE_SELF)


def cpu_seconds() -> float:
    """CPU time (user + system) of this process and of its workers that have ended: on a
    shared machine it varies far less with the load than the time on the clock."""
    own, workers = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + workers.ru_utime + workers.ru_stime


def ingest_as_the_command_does(folder: Path, db_path: Path, workers: int) -> dict:
    """``pipeline.ingest`` with its defaults (linking on), timed in two parts (run in a fresh process)."""
    db = open_db(db_path)
    stage_starts: dict[str, float] = {}
    cpu_at_link: list[float] = []

    def on_link(stage: str, done: int, total: int) -> None:
        if not stage_starts:
            cpu_at_link.append(cpu_seconds())
        stage_starts.setdefault(stage, time.perf_counter())

    start, cpu_start = time.perf_counter(), cpu_seconds()
    summary = ingest(db, [str(folder)], workers=workers, link_progress=on_link)
    end, cpu_end = time.perf_counter(), cpu_seconds()
    middle = min(stage_starts.values(), default=end)
    cpu_middle = cpu_at_link[0] if cpu_at_link else cpu_end
    bounds = [*stage_starts.values(), end]
    result = {
        "link_stages": {stage: round(b - a, 1) for stage, a, b in zip(stage_starts, bounds, bounds[1:])},
        "failures": [str(failure) for failure in summary.failures[:3]],
        "ingest_s": middle - start,
        "link_s": end - middle,
        "ingest_cpu_s": cpu_middle - cpu_start,
        "link_cpu_s": cpu_end - cpu_middle,
        "items": db.execute("SELECT count(*) FROM items").fetchone()[0],
        "links": db.execute("SELECT count(*) FROM links").fetchone()[0],
        "main_mb": own_peak_mb(),
        "worker_mb": peak_mb(resource.RUSAGE_CHILDREN),
    }
    db.close()
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", type=int, nargs="+", default=[1000, 10000])
    parser.add_argument("--workers", type=int, default=2)
    args = parser.parse_args()
    fixtures = sorted((ROOT / "fixtures").glob("0*.txt"))  # the two seed articles, not the short demo ones
    bases = [path.read_text(encoding="utf-8") for path in fixtures]
    print("ingest = read, clean, extract, store; link = the linking of the new items that follows it")
    print(
        f"{'N':>7} {'total s':>8} {'ingest s':>9} {'link s':>7} {'art/s':>7} {'MB/s':>6} {'items':>9} {'links':>8} "
        f"{'x base':>7} {'main MB':>8} {'worker MB':>9} {'load':>5} {'ingest cpu':>10} {'link cpu':>8}  link stages (s)"
    )
    for size in args.sizes:
        folder = OUT / f"corpus_{size}"
        if not folder.exists() or len(list(folder.iterdir())) != size:
            shutil.rmtree(folder, ignore_errors=True)
            synthesise(bases, size, folder)
        megabytes = sum(path.stat().st_size for path in folder.iterdir()) / 2**20
        yardstick = baseline(folder)
        db_path = OUT / f"ingest_{size}.db"
        for suffix in ("", "-wal", "-shm"):
            Path(f"{db_path}{suffix}").unlink(missing_ok=True)
        with cf.ProcessPoolExecutor(1, mp_context=multiprocessing.get_context("spawn")) as pool:
            result = pool.submit(ingest_as_the_command_does, folder, db_path, args.workers).result()
        load = os.getloadavg()[0]  # the machine may be shared: the 1-minute load at the end of the run
        assert not result["failures"], result["failures"]
        total = result["ingest_s"] + result["link_s"]
        print(
            f"{size:>7,} {total:>8.1f} {result['ingest_s']:>9.1f} {result['link_s']:>7.1f} {size / total:>7.0f} "
            f"{megabytes / total:>6.2f} {result['items']:>9,} {result['links']:>8,} {total / yardstick:>7.1f} "
            f"{result['main_mb']:>8.0f} {result['worker_mb']:>9.0f} {load:>5.1f} "
            f"{result['ingest_cpu_s']:>10.1f} {result['link_cpu_s']:>8.1f}  {result['link_stages']}",
            flush=True,
        )


if __name__ == "__main__":
    main()
