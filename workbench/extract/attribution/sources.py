"""Source phrases: who a phrase names, and the subject that holds a cue.

A source phrase (``Ilya Lashch, Lightpoint Global’s owner``, ``a source``, ``he``) is parsed
into a :class:`Source`: a name, pronoun or common noun phrase and its role. The subject is
found before a cue (``Trump, speaking in Ohio, said``), after it (``said Reid in a
statement``) or at the opening of a clause (``In an interview, Lazar said …``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from workbench.extract.attribution.cues import ADVERBS, CUE, DAYS, IRREGULAR_PAST, NOUN_LIKE_WORDS, STANCE_VERBS
from workbench.extract.attribution.names import NAME_RUN, NOT_NAME, is_organisation, split_run
from workbench.extract.patterns import alternation, at_end, last_match

# Between a subject and its cue: "Trump on Friday said", "Sanders himself has long argued".
_TRAILING_ADVERBIALS = re.compile(
    rf"(?:\s+(?:{ADVERBS}|himself|herself|themselves|itself|long|never|often|always|already|frequently|"
    rf"first|now|still|{DAYS}|on\s+{DAYS}|(?:last|this|earlier\s+this)\s+(?:week|month|year|weekend|morning)))+\s*$"
)
_LEADING_CONNECTIVES = re.compile(
    r"^\s*(?:(?:But|And|So|Yet|Still|Now|Instead|Meanwhile|However|Also|Then|Indeed|Moreover|Later|Earlier|"
    r"Separately|Previously|Specifically|Similarly|Likewise)\b,?\s*)+"
)

# "52 percent", "26%", "1,409 teachers": a share of those polled (not a year).
_SHARE_WORDS = 9  # "58 percent of Florida Latino voters overall"
_SHARE = re.compile(r"\d[\d,.]*\s*(?:%|percent\b|per\s+cent\b)|(?!(?:19|20)\d\d\b)\d[\d,]*\s+[a-z]+s\b")
# "Representative Lee Zeldin, Republican of New York, gave …" / "The spokesman refused …" /
# "She then turned …": a name, pronoun or common noun opening a clause, an optional
# appositive, then a lower-case verb.
_CLAUSE_SUBJECT = re.compile(
    rf"(?P<who>(?:He|She|They|It|he|she|they|it)\b|{NAME_RUN.pattern}(?:\s+(?:of|for)\s+(?:the\s+)?{NAME_RUN.pattern})?"
    r"|(?:The|A|An|Other|Some|Many|Most|Several)\s+(?:[\w-]+\s+){0,2}?[a-z][\w-]*)"
    r"(?:,[^,:]{1,80},)?\s+(?:then\s+|also\s+|later\s+|again\s+|simply\s+|recently\s+|\w+ly\s+)?"
    rf"(?:[a-z]+(?:ed|s)|{IRREGULAR_PAST})\b"
)
_COMMA = re.compile(r",\s+")
_PARTY_LABEL = re.compile(r"(?<!\s)\s*\([^()]{1,40}\)$")
# An appositive that says what the subject did or how, not what it is: no role.
_NOT_ROLE = re.compile(
    r"(?:who|which|whose|that|meanwhile|however|though|too|also|instead|in\s+turn|for\s+(?:his|her|its|their)\s+part"
    r"|[a-z]+ly|[a-z]+ing)\b",
    re.IGNORECASE,
)
# "…, even though a number of attendees said …": the subject follows the subordinator.
_LEADING_SUBORDINATOR = re.compile(
    r"^\s*(?:even\s+though|although|though|while|because|since|whereas|unless|until|and|but|so|as|when|if)\s+"
)
_SUBJECT_REACH = 200  # characters of a sentence searched for a clause subject
_NAME_OF = re.compile(rf"({NAME_RUN.pattern})\s+(?:of|from)\s+\S.{{0,80}}$")
_COURTESY = frozenset("mr mrs ms miss dr".split())
# After a cue, the source phrase ends where a circumstance begins ("said Reid in a statement",
# "said Sanders as he closed out") or at a party label ("Dick Durbin (D-Ill.)").
_SOURCE_END = re.compile(
    r"(?<!\s)(?:\s*\([^()]{0,40}\)|\s+(?:in|on|at|during|after|before|as|when|while|who|which|whose|via|to|told|according)\b)"
)
_COMMA_SPLIT = re.compile(r"(?<!\s)\s*,\s*")
PRONOUNS = frozenset("he she it they i we".split())
_DETERMINERS = frozenset(
    """the a an his her its their our one another some several both two three many other these
    those this that most""".split()
)
_ROLE_SPLIT = re.compile(r"(?<!\s)\s*(?:,|\s[—–]\s)\s*")
_ROLE_END = re.compile(r"(?<!\s)\s*(?:,|\s[—–]\s|\s(?:who|that|which)\s|$)")
# What makes a phrase words of a sentence rather than someone (is_fragment).
_SENTENCE_MARKS = re.compile(r"[:;“”\"()]")
_NOT_SPEAKERS = frozenset("you him her me us them one".split())  # pronouns that name no one here
_PARTY = re.compile(r"[DRI]-[A-Z][a-z]*\.?")
_DANGLING = frozenset(
    """and or but nor of to in on at for with by from about as than that which who whom whose what when where
    while because if the a an this these those his her its their our my your another""".split()
)
_NOUNS_IN_LY = frozenset("family ally assembly rally supply monopoly anomaly".split())
_FINITE = re.compile(
    r"\b(?:is|are|was|were|be|been|being|am|has|have|had|having|do|does|did|will|would|shall|should|can|could"
    r"|may|might|must|said|says|say|told|tells|added|adds|wrote|writes|stated|claimed|argued|asked|noted|warned"
    r"|announced|declared)\b|n[’']t\b|[’'](?:re|ve|ll|d|m)\b|\b(?:[Hh]e|[Ss]he|[Ii]t|[Tt]hat|[Tt]here|[Ww]hat)[’']s\b"
)
_PAST_AFTER_NAME = re.compile(
    r"\b(?!(?:The|A|An|This|That|These|Those|His|Her|Its|Their|Our)\b)[A-Z][\w’'.-]*"
    r"(?:\s+(?:\w+ly|then|also|later|again|never|just|only|once))?"
    r"\s+(?!(?:polled|surveyed|asked|interviewed|questioned|contacted|sampled|based|named|elected|appointed)\b)[a-z]+ed\b"
)
_LEADING_JUNK = frozenset(",—–:(-”’\"'")
_TRAILING_JUNK = frozenset(",—–:;.)-")
# Appositives peeled off before a cue ("Trump, speaking in Ohio, said"): more are not a subject.
_MAX_APPOSITIVES = 2


# The subject of a cue, read from the words before it (cue_subject).
_SUBJECT_WINDOW = 400  # characters before a cue that hold its subject
_WHO_END = re.compile(r"(.*?),\s+who\s+(?:also\s+|has\s+|had\s+|have\s+|later\s+|previously\s+)*$")
# Words that open a clause, not a subject ("If you ask, …", "When …").
_NOT_SUBJECT = frozenset(
    """if when while as because although though since after before unless until where whether that which who whom
    what why how and but or""".split()
)
# A verb that makes a phrase a clause rather than a subject: a cue or a stance, or, before a
# trailing conjunction, any past form after the first word ("The union walked out and …").
_FINITE_VERB = re.compile(
    rf"\b(?!(?:{alternation(sorted(NOUN_LIKE_WORDS))})\b)(?:{CUE})\b"
    rf"|\b(?:{alternation(STANCE_VERBS)})(?:\s+(?:for|on)\b)?(?=\s)"
)
_PAST_VERB = re.compile(r"(?<=\s)[a-z]+ed\b")
_CONJUNCTIONS = frozenset("and but or".split())
_TRAILING_ADVERB = re.compile(r"\s+(?:also|then|later|now|repeatedly|again)\s*$")


@dataclass(slots=True)
class Source:
    """A parsed source phrase: a name (or pronoun / common noun phrase) and its role."""

    name: str
    role: str | None = None
    pronoun: str | None = None


def parse_source(phrase: str) -> Source | None:
    """Split a source phrase into name and role; None when it cannot be a source (a pronoun
    that cannot speak, or words of a sentence: :func:`is_fragment`).

    ``Ilya Lashch, Lightpoint Global’s owner`` -> name ``Ilya Lashch``, role ``Lightpoint Global’s owner``;
    ``administrative director Eugene Nagel`` -> name ``Eugene Nagel``, role ``administrative director``.
    """
    source = _parse(phrase)
    if source is None or source.pronoun is not None:
        return source
    return source if plausible_speaker(source.name) else None


def _parse(phrase: str) -> Source | None:
    label = at_end(_PARTY_LABEL, phrase.rstrip(" ,.:;"))
    phrase = _strip_junk(phrase[: label.start()] if label else phrase)  # "Tammy Baldwin (D-Wis.)"
    if not phrase:
        return None
    lowered = phrase.lower()
    if lowered in PRONOUNS:
        return Source(phrase, pronoun=lowered)
    parts = _ROLE_SPLIT.split(phrase, maxsplit=1)
    main = parts[0].strip()
    appositive = _ROLE_END.split(parts[1], maxsplit=1)[0].strip() if len(parts) > 1 else ""
    if _NOT_ROLE.match(appositive):
        appositive = ""
    words = main.split()
    if not words or len(words) > 9:
        return None
    placed = _person_of_place(main)
    if placed is not None:
        return Source(placed, appositive or None)
    last_run = last_match(NAME_RUN.finditer(main))
    if last_run is not None and last_run.end() == len(main):
        both = re.fullmatch(rf"(?:Both\s+)?({NAME_RUN.pattern})\s+and\s+({NAME_RUN.pattern})", main)
        if both:
            return Source(f"{both.group(1)} and {both.group(2)}", appositive or None)
        mention = split_run(main, last_run.start(), last_run.end())
        if mention is None:
            return None
        name = " ".join(mention.tokens)
        prefix = main[: mention.start].strip()
        if prefix.endswith(("’s", "'s")):
            prefix = ""  # "Deepdee’s Kuzmenkov": the possessive is an affiliation, not a role
        if prefix.lower() in _DETERMINERS or prefix.split()[0].lower() in NOT_NAME if prefix else False:
            prefix = ""
        if prefix.lower().rstrip(".") in _COURTESY:
            prefix = ""  # "Mrs. Clinton": a courtesy title, not a role
        title = mention.title if mention.title and mention.title.rstrip(".") not in _COURTESY else None
        role = appositive or prefix or (title.capitalize() if title else None)
        return Source(name, role or None)
    # A common noun phrase: "a source", "officials", "the Trump campaign".
    first = words[0].lower()
    share = _SHARE.match(main)
    if len(words) > (_SHARE_WORDS if share else 6) or (
        first not in _DETERMINERS and not words[0][0].isupper() and len(words) > 3 and not share
    ):
        return None
    if first in NOT_NAME and first not in _DETERMINERS:
        return None  # "and", "which", "to": a clause fragment, not a source
    if any(word.lower() in PRONOUNS for word in words[1:]) or (main[0].isdigit() and not share):
        return None
    return Source(main, appositive or None)


def plausible_speaker(name: str) -> bool:
    """A speaker that can say something: not a pronoun that names no one, not a fragment."""
    return name.lower() not in _NOT_SPEAKERS and not is_fragment(name)


def is_fragment(phrase: str) -> bool:
    """``Trump has not yet``, ``his remarks and``, ``Cruz openly``, ``Making the rounds on …``,
    ``D-Mo``: words of a sentence, not someone who can say something (a name, a role, an
    organisation, a document)."""
    words = phrase.rstrip(".,").split()
    if (
        not words
        or _SENTENCE_MARKS.search(phrase)
        or "''" in phrase
        or _PARTY.fullmatch(phrase)
        or not any(map(str.isalpha, phrase))
    ):
        return True
    if words[0] == "that" or (len(words) == 1 and phrase.islower() and phrase.endswith("ed")):
        return True  # "that all" (said that all …), "announced"
    last = words[-1]
    if last.lower() in _DANGLING or (last.endswith("ly") and last.islower() and last not in _NOUNS_IN_LY):
        return True
    if words[0].lower() in _DANGLING - _DETERMINERS:
        return True  # "which he", "In this our quadrennial season of …"
    if _FINITE.search(phrase) or _PAST_AFTER_NAME.search(phrase):
        return True
    first = words[0]
    return first.endswith("ing") and (first.islower() or (len(words) > 1 and words[1] in _DANGLING))


def _strip_junk(phrase: str) -> str:
    """``phrase`` without spaces and punctuation at its edges (a loop: the regex ``[…]+$`` rescans
    a run of them from each of its positions)."""
    start, end = 0, len(phrase)
    while start < end and (phrase[start].isspace() or phrase[start] in _LEADING_JUNK):
        start += 1
    while end > start and (phrase[end - 1].isspace() or phrase[end - 1] in _TRAILING_JUNK):
        end -= 1
    return phrase[start:end]


def _person_of_place(main: str) -> str | None:
    """``Gov. Phil Bryant of Mississippi`` / ``Stephen Vladeck of the University of Texas``: the
    person, not the last capitalised run (the place or institution)."""
    match = _NAME_OF.match(main)
    if match is None:
        return None
    mention = split_run(main, match.start(1), match.end(1))
    if mention is None or len(mention.tokens) < 2 or is_organisation(mention.tokens):
        return None
    return " ".join(mention.tokens)


def clause_subject(lead: str) -> Source | None:
    """The subject opening the sentence, or a clause after one of its first commas
    (``In an interview last year, Lazar said …``): who a gerund or a bare cue
    (``…, saying “…”``, ``… and added, “…”``) belongs to."""
    body = _LEADING_CONNECTIVES.sub("", lead)
    starts = [0] + [comma.end() for comma in _COMMA.finditer(body, 0, _SUBJECT_REACH)][:3]
    for start in starts:
        match = _CLAUSE_SUBJECT.match(body, start)
        source = parse_source(match.group("who")) if match else None
        if source:
            return source
    return None


def subject_before(prefix: str, appositives: int = _MAX_APPOSITIVES) -> Source | None:
    """The source phrase that ends ``prefix`` (the text just before a cue verb), looking past
    at most ``appositives`` appositives."""
    prefix = prefix.rstrip()
    label = at_end(_PARTY_LABEL, prefix)
    prefix = prefix[: label.start()] if label else prefix  # "Rep. Jane Doe II (D-Mo.)"
    adverbials = at_end(_TRAILING_ADVERBIALS, prefix)
    prefix = _LEADING_CONNECTIVES.sub("", prefix[: adverbials.start()] if adverbials else prefix)
    if not prefix:
        return None
    if prefix.endswith((",", "—", "–")) and appositives:
        # "Trump, speaking in Ohio, said" / "Both X and Y — entrepreneurs — say": the subject
        # precedes the appositive.
        inner = prefix[:-1]
        cut = inner.rfind(", ") if prefix[-1] == "," else inner.rfind(prefix[-1])  # not "40,000"
        if cut > 0:
            source = subject_before(inner[:cut], appositives - 1)
            if source:
                appositive = inner[cut + 1 :].strip(" ,—")
                if not _NOT_ROLE.match(appositive):
                    source.role = source.role or appositive or None
                return source
    prefix = _LEADING_SUBORDINATOR.sub("", prefix)
    words = prefix.split()
    if "," in prefix:
        # "But in a statement Friday, Trump said": the subject follows the last comma.
        source = parse_source(_LEADING_SUBORDINATOR.sub("", prefix[prefix.rfind(",") + 1 :]))
        if source:
            return source
    if len(words) <= 8:
        return parse_source(prefix)
    last_word = words[-1].lower()
    if last_word in PRONOUNS:
        return Source(words[-1], pronoun=last_word)
    tail_words = " ".join(words[-4:])
    match = last_match(NAME_RUN.finditer(tail_words))
    if match and match.end() == len(tail_words):
        return parse_source(tail_words[match.start() :])
    for size in (3, 2):
        phrase = words[-size:]
        if phrase[0].lower() in _DETERMINERS:
            return parse_source(" ".join(phrase))
    return None


def source_after_cue(rest: str) -> str:
    """The source phrase after a cue verb: ``Elena Izraylevych, CFO at S-PRO, referring…`` keeps
    the name and its first appositive, never a following participle clause."""
    parts = _COMMA_SPLIT.split(rest.strip(), maxsplit=2)
    cut = _SOURCE_END.search(parts[0])
    if cut is not None and cut.start() > 0:
        return parts[0][: cut.start()]
    if len(parts) >= 2 and parts[1] and not parts[1].split()[0].endswith("ing"):
        return f"{parts[0]}, {parts[1]}"
    return parts[0]


def cue_subject(before: str) -> Source | None:
    """Who holds the cue that follows ``before``: the words just before it, the name a relative
    clause hangs on, a long subject opening the sentence, or the subject of its first clause
    (``Scott blasted Congress and said …``). Each reads a bounded stretch: the end or the
    opening of ``before``."""
    end, opening = before[-_SUBJECT_WINDOW:], before[:_SUBJECT_WINDOW]
    if len(before) > _SUBJECT_WINDOW:
        end = end[end.find(" ") + 1 :]  # whole words only
    for find, words in (
        (subject_before, end),
        (_relative_subject, end),
        (_sentence_subject, opening),
        (clause_subject, opening),
    ):
        source = find(words)
        if source is not None and source.name.rsplit(None, 1)[-1].lower() not in _CONJUNCTIONS:
            return source
    return None  # "The union walked out and": a clause, not a subject


def _relative_subject(before: str) -> Source | None:
    """``Sanders, who said …``: the speaker is the name the relative clause hangs on."""
    match = _WHO_END.search(before[-120:])
    return subject_before(match.group(1)) if match else None


def _sentence_subject(before: str) -> Source | None:
    """A long subject opening the sentence ("People with knowledge of the talks said"):
    the whole phrase, when it is one clause."""
    phrase = before.strip()
    words = phrase.split()
    if not 1 <= len(words) <= 12 or "," in phrase or words[0].lower() in _NOT_SUBJECT:
        return None
    verb = _FINITE_VERB.search(phrase)
    if words[-1].lower() in _CONJUNCTIONS:
        # "The opposition called the reply arrogant and demanded …": the subject of the
        # coordinated cue is the one before the first verb.
        verb = verb or _PAST_VERB.search(phrase)
        if verb is None:
            return None
        subject = phrase[: verb.start()]
        adverb = at_end(_TRAILING_ADVERB, subject)
        return _sentence_subject(subject[: adverb.start()] if adverb else subject)
    if verb or is_fragment(phrase):
        return None  # a subject holds no finite verb
    return parse_source(phrase) if phrase.lower() in PRONOUNS else Source(phrase)
