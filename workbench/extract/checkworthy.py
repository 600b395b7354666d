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
from itertools import pairwise, repeat
from operator import and_ as _and
from pathlib import Path

WEIGHTS_PATH = Path(__file__).with_name("checkworthy_weights.json")
HASH_BITS = 15
HASH_SIZE = 1 << HASH_BITS

_TOKEN = re.compile(r"[a-z]+(?:['’][a-z]+)?|\d[\d,.]*|[$€£%]")
_DIGIT = re.compile(r"\d")
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
_CACHE_LIMIT = 500_000  # n-grams remembered; bounds memory on a long-running ingest
_index_cache: dict[str, int] = {}
# score(): token -> id, and by id the unigram's index, the token's UTF-8 bytes and the
# CRC-32 state after "token " (what a bigram starting with the token continues from).
_vocab: dict[str, int] = {}
_unigrams: list[int] = []
_bytes: list[bytes] = []
_states: list[int] = []
_START_STATE = zlib.crc32(b"<s> ")
_UPPER = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZ")
_NAME_CHARS = frozenset("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ-")
_OPENERS = frozenset('“‘"(')
# Dense hand features live after the hashed block.
HAND_FEATURES = [
    "has_number",
    "many_numbers",
    "has_percent",
    "has_money",
    "has_year",
    "named_actors",
    "comparatives",
    "short",
    "medium",
    "long",
    "very_long",
    "question",
    "first_person",
]
FEATURE_COUNT = HASH_SIZE + len(HAND_FEATURES)


def features(sentence: str) -> dict[int, float]:
    """Sparse feature vector ``{index: value}`` for one sentence (what training sees)."""
    raw_tokens, tokens = _tokens(sentence)
    vector: dict[int, float] = {}
    for index in _ngram_indexes(tokens):
        vector[index] = vector.get(index, 0.0) + 1.0
    scale = 1.0 / math.sqrt(len(vector)) if vector else 0.0
    for index in vector:
        vector[index] *= scale
    for offset, value in enumerate(_hand_features(sentence, raw_tokens, tokens)):
        if value:
            vector[HASH_SIZE + offset] = float(value)
    return vector


def score(sentence: str) -> float:
    """Probability-like check-worthiness of ``sentence`` in [0, 1].

    Equal to the logistic of ``bias + weights · features(sentence)``, computed without
    building the vector or the bigram strings: every token has an id in :data:`_vocab`, with
    its unigram's index, its UTF-8 bytes and the CRC-32 of ``"token "``, so a bigram's index
    is ``crc32(bytes, state of the previous token)`` — the CRC of ``"previous token"`` that
    :func:`_hash` computes — and the loops run in C (``map``) rather than in Python.
    """
    bias, weights, hand_weights = _load_weights()
    raw_tokens, tokens = _tokens(sentence)
    ids = list(map(_vocab.get, tokens))
    if None in ids:
        ids = [_token_id(token) if i is None else i for i, token in zip(ids, tokens)]
    if ids:
        states = list(map(_states.__getitem__, ids))
        states.insert(0, _START_STATE)
        states.pop()
        indexes = list(map(_unigrams.__getitem__, ids))
        indexes += map(_and, map(zlib.crc32, map(_bytes.__getitem__, ids), states), repeat(HASH_SIZE - 1))
        total = sum(map(weights.__getitem__, indexes)) / math.sqrt(len(set(indexes)))
    else:
        total = 0
    total += bias
    # The hand features, in HAND_FEATURES order (see _hand_features), added when non-zero.
    distinct = set(tokens)
    numbers = tokens.count("<num>")
    words = len(tokens)
    (
        w_number,
        w_many,
        w_percent,
        w_money,
        w_year,
        w_actors,
        w_comparatives,
        w_short,
        w_medium,
        w_long,
        w_very_long,
        w_question,
        w_first_person,
    ) = hand_weights
    if numbers:
        total += w_number
        total += w_many * (min(numbers, 8) / 8)
    if not distinct.isdisjoint(_PERCENT_WORDS):
        total += w_percent
    if not distinct.isdisjoint(_MONEY_WORDS):
        total += w_money
    if numbers and any(len(t) == 4 and t[:2] in ("19", "20") for t in raw_tokens):
        total += w_year
    actors = _capitalised_count(sentence)
    if actors:
        total += w_actors * (min(actors, 5) / 5)
    comparatives = sum(map(_COMPARATIVES.__contains__, tokens))
    if comparatives:
        total += w_comparatives * (min(comparatives, 4) / 4)
    if words < 6:
        total += w_short
    elif words < 15:
        total += w_medium
    elif words < 30:
        total += w_long
    else:
        total += w_very_long
    if sentence.rstrip().endswith("?"):
        total += w_question
    if not distinct.isdisjoint(_FIRST_PERSON):
        total += w_first_person
    if total < -30:
        return 0.0
    return 1.0 / (1.0 + math.exp(-total))


def _token_id(token: str) -> int:
    """The id of ``token`` in :data:`_vocab`, added on first sight."""
    if len(_vocab) >= _CACHE_LIMIT:
        # A long ingest meets new words forever: start over.
        _vocab.clear(), _unigrams.clear(), _bytes.clear(), _states.clear()
    data = token.encode()
    _vocab[token] = len(_unigrams)
    _unigrams.append(zlib.crc32(data) & (HASH_SIZE - 1))
    _bytes.append(data)
    _states.append(zlib.crc32(b" ", zlib.crc32(data)))
    return _vocab[token]


def _capitalised_count(sentence: str) -> int:
    """``len(_CAPITALISED.findall(sentence))`` without the regex: a word opening with a capital
    and a letter or hyphen after a word that does not end in an opening mark or parenthesis."""
    words = sentence.split()  # str.split and the regex's \s agree on what whitespace is
    count = 0
    for previous, word in pairwise(words):
        if word[0] in _UPPER and len(word) > 1 and word[1] in _NAME_CHARS and previous[-1] not in _OPENERS:
            count += 1
    return count


def _tokens(sentence: str) -> tuple[list[str], list[str]]:
    lowered = sentence.lower()
    raw_tokens = _TOKEN.findall(lowered)
    if _DIGIT.search(lowered) is None:
        return raw_tokens, raw_tokens  # no figure: nothing to replace (neither list is changed)
    return raw_tokens, ["<num>" if token[0].isdigit() else token for token in raw_tokens]


def _ngram_indexes(tokens: list[str]):
    """Hashed index of every unigram and bigram, in order (repeats included)."""
    previous = "<s>"
    for token in tokens:
        yield _hash(token)
        yield _hash(previous + " " + token)
        previous = token


def _hash(key: str) -> int:
    index = _index_cache.get(key)
    if index is None:
        index = zlib.crc32(key.encode()) & (HASH_SIZE - 1)
        if len(_index_cache) >= _CACHE_LIMIT:
            _index_cache.clear()  # a long ingest meets new words forever: start over
        _index_cache[key] = index
    return index


def _hand_features(sentence: str, raw_tokens: list[str], tokens: list[str]) -> tuple[float, ...]:
    """Values of :data:`HAND_FEATURES`, in order."""
    distinct = set(tokens)
    numbers = tokens.count("<num>")
    words = len(tokens)
    return (
        numbers > 0,
        min(numbers, 8) / 8,
        not distinct.isdisjoint(_PERCENT_WORDS),
        not distinct.isdisjoint(_MONEY_WORDS),
        numbers > 0 and any(len(t) == 4 and t[:2] in ("19", "20") for t in raw_tokens),
        min(len(_CAPITALISED.findall(sentence)), 5) / 5,  # _capitalised_count in score()
        min(sum(map(_COMPARATIVES.__contains__, tokens)), 4) / 4,
        words < 6,
        6 <= words < 15,
        15 <= words < 30,
        words >= 30,
        sentence.rstrip().endswith("?"),
        not distinct.isdisjoint(_FIRST_PERSON),
    )


@lru_cache(maxsize=1)
def _load_weights(path: str = str(WEIGHTS_PATH)) -> tuple[float, list[float], tuple[float, ...]]:
    """(bias, hashed-block weights by index, hand-feature weights in :data:`HAND_FEATURES` order)."""
    data = json.loads(Path(path).read_text(encoding="utf-8"))
    weights = [0.0] * FEATURE_COUNT  # dense: a list index is cheaper than a dict lookup
    for index, weight in data["weights"].items():
        weights[int(index)] = float(weight)
    return float(data["bias"]), weights[:HASH_SIZE], tuple(weights[HASH_SIZE:])
