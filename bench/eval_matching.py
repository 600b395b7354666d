"""Quality of the matcher as a retriever: CLEF-2020 CheckThat! task 2 (verified claims).

    .venv/bin/python bench/eval_matching.py ../shared/datasets/clef2020-task2 [--split dev|train] [--product]

``--product`` runs the product end to end instead: the verified claims are written out as
ClaimReview JSON-LD and imported with ``workbench factchecks import``, each tweet (cleaned
with ``clean_post``) is ingested with ``workbench ingest`` as an article (its text the
tweet), and MAP@5 is computed from the stored suggestions (``factcheck_matches``: per tweet,
each fact-check's best score over the tweet's items; a tweet is a short post, so it is also
matched whole, and is an item of its own when a line of it is no sentence). Suggestions
must pass the matcher's closeness gate, which MAP@5 only ever loses by;
``--min-closeness 0`` shows what the gate costs (tune it on train only), and the count of
suggestions, with how many are right, shows what it saves a reviewer. ``--unrelated FOLDER...``
ingests articles none of the claims concern (the demo corpus ``fixtures/``; CLEF-2019 task 1's
debates written out as text) after the import, each folder into a database of its own, and
counts their items that got a suggestion: every one of them wrong.

Without it, the retriever alone:

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
import contextlib
import csv
import io
import json
import sqlite3
import sys
import tempfile
import time
from collections import defaultdict
from dataclasses import asdict
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from workbench.cli import cli
from workbench.extract.numbers import find_numbers
from workbench.link import factchecks
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


def write_archive(work: Path, claims: list[list[str]]) -> Path:
    """The verified claims as a ClaimReview JSON-LD archive."""
    archive = work / "verified.jsonld"
    archive.write_text(
        json.dumps(
            [
                {
                    "@context": "https://schema.org",
                    "@type": "ClaimReview",
                    "claimReviewed": claim,
                    "headline": title,
                    "url": f"https://checkthat.example/{claim_id}",
                    "author": {"@type": "Organization", "name": "CheckThat"},
                    "reviewRating": {"@type": "Rating", "alternateName": "False"},
                }
                for claim_id, claim, title in claims
            ]
        ),
        encoding="utf-8",
    )
    return archive


def product_ranking(work: Path, tweets: list[tuple[str, str]], claims: list[list[str]], order: str) -> dict:
    """Import the claims and ingest the tweets with the ``workbench`` commands (in the
    order given: ``import-first`` or ``ingest-first``); the stored ranking per tweet."""
    archive = write_archive(work, claims)
    corpus = work / "tweets"
    corpus.mkdir()
    for tweet, text in tweets:
        cleaned = " ".join(clean_post(text).split())
        (corpus / f"{tweet}.md").write_text(f"title: Tweet {tweet}\n\n{cleaned}\n", encoding="utf-8")
    db = work / "wb.db"
    steps = [["factchecks", "import", str(archive), "--db", str(db)], ["ingest", str(corpus), "--db", str(db)]]
    for step in steps if order == "import-first" else steps[::-1]:
        started = time.monotonic()
        with contextlib.redirect_stdout(io.StringIO()):
            cli.main(step, standalone_mode=False)  # the command, in this process (so --min-closeness reaches it)
        print(f"  {' '.join(step[:2])}: {time.monotonic() - started:.1f}s")
    best: dict[str, dict[str, float]] = defaultdict(dict)
    with sqlite3.connect(db) as conn:
        for source_key, url, score, factcheck_id in conn.execute(
            "SELECT sources.key, factchecks.url, max(m.score), factchecks.id FROM factcheck_matches m "
            "JOIN items ON items.id = m.item_id JOIN sources ON sources.id = items.source_id "
            "JOIN factchecks ON factchecks.id = m.factcheck_id GROUP BY sources.key, factchecks.url"
        ):
            best[Path(source_key).stem][url.rsplit("/", 1)[1]] = (-score, factcheck_id)
    # In the order the review screen lists an item's matches: by score, then by entry.
    return {tweet: sorted(found, key=found.__getitem__) for tweet, found in best.items()}


def unrelated_suggestions(folder: Path, claims: list[list[str]]) -> str:
    """Items of ``folder`` (articles none of the claims concern) ingested after the claims'
    import: how many, and how many got a suggestion, each one wrong."""
    with tempfile.TemporaryDirectory(prefix="eval-matching-") as work:
        db = Path(work) / "wb.db"
        with contextlib.redirect_stdout(io.StringIO()):
            cli.main(
                ["factchecks", "import", str(write_archive(Path(work), claims)), "--db", str(db)], standalone_mode=False
            )
            cli.main(["ingest", str(folder), "--db", str(db)], standalone_mode=False)
        with sqlite3.connect(db) as conn:
            items, suggested, suggestions = conn.execute(
                "SELECT count(DISTINCT items.id), count(DISTINCT m.item_id), count(m.item_id) FROM items "
                "LEFT JOIN factcheck_matches m ON m.item_id = items.id"
            ).fetchone()
    return f"{suggested} of {items} items got a suggestion ({suggestions} suggestions, all wrong)"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("path", type=Path, help="the clef2020-task2 folder")
    parser.add_argument("--split", default="dev", choices=["dev", "train"])
    parser.add_argument("--product", action="store_true", help="the workbench commands end to end")
    parser.add_argument("--order", default="import-first", choices=["import-first", "ingest-first"])
    parser.add_argument(
        "--unrelated",
        type=Path,
        nargs="*",
        default=[],
        help="folders of articles none of the claims concern (--product)",
    )
    parser.add_argument("--min-closeness", type=float, default=factchecks.MIN_CLOSENESS, help="for tuning on train")
    args = parser.parse_args()
    claims_file = args.path / "verified_claims.docs.tsv"
    split = args.path / args.split
    if not claims_file.is_file() or not (split / "tweets.queries.tsv").is_file():
        sys.exit(
            f"{args.path}: not the CLEF-2020 task 2 data (needs verified_claims.docs.tsv and "
            f"{args.split}/tweets.queries.tsv); nothing evaluated"
        )
    claims = read_tsv(claims_file)
    relevant: dict[str, set[str]] = defaultdict(set)
    for line in (split / "tweet-vclaim-pairs.qrels").read_text(encoding="utf-8").splitlines():
        if line.strip():
            tweet, _, claim, _ = line.split()
            relevant[tweet].add(claim)
    factchecks.MIN_CLOSENESS = args.min_closeness
    if args.product:
        started = time.monotonic()
        print(f"{args.split}: {len(relevant)} tweets, {len(claims):,} verified claims; the product end to end")
        with tempfile.TemporaryDirectory(prefix="eval-matching-") as work:
            ranked = product_ranking(Path(work), read_tsv(split / "tweets.queries.tsv"), claims, args.order)
        found = sum(bool(ranked.get(tweet)) for tweet in relevant)
        print(
            f"  product    MAP@5 = {map_at_5(ranked, relevant):.4f}  ({found} of {len(relevant)} tweets with a "
            f"suggestion; {time.monotonic() - started:.1f}s)"
        )
        # What MAP@5 never counts: the suggestions that are wrong.
        suggested = sum(len(ranked.get(tweet, [])) for tweet in relevant)
        right = sum(len(set(ranked.get(tweet, [])) & wanted) for tweet, wanted in relevant.items())
        print(f"  suggestions: {suggested}, {right} of them right ({right / max(suggested, 1):.3f})")
        for folder in args.unrelated:
            print(f"  {folder}: {unrelated_suggestions(folder, claims)}")
        return
    started = time.monotonic()
    retriever = Retriever([with_numbers(f"{claim} {title}") for _, claim, title in claims])
    built = time.monotonic() - started
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
