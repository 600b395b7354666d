"""Benchmark the linker on synthetic corpora with planted repeats, rewordings, short quotes and paraphrases.

    .venv/bin/python bench/link.py --sizes 10000,100000,1000000 [--dir /tmp/linkbench]

For each size: build a real SQLite file (open_db, then sources + items rows) of claims from
a Zipf vocabulary, plant in it

- clusters of 2, 10, 100 and 5,000 items (those that fit in a quarter of the corpus), each
  size once verbatim (the same sentence in K sources) and once reworded (K rewrites of one
  story: synonyms, reordering, figures written otherwise, name spellings, a sentence inside
  a longer one);
- short quotes (three to six words, two or three content words) repeated word for word by
  their speaker in two to four sources;
- paraphrases in real English (``PARAPHRASE``): a claim and a restatement with two of its
  five phrases in other words, regenerated until string similarity alone scores it below
  the threshold; once as two claims, once as two quotes of one speaker;
- number conflicts (the same claim with another figure);

then run ``link_items`` in a fresh process and print, per size: time (and CPU seconds, the
reading processes' included), the linker's peak RSS (and that of the larger of the two
processes that read a big corpus), the database's growth and the share of it the blocking
index (``link_blocks``, ``link_keys``) and the whole linker index take, the candidate count,
the recall of each planted kind (the share of planted members that end in the cluster of
their first member; for conflicts, a number-conflict link), and the recall against
exhaustive scoring on a 20k-item slice (every pair scored by rapidfuzz at the threshold; a
pair counts as found when both end in one cluster). Then ``NEW_ITEMS`` more items arrive
and are linked incrementally, as an ingest does. Last, the exponent of the candidate count
against the corpus size.

    .venv/bin/python bench/link.py --blocking DATABASE [DATABASE ...]

counts instead the blocking stage's candidate pairs in an existing database (any corpus: a
benchmark's, PolNeAR ingested) on growing shares of its sources, without and with the key
overlap bound (``candidates.KeyMasks``), and the exponent of their growth: whether
blocking's cost follows the corpus or its square.
"""

from __future__ import annotations

import argparse
import bisect
import concurrent.futures as cf
import json
import math
import multiprocessing
import os
import random
import resource
import sqlite3
import sys
import time
from pathlib import Path

import numpy as np
from rapidfuzz import fuzz, process
from sqlite_utils import Database

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import itertools

from workbench.link import link_items
from workbench.link.candidates import candidate_codes, groups, key_hashes, select_rows
from workbench.link.corpus import load_corpus
from workbench.link.linker import classify, item
from workbench.link.normalise import normalise
from workbench.link.repeats import repeat_groups
from workbench.link.scoring import CONTAIN_COVER, CONTAIN_MIN, DEFAULT_THRESHOLD, contained, score_pairs
from workbench.store.database import open_db, write_transaction

SAMPLE = 20_000
NEW_ITEMS = 1_000
CLUSTER_SIZES = (2, 10, 100, 5_000)
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


# Real English for the paraphrases: the static vectors know these words. Each slot has its
# phrase and a rewording the matcher's synonym list does not know.
PARAPHRASE = [
    [
        ("unemployment", "joblessness"),
        ("inflation", "the rise in consumer prices"),
        ("the central bank", "the national bank"),
        ("exports", "sales abroad"),
        ("the health ministry", "the department of health"),
        ("the opposition", "critics of the government"),
        ("factory output", "industrial production"),
        ("house prices", "the cost of homes"),
        ("the city council", "the municipal authorities"),
        ("the railway operator", "the train company"),
        ("wheat harvests", "grain yields"),
        ("tourist arrivals", "the number of visitors"),
    ],
    [
        ("in the capital", "in the main city"),
        ("in the north", "in northern regions"),
        ("across the country", "nationwide"),
        ("in rural areas", "in the countryside"),
        ("on the coast", "in seaside towns"),
        ("in the south", "in southern provinces"),
    ],
    [
        ("fell sharply", "dropped steeply"),
        ("rose quickly", "climbed rapidly"),
        ("warned about", "cautioned against"),
        ("approved", "gave the green light to"),
        ("criticised", "condemned"),
        ("postponed", "delayed"),
        ("opposed", "spoke out against"),
        ("welcomed", "praised"),
        ("cancelled", "called off"),
        ("defended", "stood by"),
    ],
    [
        ("the new budget", "the fresh spending plan"),
        ("the border closure", "the closing of the frontier"),
        ("the fuel subsidy", "support for petrol prices"),
        ("the pension reform", "the overhaul of retirement benefits"),
        ("the mining licence", "the permit for the mine"),
        ("the wage freeze", "the halt on pay rises"),
        ("the bridge project", "plans for the bridge"),
        ("the tax rebate", "the refund of taxes"),
        ("the trade deal", "the commercial agreement"),
        ("the election law", "the rules for the vote"),
    ],
    [
        ("last year", "over the past twelve months"),
        ("this month", "in recent weeks"),
        ("after the election", "following the vote"),
        ("before the summit", "ahead of the meeting of leaders"),
        ("on Monday", "at the start of the week"),
        ("during the crisis", "while the emergency lasted"),
    ],
]
SHORT_VERBS = ["accept", "sign", "support", "allow", "forgive", "trust", "fund", "approve"]
KINDS = (
    "verbatim",
    "reworded",
    "short quote",
    "paraphrase",
    "paraphrase, one speaker",
    "number conflict",
    "background rewrite",
)


class Planter:
    """Adds items to the corpus being built and remembers the planted groups by kind."""

    def __init__(self, generator: Generator, sources: int, stamp: str):
        self.generator, self.rng, self.sources, self.stamp = generator, generator.rng, sources, stamp
        self.rows: list[tuple] = []
        self.groups: dict[str, list[list[int]]] = {kind: [] for kind in KINDS}

    def add(self, text: str, numbers: list[dict], speaker: str | None, source: int, kind: str | None = None) -> int:
        num = len(self.rows) + 1
        kind = kind or ("quote" if speaker else "claim")
        self.rows.append(
            (
                num,
                f"{num:016x}",
                f"s{source:07d}",
                num,
                kind,
                text,
                speaker,
                0,
                len(text),
                0,
                json.dumps(numbers),
                self.stamp,
            )
        )
        return num

    def other_sources(self, count: int) -> list[int]:
        return self.rng.sample(range(self.sources), count)

    def cluster(self, size: int, reworded: bool) -> None:
        story = self.generator.story()
        story["quote"] = False
        members = []
        for n, source in enumerate(self.other_sources(size)):
            members.append(self.add(*self.generator.render(story, variant=reworded and n > 0), source))
        self.groups["reworded" if reworded else "verbatim"].append(members)

    def short_quote(self) -> None:
        rng = self.rng
        name = self.generator.words[rng.randrange(2000)].capitalize()
        text = f"We will never {rng.choice(SHORT_VERBS)} the {name} deal"
        speaker = f"{rng.choice(['Anna', 'Ivan', 'Olga'])} {self.generator.words[rng.randrange(5000)].capitalize()}"
        self.groups["short quote"].append(
            [self.add(text, [], speaker, source) for source in self.other_sources(rng.randint(2, 4))]
        )

    def paraphrase(self, threshold: float, one_speaker: bool) -> None:
        rng = self.rng
        while True:
            slots = [rng.randrange(len(options)) for options in PARAPHRASE]
            reworded = set(rng.sample(range(len(PARAPHRASE)), 2))
            name = self.generator.words[rng.randrange(3000)].capitalize()
            first = self._paraphrase_text(slots, set(), name)
            second = self._paraphrase_text(slots, reworded, name)
            if _wording_score(first, second) < threshold:  # string similarity alone would miss it
                break
        speaker = f"Mayor {name}ov" if one_speaker else None
        kind = "quote" if one_speaker else "claim"
        source_a, source_b = self.other_sources(2)
        group = [self.add(first, [], speaker, source_a, kind), self.add(second, [], speaker, source_b, kind)]
        self.groups["paraphrase, one speaker" if one_speaker else "paraphrase"].append(group)

    @staticmethod
    def _paraphrase_text(slots: list[int], reworded: set[int], name: str) -> str:
        words = [PARAPHRASE[n][slot][n in reworded] for n, slot in enumerate(slots)]
        subject, place, verb, thing, when = words
        return f"{subject[0].upper()}{subject[1:]} of {name} {place} {verb} {thing} {when}."


def _wording_score(first: str, second: str) -> float:
    a, b = normalise(first), normalise(second)
    sizes = np.array([len(set(a.tokens)), len(set(b.tokens))])
    scores, _ = score_pairs([a.sorted_text, b.sorted_text], sizes, np.array([0]), np.array([1]), 0, workers=1)
    return float(scores[0])


def build(path: Path, size: int, held_back: int = 0, seed: int = 7, threshold: float = DEFAULT_THRESHOLD):
    """Write a corpus of ``size`` items with the planted groups; return the groups by kind
    (lists of item nums, the first being the one the others should join) and the rows of
    ``held_back`` more items, generated but not written (with their own planted pairs)."""
    generator = Generator(seed)
    rng = generator.rng
    db = open_db(path)
    sources = max(5_000, size // ITEMS_PER_SOURCE)
    planter = Planter(generator, sources, "2024-01-01T00:00:00+00:00")
    for cluster_size in CLUSTER_SIZES:
        count = max(1, min(20, size // (40 * cluster_size)))
        if 2 * count * cluster_size > size // 4:
            continue
        for _ in range(count):
            planter.cluster(cluster_size, reworded=False)
            planter.cluster(cluster_size, reworded=True)
    for _ in range(max(20, size // 1_000)):
        planter.short_quote()
        planter.paraphrase(threshold, one_speaker=False)
        planter.paraphrase(threshold, one_speaker=True)
    total = size + held_back
    while len(planter.rows) < total:
        story = generator.story()
        source = rng.randrange(sources)
        original = planter.add(*generator.render(story), source)
        roll = rng.random()
        if roll < 0.3:
            for _ in range(rng.choice([1, 1, 2])):
                other = (source + rng.randrange(1, sources)) % sources
                planter.groups["background rewrite"].append(
                    [original, planter.add(*generator.render(story, variant=True), other)]
                )
        elif roll < 0.33 and story["figure"] in ("percent", "count"):
            changed = dict(story, value=story["value"] + rng.choice([1, 3, 50]))
            other = (source + rng.randrange(1, sources)) % sources
            planter.groups["number conflict"].append([original, planter.add(*generator.render(changed), other)])
    rows = planter.rows[:total]
    source_rows = [(f"s{i:07d}", f"s{i:07d}", f"s{i:07d}.txt", planter.stamp) for i in range(sources)]
    insert_items(db, source_rows, rows[:size])
    db.conn.close()
    return planter.groups, rows[size:]


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
    items = [(row, norm) for row, norm in items if norm.linkable and not (norm.short and row[2] != "quote")]
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
        short = norm_i.short or norm_j.short
        same_words = norm_i.sorted_text == norm_j.sorted_text
        row = classify(
            score,
            was_contained,
            threshold,
            item(*row_i[1:5]),
            item(*row_j[1:5]),
            norm_i.figures,
            norm_j.figures,
            0.0,
            short,
            same_words,
        )
        if row:
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
    """Run the linker (in a fresh process, so its peak RSS is the linker's alone); the
    summary gets ``stages``: seconds from each progress stage's first report to the next's
    (the index is rebuilt in a thread beside the candidates and scoring, so ``indexing`` is
    only its start; ``scoring`` includes classifying the pairs that scored)."""
    db = open_db(path)
    started, cpu_started = time.monotonic(), cpu_seconds()
    stage_starts: dict[str, float] = {"opening": started}

    def progress(stage: str, done: int, total: int) -> None:
        stage_starts.setdefault(stage, time.monotonic())

    summary = link_items(db, new_ids, threshold=threshold, progress=progress)
    seconds = time.monotonic() - started
    db.conn.close()
    bounds = [*stage_starts.values(), started + seconds]
    stages = {stage: round(end - begin, 1) for stage, begin, end in zip(stage_starts, bounds, bounds[1:])}
    workers_mb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024  # the largest reading process
    return (
        {**vars(summary), "stages": stages, "cpu_s": cpu_seconds() - cpu_started, "workers_mb": workers_mb},
        seconds,
        peak_rss_mb(),
    )


def cpu_seconds() -> float:
    """CPU time this process and its ended worker processes (the linker reads a big corpus in
    two) have used (user + system, every thread): on a shared machine it varies far less with
    the load than the time on the clock."""
    own, workers = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + workers.ru_utime + workers.ru_stime


def in_fresh_process(function, *args):
    with cf.ProcessPoolExecutor(1, mp_context=multiprocessing.get_context("spawn")) as pool:
        return pool.submit(function, *args).result()


def clusters_of(db) -> dict[int, str | None]:
    return dict(db.execute("SELECT num, cluster_id FROM items"))


def conflict_pairs(db) -> set[tuple[int, int]]:
    return {
        (min(a, b), max(a, b))
        for a, b in db.execute(
            "SELECT ia.num, ib.num FROM links JOIN items ia ON ia.id = links.item_a "
            "JOIN items ib ON ib.id = links.item_b WHERE links.method = 'number-conflict'"
        )
    }


def group_recall(groups: list[list[int]], clusters: dict, conflicts: set | None = None, last: int = 0) -> tuple:
    """(members found, members planted): a member is found when it ends in its first
    member's cluster (a conflict: when the two are linked as one). Only groups whose last
    member is above ``last`` count (the new items of an incremental run)."""
    found = planted = 0
    for group in groups:
        if group[-1] <= last or any(num not in clusters for num in group):
            continue
        first = group[0]
        for member in group[1:]:
            planted += 1
            if conflicts is not None:
                found += (min(first, member), max(first, member)) in conflicts
            else:
                found += clusters[first] is not None and clusters[member] == clusters[first]
    return found, planted


def file_size(path: Path) -> int:
    return sum(Path(f"{path}{suffix}").stat().st_size for suffix in ("", "-wal") if Path(f"{path}{suffix}").exists())


def table_shares(db) -> dict[str, int]:
    return dict(db.execute("SELECT name, sum(pgsize) FROM dbstat GROUP BY name"))


def run(size: int, folder: Path, threshold: float, sample_size: int = SAMPLE) -> dict:
    path = folder / f"link-{size}.db"
    for suffix in ("", "-wal", "-shm"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)
    started = time.monotonic()
    groups, held_back = in_fresh_process(build, path, size, NEW_ITEMS, 7, threshold)
    built = time.monotonic() - started
    before = file_size(path)
    load_before = os.getloadavg()[0]
    summary, seconds, peak = in_fresh_process(link_in_child, path, threshold)
    load_after = os.getloadavg()[0]  # the machine is shared: the 1-minute load beside the time
    db = open_db(path)
    db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    growth = file_size(path) - before
    pages = table_shares(db)
    total_pages = sum(pages.values())
    blocking = sum(pages.get(name, 0) for name in ("link_blocks", "link_keys", "sqlite_autoindex_link_keys_1"))
    index = sum(value for name, value in pages.items() if name.startswith(("link_", "sqlite_autoindex_link")))
    clusters, conflicts = clusters_of(db), conflict_pairs(db)
    recall = {}
    for kind in KINDS:
        found, planted = group_recall(groups[kind], clusters, conflicts if kind == "number conflict" else None)
        recall[kind] = (round(found / max(1, planted), 4), planted)
    by_size = {}
    for kind in ("verbatim", "reworded"):
        for cluster_size in CLUSTER_SIZES:
            chosen = [group for group in groups[kind] if len(group) == cluster_size]
            if chosen:
                found, planted = group_recall(chosen, clusters)
                by_size[f"{kind} {cluster_size}"] = round(found / max(1, planted), 4)
    start = random.Random(size).randint(1, max(1, size - sample_size + 1))
    sample = range(start, min(size, start + sample_size - 1) + 1)
    sample_started = time.monotonic()
    expected = exhaustive(db, sample, threshold)
    got = {
        pair for pair in expected if pair in conflicts or (clusters[pair[0]] and clusters[pair[0]] == clusters[pair[1]])
    }
    exhaustive_s = time.monotonic() - sample_started
    # Incremental: the held-back items arrive, as from an ingest.
    insert_items(db, sorted({(row[2], row[2], f"{row[2]}.txt", row[11]) for row in held_back}), held_back)
    db.conn.close()
    new_summary, new_seconds, new_peak = in_fresh_process(link_in_child, path, threshold, [row[1] for row in held_back])
    db = open_db(path)
    found, planted = group_recall(groups["background rewrite"], clusters_of(db), last=size)
    db.conn.close()
    return {
        "size": size,
        "build_s": round(built, 1),
        "link_s": round(seconds, 1),
        "link_cpu_s": round(summary["cpu_s"], 1),
        "link_stages_s": summary["stages"],
        "load_avg_before_after": [round(load_before, 1), round(load_after, 1)],
        "us_per_item": round(seconds / size * 1e6, 1),
        "peak_rss_mb": round(peak),
        "reading_process_peak_mb": round(summary["workers_mb"]),
        "db_growth_mb": round(growth / 2**20, 1),
        "blocking_index_share": round(blocking / total_pages, 3),
        "linker_index_share": round(index / total_pages, 3),
        "candidates": summary["candidates"],
        "links": summary["links"],
        "repeat_links": summary["repeats"],
        "conflicts": summary["conflicts"],
        "recall": recall,
        "recall_by_cluster_size": by_size,
        "sample": len(sample),
        "exhaustive_pairs": len(expected),
        "exhaustive_recall": round(len(got) / max(1, len(expected)), 4),
        "exhaustive_s": round(exhaustive_s, 1),
        "new_items": len(held_back),
        "new_items_read": new_summary["items"],
        "new_link_s": round(new_seconds, 2),
        "new_link_cpu_s": round(new_summary["cpu_s"], 2),
        "new_vs_full": round(new_seconds / seconds, 4),
        "new_peak_rss_mb": round(new_peak),
        "new_candidates": new_summary["candidates"],
        "new_planted": planted,
        "new_planted_recall": round(found / max(1, planted), 4),
    }


BLOCKING_SHARES = (0.1, 0.3, 1.0)


def blocking_growth(path: Path) -> None:
    """Print the blocking stage's candidate pairs among the representatives of growing
    shares of the sources of the database at ``path`` (opened read-only), without and with
    the key overlap bound, and their growth exponents between consecutive shares."""
    db = Database(sqlite3.connect(f"file:{path}?mode=ro", uri=True))
    corpus = load_corpus(db)
    db.conn.close()
    hashes = key_hashes(corpus.key_names)
    rank = np.random.default_rng(3).permutation(
        int(corpus.sources.max(initial=0)) + 1
    )  # sources in a fixed random order
    rows = []
    for share in BLOCKING_SHARES:
        chosen = np.flatnonzero(rank[corpus.sources] < share * len(rank))
        representatives = chosen[repeat_groups(corpus.exact[chosen], corpus.sources[chosen]).representatives]
        indptr, keys = select_rows(corpus.indptr, corpus.keys, representatives)
        df = np.bincount(keys, minlength=len(corpus.key_names))
        grouped = groups(indptr, keys, hashes, df, quotes=corpus.quotes[representatives])
        members, starts, sizes = grouped.members, grouped.starts[grouped.usable], grouped.sizes[grouped.usable]
        unbounded = len(candidate_codes(members, starts, sizes))
        bounded = len(candidate_codes(members, starts, sizes, masks=grouped.masks))
        rows.append((len(representatives), unbounded, bounded))
        print(
            json.dumps(
                {
                    "database": str(path),
                    "share": share,
                    "representatives": len(representatives),
                    "block_pairs": unbounded,
                    "block_pairs_bounded": bounded,
                }
            ),
            flush=True,
        )
    for (small, *counts_small), (large, *counts_large) in itertools.pairwise(rows):
        exponents = [
            math.log(max(1, b) / max(1, a)) / math.log(large / small) for a, b in zip(counts_small, counts_large)
        ]
        print(
            f"{path}: {small:,} -> {large:,} representatives: block pairs grow as n^{exponents[0]:.2f}, "
            f"with the bound n^{exponents[1]:.2f}",
            flush=True,
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", default="10000,100000,1000000", help="comma-separated corpus sizes")
    parser.add_argument("--dir", default="/tmp/linkbench", type=Path, help="where the database files go")
    parser.add_argument("--threshold", type=float, default=DEFAULT_THRESHOLD)
    parser.add_argument(
        "--sample", type=int, default=SAMPLE, help="items in the slice scored exhaustively (quadratic cost)"
    )
    parser.add_argument("--blocking", nargs="+", type=Path, help="count blocking pairs in these databases instead")
    args = parser.parse_args()
    if args.blocking:
        for path in args.blocking:
            blocking_growth(path)
        return
    args.dir.mkdir(parents=True, exist_ok=True)
    results = []
    for size in (int(s) for s in args.sizes.split(",")):
        result = run(size, args.dir, args.threshold, args.sample)
        results.append(result)
        print(json.dumps(result), flush=True)
    for small, large in itertools.pairwise(results):
        exponent = math.log(max(1, large["candidates"]) / max(1, small["candidates"])) / math.log(
            large["size"] / small["size"]
        )
        print(
            f"{small['size']:,} -> {large['size']:,}: candidates grow as n^{exponent:.2f}; time per item "
            f"{large['us_per_item'] / small['us_per_item']:.2f}x; linking {NEW_ITEMS:,} new items: "
            f"{large['new_link_s'] / small['new_link_s']:.2f}x",
            flush=True,
        )


if __name__ == "__main__":
    main()
