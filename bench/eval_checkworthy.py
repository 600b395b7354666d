"""Measure (and train) the check-worthiness scorer on CLEF 2019 CheckThat! Task 1.

    python bench/eval_checkworthy.py ../shared/datasets/clef2019-task1/training
    python bench/eval_checkworthy.py ../shared/datasets/clef2019-task1/training --write-weights

Evaluation is leave-one-transcript-out: train on the other transcripts, rank the held-out
one, average precision per transcript, mean over transcripts (MAP). ``--write-weights``
then trains on every transcript and writes the weights the package ships. Features come
from ``workbench.extract.checkworthy.features``, the same code the runtime scorer uses;
scoring the held-out transcript goes through the same pure-Python formula.
"""

from __future__ import annotations

import argparse
import csv
import json
import math
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from workbench.extract.checkworthy import FEATURE_COUNT, WEIGHTS_PATH, features

REGULARISATION = 0.5  # sklearn's C, chosen by leave-one-transcript-out MAP


def load_transcripts(folder: Path) -> dict[str, list[tuple[str, int]]]:
    """``{transcript name: [(sentence, label), ...]}`` from the TSV files (no header, no quoting)."""
    transcripts = {}
    for path in sorted(folder.glob("*.tsv")):
        with path.open(encoding="utf-8", newline="") as handle:
            rows = csv.reader(handle, delimiter="\t", quoting=csv.QUOTE_NONE)
            transcripts[path.stem] = [(row[2], int(row[3])) for row in rows if len(row) >= 4]
    return transcripts


def to_matrix(sentences: list[str]):
    from scipy.sparse import csr_matrix

    data, indices, pointers = [], [], [0]
    for sentence in sentences:
        vector = features(sentence)
        indices.extend(vector)
        data.extend(vector.values())
        pointers.append(len(indices))
    return csr_matrix((data, indices, pointers), shape=(len(sentences), FEATURE_COUNT))


def train(rows: list[tuple[str, int]], regularisation: float) -> tuple[float, dict[int, float]]:
    """Fit a balanced logistic regression; return (bias, sparse weights)."""
    from sklearn.linear_model import LogisticRegression

    model = LogisticRegression(C=regularisation, class_weight="balanced", max_iter=2000)
    model.fit(to_matrix([text for text, _ in rows]), [label for _, label in rows])
    weights = {int(i): round(float(w), 4) for i, w in enumerate(model.coef_[0]) if abs(w) >= 5e-4}
    return float(model.intercept_[0]), weights


def pure_python_score(bias: float, weights: dict[int, float], sentence: str) -> float:
    """The runtime formula of ``checkworthy.score`` applied to in-memory weights."""
    total = bias + sum(weights.get(i, 0.0) * v for i, v in features(sentence).items())
    return 0.0 if total < -30 else 1.0 / (1.0 + math.exp(-total))


def average_precision(scored: list[tuple[float, int]]) -> float:
    ranked = sorted(scored, key=lambda pair: -pair[0])
    hits, total = 0, 0.0
    for rank, (_, label) in enumerate(ranked, 1):
        if label:
            hits += 1
            total += hits / rank
    return total / hits if hits else 0.0


def leave_one_out(transcripts: dict[str, list[tuple[str, int]]], regularisation: float) -> dict[str, float]:
    results = {}
    for held_out, rows in transcripts.items():
        training = [row for name, other in transcripts.items() if name != held_out for row in other]
        bias, weights = train(training, regularisation)
        results[held_out] = average_precision([(pure_python_score(bias, weights, t), y) for t, y in rows])
    return results


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("path", type=Path, help="clef2019-task1/training folder")
    parser.add_argument(
        "--write-weights", action="store_true", help="train on all transcripts and write the shipped weights"
    )
    parser.add_argument("-C", type=float, default=REGULARISATION, help="inverse regularisation strength")
    args = parser.parse_args()
    if not args.path.is_dir() or not any(args.path.glob("*.tsv")):
        print(f"dataset not found at {args.path}: nothing to evaluate")
        return 0
    transcripts = load_transcripts(args.path)
    sentences = sum(len(rows) for rows in transcripts.values())
    positives = sum(label for rows in transcripts.values() for _, label in rows)
    print(f"{len(transcripts)} transcripts, {sentences} sentences, {positives} check-worthy")
    results = leave_one_out(transcripts, args.C)
    print(f"{'transcript':<32}{'AP':>8}")
    for name, value in results.items():
        print(f"{name:<32}{value:>8.4f}")
    print(f"{'MAP (leave-one-transcript-out)':<32}{sum(results.values()) / len(results):>8.4f}")
    print("anchors: best CLEF 2019 team 0.166, TF-IDF SVM 0.121, random 0.025")
    if args.write_weights:
        bias, weights = train([row for rows in transcripts.values() for row in rows], args.C)
        payload = {
            "hash_bits": 15,
            "C": args.C,
            "bias": round(bias, 4),
            "weights": {str(i): w for i, w in sorted(weights.items())},
        }
        WEIGHTS_PATH.write_text(json.dumps(payload, separators=(",", ":")), encoding="utf-8")
        print(f"wrote {WEIGHTS_PATH} ({WEIGHTS_PATH.stat().st_size // 1024} KB, {len(weights)} weights)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
