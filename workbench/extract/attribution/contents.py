"""Where reported content ends: at a new attribution or a clause of the writer's own
(``… and suggested that …``, ``…, saying …``, ``…; …``, ``…, but he urged …``), or at the main
clause after an opening subordinate one (``After X said …, he asked …``). Offsets are relative
to the sentence.
"""

from __future__ import annotations

import re

from workbench.extract.attribution.cues import CUE, GERUND_RE

_CONTENT_STOP = re.compile(
    rf";\s|,?(?<!\s)\s+(?:and|but)\s+(?:also\s+|then\s+|later\s+)?(?:{CUE})\b|,\s+(?:{GERUND_RE.pattern})"
    # The subject's next cue: "…, recalled that …".
    rf"|,\s+(?:also\s+)?(?:{CUE})\s"
    # A clause of the writer's own after the report: "…, but he urged …", "…, for whom he …".
    r"|,[”’\"']?\s+(?:but|while|though|although|even\s+though|whereas|which|for\s+whom|as\s+well\s+as|rather\s+than"
    r"|meaning|both\s+of\s+whom|based\s+on)\b(?!\s+that\b)"  # "…, but that …" goes on reporting
    # The subject's next act: "she wants a safe zone and has expressed support for …".
    r"|(?<!\s)\s+and\s+(?:has|have|had|is|was|will|would)\s+(?:also\s+)?[a-z]+(?:ed|en)\b"
)
# A sentence opening with a subordinate clause ("After X said …, he asked …"): a report
# inside it ends where the main clause, the writer's own statement, begins.
_SUBORDINATE_OPENING = re.compile(r"(?:After|Before|When|Once|Until|Since|Because|Although|Though|If)\b")
_MAIN_CLAUSE = re.compile(
    r",\s+(?=(?:he|she|they|it|we|I|He|She|They|It|We)\s+[a-z]+"
    r"|(?:[Tt]he\s+|[Aa]n?\s+)?[\w’'-]+(?:\s+(?!and\b|or\b)[\w’'-]+){0,3}?\s+(?:[a-z]+ed|has|have|had|is|was|were|are|will|would)\b)"
)


def content_end(sentence: str, start: int) -> int:
    """Reported content runs to the end of the sentence unless a new attribution or clause
    takes over: ``… and suggested that …``, ``…, saying …``, ``…; …``, or the main clause
    after an opening subordinate one (``After X said …, he asked …``)."""
    stop = _CONTENT_STOP.search(sentence, start)
    end = stop.start() if stop else len(sentence)
    main = main_clause_after(sentence, start)
    return min(end, main) if main is not None else end


def main_clause_after(sentence: str, position: int) -> int | None:
    """Where the writer's main clause begins after ``position`` when the sentence opens with a
    subordinate clause that ``position`` lies in (``When the minister said …, workers walked
    out``): the offset of the comma, or None."""
    if not _SUBORDINATE_OPENING.match(sentence) or "," in sentence[:position]:
        return None
    main = _MAIN_CLAUSE.search(sentence, position)
    return main.start() if main else None
