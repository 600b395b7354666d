"""Speakers in text order: canonical names for parsed sources, pronouns resolved to the
people named before them, and unattributed quotes given the speaker of the quotes around them.

Names are mapped to their fullest form through the article's
:class:`~workbench.extract.attribution.names.NameBook`.
"""

from __future__ import annotations

import re
import unicodedata
from bisect import bisect_left
from itertools import accumulate

from workbench.extract.attribution.cues import STANCE_CUES
from workbench.extract.attribution.names import NameBook, is_organisation
from workbench.extract.attribution.pending import Pending
from workbench.extract.attribution.sources import Source, plausible_speaker
from workbench.extract.spans import inside

_LOOK_BACK = 40  # names considered when resolving a pronoun
# The longest speaker of the 28,090 items of PolNeAR's training articles has 124 characters, the
# longest role 177: a longer one ("said Aaaa…" for a page) is run-on text, not who said it.
MAX_SOURCE_CHARS = 300


def resolve_speakers(
    text: str,
    pending: list[Pending],
    quoted: list[tuple[int, int]],
    is_text: list[bool],
    paragraphs: list[tuple[int, int]],
) -> None:
    """Set the speaker and role of every item in ``pending`` (sorted by anchor); ``quoted``
    are the quotes' spans, marks included."""
    resolver = SpeakerResolver(NameBook(text), quoted)
    for entry in pending:
        # "Minsk blamed …": who holds a stance is often a place or an institution, so only
        # speech makes a name a person (a candidate antecedent for "he" / "she").
        if entry.source is not None and entry.item.cue not in STANCE_CUES:
            resolver.register(entry.source)
    for entry in pending:
        if entry.source is not None:
            speaker, role = resolver.resolve(entry.source, entry.anchor)
            speaker = canonical_speaker(speaker)
            if speaker is not None and not plausible_speaker(speaker):
                speaker, role = None, None  # a fullest form or a label that is words of a sentence
            entry.item.speaker, entry.item.role = _within_bounds(speaker), _within_bounds(role)
    _inherit_speakers([entry for entry in pending if entry.item.kind == "quote" or entry.source], is_text, paragraphs)


_POSSESSIVE = re.compile(r"'s?$")


def canonical_speaker(name: str | None) -> str | None:
    """One way to write one name, whatever the source wrote: single spaces, straight
    apostrophes, no trailing possessive, and a name in capitals (``DANA WHITFIELD``, from a
    transcript) in Title Case; so the same full name is the same string in every article."""
    if not name:
        return name
    name = " ".join(unicodedata.normalize("NFC", name).replace("’", "'").split())
    name = _POSSESSIVE.sub("", name) if name.endswith("'s") or name.endswith("s'") else name
    words = name.split()
    if len(words) > 1 and all(word.isupper() for word in words if any(c.isalpha() for c in word)):
        name = " ".join(word if len(word) <= 2 and word.endswith(".") else word.capitalize() for word in words)
    return name or None


# Suffixes after a surname: "Jane Doe II" is known as "Doe".
_SUFFIXES = frozenset("jr jr. sr sr. ii iii iv".split())
_NAME_WORD = re.compile(r"[A-Z][\w'.-]*")


def short_name(speaker: str | None) -> str | None:
    """The surname a full person name (``Jane Roe``, ``Jane Doe II``, two to four capitalised
    words, no organisation) is known by alone in other articles (``Roe``); None for anything
    else (a single word, a role, an organisation, a group)."""
    words = (speaker or "").split()
    if not 2 <= len(words) <= 4 or not all(_NAME_WORD.fullmatch(word) for word in words):
        return None
    if is_organisation(tuple(words)):
        return None
    while words and words[-1].lower() in _SUFFIXES:
        words.pop()
    return words[-1] if len(words) >= 2 and len(words[-1]) > 2 and not words[-1].endswith(".") else None


def _within_bounds(name: str | None) -> str | None:
    return name if name is None or len(name) <= MAX_SOURCE_CHARS else None


class SpeakerResolver:
    """Turns parsed sources into canonical speaker names, resolving pronouns in text order."""

    def __init__(self, names: NameBook, quoted: list[tuple[int, int]]) -> None:
        self.names = names
        # Names inside quotes are not antecedents for the speaker's pronoun.
        self._mentions = [m for m in names.mentions if not inside(m.start, quoted)]
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


def _inherit_speakers(entries: list[Pending], is_text: list[bool], paragraphs: list[tuple[int, int]]) -> None:
    """Unattributed quotes take the speaker of their paragraph's other quote (split quotes)
    or, when their paragraph has no attribution at all, of the previous paragraph."""
    by_paragraph: dict[int, list[Pending]] = {}
    text_before = [0, *accumulate(is_text)]  # text paragraphs before each paragraph
    for entry in entries:
        by_paragraph.setdefault(entry.item.paragraph, []).append(entry)
    last_speaker: tuple[str | None, str | None] = (None, None)
    last_paragraph = -2
    for paragraph in sorted(by_paragraph):
        group = by_paragraph[paragraph]
        spoken = [e for e in group if e.item.speaker]
        first_quote = next((e for e in spoken if e.item.kind == "quote"), None)
        donor = None
        for entry in group:
            if entry.item.kind == "quote" and entry.item.speaker:
                donor = entry  # the nearest earlier quote with a speaker in this paragraph
            if entry.item.kind != "quote" or entry.item.speaker or entry.attributed:
                continue
            donor = donor or first_quote
            if donor is not None:
                entry.item.speaker, entry.item.role = donor.item.speaker, donor.item.role
                entry.item.cue = entry.item.cue or donor.item.cue
            elif (
                not spoken
                and last_paragraph >= 0
                and text_before[paragraph] == text_before[last_paragraph + 1]  # only headings, links between
                and (entry.quote.continues or entry.quote.open_at == paragraphs[paragraph][0])
            ):
                entry.item.speaker, entry.item.role = last_speaker
                entry.attributed = entry.item.speaker is not None
        named = [e for e in group if e.item.speaker]
        if named:
            last_speaker = (named[-1].item.speaker, named[-1].item.role)
            last_paragraph = paragraph
