"""Capitalised-name detection without a trained model.

A name is a run of capitalised tokens; leading sentence openers and titles are peeled
off. The article-wide :class:`NameBook` maps short forms to the fullest form used in
the article (``Miskevich`` -> ``Darya Miskevich``, ``Hi-Tech Park`` -> ``Belarus Hi-Tech Park``)
and remembers which names are people, organisations, and their gender when known.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass
from functools import lru_cache

_UPPER = "A-ZÀ-ÖØ-ÞĀĂĄĆČĎĐĒĘĚĞĪŁŃŇŌŐŒŘŚŞŠŢŤŪŮŰŹŻŽ"
# U.S. | Mr. / Dr. / J. before another name | a word (O’Brien, Hi-Tech); never a sentence's final period.
_TOKEN = (
    rf"(?:[{_UPPER}]\.(?:[{_UPPER}]\.)+|[{_UPPER}][a-z]{{0,2}}\.(?=\s+[{_UPPER}])"
    rf"|[{_UPPER}][\w&-]*(?:[’'][{_UPPER}]\w+)?)"
)
_PARTICLE = r"(?:de|van|von|der|den|bin|al|la|le|da|di|du|del|dos|ter)"
NAME_RUN = re.compile(rf"{_TOKEN}(?:\s+(?:{_PARTICLE}\s+)?{_TOKEN})*")

# Capitalised words that open sentences or are otherwise not part of a name.
NOT_NAME = frozenset(
    """a an the this that these those there here he she it they we i you his her its their our my
    your and but or so yet if as at by for from in into of on to with without after before when
    while since until although though because despite during over under about against among
    between through across also even just still only both either neither each every all any
    some many most more much few several no not none other others another such what which who
    whom whose why how where then now today yesterday tomorrow last next first second third
    meanwhile however moreover instead indeed yes one two three four five six seven eight nine ten
    monday tuesday wednesday thursday friday saturday sunday january february march april may
    june july august september october november december jan feb mar apr jun jul aug sep sept
    oct nov dec read related share photo reporting editing writing according asked""".split()
)
TITLES = {
    "mr": "m",
    "mr.": "m",
    "sir": "m",
    "lord": "m",
    "king": "m",
    "prince": "m",
    "mrs": "f",
    "mrs.": "f",
    "ms": "f",
    "ms.": "f",
    "miss": "f",
    "lady": "f",
    "queen": "f",
    "princess": "f",
    "dr": None,
    "dr.": None,
    "prof": None,
    "prof.": None,
    "professor": None,
    "president": None,
    "sen.": None,
    "sen": None,
    "senator": None,
    "gov.": None,
    "governor": None,
    "rep.": None,
    "rep": None,
    "representative": None,
    "secretary": None,
    "minister": None,
    "prime": None,
    "judge": None,
    "justice": None,
    "gen.": None,
    "general": None,
    "col.": None,
    "mayor": None,
    "chancellor": None,
    "pope": None,
    "rev.": None,
    "reverend": None,
    "vice": None,
    "speaker": None,
    "ambassador": None,
    "director": None,
    "chairman": None,
    "chairwoman": None,
    "ceo": None,
    "chief": None,
    "attorney": None,
    "commissioner": None,
    "lt.": None,
    "sgt.": None,
    "former": None,
    "candidate": None,
    "nominee": None,
    "councillor": None,
    "councilor": None,
    "councilman": None,
    "councilwoman": None,
    "alderman": None,
    "treasurer": None,
    "sheriff": None,
    "inspector": None,
    "detective": None,
    "captain": None,
    "premier": None,
    "lieutenant": None,
    "sergeant": None,
    "bishop": None,
    "rabbi": None,
    "deputy": None,
    "assemblyman": None,
    "assemblywoman": None,
    "congressman": "m",
    "congresswoman": "f",
    "superintendent": None,
    "spokesman": "m",
    "spokeswoman": "f",
}
_COURTESY = frozenset({"mr", "mr.", "mrs", "mrs.", "ms", "ms.", "miss", "sir", "dr", "dr."})
# Words that make a capitalised run an organisation, place or work rather than a person.
ORG_WORDS = frozenset(
    """park committee council times post global news ministry party agency bank group company
    inc inc. corp corp. ltd co co. llc university institute center centre association union
    service services department court office house commission foundation fund journal network
    media press club airlines airport street square avenue road republic states kingdom
    federation army police forces church school college hospital campaign administration senate
    congress assembly parliament government partners holdings technologies systems labs events
    executive platform markit reuters twitter facebook google tribune herald guardian telegraph
    magazine review radio tv television channel daily weekly world board bureau authority
    organization organisation alliance coalition society league federal national international
    politico breitbart cnn msnbc nbc abc cbs fox bbc ap afp tass yandex navy guard lines freight logistics
    motors airways railways railroad energy foods industries pharmaceuticals ledger gazette""".split()
)
_PLACE_OPENERS = frozenset("new los san las hong north south east west saint st. united".split())
_PRONOUN_GENDER = {"he": "m", "him": "m", "his": "m", "she": "f", "her": "f"}
# "a post-Lukashenko Belarus", "pro-Kremlin media": a name after one of these prefixes is
# part of an adjective, and the run it starts is no one's name.
_ADJECTIVE_PREFIX = re.compile(r"(?:post|pre|anti|pro|non)-$", re.IGNORECASE)


@dataclass(slots=True)
class Mention:
    """One occurrence of a name in the text."""

    start: int
    end: int
    tokens: tuple[str, ...]
    title: str | None = None


def split_run(text: str, start: int, end: int) -> Mention | None:
    """Peel sentence openers and titles off a capitalised run; None when nothing is left."""
    words = text[start:end].split()
    title = None
    offset = start
    while words:
        lowered = words[0].lower()
        if lowered in NOT_NAME:
            pass
        elif lowered in TITLES and len(words) > 1:
            title = lowered if title is None or lowered in _COURTESY else title
        else:
            break
        offset = text.index(words[0], offset) + len(words[0])
        words.pop(0)
    if not words:
        return None
    # "U.S. President Donald Trump": the name follows the last title inside the run.
    for index in range(len(words) - 2, -1, -1):
        if words[index].lower() in TITLES:
            title = words[index].lower()
            words = words[index + 1 :]
            break
    # "Business Development Gediminas Koryzna" (after "Director of"): a person's name is short.
    if len(words) > 3 and not is_organisation(tuple(words)):
        words = words[-3:] if len(words[-2]) == 2 and words[-2].endswith(".") else words[-2:]
    first_at = text.index(words[0], offset)
    return Mention(first_at, end, tuple(words), title)


@lru_cache(maxsize=4096)
def is_organisation(tokens: tuple[str, ...]) -> bool:
    """True when a name looks like an organisation, outlet or place rather than a person."""
    return any(token.lower().strip(".") in ORG_WORDS or token.lower() in ORG_WORDS for token in tokens)


def _looks_like_person(mention: Mention) -> bool:
    tokens = mention.tokens
    if is_organisation(tokens):
        return False
    if mention.title:
        return True
    if not 2 <= len(tokens) <= 4 or tokens[0].lower() in _PLACE_OPENERS:
        return False
    # All-caps tokens (IT, KGB, CEPA) are acronyms, not given names.
    return not any(token.isupper() and len(token) > 1 and not token.endswith(".") for token in tokens)


class NameBook:
    """All names of one article: fullest forms, people vs organisations, gender."""

    def __init__(self, text: str) -> None:
        self.mentions: list[Mention] = []
        self._forms: Counter[tuple[str, ...]] = Counter()
        # Forms of up to four tokens by each shorter form they end with, in order of first use:
        # fullest() reads only the forms that can answer it, not every name of the article.
        self._longer: dict[tuple[str, ...], list[tuple[str, ...]]] = {}
        self.people: set[tuple[str, ...]] = set()
        self.organisations: set[tuple[str, ...]] = set()
        self.gender: dict[tuple[str, ...], str] = {}
        self._fullest_cache: dict[tuple[str, ...], tuple[str, ...]] = {}
        for match in NAME_RUN.finditer(text):
            if match.group().lower() in NOT_NAME:
                continue  # the commonest run by far: a capitalised sentence opener ("The", "But")
            if text[match.start() - 1 : match.start()] == "-" and _ADJECTIVE_PREFIX.search(
                text, max(0, match.start() - 5), match.start()
            ):
                continue
            mention = split_run(text, match.start(), match.end())
            if mention is None:
                continue
            self.mentions.append(mention)
            self._add_form(mention.tokens)
            if _looks_like_person(mention):
                self.people.add(mention.tokens)
                gender = TITLES.get(mention.title or "")
                if gender:
                    self.gender.setdefault(self.fullest(mention.tokens), gender)
            elif is_organisation(mention.tokens):
                self.organisations.add(mention.tokens)

    def _add_form(self, tokens: tuple[str, ...]) -> None:
        if tokens not in self._forms and len(tokens) <= 4:
            for size in range(1, len(tokens)):
                self._longer.setdefault(tokens[-size:], []).append(tokens)
        self._forms[tokens] += 1

    def fullest(self, tokens: tuple[str, ...]) -> tuple[str, ...]:
        """The most frequent longer form ending with ``tokens`` (ties: the longest, then first seen)."""
        cached = self._fullest_cache.get(tokens)
        if cached is not None:
            return cached
        best, best_key = tokens, (0, 0)
        for form in self._longer.get(tokens, ()):
            key = (self._forms[form], len(form))
            if key > best_key:
                best, best_key = form, key
        self._fullest_cache[tokens] = best
        return best

    def is_person(self, tokens: tuple[str, ...]) -> bool:
        """A known person, by full form or by surname of one."""
        full = self.fullest(tokens)
        return full in self.people

    def add_person(self, tokens: tuple[str, ...]) -> None:
        """Record a name seen as a speaker (a person unless it looks like an organisation)."""
        if is_organisation(tokens):
            self.organisations.add(tokens)
        else:
            self.people.add(self.fullest(tokens))

    def note_gender(self, tokens: tuple[str, ...], pronoun: str) -> None:
        """Remember a person's gender the first time a he/she resolves to them."""
        gender = _PRONOUN_GENDER.get(pronoun.lower())
        if gender:
            self.gender.setdefault(self.fullest(tokens), gender)

    def gender_fits(self, tokens: tuple[str, ...], pronoun: str) -> bool:
        """False only when the name's known gender contradicts the pronoun."""
        wanted = _PRONOUN_GENDER.get(pronoun.lower())
        known = self.gender.get(self.fullest(tokens))
        return wanted is None or known is None or known == wanted
