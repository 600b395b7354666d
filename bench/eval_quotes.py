"""Measure quote, attribution and speaker extraction on PolNeAR (brat standoff).

    python bench/eval_quotes.py ../shared/datasets/polnear/dev

For each article (one annotator file per article: the first in sorted order) every ``E``
line is one gold attribution: its Content span(s) and Source span. Two evaluations:

* direct quotes: gold contents wholly inside double quotation marks (“…”, "…", or ''…'',
  the two-apostrophe mark of NYT archive text), against our quote items. A found quote counts as correct when at least half of its characters lie inside
  some gold content (a partial quote inside indirect speech is still attributed speech);
  the line under the table says how many found quotes were correct that way, and the
  "direct, strict" row counts only found quotes lying inside direct gold contents; the
  "whole quotations" row leaves out our ``partial`` quotes (quoted words embedded in the
  writer's sentence) and counts only found quotes inside direct gold contents.
* all attributions: every gold content, against our quote items plus indirect claims. A
  stance, demand or intention claim holds its source and cue for the reviewer (``The
  ministry blamed foreign hackers for the outage``, ``The city plans to build …``); PolNeAR's
  content is what follows the cue, so the claim's words after its cue are what is compared
  (``--whole-stances`` compares the whole claim).

A gold content is found when the found items lying mostly inside it cover (as a union,
so overlapping items are not counted twice) at least half of its characters and are
together no more than twice its length. In "all attributions" a found item is correct
only when it is one of the items that find some gold content: a fragment lying inside a
gold content it does not find is a false positive. Speaker accuracy is measured on found
direct quotes whose gold source is a name or noun phrase (pronoun sources are excluded):
same last token, or one's last token among the other's tokens.

Which gold contents are direct (changed with issue 3; figures before it are not comparable):
``''…''`` counts as a double quotation mark; a content's ranges separated only by whitespace
are judged as one stretch (annotators cut a quote at sentence and paragraph breaks:
``“A? ## B,” ## “C”``); and a stretch is widened over quotation marks right next to it,
since annotators often leave one character of a mark out (``'Now …''``).

``--show-errors`` prints, for error analysis (use the train split), every false-positive
quote item with the gold contents it overlaps and every missed direct gold with our quotes
near it. ``--count-cues`` (train split only: the cue lexicon is grown from it) counts the
words annotators mark as cues, one line per word, most frequent first, saying whether
``workbench.extract.attribution.cues`` knows it.
"""

from __future__ import annotations

import argparse
import re
import sys
import time
from dataclasses import dataclass
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from workbench.extract import extract
from workbench.extract.attribution.cues import CUE_RE, GERUND_RE, STANCE_CUES, holds_object

_PRONOUNS = frozenset("he she it they i we you him her them his its their us me".split())
_OPEN = '“"'
_CLOSE = '”"'
_MARKS = "“”\"'"
# Words of multi-word cues that are no cue of their own ("has said", "according to").
_FUNCTION_WORDS = frozenset(
    """to of has a on about is for in the have also was are not with s t out had as at an by his were would
    did be will it and that from more over now up been""".split()
)


@dataclass
class Gold:
    ranges: list[tuple[int, int]]
    source: str | None
    direct: bool

    @property
    def length(self) -> int:
        return sum(end - start for start, end in self.ranges)


def load_gold(path: Path, text: str) -> list[Gold]:
    """Attributions of one brat file: content ranges, source text, and whether it is a direct quote."""
    spans: dict[str, tuple[str, list[tuple[int, int]]]] = {}
    relations = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.startswith("T") and "\t" in line:
            ident, info = line.split("\t")[:2]
            label, _, offsets = info.partition(" ")
            ranges = [tuple(map(int, part.split())) for part in offsets.split(";")]
            spans[ident] = (label, ranges)
        elif line.startswith("E") and "\t" in line:
            relations.append(dict(arg.split(":", 1) for arg in line.split("\t")[1].split()))
    golds = []
    for relation in relations:
        content = spans.get(relation.get("Content", ""))
        if content is None:
            continue
        source = spans.get(relation.get("Source", ""))
        source_text = " ".join(text[s:e] for s, e in source[1]) if source else None
        ranges = content[1]
        golds.append(Gold(ranges, source_text, all(_is_direct(text[s:e]) for s, e in _stretches(text, ranges))))
    return golds


def _stretches(text: str, ranges: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """Ranges joined where only whitespace separates them: the annotation cuts a content at
    sentence and paragraph breaks (``“A? ## B,” ## “C”``), which are one continuous stretch."""
    joined: list[tuple[int, int]] = []
    for start, end in sorted(ranges):
        if joined and not text[joined[-1][1] : start].strip():
            joined[-1] = (joined[-1][0], max(joined[-1][1], end))
        else:
            joined.append((start, end))
    return [_with_marks(text, start, end) for start, end in joined]


def _with_marks(text: str, start: int, end: int) -> tuple[int, int]:
    """A stretch widened over the quotation marks right next to it: annotators often leave
    one character of a mark out (``'Now it's …''`` for ``''Now it's …''``)."""
    while start > 0 and text[start - 1] in _MARKS:
        start -= 1
    while end < len(text) and text[end] in _MARKS:
        end += 1
    return start, end


def _is_direct(span: str) -> bool:
    """Wholly inside double quotation marks: “…”, "…" or ''…'' (two apostrophes, the
    double mark of wire and NYT archive text), with no closing mark followed by the
    writer's words inside."""
    span = span.strip().rstrip(".,;:")
    opening = 2 if span.startswith("''") else 1 if span[:1] in _OPEN else 0
    closing = 2 if span.endswith("''") else 1 if span[-1:] in _CLOSE else 0
    inner = span[opening : len(span) - closing]
    return bool(opening and closing and inner.strip()) and not re.search(r"(?:[”\"]|'')\s+\S", inner)


def _overlap(start: int, end: int, ranges: list[tuple[int, int]]) -> int:
    return sum(max(0, min(end, e) - max(start, s)) for s, e in ranges)


def content_spans(item, whole_stances: bool = False) -> list[tuple[int, int]]:
    """The spans of ``item`` that hold reported content: a quotation's segments (not the
    attribution between them); for a claim that is its subject's whole clause, which shows
    the reviewer who holds it (a stance or demand: ``The ministry blamed foreign hackers for
    the outage``; an intention: ``The city plans to build …``), what follows its cue, as
    PolNeAR's content does (``foreign hackers for the outage``), unless ``whole_stances``."""
    if item.kind == "claim" and item.cue and not whole_stances:
        at = item.text.find(item.cue + " ")
        after = at + len(item.cue) + 1
        if at >= 0 and (holds_object(item.cue) or item.text.startswith("to ", after)):
            return [(item.start + after, item.end)]
    return item.spans


def _share(item, ranges: list[tuple[int, int]]) -> tuple[int, int]:
    """(characters of ``item``'s content inside ``ranges``, characters of its content)."""
    spans = content_spans(item, _WHOLE_STANCES[0])
    return sum(_overlap(s, e, ranges) for s, e in spans), sum(e - s for s, e in spans)


_WHOLE_STANCES = [False]  # set by --whole-stances


def _mostly_inside(item, ranges: list[tuple[int, int]]) -> bool:
    inside, length = _share(item, ranges)
    return inside * 2 >= length


def _finders(found: list, gold: Gold) -> list[int]:
    """Indexes of the found items that find ``gold`` (empty when it is not found): the items
    mostly inside it cover half of it, as a union, within twice its length."""
    inside = [i for i, item in enumerate(found) if _mostly_inside(item, gold.ranges)]
    merged: list[list[int]] = []
    for s, e in sorted(span for i in inside for span in content_spans(found[i], _WHOLE_STANCES[0])):
        if merged and s <= merged[-1][1]:
            merged[-1][1] = max(merged[-1][1], e)
        else:
            merged.append([s, e])
    covered = sum(_overlap(s, e, gold.ranges) for s, e in merged)
    length = sum(_share(found[i], [])[1] for i in inside)
    return inside if inside and covered * 2 >= gold.length and length <= 2 * gold.length else []


def _covers(found: list, gold: Gold) -> bool:
    return bool(_finders(found, gold))


def _context(text: str, start: int, end: int) -> str:
    """The span in brackets with 80 characters either side."""
    return repr(f"{text[max(0, start - 80) : start]}[{text[start:end]}]{text[end : end + 80]}")


def _overlapping(text: str, golds: list[Gold], item) -> list[str]:
    return [
        ("direct " if g.direct else "") + " ## ".join(text[s:e] for s, e in g.ranges)[:200]
        for g in golds
        if _overlap(item.start, item.end, g.ranges)
    ]


def same_speaker(found: str | None, gold: str) -> bool:
    """Lenient: the last tokens agree, or one's last token is among the other's tokens."""
    if not found:
        return False
    found_tokens = re.findall(r"[\w’'-]+", found.lower())
    gold_tokens = re.findall(r"[\w’'-]+", gold.lower())
    if not found_tokens or not gold_tokens:
        return False
    return found_tokens[-1] in gold_tokens or gold_tokens[-1] in found_tokens


def is_pronoun(source: str | None) -> bool:
    return source is not None and source.strip().lower() in _PRONOUNS


class Tally:
    def __init__(self) -> None:
        self.found = self.correct = self.gold = self.recalled = 0

    def row(self, name: str) -> str:
        precision = self.correct / self.found if self.found else 0.0
        recall = self.recalled / self.gold if self.gold else 0.0
        f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
        return f"{name:<18}{self.gold:>7}{self.found:>7}{precision:>8.3f}{recall:>8.3f}{f1:>8.3f}"


def article_files(folder: Path) -> list[tuple[Path, Path]]:
    pairs = []
    for text_path in sorted((folder / "text").glob("*.txt")):
        annotations = sorted((folder / "attributions").glob(f"{text_path.stem}_*.ann"))
        if annotations:
            pairs.append((text_path, annotations[0]))
    return pairs


def count_cues(pairs: list[tuple[Path, Path]], shown: int = 150) -> None:
    """The words of the gold cue spans, most frequent first, and whether the lexicon has them."""
    counts: dict[str, int] = {}
    for _, ann_path in pairs:
        for line in ann_path.read_text(encoding="utf-8").splitlines():
            fields = line.split("\t")
            if len(fields) >= 3 and fields[1].startswith("Cue "):
                for word in re.findall(r"[a-z]+", fields[2].lower()):
                    if word not in _FUNCTION_WORDS:
                        counts[word] = counts.get(word, 0) + 1
    print(f"{'cue word':<16}{'marked':>8}  in the lexicon")
    for word, count in sorted(counts.items(), key=lambda pair: -pair[1])[:shown]:
        known = bool(CUE_RE.fullmatch(word) or GERUND_RE.fullmatch(word)) or word in STANCE_CUES
        print(f"{word:<16}{count:>8}  {'yes' if known else ''}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("path", type=Path, help="a PolNeAR split folder (with text/ and attributions/)")
    parser.add_argument("--show-misses", action="store_true", help="print direct quotes missed or mis-attributed")
    parser.add_argument(
        "--show-errors", action="store_true", help="print false-positive quote items and missed direct golds"
    )
    parser.add_argument("--count-cues", action="store_true", help="count the cue words annotators mark")
    parser.add_argument(
        "--whole-stances", action="store_true", help="measure stance claims whole, source and cue included"
    )
    args = parser.parse_args()
    _WHOLE_STANCES[0] = args.whole_stances
    pairs = article_files(args.path) if (args.path / "text").is_dir() else []
    if not pairs:
        print(f"PolNeAR not found at {args.path}: nothing to evaluate")
        return 0
    if args.count_cues:
        count_cues(pairs)
        return 0
    quoted, lenient, everything = Tally(), Tally(), Tally()
    speakers_checked = speakers_right = 0
    seconds = 0.0
    characters = 0
    for text_path, ann_path in pairs:
        text = text_path.read_text(encoding="utf-8")
        golds = load_gold(ann_path, text)
        began = time.process_time()  # CPU time: other jobs on the machine do not inflate it
        items = extract(text)
        seconds += time.process_time() - began
        characters += len(text)
        quotes = [i for i in items if i.kind == "quote"]
        direct_golds = [g for g in golds if g.direct]

        # Every quote item a reviewer sees, against the direct quotations.
        quoted.found += len(quotes)
        lenient.found += len(quotes)
        for quote in quotes:
            holders = [g for g in golds if _mostly_inside(quote, g.ranges)]
            lenient.correct += bool(holders)
            right = any(g.direct for g in holders)
            quoted.correct += right
            if args.show_errors and not right:
                print(
                    f"FALSE {text_path.stem}: {_context(text, quote.start, quote.end)}\n    gold: {_overlapping(text, golds, quote)}"
                )
        quoted.gold += len(direct_golds)
        lenient.gold += len(direct_golds)
        for gold in direct_golds:
            if not _covers(quotes, gold):
                if args.show_errors or args.show_misses:
                    near = [(q.speaker, q.text[:60]) for q in quotes if _overlap(q.start, q.end, gold.ranges)]
                    print(
                        f"MISSED {text_path.stem}: {_context(text, gold.ranges[0][0], gold.ranges[-1][1])}\n    ours: {near}"
                    )
                continue
            quoted.recalled += 1
            lenient.recalled += 1
            if gold.source and not is_pronoun(gold.source):
                speakers_checked += 1
                found = [q for q in quotes if _mostly_inside(q, gold.ranges)]
                if same_speaker(found[0].speaker, gold.source):
                    speakers_right += 1
                elif args.show_misses:
                    print(
                        f"SPEAKER {text_path.stem}: gold {gold.source!r} found {found[0].speaker!r}: {found[0].text[:60]!r}"
                    )

        attributed = quotes + [i for i in items if i.attribution == "indirect"]
        everything.found += len(attributed)
        everything.gold += len(golds)
        correct: set[int] = set()
        for gold in golds:
            finders = _finders(attributed, gold)
            everything.recalled += bool(finders)
            correct.update(finders)
        everything.correct += len(correct)

    print(f"PolNeAR {args.path}: {len(pairs)} articles")
    print(f"{'':<18}{'gold':>7}{'found':>7}{'P':>8}{'R':>8}{'F1':>8}")
    print(quoted.row("quote items"))
    print(lenient.row("  inside any gold"))
    print(everything.row("all attributions"))
    accuracy = speakers_right / speakers_checked if speakers_checked else 0.0
    print(
        f"speaker accuracy on found direct quotes (non-pronoun gold sources): {accuracy:.3f} ({speakers_right}/{speakers_checked})"
    )
    kb = characters / len(pairs) / 1024
    print(
        f"speed (CPU time, one core): {seconds / len(pairs) * 1000:.2f} ms/article (mean {kb:.1f} KB), {seconds / characters * 8192 * 1000:.2f} ms per 8 KB"
    )
    print("anchors: GenderGapTracker quote F1 0.84, speaker 86.5%")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
