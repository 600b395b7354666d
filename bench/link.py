"""Benchmark the linker on synthetic corpora with planted near-duplicates.

    /work/venv/bin/python bench/link.py --sizes 10000,100000,1000000 [--dir /tmp/linkbench]

For each size: build a real SQLite file (open_db, then sources + items rows), run
``link_items`` on it and print wall time, peak RSS, recall of the planted duplicates
(reworded, reordered, synonyms, numbers rewritten, name spellings, one sentence inside
another), recall of planted number conflicts, and recall against exhaustive rapidfuzz
scoring at the same threshold on a 20k-item slice (every pair scored; the slice is
contiguous so planted groups stay whole).

Then the incremental figure: ``NEW_ITEMS`` more items from the same generator (held
back when the corpus was built) are inserted into the linked database and linked with
``link_items(db, new_ids)``, as an ingest does: its time against the full run's, and
the recall of the planted duplicates that involve a new item.
"""

from __future__ import annotations

import argparse
import bisect
import concurrent.futures as cf
import json
import math
import multiprocessing
import random
import resource
import sys
import time
from pathlib import Path

import numpy as np
from rapidfuzz import fuzz, process

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import itertools

from workbench.link import link_items
from workbench.link.linker import classify
from workbench.link.normalise import normalise
from workbench.link.scoring import CONTAIN_COVER, CONTAIN_MIN, DEFAULT_THRESHOLD, contained
from workbench.store.database import open_db, write_transaction

SAMPLE = 20_000
NEW_ITEMS = 1_000
ITEMS_PER_SOURCE = 20
SYLLABLES = [
    "ka",
    "lo",
    "mi",
    "ne",
    "ru",
    "ta",
    "vo",
    "si",
    "de",
    "po",
    "ga",
    "bu",
    "fi",
    "ze",
    "sho",
    "tra",
    "ven",
    "mar",
    "dol",
    "ris",
    "pen",
    "gor",
    "lin",
    "tas",
    "ber",
    "kul",
    "hon",
    "sel",
]
FUNCTION = "the of and to in a that for on with as by at from has was is will its their this".split()
SYNONYMS = [
    ["rose", "increased", "climbed", "jumped"],
    ["fell", "dropped", "declined"],
    ["company", "firm"],
    ["government", "administration"],
    ["began", "started", "launched"],
    ["children", "kids"],
    ["protest", "demonstration"],
    ["killed", "died"],
    ["vehicle", "car"],
    ["law", "legislation"],
]
NAMES = [
    ("Lukashenko", "Lukashenka"),
    ("Zelensky", "Zelenskyy"),
    ("Navalny", "Navalnyi"),
    ("Gaddafi", "Gadhafi"),
    ("Tsikhanouskaya", "Tikhanovskaya"),
    ("Mohammed", "Muhammad"),
]
WORD_NUMBERS = {
    2: "two",
    3: "three",
    4: "four",
    5: "five",
    6: "six",
    7: "seven",
    8: "eight",
    9: "nine",
    10: "ten",
    12: "twelve",
    20: "twenty",
}
UNITS = ["companies", "people", "workers", "schools", "villages"]
MONTHS = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
]
PREFIXES = [
    "Officials in the capital said on Monday that",
    "A report published this week found that",
    "According to figures released by the ministry,",
]


class Generator:
    """Synthetic claims from a Zipf vocabulary, and rewrites of them."""

    def __init__(self, seed: int = 7, vocabulary: int = 60_000):
        self.rng = random.Random(seed)
        words = set()
        while len(words) < vocabulary:
            words.add("".join(self.rng.choices(SYLLABLES, k=self.rng.randint(2, 4))))
        self.words = sorted(words)
        self.rng.shuffle(self.words)
        # Zipf over content words: ranks start at 150 because the commonest ~150 words of
        # English are function words, which the matcher drops and FUNCTION stands in for.
        weights = 1 / np.arange(150, len(self.words) + 150) ** 1.05
        self.cumulative = np.cumsum(weights / weights.sum()).tolist()

    def _word(self) -> str:
        return self.words[bisect.bisect(self.cumulative, self.rng.random()) % len(self.words)]

    def story(self) -> dict:
        """One original claim as slots: two clauses of words, a figure, maybe a name."""
        rng = self.rng
        clauses = []
        for _ in range(2):
            clause = []
            for _ in range(rng.randint(4, 8)):
                roll = rng.random()
                if roll < 0.25:
                    clause.append(rng.choice(FUNCTION))
                elif roll < 0.33:
                    clause.append(("syn", rng.randrange(len(SYNONYMS))))
                else:
                    clause.append(self._word())
            clauses.append(clause)
        figure = rng.choice(["percent", "count", "date", None])
        value = rng.choice([2, 3, 5, 7, 9, 10, 12, 20, 35, 48, 150, 750])
        if figure == "date":
            value = (rng.randrange(12), rng.randint(1, 28))
        name = rng.randrange(len(NAMES)) if rng.random() < 0.3 else None
        return {
            "clauses": clauses,
            "figure": figure,
            "value": value,
            "unit": rng.choice(UNITS),
            "name": name,
            "quote": rng.random() < 0.2,
        }

    def render(self, story: dict, variant: bool = False) -> tuple[str, list[dict], str | None]:
        """Text, number mentions and speaker of a story; ``variant`` rewrites it."""
        rng = self.rng
        clauses = [list(clause) for clause in story["clauses"]]
        changes = (
            set(rng.sample(["synonyms", "reorder", "numbers", "name", "contain", "noise"], 3)) if variant else set()
        )
        words = []
        for clause in clauses:
            out = []
            for slot in clause:
                if isinstance(slot, tuple):
                    group = SYNONYMS[slot[1]]
                    out.append(rng.choice(group) if "synonyms" in changes else group[0])
                else:
                    out.append(slot)
            if "noise" in changes and len(out) > 4 and rng.random() < 0.5:
                out.pop(rng.randrange(1, len(out)))
            words.append(out)
        if "reorder" in changes:
            words.reverse()
        name = None
        if story["name"] is not None:
            spellings = NAMES[story["name"]]
            name = spellings[1] if "name" in changes else spellings[0]
            words[0].insert(0, name)
        text = " ".join(words[0]) + ", " + " ".join(words[1])
        figure, numbers = self._figure(story, "numbers" in changes)
        if figure:
            start = len(text) + 5
            text += " with " + figure
            numbers[0].update(start=start, end=start + len(figure))
        if "contain" in changes:
            prefix = rng.choice(PREFIXES) + " "
            text = prefix + text
            for mention in numbers:
                mention["start"] += len(prefix)
                mention["end"] += len(prefix)
        text = text[0].upper() + text[1:] + "."
        return text, numbers, (name or "Smith") if story["quote"] else None

    def _figure(self, story: dict, rewrite: bool) -> tuple[str | None, list[dict]]:
        kind, value, unit = story["figure"], story["value"], story["unit"]
        if kind is None:
            return None, []
        if kind == "date":
            month, day = value
            text = f"the {day}th of {MONTHS[month]}" if rewrite else f"{MONTHS[month][:3]}. {day}"
            return text, [{"text": text, "value": f"--{month + 1:02d}-{day:02d}", "unit": "date"}]
        if kind == "percent":
            written = (
                f"{WORD_NUMBERS[value]} percent"
                if rewrite and value in WORD_NUMBERS
                else f"{value} per cent"
                if rewrite
                else f"{value}%"
            )
            return written, [{"text": written, "value": float(value), "unit": "percent"}]
        written = f"{WORD_NUMBERS[value] if rewrite and value in WORD_NUMBERS else value} {unit}"
        return written, [{"text": written, "value": float(value), "unit": unit}]


def build(path: Path, size: int, held_back: int = 0, seed: int = 7) -> tuple[list, list, list]:
    """Write a corpus of ``size`` items; return planted (match, conflict) pairs as nums and
    the source and item rows of ``held_back`` more items, generated but not written."""
    generator = Generator(seed)
    rng = generator.rng
    db = open_db(path)
    sources = max(2, size // ITEMS_PER_SOURCE)
    stamp = "2024-01-01T00:00:00+00:00"
    matches, conflicts = [], []
    rows = []
    num = 0
    total = size + held_back

    def add(text: str, numbers: list[dict], speaker: str | None, source: int) -> int:
        nonlocal num
        num += 1
        rows.append(
            (
                num,
                f"{num:016x}",
                f"s{source:07d}",
                num,
                "quote" if speaker else "claim",
                text,
                speaker,
                0,
                len(text),
                0,
                json.dumps(numbers),
                stamp,
            )
        )
        return num

    while num < total:
        story = generator.story()
        source = rng.randrange(sources)
        original = add(*generator.render(story), source)
        roll = rng.random()
        if roll < 0.3 and num < total:
            for _ in range(rng.choice([1, 1, 2])):
                if num >= total:
                    break
                other = (source + rng.randrange(1, sources)) % sources
                matches.append((original, add(*generator.render(story, variant=True), other)))
        elif roll < 0.33 and story["figure"] in ("percent", "count") and num < total:
            changed = dict(story, value=story["value"] + rng.choice([1, 3, 50]))
            other = (source + rng.randrange(1, sources)) % sources
            conflicts.append((original, add(*generator.render(changed), other)))
    source_rows = [(f"s{i:07d}", f"s{i:07d}", f"s{i:07d}.txt", stamp) for i in range(sources)]
    insert_items(db, source_rows, rows[:size])
    db.conn.close()
    return matches, conflicts, rows[size:]


def insert_items(db, source_rows: list[tuple], item_rows: list[tuple]) -> None:
    with write_transaction(db):
        db.conn.executemany(
            "INSERT OR IGNORE INTO sources (id, key, path, sha256, text, format, extractor, ingested_at) "
            "VALUES (?, ?, ?, '', '', 'txt', 'bench', ?)",
            source_rows,
        )
        db.conn.executemany(
            'INSERT INTO items (num, id, source_id, seq, kind, text, speaker, start, "end", paragraph, numbers, '
            "first_seen) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            item_rows,
        )


def link_set(db, nums: range | None = None) -> dict[tuple[int, int], str]:
    """Links as num pairs -> method, optionally only those inside ``nums``."""
    found = {}
    for a, b, method in db.execute(
        "SELECT ia.num, ib.num, links.method FROM links JOIN items ia ON ia.id = links.item_a "
        "JOIN items ib ON ib.id = links.item_b"
    ):
        if nums is None or (a in nums and b in nums):
            found[(min(a, b), max(a, b))] = method
    return found


def exhaustive(db, nums: range, threshold: float) -> set[tuple[int, int]]:
    """Every cross-source pair in ``nums`` the linker should return, by scoring all pairs."""
    rows = db.execute(
        "SELECT num, id, kind, text, speaker, source_id, numbers FROM items WHERE num BETWEEN ? AND ?",
        [nums.start, nums.stop - 1],
    ).fetchall()
    items = [(row, normalise(row[3], json.loads(row[6]))) for row in rows]
    items = [(row, norm) for row, norm in items if norm.linkable]
    texts = [norm.sorted_text for _, norm in items]
    sizes = np.array([len(set(norm.tokens)) for _, norm in items])
    sources = np.array([hash(row[5]) for row, _ in items])
    # token_sort part: every pair, exactly.
    scores = process.cdist(texts, texts, scorer=fuzz.ratio, score_cutoff=threshold, dtype=np.uint8, workers=2)
    a, b = np.nonzero(np.triu(scores >= threshold, 1))
    pair_scores = scores[a, b].astype(np.float32)
    del scores
    # token_set part: containment needs CONTAIN_COVER of at least CONTAIN_MIN distinct
    # tokens shared, so only pairs sharing that many can count.
    from scipy import sparse

    vocabulary: dict[str, int] = {}
    cols = [[vocabulary.setdefault(token, len(vocabulary)) for token in set(norm.tokens)] for _, norm in items]
    matrix = sparse.csr_matrix(
        (
            np.ones(sum(map(len, cols)), dtype=np.int32),
            np.concatenate([np.array(c, dtype=np.int64) for c in cols]),
            np.r_[0, np.cumsum([len(c) for c in cols])],
        ),
        shape=(len(items), len(vocabulary)),
    )
    shared = sparse.triu(matrix @ matrix.T, 1).tocoo()
    keep = (shared.data >= math.ceil(CONTAIN_COVER * CONTAIN_MIN)) & (
        np.minimum(sizes[shared.row], sizes[shared.col]) >= CONTAIN_MIN
    )
    sa, sb = shared.row[keep], shared.col[keep]
    inside = process.cpdist(
        [texts[i] for i in sa], [texts[i] for i in sb], scorer=fuzz.token_set_ratio, score_cutoff=threshold, workers=2
    )
    best: dict[tuple[int, int], tuple[float, bool]] = {
        (int(i), int(j)): (float(s), False) for i, j, s in zip(a, b, pair_scores)
    }
    for i, j, s in zip(sa, sb, inside):
        if s >= threshold and s > best.get((int(i), int(j)), (0.0, False))[0] and contained(texts[i], texts[j]):
            best[(int(i), int(j))] = (float(s), True)
    pairs = set()
    for (i, j), (score, was_contained) in best.items():
        if sources[i] == sources[j]:
            continue
        (row_i, norm_i), (row_j, norm_j) = items[i], items[j]
        if row_i[1] > row_j[1]:
            (row_i, norm_i), (row_j, norm_j) = (row_j, norm_j), (row_i, norm_i)
        if classify(score, was_contained, threshold, row_i[1:5], row_j[1:5], norm_i.figures, norm_j.figures):
            pairs.add((min(row_i[0], row_j[0]), max(row_i[0], row_j[0])))
    return pairs


def peak_rss_mb() -> float:
    """This process's peak resident memory. (``ru_maxrss`` survives exec, so a spawned
    child would report its parent's peak when that is higher.)"""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def link_in_child(path: Path, threshold: float, new_ids: list[str] | None = None) -> tuple[dict, float, float]:
    """Run the linker (in a fresh process, so its peak RSS is the linker's alone)."""
    db = open_db(path)
    started = time.monotonic()
    summary = link_items(db, new_ids, threshold=threshold)
    seconds = time.monotonic() - started
    db.conn.close()
    return vars(summary), seconds, peak_rss_mb()


def in_fresh_process(function, *args):
    with cf.ProcessPoolExecutor(1, mp_context=multiprocessing.get_context("spawn")) as pool:
        return pool.submit(function, *args).result()


def planted_recall(found: dict, pairs: list[tuple[int, int]]) -> float:
    return sum(found.get(pair, "number-conflict") != "number-conflict" for pair in pairs) / max(1, len(pairs))


def run(size: int, folder: Path, threshold: float) -> dict:
    path = folder / f"link-{size}.db"
    for suffix in ("", "-wal", "-shm"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)
    started = time.monotonic()
    matches, conflicts, held_back = in_fresh_process(build, path, size, NEW_ITEMS)
    built = time.monotonic() - started
    summary, seconds, peak = in_fresh_process(link_in_child, path, threshold)
    db = open_db(path)
    found = link_set(db)
    old_matches = [pair for pair in matches if pair[1] <= size]
    planted = planted_recall(found, old_matches)
    old_conflicts = [pair for pair in conflicts if pair[1] <= size]
    conflict_recall = sum(found.get(pair) == "number-conflict" for pair in old_conflicts) / max(1, len(old_conflicts))
    start = random.Random(size).randint(1, max(1, size - SAMPLE + 1))
    sample = range(start, min(size, start + SAMPLE - 1) + 1)
    sample_started = time.monotonic()
    expected = exhaustive(db, sample, threshold)
    got = set(link_set(db, sample))
    exhaustive_s = time.monotonic() - sample_started
    # Incremental: the held-back items arrive, as from an ingest.
    insert_items(db, sorted({(row[2], row[2], f"{row[2]}.txt", row[11]) for row in held_back}), held_back)
    db.conn.close()
    new_summary, new_seconds, new_peak = in_fresh_process(link_in_child, path, threshold, [row[1] for row in held_back])
    db = open_db(path)
    new_matches = [pair for pair in matches if pair[1] > size]
    new_recall = planted_recall(link_set(db), new_matches)
    db.conn.close()
    return {
        "size": size,
        "build_s": round(built, 1),
        "link_s": round(seconds, 1),
        "us_per_item": round(seconds / size * 1e6, 1),
        "peak_rss_mb": round(peak),
        "candidates": summary["candidates"],
        "links": summary["links"],
        "conflicts": summary["conflicts"],
        "planted": len(old_matches),
        "planted_recall": round(planted, 4),
        "planted_conflicts": len(old_conflicts),
        "conflict_recall": round(conflict_recall, 4),
        "sample": len(sample),
        "exhaustive_pairs": len(expected),
        "exhaustive_recall": round(len(expected & got) / max(1, len(expected)), 4),
        "extra_in_sample": len(got - expected),
        "exhaustive_s": round(exhaustive_s, 1),
        "new_items": len(held_back),
        "new_items_read": new_summary["items"],
        "new_link_s": round(new_seconds, 2),
        "new_vs_full": round(new_seconds / seconds, 4),
        "new_peak_rss_mb": round(new_peak),
        "new_candidates": new_summary["candidates"],
        "new_links": new_summary["links"],
        "new_planted": len(new_matches),
        "new_planted_recall": round(new_recall, 4),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", default="10000,100000,1000000", help="comma-separated corpus sizes")
    parser.add_argument("--dir", default="/tmp/linkbench", type=Path, help="where the database files go")
    parser.add_argument("--threshold", type=float, default=DEFAULT_THRESHOLD)
    args = parser.parse_args()
    args.dir.mkdir(parents=True, exist_ok=True)
    results = []
    for size in (int(s) for s in args.sizes.split(",")):
        result = run(size, args.dir, args.threshold)
        results.append(result)
        print(json.dumps(result), flush=True)
    for small, large in itertools.pairwise(results):
        print(
            f"time per item {large['size']:,} vs {small['size']:,}: "
            f"{large['us_per_item'] / small['us_per_item']:.2f}x; linking {NEW_ITEMS:,} new items: "
            f"{large['new_link_s'] / small['new_link_s']:.2f}x",
            flush=True,
        )


if __name__ == "__main__":
    main()
