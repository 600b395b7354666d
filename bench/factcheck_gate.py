"""How the fact-check matcher's closeness gate trades true matches for wrong suggestions.

    .venv/bin/python bench/factcheck_gate.py ../shared/datasets/clef2020-task2 [--db DB] [--split train]

The archive is CLEF-2020 task 2's verified claims (claim and title). True matches: each
tweet's relevant claims among its ``PER_QUERY`` candidates. Wrong suggestions: the
candidates of every item of ``--db`` (by default the demo corpus, ``fixtures/``, ingested into
a temporary database: news about Belarus, which none of those fact-checks concern). For each gate, the share of true matches kept and the
count of wrong candidates kept. MAP@5 alone never counts a wrong suggestion; this does.
Tune on train only.
"""

from __future__ import annotations

import argparse
import json
import sqlite3
import tempfile
from pathlib import Path

import numpy as np
from eval_matching import read_tsv, with_numbers

from workbench.link.factchecks import BEST_RANKING, PER_QUERY, Archive, closeness
from workbench.link.meaning import embed
from workbench.link.retrieve import Retriever, clean_post
from workbench.pipeline import ingest
from workbench.store.database import open_db

ROOT = Path(__file__).resolve().parent.parent

GATES = (40, 45, 50, 54, 54.5, 55, 60)


def candidates(archive: Archive, text: str, numbers: list) -> list[tuple[int, float]]:
    """``(entry id, closeness)`` of the entries the matcher considers for ``text``."""
    ranked = archive.index.search(text, numbers, limit=PER_QUERY)
    if not ranked:
        return []
    found = np.array([position for position, _ in ranked], dtype=np.int64)
    cosines = archive.index.vectors[found] @ embed([text])[0]
    spellings = archive.index.spelling(text, found)
    return [
        (archive.ids[position], closeness(min(100.0, 100 * ranking / BEST_RANKING), cosine, spelling))
        for (position, ranking), cosine, spelling in zip(ranked, cosines.tolist(), spellings.tolist())
    ]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("path", type=Path, help="the CLEF-2020 task 2 folder")
    parser.add_argument("--db", type=Path, default=None, help="items none of the claims concern (default: fixtures/)")
    parser.add_argument("--split", default="train")
    args = parser.parse_args()
    claims = read_tsv(args.path / "verified_claims.docs.tsv")
    documents = [with_numbers(" ".join(row[1:3])) for row in claims]
    archive = Archive([int(row[0]) for row in claims], documents, Retriever(documents))
    relevant: dict[str, set[int]] = {}
    for line in (args.path / args.split / "tweet-vclaim-pairs.qrels").read_text(encoding="utf-8").splitlines():
        tweet, _, claim, _ = line.split("\t")
        relevant.setdefault(tweet, set()).add(int(claim))
    true, wrong = [], []
    for tweet, text in read_tsv(args.path / args.split / "tweets.queries.tsv"):
        true += [score for id_, score in candidates(archive, *with_numbers(clean_post(text))) if id_ in relevant[tweet]]
    with tempfile.TemporaryDirectory(prefix="factcheck-gate-") as work:
        if args.db is None:
            args.db = Path(work) / "demo.db"
            ingest(open_db(args.db), [str(ROOT / "fixtures")], workers=1, link=False)
        connection = sqlite3.connect(f"file:{args.db}?mode=ro", uri=True)
        for text, numbers in connection.execute("SELECT text, numbers FROM items"):
            wrong += [score for _, score in candidates(archive, text, json.loads(numbers or "[]"))]
        connection.close()
    true_scores, wrong_scores = np.array(true), np.array(wrong)
    print(f"{args.split}: {len(true)} true matches among the candidates; {len(wrong)} candidates of {args.db}'s items")
    for gate in GATES:
        print(
            f"  gate {gate}: true matches kept {(true_scores >= gate).mean():.3f}, "
            f"wrong candidates kept {int((wrong_scores >= gate).sum())} of {len(wrong)}"
        )


if __name__ == "__main__":
    main()
