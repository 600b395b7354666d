"""Quality of the matcher as a retriever: CLEF-2020 CheckThat! task 2 (verified claims).

    .venv/bin/python bench/eval_matching.py ../shared/datasets/clef2020-task2 [--split dev|train]

For every tweet (cleaned with ``retrieve.clean_post``: links dropped, hashtags and
handles split into words, the signature reduced to its author's name), rank the 10,375
verified claims (claim text plus the fact-check's title) with
``workbench.link.retrieve.Retriever`` and print MAP@5 five ways, so each part's share
shows:

- ``words+chars``: the candidate stage without meaning (BM25 over the linker's normalised
  tokens fused by reciprocal rank with character n-gram TF-IDF);
- ``+meaning``: the candidate stage with the meaning signal (the sentence vectors' cosine
  as a third ranking in the fusion, ``workbench.link.meaning``);
- ``linker``: the linker's own score (``scoring.score_pairs`` over the linker's
  normalised forms, exactly as for links) alone, over the same candidates;
- ``no meaning``: candidate stage and linker, without the meaning signal;
- ``combined``: everything, as ``Retriever.search`` ranks by default.

Ties break by the candidate stage's score, never by dataset order. MAP@5: for each
tweet the precision at the rank of each relevant claim in the top 5, summed, over its
number of relevant claims; mean over tweets. Constants were tuned on train only; report dev.
"""

from __future__ import annotations

import argparse
import csv
import sys
import time
from collections import defaultdict
from dataclasses import asdict
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from workbench.extract.numbers import find_numbers
from workbench.link.retrieve import Retriever, clean_post


def read_tsv(path: Path) -> list[list[str]]:
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.reader(handle, delimiter="\t"))[1:]


def with_numbers(text: str) -> tuple[str, list[dict]]:
    return text, [asdict(mention) for mention in find_numbers(text)]


def map_at_5(ranked: dict[str, list[str]], relevant: dict[str, set[str]]) -> float:
    total = 0.0
    for query, wanted in relevant.items():
        hits, precision = 0, 0.0
        for rank, doc in enumerate(ranked.get(query, [])[:5], 1):
            if doc in wanted:
                hits += 1
                precision += hits / rank
        total += precision / len(wanted)
    return total / len(relevant)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("path", type=Path, help="the clef2020-task2 folder")
    parser.add_argument("--split", default="dev", choices=["dev", "train"])
    args = parser.parse_args()
    claims_file = args.path / "verified_claims.docs.tsv"
    split = args.path / args.split
    if not claims_file.is_file() or not (split / "tweets.queries.tsv").is_file():
        sys.exit(
            f"{args.path}: not the CLEF-2020 task 2 data (needs verified_claims.docs.tsv and "
            f"{args.split}/tweets.queries.tsv); nothing evaluated"
        )
    started = time.monotonic()
    claims = read_tsv(claims_file)
    retriever = Retriever([with_numbers(f"{claim} {title}") for _, claim, title in claims])
    built = time.monotonic() - started
    relevant: dict[str, set[str]] = defaultdict(set)
    for line in (split / "tweet-vclaim-pairs.qrels").read_text(encoding="utf-8").splitlines():
        if line.strip():
            tweet, _, claim, _ = line.split()
            relevant[tweet].add(claim)
    tweets = [(tweet, with_numbers(clean_post(text))) for tweet, text in read_tsv(split / "tweets.queries.tsv")]
    print(f"{args.split}: {len(relevant)} tweets, {len(claims):,} verified claims; index {built:.1f}s")
    for label, weights in (
        ("words+chars", {"linker_weight": 0.0, "meaning_rank_weight": 0.0}),
        ("+meaning", {"linker_weight": 0.0}),
        ("linker", {"candidate_weight": 0.0}),
        ("no meaning", {"meaning_rank_weight": 0.0}),
        ("combined", {}),
    ):
        started = time.monotonic()
        ranked = {
            tweet: [claims[index][0] for index, _ in retriever.search(*query, **weights)] for tweet, query in tweets
        }
        print(f"  {label:<10} MAP@5 = {map_at_5(ranked, relevant):.4f}  ({time.monotonic() - started:.1f}s)")


if __name__ == "__main__":
    main()
