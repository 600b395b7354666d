"""How the fact-check matcher's closeness gate trades true matches for wrong suggestions.

    .venv/bin/python bench/factcheck_gate.py ../shared/datasets/clef2020-task2 \\
        [--debates ../shared/datasets/clef2019-task1/training] [--db DB] [--split train] [--fit]

The archive is CLEF-2020 task 2's verified claims (claim and title). True matches: each
tweet's relevant claims among the ``PER_QUERY`` candidates of the tweet whole and of each of
its items (the tweet ingested as an article). Wrong suggestions: the candidates of every
item of sets of articles none of those fact-checks concern, each
ingested into a temporary database: the demo corpus (``fixtures/``, news about Belarus),
``--db``'s items, and with ``--debates``, CLEF-2019 task 1's debates and speeches, every
other transcript in each half (``debates A``: the first, third...; ``debates B``: the
others). For each gate, the share of true matches kept and the count of wrong candidates
kept (before the number guard). MAP@5 alone never counts a wrong suggestion; this does.

``--fit`` fits the gate's logistic weights (``factchecks.CLOSENESS_WEIGHTS``, none below
0, so that more of any evidence never counts against a match) on the true matches against
debates A, and prints them: debates B stays an independent check (the threshold,
``MIN_CLOSENESS``, was chosen on the demo corpus and debates A). Tune on train only.
"""

from __future__ import annotations

import argparse
import csv
import json
import sqlite3
import tempfile
from pathlib import Path

import numpy as np
from eval_matching import read_tsv, with_numbers

from workbench.link.factchecks import CLOSENESS_BIAS, CLOSENESS_WEIGHTS, PER_QUERY, Archive, closeness, evidence
from workbench.link.meaning import embed
from workbench.link.normalise import normalise
from workbench.link.retrieve import Retriever, clean_post
from workbench.pipeline import ingest
from workbench.store.database import open_db

ROOT = Path(__file__).resolve().parent.parent

GATES = (50, 60, 65, 70, 73, 75, 80, 85)


def candidates(archive: Archive, text: str, numbers: list) -> list[tuple[int, dict[str, float]]]:
    """``(entry id, evidence)`` of the entries the matcher considers for ``text``."""
    ranked = archive.index.search(text, numbers, limit=PER_QUERY)
    if not ranked:
        return []
    found = np.array([position for position, _ in ranked], dtype=np.int64)
    cosines = archive.index.vectors[found] @ embed([text])[0]
    spellings = archive.index.spelling(text, found)
    linker = archive.index.linker_scores(text, numbers, found)
    shared = archive.index.shared_words([normalise(text, numbers).tokens], np.zeros(len(found), np.int64), found)
    return [
        (archive.ids[position], evidence(cosine, spelling, ranking, fuzzy, total, rarest))
        for (position, ranking), cosine, spelling, fuzzy, total, rarest in zip(
            ranked, cosines.tolist(), spellings.tolist(), linker.tolist(), shared.total.tolist(), shared.rarest.tolist()
        )
    ]


def items_of(folders: list[Path], path: Path) -> list[tuple[str, list]]:
    """The items of ``folders``, ingested into a database of their own at ``path``."""
    ingest(open_db(path), [str(folder) for folder in folders], workers=1, link=False)
    return read_items(path)


def read_items(path: Path) -> list[tuple[str, list]]:
    with sqlite3.connect(f"file:{path}?mode=ro", uri=True) as connection:
        rows = connection.execute("SELECT text, numbers FROM items").fetchall()
    return [(text, json.loads(numbers or "[]")) for text, numbers in rows]


def as_rows(found: list[dict[str, float]]) -> np.ndarray:
    """Evidence as a matrix, its columns in :data:`CLOSENESS_WEIGHTS`' order."""
    return np.array([[one[name] for name in CLOSENESS_WEIGHTS] for one in found])


def tweet_queries(tweets: list[list[str]], work: Path) -> list[tuple[str, str, list]]:
    """``(tweet, text, numbers)`` of what the product matches for each tweet: the items of the
    tweet ingested as an article (as ``eval_matching.py --product`` does), and the tweet whole
    (a short post)."""
    folder = work / "tweets"
    folder.mkdir()
    queries = []
    for tweet, text in tweets:
        cleaned = " ".join(clean_post(text).split())
        (folder / f"{tweet}.md").write_text(f"title: Tweet {tweet}\n\n{cleaned}\n", encoding="utf-8")
        queries.append((tweet, *with_numbers(cleaned)))
    ingest(open_db(work / "tweets.db"), [str(folder)], workers=1, link=False)
    with sqlite3.connect(work / "tweets.db") as connection:
        rows = connection.execute(
            "SELECT sources.key, items.text, items.numbers FROM items JOIN sources ON sources.id = items.source_id"
        )
        items = [(Path(key).stem, text, json.loads(numbers or "[]")) for key, text, numbers in rows]
    return list({(tweet, text): (tweet, text, numbers) for tweet, text, numbers in queries + items}.values())


def debates(training: Path, work: Path) -> dict[str, list[Path]]:
    """The CLEF-2019 transcripts as text files (one sentence a paragraph), in two halves."""
    halves: dict[str, list[Path]] = {"debates A": [], "debates B": []}
    for number, transcript in enumerate(sorted(training.glob("*.tsv"))):
        with transcript.open(encoding="utf-8", newline="") as handle:
            lines = [row[2] for row in csv.reader(handle, delimiter="\t", quoting=csv.QUOTE_NONE) if len(row) > 2]
        half = "debates A" if number % 2 == 0 else "debates B"
        folder = work / half.replace(" ", "-")
        folder.mkdir(exist_ok=True)
        (folder / f"{transcript.stem}.txt").write_text("\n\n".join(lines) + "\n", encoding="utf-8")
        halves[half] = [folder]
    return halves


def fit(true: np.ndarray, wrong: np.ndarray, steps: int = 20_000) -> tuple[np.ndarray, float]:
    """Logistic weights (none below 0) and bias, both classes weighed equally, a little L2:
    projected gradient descent on the mean log-loss."""
    features = np.vstack([true, wrong])
    labels = np.r_[np.ones(len(true)), np.zeros(len(wrong))]
    share = np.where(labels == 1, 0.5 / len(true), 0.5 / len(wrong))
    weights, bias = np.zeros(features.shape[1]), 0.0
    for _ in range(steps):
        error = (1 / (1 + np.exp(-(features @ weights + bias))) - labels) * share
        weights = np.maximum(weights - 0.5 * (features.T @ error + 1e-4 * weights), 0.0)
        bias -= 0.5 * error.sum()
    return weights, float(bias)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("path", type=Path, help="the CLEF-2020 task 2 folder")
    parser.add_argument("--debates", type=Path, default=None, help="CLEF-2019 task 1's training folder")
    parser.add_argument("--db", type=Path, default=None, help="a database of more items none of the claims concern")
    parser.add_argument("--split", default="train")
    parser.add_argument("--fit", action="store_true", help="fit the gate's weights on debates A")
    args = parser.parse_args()
    claims = read_tsv(args.path / "verified_claims.docs.tsv")
    documents = [with_numbers(" ".join(row[1:3])) for row in claims]
    archive = Archive([int(row[0]) for row in claims], documents, Retriever(documents))
    relevant: dict[str, set[int]] = {}
    for line in (args.path / args.split / "tweet-vclaim-pairs.qrels").read_text(encoding="utf-8").splitlines():
        tweet, _, claim, _ = line.split("\t")
        relevant.setdefault(tweet, set()).add(int(claim))
    wrong: dict[str, list[dict[str, float]]] = {}
    with tempfile.TemporaryDirectory(prefix="factcheck-gate-") as work:
        queries = tweet_queries(read_tsv(args.path / args.split / "tweets.queries.tsv"), Path(work))
        true = [
            found
            for tweet, text, numbers in queries
            for id_, found in candidates(archive, text, numbers)
            if id_ in relevant[tweet]
        ]
        sets = {"demo corpus": [ROOT / "fixtures"]} | (debates(args.debates, Path(work)) if args.debates else {})
        items = {name: items_of(folders, Path(work) / f"{name.replace(' ', '-')}.db") for name, folders in sets.items()}
    if args.db is not None:
        items[str(args.db)] = read_items(args.db)
    for name, found in items.items():
        wrong[name] = [evidence for text, numbers in found for _, evidence in candidates(archive, text, numbers)]
    if args.fit:
        if "debates A" not in wrong:
            parser.error("--fit needs --debates")
        weights, bias = fit(as_rows(true), as_rows(wrong["debates A"]))
        print(
            f"fitted: {', '.join(f'{name} {weight:.4f}' for name, weight in zip(CLOSENESS_WEIGHTS, weights))}; "
            f"bias {bias:.4f}"
        )
        in_use = ", ".join(f"{name} {weight:.4f}" for name, weight in CLOSENESS_WEIGHTS.items())
        print(f"in use: {in_use}; bias {CLOSENESS_BIAS:.4f}")
    counts = ", ".join(f"{name} {len(found)}" for name, found in wrong.items())
    print(f"{args.split}: {len(true)} true matches among the candidates; wrong candidates: {counts}")
    true_scores = np.array([closeness(found) for found in true])
    for gate in GATES:
        kept = ", ".join(f"{name} {sum(closeness(one) >= gate for one in found)}" for name, found in wrong.items())
        print(f"  gate {gate}: true matches kept {(true_scores >= gate).mean():.3f}; wrong candidates kept: {kept}")


if __name__ == "__main__":
    main()
