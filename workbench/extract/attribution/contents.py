"""Where reported content begins and ends.

It begins after its cue only when what follows is content: a quotation, a colon, a that-,
wh- or if-clause, a clause with its own subject and verb, or a speech noun and its content
(``issued a statement saying …``); a noun phrase alone (``Kazakhstan offered a new visa``) is
the writer's fact, not a report, and an infinitive (``X plans to …``) is only a claim with its
subject. It ends at a new attribution or a clause of the writer's own (``… and suggested
that …``, ``…, saying …``, ``…; …``, ``…, but he urged …``), or at the main clause after an
opening subordinate one (``After X said …, he asked …``). Offsets are relative to the sentence.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from workbench.extract.attribution.cues import CUE, GERUND_RE, IRREGULAR_PAST, OBJECT_CUES

# A quotation, a colon or a that-, wh- or if-clause right after the cue.
_MARKED = re.compile(
    r"\s*(?:(?P<mark>[:“\"‘«])|(?:,\s*)?(?P<that>that\b\s*)|(?:,\s*)?(?=(?:what|why|how|whether|if|who|when|where|which)\b))"
)
_AUXILIARY = (
    r"(?i:is|are|was|were|will|would|could|should|can|cannot|may|might|must|has|have|had|did|does|do"
    r"|(?:is|are|was|were|did|does|do|has|have|had|would|could|should|wo|ca)n[’']t)"
)
# A pronoun and its verb, or their contraction ("he’ll", "it’s").
_PRONOUN_SUBJECT = r"(?:he|she|it|they|we|I|you|there)(?:\s+(?!to\b)[a-z’']+\b|[’'](?:s|re|ll|d|ve|m)\b)"
# What follows a plural noun rather than a verb ("record profits in the third quarter").
_AFTER_A_NOUN = "(?:in|on|at|about|of|for|from|to|with|by|during|over|since|last|this|next|and|or|but|as|than)"
_NOT_VERBS = "(?:his|its|this|thus|plus|less|news|across|perhaps|always|was|has|is)"
# Words of a subject before its verb, none a relative pronoun, which would make them a noun
# phrase ("offered a visa that was …"); a list takes several ("the library, the pool and the depot").
_SUBJECT_WORDS = r"(?:(?!(?:that|which|who|whom|whose)\b)[\w’'.$%,-]+\s+){1,8}?"
# A clause right after the cue: a pronoun and its verb, or a subject and an auxiliary
# (``believes the election is rigged``, ``thinks he can win``).
_CLAUSE = re.compile(rf"\s*(?:,\s*)?(?:{_PRONOUN_SUBJECT}|{_SUBJECT_WORDS}{_AUXILIARY}\b)")
# "his plans", "the proposed": after a determiner a word is a noun or an adjective, not a verb.
_AFTER_NO_DETERMINER = "".join(
    rf"(?<!\b{word} )" for word in "a an the his her its their our my your this these those".split()
)
# After a say-type cue the subject may be long (a relative clause in it: ``says the movement
# that's sweeping the country … is``) and its verb a past form (``said the firm hired 200
# people``), a present one after a short subject, followed by no preposition (``says the plan
# costs too much``, not ``reported record profits in …``: "-s" is often a plural), or quoted (``said the plan “will …”``); or a
# subject pronoun after an opening circumstance.
_ANY_WORDS = r"(?:[\w’'.$%,-]+\s+)"
# A long subject runs up to its verb, not over another cue ("declared the plan a success and said that … would").
_LONG_SUBJECT_WORD = rf"(?:(?!(?:{CUE})\b)[\w’'.$%,-]+\s+)"
_LOOSE_CLAUSE = re.compile(
    rf"\s*(?:,\s*)?(?:{_PRONOUN_SUBJECT}|{_LONG_SUBJECT_WORD}{{1,20}}?{_AUXILIARY}\b"
    rf"|{_SUBJECT_WORDS}{_AFTER_NO_DETERMINER}(?:[a-z]+ed|{IRREGULAR_PAST})\b"
    rf"|{_ANY_WORDS}{{1,3}}?{_AFTER_NO_DETERMINER}(?!{_NOT_VERBS}\b)[a-z]{{2,}}s\s+(?!{_AFTER_A_NOUN}\b)[\w$]"
    rf"|{_SUBJECT_WORDS}(?=[“\"])"
    # A subject pronoun after an opening circumstance ("win or lose on Tuesday, he’s staying").
    rf"|{_ANY_WORDS}{{1,12}}?(?:he|she|they|we|I)(?:[’'](?:s|re|ll|d|ve|m)\b|\s+(?:{_AUXILIARY}|[a-z]+ed|[a-z]+s)\b))"
)
# A speech noun as the cue's object, then its content: "issued a statement saying …",
# "offered an explanation: …", "released a report showing that …".
_SPEECH_OBJECT = re.compile(
    r"\s*(?:an?|the|its|his|her|their|this|a\s+new)\s+(?:[\w-]+\s+){0,2}?"
    r"(?:statement|explanation|apology|warning|report|response|reply|assurance|denial|rebuttal|memo|letter"
    r"|comment|remarks|message|notice|reminder|promise|pledge|ultimatum|account|estimate|forecast|prediction"
    r"|analysis|study|survey|poll|assessment|update|press\s+release|video|post|tweet|op-ed|editorial)s?\b"
    r"(?:\s+(?:on|in|at|to|with|via|from)\s+[^,;:.“”\"]{1,40}?)??"
    r"\s*(?:,\s*)?(?:(?:saying|showing|finding|warning|arguing|stating|claiming|concluding|predicting)\b\s*(?:that\b\s*)?"
    r"|that\b\s*|(?=[:“\"]))"
)
_INFINITIVE = re.compile(r"\s*to\s+[a-z]")


@dataclass(slots=True)
class Opening:
    """Where reported content begins after a cue; ``whole``: the claim is the subject's whole
    clause (``The ministry plans to double its staff``), not what follows the cue."""

    start: int
    whole: bool = False


def content_opening(sentence: str, after_cue: int, cue: str, holds_object: bool = False) -> Opening | None:
    """Where the content of ``cue`` (ending at ``after_cue``) begins, or None when what follows
    it is no content (a noun phrase: ``offered a new visa``). ``holds_object``: the cue's
    object is what the subject holds (``cues.holds_object``): the whole clause is the claim."""
    marked = _MARKED.match(sentence, after_cue)
    if marked:
        mark = marked.group("mark")
        return Opening(marked.start("mark") if mark and mark != ":" else marked.end())
    speech = _SPEECH_OBJECT.match(sentence, after_cue)
    if speech:
        return Opening(speech.end())
    if holds_object or _INFINITIVE.match(sentence, after_cue):
        return Opening(after_cue, whole=True)
    clause = _CLAUSE if cue in OBJECT_CUES else _LOOSE_CLAUSE
    return Opening(after_cue) if clause.match(sentence, after_cue) else None


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
