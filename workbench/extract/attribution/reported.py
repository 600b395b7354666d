"""Reported (indirect) speech inside one sentence: who holds what, and where it is.

``X said (that) …``, ``…, said X``, ``…, according to X``, ``A, X said, B``, stances
(``X called the deal a disaster``), gerunds and coordinated cues that add to the same
speaker's words (``…, saying …``, ``… and said that …``), ``Asked whether …, …`` and
transcript labels (``Matthews: …``), a cue's object (``Her campaign announced new support``,
``X wants to …``, ``X called for …``) and a second report after the first one's content
(``A said X, but B argued Y``). Offsets are relative to the sentence.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from itertools import islice

from workbench.extract.attribution.contents import content_end, content_opening
from workbench.extract.attribution.cues import (
    CUE_RE,
    DAYS,
    GERUND_RE,
    NOUN_LIKE_WORDS,
    STANCE_VERBS,
    holds_object,
    is_noun,
)
from workbench.extract.attribution.names import NAME_RUN
from workbench.extract.attribution.sources import (
    Source,
    cue_subject,
    is_fragment,
    parse_source,
    source_after_cue,
    subject_before,
)
from workbench.extract.patterns import WORD, alternation, at_end
from workbench.extract.spans import inside

# "that" after the cue, maybe after a circumstance: "said in a statement on Friday that".
_THAT = re.compile(
    rf"(?:\s+(?:on|in|at|during|after|before|to|with|via|from|over|last|this|earlier|recently|"
    rf"repeatedly|again|also|publicly|privately|previously|later|today|yesterday|{DAYS})\b"
    r"[^,;:.!?“”\"]{0,50}?)?\s*(?:,\s*)?that\b\s*"
)
_IF = re.compile(r"(?:\s+[\w’'.-]+){0,4}?\s+(?:if|whether)\b\s*")
_ASKING = frozenset("asked asks wondered questioned".split())
# "…, X said, …" with an optional circumstance before the closing comma.
_PARENTHESIS_END = re.compile(r"[^,.;:!?“”\"]{0,40}?,\s*")
# A pronoun or a name opening a clause, followed by its verb rather than "of", "and", "on"…
_LEADING_NAME = re.compile(
    rf"(?:[A-Z]\w*,\s+)?((?:he|she|they|it|He|She|They|It)\b|{NAME_RUN.pattern})"
    r"(?!\s+(?:of|on|in|at|for|from|with|and|or|who|which|that|to|by|as)\b)\s+(?:also\s+)?[a-z]+(?:ed|s)\b"
)
_NOUN_LIKE = frozenset(NOUN_LIKE_WORDS)
_STANCE_RE = re.compile(rf"\b(?P<verb>{alternation(STANCE_VERBS)})(?:\s+(?:for|on)\b)?(?=\s)")
_ASKED = re.compile(
    r"(?:When\s+|After\s+being\s+|Later\s+)?(?:[Aa]sked|[Qq]uestioned)\s+(?:by\s+[^,]{1,60}?\s+)?"
    r"((?:if|whether|what|why|how|who|when|where|which|about)\b[^,]{5,200}),"
)
_LABEL = re.compile(rf"((?:{NAME_RUN.pattern})|[A-Z][A-Z.’' -]{{1,40}}):\s+(?=\S)")
_NOT_LABELS = frozenset(
    "report update note editor's note photo source watch related read video breaking exclusive correction q a".split()
)
_COORDINATED = re.compile(r"\s(?:and|but)\s+(?:also\s+|then\s+|later\s+)?$")
_INTRODUCTORY = re.compile(
    r"(?:After|Before|When|While|In|On|At|During|Asked|Speaking|If|As|Since|Although|Though|Later|Earlier|Then|"
    r"Yesterday|Today|Last|This|From|With|For|By|Despite|Following|Responding|Addressing|Referring)\b"
)
_QUOTE_MARKS = "“‘\"'«„"
_RELATIVE_END = re.compile(r"\b(?:who|which|that)\s+(?:[a-z]+\s+){0,2}$")
_PASSIVE_END = re.compile(r"\b(?:was|were|been|be|being|is|are)\s+(?:\w+ly\s+)?$")
# Up to five capitalised words ("Fox News"), each whole: "(?:[A-Z]\w*\s*){1,5}" could cut one
# long word ("AAAA…") into five in a number of ways that grows with its fifth power.
_RECIPIENT = re.compile(
    r"\s*(?:(?:the\s+)?[A-Z][\w’'-]*+(?:\s+[A-Z][\w’'-]*+){0,4}|reporters|journalists|supporters|the\s+\w+|an?\s+\w+|him|her|them|us|me|police|officials)"
    r"(?:\s+(?:on|in|at|by|during|after|via)\s+[^,]{1,40}?)?(?:,\s*|\s+(?=that\b)|\s+)"
)
# "told the finance committee on Monday that …": a few more words of the recipient before "that".
_LONGER_RECIPIENT = re.compile(r"(?:[\w’'.-]+\s+){1,6}?that\b\s*")
# Cues, gerunds or stance verbs one rule tries in a sentence: each try reads the sentence up to
# its word, so a bound keeps a run-on sentence of cues ("… and has asked … and has asked …")
# linear; normal sentences hold far fewer.
_MAX_TRIES = 8
_SHORT_TAIL = 8  # words after the cue that can still be circumstance ("in a statement on Monday")
# What may follow "…, X said" at the end of a sentence: nothing, or a circumstance.
_CIRCUMSTANCE = re.compile(
    r"\s*(?:$|[.,;:)]|(?:in|on|at|during|after|before|via|by|from|through|to|with|last|this|earlier|"
    r"later|today|yesterday|reporters|journalists|[A-Z][\w’'-]*)\b)"
)


@dataclass(slots=True)
class Indirect:
    """Reported speech inside one sentence; offsets relative to the sentence."""

    content_start: int
    content_end: int
    source: Source | None
    cue: str
    cue_at: int


def speaker_label(paragraph: str) -> tuple[Source, int] | None:
    """``Matthews: Well, …`` (transcripts, interviews): the labelled speaker and where their
    words start, or None."""
    match = _LABEL.match(paragraph)
    if match is None or match.group(1).lower() in _NOT_LABELS:
        return None
    source = parse_source(match.group(1))
    return (source, match.end()) if source and source.pronoun is None else None


def find_indirect(sentence: str, quoted: list[tuple[int, int]], speaker: Source | None = None) -> list[Indirect]:
    """Reported speech in ``sentence``, in text order (cue words inside ``quoted`` spans, sorted
    and not overlapping, are ignored): the main attribution, then what a trailing gerund adds
    (``…, saying …``). ``speaker``: who a whole quotation in the sentence is attributed to
    (``“…,” she said, adding that …``), whose words a gerund adds to when the sentence names
    no one else."""
    cues = [m for m in CUE_RE.finditer(sentence) if not (inside(m.start(), quoted) or is_noun(sentence, m))]
    main = _main_attribution(sentence, cues) or _stance(sentence, quoted)
    found = [main] if main else []
    if main is not None and main.content_end > main.cue_at and at_end(_COORDINATED, sentence, main.cue_at):
        # "Okafor defended his remarks and said …": the stance before the coordinated cue is his too.
        stance = _stance(sentence, quoted)
        if stance is not None and stance.content_end <= main.cue_at:
            found.insert(0, stance)
            main.content_start = max(main.content_start, main.cue_at)  # the subject is the stance's
    question = _ASKED.match(sentence)
    if question and not (main and main.content_start < question.end(1)):
        # "Asked whether …, X said …": the question is reported too (by an unnamed asker).
        found.insert(0, Indirect(question.start(1), question.end(1), None, "asked", question.start()))
    if main is not None:
        # "She declared A and said that B": the coordinated cue reports more of the same speaker's.
        # Only up to the next report of someone else ("…, while B warned that … and said …").
        later = [cue for cue in cues if cue.start() >= main.content_end]
        own = later[: next((i for i, cue in enumerate(later) if not at_end(_COORDINATED, sentence, cue.start())), None)]
        for cue in own[:_MAX_TRIES]:
            extra = _content_after(sentence, cue, main.source)
            if extra:
                found.append(extra)
                break
    if main is not None and main.content_end > main.cue_at:
        found += _later_reports(sentence, quoted, cues, found[-1].content_end)
    reach = found[-1].content_end if main else 0
    gerunds = (g for g in GERUND_RE.finditer(sentence, reach) if not inside(g.start(), quoted))
    for gerund in islice(gerunds, _MAX_TRIES):
        extra = _after_gerund(sentence, gerund, main.source if main else speaker)
        if extra:
            found.append(extra)
            break
    return found


def _later_reports(sentence: str, quoted: list[tuple[int, int]], cues: list[re.Match], after: int) -> list[Indirect]:
    """``A said X, but B argued Y`` / ``…, while Democrats called it a stunt``: a clause after
    the first report's content with its own subject and cue reports more; a cue coordinated
    with that one (``…, while B warned that Y and said Z``) adds to B's words."""
    found: list[Indirect] = []
    for cue in [cue for cue in cues if cue.start() >= after][:_MAX_TRIES]:
        if cue.start() < after:
            continue
        coordinated = found and at_end(_COORDINATED, sentence, cue.start())
        extra = _content_after(sentence, cue, found[-1].source if coordinated else None)
        if extra and extra.content_start >= after:
            found.append(extra)
            after = extra.content_end
    stance = _stance(sentence, quoted, after)
    return found + [stance] if stance else found


def _main_attribution(sentence: str, cues: list[re.Match]) -> Indirect | None:
    if not cues:
        return None
    for cue in cues[:_MAX_TRIES]:
        found = _parenthetical(sentence, cue)
        if found:
            return found
    found = _content_before(sentence, cues[-1])
    if found:
        return found
    for cue in cues[:_MAX_TRIES]:
        found = _content_after(sentence, cue)
        if found:
            return found
    return None


def _stance(sentence: str, quoted: list[tuple[int, int]], after: int = 0) -> Indirect | None:
    """``Trump called the deal a disaster`` / ``The ministry blamed foreign hackers for the
    outage``: a stance, when a named or pronoun subject holds it. The subject, the verb and its
    object together are the claim: who holds the stance is as checkable as what it is about.
    A verb in a relative clause (``The minister, who supported the reforms, was dismissed``) is
    not the sentence's."""
    verbs = (
        verb
        for verb in _STANCE_RE.finditer(sentence, after)
        if not (
            inside(verb.start(), quoted)
            or at_end(_PASSIVE_END, sentence, verb.start())
            or at_end(_RELATIVE_END, sentence, verb.start())
        )
    )
    for verb in islice(verbs, _MAX_TRIES):
        prefix = sentence[: verb.start()]
        source = subject_before(prefix)
        if source is None or not (source.pronoun or source.name[:1].isupper()):
            continue
        start = verb.end()
        while start < len(sentence) and sentence[start] in " ,:":
            start += 1
        end = content_end(sentence, start)
        if len(WORD.findall(sentence[start:end])) >= 2:
            return Indirect(max(_subject_start(prefix, source), after), end, source, verb.group("verb"), verb.start())
    return None


def _subject_start(prefix: str, source: Source) -> int:
    """Where the subject ``source`` (parsed from the end of ``prefix``) begins in it: at its
    role when the role stands right before the name (``Mayor Dana Whitfield``)."""
    at = prefix.rfind(source.name)
    if at < 0:
        return len(prefix.rstrip())
    if source.role and prefix[:at].rstrip().endswith(source.role):
        at = prefix[:at].rstrip().rfind(source.role)
    return at


def _after_gerund(sentence: str, gerund: re.Match, source: Source | None) -> Indirect | None:
    """``…, saying (that) …`` / ``while adding …``: the content follows the gerund; the speaker
    is the main clause's (or its leading name)."""
    before = sentence[: gerund.start()].rstrip()
    if not before.endswith((",", "—", " while", " before", " after")) and not before.endswith(" by"):
        return None
    start = gerund.end()
    that = _THAT.match(sentence, start)
    if that:
        start = that.end()
    elif gerund.group().lower() == "telling":
        recipient = _RECIPIENT.match(sentence, start)
        start = recipient.end() if recipient else start
    end = content_end(sentence, start)
    speaker = source or _leading_subject(before)
    # Without a speaker the gerund's clause is no one's report, only a fragment of the
    # writer's sentence ("…, accusing the government of …"): it stays in that claim.
    if speaker is None or len(WORD.findall(sentence[start:end])) < 3:
        return None
    return Indirect(start, end, speaker, gerund.group().lower(), gerund.start())


def _leading_subject(clause: str) -> Source | None:
    """The name or pronoun opening a clause ("Other Republicans echoed …" -> Other Republicans)."""
    match = _LEADING_NAME.match(clause)
    return parse_source(match.group(1)) if match else None


def _parenthetical(sentence: str, cue: re.Match) -> Indirect | None:
    """``A, X said, B.`` / ``A, according to X, B.``: the content is the whole sentence around
    the attribution (items are one span, so the attribution stays inside)."""
    before, after = sentence[: cue.start()], sentence[cue.end() :]
    closing = _PARENTHESIS_END.match(after)
    if closing is None or len(WORD.findall(after[closing.end() :])) < 2 or _INTRODUCTORY.match(before):
        return None  # "After the vote, Beck said, …" introduces what follows; it is not inside it
    if after[closing.end() : closing.end() + 1] in _QUOTE_MARKS:
        return None  # "…, Beck said, “…”": the quote item holds it
    word = cue.group().lower()
    if word == "according to":
        if not before.rstrip().endswith(","):
            return None
        phrase = after[: closing.start()]
    else:
        comma = max(before.rfind(", "), before.rfind(" — "))
        phrase = before[comma + 1 :]
        if comma <= 0 or len(phrase.split()) > 6 or word in _NOUN_LIKE or "," in before[:comma]:
            return None  # one clause before the attribution, or the content is not the whole sentence
    source = _loose_source(phrase)
    if source is None or len(WORD.findall(before)) < 3:
        return None
    return Indirect(0, len(sentence), source, word, cue.start())


def _content_before(sentence: str, cue: re.Match) -> Indirect | None:
    """``…, said X, role.`` / ``…, X said.`` / ``…, according to X.``"""
    before, after = sentence[: cue.start()], sentence[cue.end() :]
    word = cue.group().lower()
    if word in _NOUN_LIKE:
        return None
    stripped = before.rstrip()
    if stripped.endswith(","):
        # "…, said Katia Glod, fellow at CEPA." The words after the cue must be a source.
        if word == "according to":
            source = _loose_source(after)
        else:
            source = parse_source(source_after_cue(after))
            if source and not (after.strip()[:1].isupper() or len(after.split()) <= 4 or source.role):
                source = None
        return Indirect(0, len(stripped) - 1, source, word, cue.start()) if source else None
    comma = max(before.rfind(", "), before.rfind(" — "))
    if comma <= 0 or len(after.split()) > _SHORT_TAIL or not _CIRCUMSTANCE.match(after):
        return None
    phrase = before[comma + 1 :].strip(" —")
    if len(phrase.split()) > 6:
        return None
    source = parse_source(phrase)
    if source is None or source.name.lower().startswith(("and ", "but ", "which", "who")):
        return None
    return Indirect(0, comma, source, word, cue.start())


def _content_after(sentence: str, cue: re.Match, source: Source | None = None) -> Indirect | None:
    """``X said (that) …`` / ``X told Reuters …`` / ``According to X, …``; ``source`` when the
    subject is already known (a coordinated cue)."""
    word = cue.group().lower()
    before, after_at = sentence[: cue.start()], cue.end()
    if word == "according to":
        if before.strip():
            return None
        comma = sentence.find(",", after_at)
        source = _loose_source(sentence[after_at:comma]) if comma > 0 else None
        return Indirect(comma + 1, len(sentence), source, word, cue.start()) if source else None
    if at_end(_PASSIVE_END, before):
        return None
    whole = False
    that = _THAT.match(sentence, after_at)
    if that:
        start = that.end()
    elif word.startswith(("told", "tell")):
        recipient = _RECIPIENT.match(sentence, after_at)
        that = recipient and _LONGER_RECIPIENT.match(sentence, recipient.end())
        opening = recipient and not that and content_opening(sentence, recipient.end(), word)
        if not (opening or that):
            return None  # "told Reuters in an interview": no content
        start = that.end() if that else opening.start
    elif word in _ASKING and (question := _IF.match(sentence, after_at)):
        start = question.end()
    else:
        # "blamed foreign hackers for the outage", "called for a ban": the subject's whole clause.
        opening = content_opening(sentence, after_at, word, holds_object(word))
        if opening is None:
            return None  # "Kazakhstan offered a new visa": a noun phrase is the writer's fact
        start, whole = opening.start, opening.whole
    while start < len(sentence) and sentence[start] in " ,:":
        start += 1
    # The subject first: without one there is no report, and the content need not be read.
    coordinated = source is not None
    source = source or cue_subject(before)
    if source is None:
        return None
    end = content_end(sentence, start)
    if len(WORD.findall(sentence, start, min(end, start + 100))) < 2:
        return None
    if whole:
        # A coordinated cue's subject is in the claim before it: its claim starts at the verb.
        start = cue.start() if coordinated else _subject_start(before, source)
    return Indirect(start, end, source, word, cue.start())


def _loose_source(phrase: str) -> Source | None:
    """Sources after "according to" are often long ("a study by the Pew Research Center"):
    a name when one can be parsed, otherwise the phrase itself."""
    phrase = phrase.strip(" ,—")
    words = phrase.split()
    if not words or len(words) > 20:
        return None
    return parse_source(phrase) or (None if is_fragment(phrase) else Source(phrase))
