"""Check-worthiness: how much a sentence deserves a fact-checker's attention, in [0, 1].

A logistic regression over hashed word uni/bigrams plus a few hand features (figures,
named actors, comparatives, length). The weights are learned by
``bench/eval_checkworthy.py --write-weights`` and shipped as JSON; inference here is
plain Python so the runtime needs no scikit-learn. Training uses :func:`features`, so
training and inference cannot drift apart.
"""

from __future__ import annotations

import json
import math
import re
import zlib
from functools import lru_cache
from pathlib import Path

WEIGHTS_PATH = Path(__file__).with_name("checkworthy_weights.json")
HASH_BITS = 15
HASH_SIZE = 1 << HASH_BITS

_TOKEN = re.compile(r"[a-z]+(?:['’][a-z]+)?|\d[\d,.]*|[$€£%]")
_CAPITALISED = re.compile(r"(?<=[^\s“‘\"(])\s+[A-Z][a-zA-Z-]+")
# Token sets instead of more regex passes: this runs once per item, so it must stay cheap.
_COMPARATIVES = frozenset(
    """more less fewer most least than increase increased increases decrease decreased decreases
    double doubled triple tripled rise rose risen fell fallen higher lower highest lowest biggest
    largest smallest record percent rate average every times only first ever since""".split()
)
_MONEY_WORDS = frozenset("$ € £ dollars billion million trillion".split())
_PERCENT_WORDS = frozenset("% percent cent".split())
_FIRST_PERSON = frozenset("i i'm i’m my me".split())
_index_cache: dict[str, int] = {}
# Dense hand features live after the hashed block.
HAND_FEATURES = [
    "has_number", "many_numbers", "has_percent", "has_money", "has_year", "named_actors",
    "comparatives", "short", "medium", "long", "very_long", "question", "first_person",
]
FEATURE_COUNT = HASH_SIZE + len(HAND_FEATURES)


def features(sentence: str) -> dict[int, float]:
    """Sparse feature vector ``{index: value}`` for one sentence."""
    raw_tokens = _TOKEN.findall(sentence.lower())
    tokens = ["<num>" if token[0].isdigit() else token for token in raw_tokens]
    vector: dict[int, float] = {}
    previous = "<s>"
    for token in tokens:
        for key in (token, previous + " " + token):
            index = _index_cache.get(key)
            if index is None:
                index = zlib.crc32(key.encode()) & (HASH_SIZE - 1)
                if len(_index_cache) < 500_000:
                    _index_cache[key] = index
            vector[index] = vector.get(index, 0.0) + 1.0
        previous = token
    scale = 1.0 / math.sqrt(len(vector)) if vector else 0.0
    for index in vector:
        vector[index] *= scale
    distinct = set(tokens)
    numbers = tokens.count("<num>")
    words = len(tokens)
    hand = {
        "has_number": numbers > 0,
        "many_numbers": min(numbers, 8) / 8,
        "has_percent": not distinct.isdisjoint(_PERCENT_WORDS),
        "has_money": not distinct.isdisjoint(_MONEY_WORDS),
        "has_year": any(len(t) == 4 and t[:2] in ("19", "20") for t in raw_tokens),
        "named_actors": min(len(_CAPITALISED.findall(sentence)), 5) / 5,
        "comparatives": min(sum(token in _COMPARATIVES for token in tokens), 4) / 4,
        "short": words < 6,
        "medium": 6 <= words < 15,
        "long": 15 <= words < 30,
        "very_long": words >= 30,
        "question": sentence.rstrip().endswith("?"),
        "first_person": not distinct.isdisjoint(_FIRST_PERSON),
    }
    for offset, name in enumerate(HAND_FEATURES):
        if hand[name]:
            vector[HASH_SIZE + offset] = float(hand[name])
    return vector


@lru_cache(maxsize=1)
def _load_weights(path: str = str(WEIGHTS_PATH)) -> tuple[float, dict[int, float]]:
    data = json.loads(Path(path).read_text(encoding="utf-8"))
    return float(data["bias"]), {int(index): float(weight) for index, weight in data["weights"].items()}


def score(sentence: str) -> float:
    """Probability-like check-worthiness of ``sentence`` in [0, 1]."""
    bias, weights = _load_weights()
    total = bias + sum(weights.get(index, 0.0) * value for index, value in features(sentence).items())
    if total < -30:
        return 0.0
    return 1.0 / (1.0 + math.exp(-total))
