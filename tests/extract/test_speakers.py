"""Every speaker the extractor emits is someone (issue 13): a name, a role (``the spokesman``),
an organisation or a document (``the report``), never a fragment of the sentence; and one
person is one speaker string.

The plausibility check below is written for these tests, apart from the extractor's own rules:
it is run on the fixture articles, on the articles of the other extraction tests and, when the
shared datasets are on this machine, on every article of PolNeAR's dev split.
"""

from __future__ import annotations

import re

import pytest
from outlets import ARTICLES
from paths import FIXTURES, ROOT

from workbench.extract import extract
from workbench.extract.attribution.speakers import canonical_speaker
from workbench.readers import read_article

POLNEAR_DEV = ROOT.parent / "shared" / "datasets" / "polnear" / "dev" / "text"

_AUXILIARIES = frozenset(
    """is are was were be been being am has have had having do does did will would shall should can could may
    might must""".split()
)
_SPEECH_VERBS = frozenset(
    """said says say told tells tell added adds wrote writes stated claimed claims argued argues asked asks
    noted notes warned warns insisted explained replied responded announced declared believes believed thinks
    thought""".split()
)
_DANGLING = frozenset(
    """and or but nor of to in on at for with by from about as than that which who whom whose what when where
    while because if the a an this these those his her its their our my your no another""".split()
)
_PRONOUNS = frozenset("i we you he she it they me us him them one".split())
# A speaker may open with a determiner ("the report", "his campaign", "some").
_DETERMINERS = frozenset("that the a an this these those his her its their our my your some another no any".split())
_COMPLEMENTIZER = "that"  # "that all" (from "said that all …"); "That letter" is a determiner
_PARTICIPLES = frozenset("polled surveyed asked interviewed questioned contacted sampled based named elected".split())
_ADVERBS = frozenset("then also later again never just only once still first".split())
_PARTY = re.compile(r"^[DRI]-[A-Z][a-z]*\.?$")
_NOUNS_IN_LY = frozenset("family ally assembly rally supply monopoly anomaly".split())
_CONTRACTION = re.compile(r"n[’']t$|[’'](?:re|ve|ll|d|m)$", re.IGNORECASE)
_PRONOUN_IS = re.compile(r"^(?:he|she|it|that|there|what|who)[’']s$", re.IGNORECASE)


def _after_a_name(words: list[str], index: int) -> bool:
    """Whether ``words[index]`` follows a name, maybe with an adverb between."""
    before = words[index - 1]
    if (before.endswith("ly") or before in _ADVERBS) and index > 1:
        before = words[index - 2]
    return before[:1].isupper() and before.lower() not in _DANGLING


def implausible(speaker: str) -> str | None:
    """Why ``speaker`` is not someone who can say something, or None when it can be."""
    words = speaker.split()
    if not words or not any(character.isalpha() for character in speaker):
        return "no letters"
    if re.search(r"[:;“”\"]|^[’'(]|[’'(]$", speaker):
        return "punctuation of a sentence"
    if speaker.lower() in _PRONOUNS:
        return "a bare pronoun"
    if _PARTY.match(speaker):
        return "a party label"
    lowered = [word.lower().strip(",.") for word in words]
    if words[0] == _COMPLEMENTIZER or lowered[-1] in _DANGLING or lowered[0] in _DANGLING - _DETERMINERS:
        return "a dangling function word"
    for index, word in enumerate(lowered):
        if (word in _AUXILIARIES and words[index].islower()) or _CONTRACTION.search(word) or _PRONOUN_IS.match(word):
            return f"a verb ({word})"
        if word in _SPEECH_VERBS and not words[index][:1].isupper():
            return f"a verb ({word})"
        participle = word in _PARTICIPLES  # "Cuban-Americans polled"
        if word.endswith("ed") and not participle and index and words[index].islower() and _after_a_name(words, index):
            return f"a verb after a name ({word})"  # "Politifact seized", "Schlafly then discussed"
    if lowered[-1].endswith("ly") and lowered[-1] not in _NOUNS_IN_LY and not words[-1][:1].isupper():
        return f"an adverb ({words[-1]})"  # "Cruz openly"
    if lowered[0].endswith("ing") and (words[0].islower() or (len(words) > 1 and lowered[1] in _DANGLING)):
        return f"a participle clause ({words[0]})"  # "Making the rounds on …"
    return None


def test_the_check_tells_fragments_from_speakers():
    speakers = ["Dana Whitfield", "the spokesman", "the report", "Harbor Freight Lines", "52 percent", "Jane Doe II"]
    speakers += ["registered voters", "The Clinton family", "F.A.A. records", "Sen. Ted Cruz", "one source"]
    speakers += ["Some 56 percent of Cuban-Americans polled"]
    fragments = ["up from the first estimate", "calling the", "his remarks and", "D-Mo", "Cruz openly", "I didn’t"]
    fragments += ["Trump has not yet", "Making the rounds on the Sunday morning", "A: I", "of their", "”", "1,200"]
    fragments += ["Schlafly then discussed Trump’s", "those who", "he's", "refusing to"]
    assert [s for s in speakers if implausible(s)] == []
    assert [s for s in fragments if not implausible(s)] == ["up from the first estimate"]  # words, no verb


def _speakers(texts: list[str]) -> list[tuple[str, str]]:
    return [(item.speaker, item.text) for text in texts for item in extract(text) if item.speaker]


def _failures(texts: list[str]) -> list[tuple[str, str, str]]:
    return [(speaker, why, text[:80]) for speaker, text in _speakers(texts) if (why := implausible(speaker))]


def test_every_speaker_of_the_fixtures_and_test_articles_is_someone():
    texts = [read_article(path).text for path in sorted(FIXTURES.glob("*.txt"))]
    texts += ARTICLES
    assert len(_speakers(texts)) > 80
    assert _failures(texts) == []


@pytest.mark.skipif(not POLNEAR_DEV.is_dir(), reason="PolNeAR is not on this machine")
def test_every_speaker_on_polnear_dev_is_someone():
    texts = [path.read_text(encoding="utf-8") for path in sorted(POLNEAR_DEV.glob("*.txt"))]
    assert len(_speakers(texts)) > 1000
    assert _failures(texts) == []


@pytest.mark.parametrize(
    ("written", "canonical"),
    [
        ("Dana  Whitfield", "Dana Whitfield"),
        ("DANA WHITFIELD", "Dana Whitfield"),
        ("Beto O’Rourke", "Beto O'Rourke"),
        ("Dana Whitfield’s", "Dana Whitfield"),
        ("Jane Doe II", "Jane Doe II"),
        ("the spokesman", "the spokesman"),
    ],
)
def test_one_full_name_is_one_string_across_sources(written, canonical):
    assert canonical_speaker(written) == canonical
