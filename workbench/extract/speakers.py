"""Who said it: cue verbs, source phrases, roles and pronoun resolution.

Attribution is found with anchored patterns around a quote (``“…,” he said``,
``said X, <role>``, ``X told …: “…”``) or inside a sentence (``X said that …``,
``…, according to X``). Names are mapped to their fullest form through the article's
:class:`~workbench.extract.names.NameBook`.
"""

from __future__ import annotations

import re
from bisect import bisect_left
from dataclasses import dataclass

from workbench.extract.names import NAME_RUN, NOT_NAME, NameBook, is_organisation, split_run
from workbench.extract.patterns import alternation, last_match

_CUE_VERBS = """said says say told tells added adds explained explains wrote writes stated
noted notes argued argues argue claimed claims claim insisted insists insist warned warns warn asked
asks replied replies responded responds recalled recalls estimated estimates acknowledged
acknowledges admitted admits conceded concedes suggested suggests suggest predicted predicts predict
continued declared declares announced announces tweeted tweets posted reported reports confirmed
confirms denied denies alleged alleges believes believe believed thinks think thought contended
contends maintained maintains complained complains joked quipped observed remarked emphasized
emphasised stressed concluded testified countered agreed urged vowed promised pledged boasted charged
accused blamed shouted yelled wondered mused cautioned speculated disclosed revealed reiterated
lamented recounted indicated indicates assured hinted implied fumed exclaimed asserted asserts
show shows showed found finds feel feels felt fear fears feared hope hopes hoped expect expects
worry worries worried know knows knew acknowledge admit concede contend assert learned determined
signaled signalled projected forecast contend repeated proclaimed retorted recognized recognised
figured guessed reckoned bragged threatened conceded answered answers interjected beamed boomed
barked cracked gloated jeered confessed echoed exhorted surmised elaborated scoffed snapped sniped
demanded pleaded intoned concludes continues reads read wants want wanted plans planned seeks sought
proposed proposes cited cites expressed mentioned decried invoked""".split()
_CUE_PHRASES = [
    "pointed out",
    "points out",
    "went on",
    "goes on",
    "according to",
    "made clear",
    "made it clear",
    "shot back",
    "put it",
    "puts it",
    "chimed in",
    "called for",
    "calls for",
    "call for",
    "called on",
    "calls on",
    "talked about",
    "talks about",
    "spoke about",
    "pointed to",
]
# Gerunds that introduce a partial quote without naming the speaker again.
_CUE_GERUNDS = """saying accusing calling describing arguing adding insisting claiming warning noting
dubbing labeling labelling branding blaming urging telling writing declaring promising vowing
denouncing praising yelling shouting chanting tweeting asking answering joking stating explaining
recalling citing suggesting acknowledging announcing predicting questioning criticizing""".split()
CUE = alternation(set(_CUE_PHRASES + _CUE_VERBS))
# "According to" opens sentences; the verbs are matched in lower case only ("Reports", "States" are names).
CUE_RE = re.compile(rf"\b(?:{CUE}|According to)\b")
GERUND_RE = re.compile(rf"\b{alternation(_CUE_GERUNDS)}\b", re.IGNORECASE)
_ADVERBS = r"(?:also|later|then|previously|once|has|had|have|would|will|reportedly|further|again|recently|repeatedly|publicly|privately|earlier|separately)"

_DAYS = r"(?:Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday)"
# Between a subject and its cue: "Trump on Friday said", "Sanders himself has long argued".
_TRAILING_ADVERBIALS = re.compile(
    rf"(?:\s+(?:{_ADVERBS}|himself|herself|themselves|itself|long|never|often|always|already|frequently|"
    rf"first|now|still|{_DAYS}|on\s+{_DAYS}|(?:last|this|earlier\s+this)\s+(?:week|month|year|weekend|morning)))+\s*$"
)
_LEADING_CONNECTIVES = re.compile(
    r"^\s*(?:(?:But|And|So|Yet|Still|Now|Instead|Meanwhile|However|Also|Then|Indeed|Moreover|Later|Earlier|"
    r"Separately|Previously|Specifically|Similarly|Likewise)\b,?\s*)+"
)

# "52 percent", "26%", "1,409 teachers": a share of those polled (not a year).
_SHARE = re.compile(r"\d[\d,.]*\s*(?:%|percent\b|per\s+cent\b)|(?!(?:19|20)\d\d\b)\d[\d,]*\s+[a-z]+s\b")
# "Representative Lee Zeldin, Republican of New York, gave …" / "The spokesman refused …" /
# "She then turned …": a name, pronoun or common noun opening a clause, an optional
# appositive, then a lower-case verb.
_CLAUSE_SUBJECT = re.compile(
    rf"(?P<who>(?:He|She|They|It|he|she|they|it)\b|{NAME_RUN.pattern}(?:\s+(?:of|for)\s+(?:the\s+)?{NAME_RUN.pattern})?"
    r"|(?:The|A|An|Other|Some|Many|Most|Several)\s+(?:[\w-]+\s+){0,2}?[a-z][\w-]*)"
    r"(?:,[^,:]{1,80},)?\s+(?:then\s+|also\s+|later\s+|again\s+|simply\s+|recently\s+|\w+ly\s+)?[a-z]+(?:ed|s)\b"
)
_COMMA = re.compile(r",\s+")
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
    r"\s*\([^()]{0,40}\)|\s+(?:in|on|at|during|after|before|as|when|while|who|which|whose|via|to|told|according)\b"
)
_LOOK_BACK = 40  # names considered when resolving a pronoun
PRONOUNS = frozenset("he she it they i we".split())
_DETERMINERS = frozenset(
    """the a an his her its their our one another some several both two three many other these
    those this that most""".split()
)
_PASSIVE = re.compile(r"\b(?:was|were|been|be|being|is|are)\s+$")

# After a quote: ``, said X, role`` / ``, X, role, told Y`` ; bounded lengths keep matching linear.
TAIL_CUE_FIRST = re.compile(rf"\s*[,—–-]?\s*(?P<cue>{CUE})\s+(?P<who>[^!?“”\"]{{1,200}})")
TAIL_SUBJECT_FIRST = re.compile(
    rf"\s*[,—–-]?\s*(?P<who>[^!?“”\";:]{{1,180}}?)\s+(?:{_ADVERBS}\s+){{0,2}}(?P<cue>{CUE})\b"
)
# "” ― Krystal Correa": a dash and a name after the quote, no cue verb.
TAIL_DASH_NAME = re.compile(rf"\s*[―—–-]+\s*(?P<who>{NAME_RUN.pattern}(?:\s*,[^.!?]{{1,120}})?)\s*\.?\s*$")
_ROLE_SPLIT = re.compile(r"\s*(?:,|\s[—–]\s)\s*")
_ROLE_END = re.compile(r"\s*(?:,|\s[—–]\s|\s(?:who|that|which)\s|$)")
_LEADING_JUNK = re.compile(r"^[\s,—–:(-]+|[\s,—–:;.)-]+$")


@dataclass(slots=True)
class Source:
    """A parsed source phrase: a name (or pronoun / common noun phrase) and its role."""

    name: str
    role: str | None = None
    pronoun: str | None = None


def parse_source(phrase: str) -> Source | None:
    """Split a source phrase into name and role; None when it cannot be a source.

    ``Ilya Lashch, Lightpoint Global’s owner`` -> name ``Ilya Lashch``, role ``Lightpoint Global’s owner``;
    ``administrative director Eugene Nagel`` -> name ``Eugene Nagel``, role ``administrative director``.
    """
    phrase = _LEADING_JUNK.sub("", phrase)
    if not phrase:
        return None
    lowered = phrase.lower()
    if lowered in PRONOUNS:
        return Source(phrase, pronoun=lowered)
    parts = _ROLE_SPLIT.split(phrase, maxsplit=1)
    main = parts[0].strip()
    appositive = _ROLE_END.split(parts[1], maxsplit=1)[0].strip() if len(parts) > 1 else ""
    words = main.split()
    if not words or len(words) > 9:
        return None
    placed = _person_of_place(main)
    if placed is not None:
        return Source(placed, appositive or None)
    last_run = None
    for match in NAME_RUN.finditer(main):
        last_run = match
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
        title = (
            mention.title
            if mention.title and mention.title.rstrip(".") not in ("mr", "mrs", "ms", "miss", "dr")
            else None
        )
        role = appositive or prefix or (title.capitalize() if title else None)
        return Source(name, role or None)
    # A common noun phrase: "a source", "officials", "the Trump campaign".
    first = words[0].lower()
    share = _SHARE.match(main)
    if len(words) > 6 or (first not in _DETERMINERS and not words[0][0].isupper() and len(words) > 3 and not share):
        return None
    if first in NOT_NAME and first not in _DETERMINERS:
        return None  # "and", "which", "to": a clause fragment, not a source
    if any(word.lower() in PRONOUNS for word in words[1:]) or (main[0].isdigit() and not share):
        return None
    return Source(main, appositive or None)


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


def tail_attribution(tail: str) -> tuple[Source, str] | None:
    """Attribution right after a closing quote mark: ``, said X`` or ``X said``."""
    match = TAIL_CUE_FIRST.match(tail)
    if match:
        source = parse_source(source_after_cue(match.group("who")))
        if source:
            return source, match.group("cue")
    match = TAIL_SUBJECT_FIRST.match(tail)
    if match and not _PASSIVE.search(match.group("who") + " "):
        who = match.group("who")
        last_part = who[who.rfind(",") + 1 :].strip()
        # "“…measure” income, he said": the writer's words run on before the real subject.
        source = parse_source(last_part if last_part.lower() in PRONOUNS else who)
        if source:
            return source, match.group("cue")
    match = TAIL_DASH_NAME.match(tail)
    if match:
        source = parse_source(match.group("who"))
        if source:
            return source, None
    return None


def head_attribution(head: str) -> tuple[Source | None, str] | None:
    """Attribution before an opening quote mark in the same sentence (``X said: “``).

    Returns the source (None when only a gerund cue such as ``accusing`` is present) and cue.
    """
    last = last_match(CUE_RE.finditer(head))
    gerund = last_match(GERUND_RE.finditer(head))
    if gerund is not None and (last is None or gerund.start() > last.start()):
        # "footage of Trump saying, “…”" names the speaker right before the gerund; in
        # "…, accusing the government of creating an “…”" the speaker is not repeated.
        before = head[: gerund.start()].rstrip()
        name = last_match(NAME_RUN.finditer(before[-60:]))
        if name is not None and name.end() == len(before[-60:]):
            return parse_source(name.group()), gerund.group().lower()
        return None, gerund.group().lower()
    if last is None:
        return None
    cue = last.group().lower()
    if cue == "according to":
        source = parse_source(source_after_cue(head[last.end() :]))
        return (source, cue) if source else None
    before = head[: last.start()]
    if _PASSIVE.search(before):
        return None
    return subject_before(before), cue


def colon_attribution(lead: str) -> tuple[Source, None] | None:
    """A quote after a colon with no cue verb: the name just before the colon (``Republican
    pollster Daron Shaw: “…”``) or the subject opening the clause (``She then turned to the
    crowd: “…”``)."""
    lead = lead.strip()
    if not lead.endswith(":"):
        return None
    body = lead[:-1].rstrip()
    last = last_match(NAME_RUN.finditer(body))
    if last is not None and last.end() == len(body) and len(last.group().split()) >= 2:
        source = parse_source(last.group())
        if source:
            return source, None
    source = clause_subject(body)
    return (source, None) if source else None


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


def subject_before(prefix: str) -> Source | None:
    """The source phrase that ends ``prefix`` (the text just before a cue verb)."""
    prefix = _LEADING_CONNECTIVES.sub("", _TRAILING_ADVERBIALS.sub("", prefix.rstrip()))
    if not prefix:
        return None
    if prefix.endswith((",", "—", "–")):
        # "Trump, speaking in Ohio, said" / "Both X and Y — entrepreneurs — say": the subject
        # precedes the appositive.
        inner = prefix[:-1]
        cut = inner.rfind(prefix[-1])
        if cut > 0:
            source = subject_before(inner[:cut])
            if source:
                source.role = source.role or inner[cut + 1 :].strip(" ,—") or None
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
    parts = re.split(r"\s*,\s*", rest.strip(), maxsplit=2)
    cut = _SOURCE_END.search(parts[0])
    if cut is not None and cut.start() > 0:
        return parts[0][: cut.start()]
    if len(parts) >= 2 and parts[1] and not parts[1].split()[0].endswith("ing"):
        return f"{parts[0]}, {parts[1]}"
    return parts[0]


class SpeakerResolver:
    """Turns parsed sources into canonical speaker names, resolving pronouns in text order."""

    def __init__(self, names: NameBook, quoted: list[tuple[int, int]]) -> None:
        self.names = names
        # Names inside quotes are not antecedents for the speaker's pronoun.
        self._mentions = [m for m in names.mentions if not _inside(m.start, quoted)]
        self._mention_starts = [m.start for m in self._mentions]
        self._roles: dict[str, str] = {}
        self._recent: list[tuple[int, tuple[str, ...]]] = []  # (position, tokens) of named speakers

    def register(self, source: Source) -> None:
        """First pass: make every named source known as a person before pronouns are resolved."""
        if source.pronoun is None and source.name[:1].isupper() and " and " not in source.name:
            self.names.add_person(tuple(source.name.split()))

    def resolve(self, source: Source, position: int) -> tuple[str | None, str | None]:
        """Canonical (speaker, role) for a source seen at ``position``."""
        if source.pronoun is not None:
            tokens = self._antecedent(source.pronoun, position)
            if tokens is None:
                return None, None
            self.names.note_gender(tokens, source.pronoun)
            self._recent.append((position, tokens))
            name = " ".join(tokens)
            return name, self._roles.get(name)
        if " and " in source.name:
            parts = [" ".join(self.names.fullest(tuple(p.split()))) for p in source.name.split(" and ")]
            return " and ".join(parts), source.role
        if not source.name[:1].isupper():
            return source.name, source.role
        tokens = self.names.fullest(tuple(source.name.split()))
        name = " ".join(tokens)
        self._recent.append((position, tokens))
        if source.role:
            self._roles.setdefault(name, source.role)
        return name, source.role or self._roles.get(name)

    def _antecedent(self, pronoun: str, position: int) -> tuple[str, ...] | None:
        if pronoun in ("i", "we", "they"):
            return None
        # Only the last few dozen names before the pronoun are candidates: keeps it linear.
        end = bisect_left(self._mention_starts, position)
        candidates = self._mentions[max(0, end - _LOOK_BACK) : end]
        if pronoun == "it":
            for mention in reversed(candidates):
                if is_organisation(self.names.fullest(mention.tokens)):
                    return self.names.fullest(mention.tokens)
            return None
        recent_speaker = None
        for spoken_at, tokens in reversed(self._recent[-_LOOK_BACK:]):
            if spoken_at < position and self.names.gender_fits(tokens, pronoun) and self.names.is_person(tokens):
                recent_speaker = (spoken_at, tokens)
                break
        for mention in reversed(candidates):
            if recent_speaker and mention.start <= recent_speaker[0] + 200:
                break  # the last speaker is as close as any other person
            if self.names.is_person(mention.tokens) and self.names.gender_fits(mention.tokens, pronoun):
                return self.names.fullest(mention.tokens)
        return recent_speaker[1] if recent_speaker else None


def _inside(position: int, spans: list[tuple[int, int]]) -> bool:
    low, high = 0, len(spans)
    while low < high:
        middle = (low + high) // 2
        if spans[middle][1] <= position:
            low = middle + 1
        else:
            high = middle
    return low < len(spans) and spans[low][0] <= position
