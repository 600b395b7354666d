"""The attribution lexicon: the words that say someone said (or holds) something.

Speech cue verbs and phrases (``said``, ``according to``), gerunds that introduce a partial
quote (``saying``), stance verbs whose object is what the subject holds (``called``,
``criticized``), and the adverbials that stand between a speaker and a cue.
"""

from __future__ import annotations

import re

from workbench.extract.patterns import alternation, at_end

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
proposed proposes cited cites expressed mentioned decried invoked implored blurted written advises advised
advise gushed refused refuses refuse expected sees see saw seemed seems considers considered agree agrees
offered offers issued released""".split()
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
    "talking about",
    "talk about",
    "said of",
    "spoke of",
    "railed against",
    "voted against",
    "campaigned against",
    "warned against",
    "argued against",
    "weighed in on",
    "commented on",
    "said about",
    "says about",
    "say about",
    "criticism of",
    "support for",
    "attack on",
    "attacks on",
    "concerns about",
    "questions about",
    "opposition to",
    "praise for",
    "calls for",
    "focused on",
    "comments about",
    "comments on",
    "remarks about",
]
# Cues whose object is more often a thing than someone's words ("offered a new visa", "knew
# the mayor", "claimed a victory", "announced new support"): only a marked content or a clause
# with an auxiliary after them is reported (contents.content_opening).
OBJECT_CUES = frozenset(
    """continued continues pledged know knows knew feel feels felt answers answered read reads determined figured
    echoed learned recognized recognised charged posted worried worry worries fear fears feared guessed reckoned
    repeated threatened claim claims claimed maintained maintains asked asks offered offers issued released wants
    want wanted plans planned seeks sought sees see saw refused refuses refuse considers considered cited cites
    expressed mentioned decried invoked proposed proposes announced announces tweeted tweets denied denies showed shows show found finds projected forecast estimated
    estimates predicted predicts recalled recalls recounted demanded promised vowed expect expects expected
    hoped hopes hope written advises advised advise""".split()
)
# Gerunds that introduce a partial quote without naming the speaker again.
_CUE_GERUNDS = """saying accusing calling describing arguing adding insisting claiming warning noting
dubbing labeling labelling branding blaming urging telling writing declaring promising vowing
denouncing praising yelling shouting chanting tweeting asking answering joking stating explaining
recalling citing suggesting acknowledging announcing predicting questioning criticizing supporting seeking
pointing pledging defending attacking mocking slamming blasting dismissing rejecting demanding arguing
touting""".split()
CUE_WORDS = frozenset(_CUE_VERBS)
CUE = alternation(set(_CUE_PHRASES + _CUE_VERBS))
# "According to" opens sentences; the verbs are matched in lower case only ("Reports", "States" are names).
CUE_RE = re.compile(rf"\b(?:{CUE}|According to)\b")
GERUND_RE = re.compile(rf"\b{alternation(_CUE_GERUNDS)}\b", re.IGNORECASE)

# Stance verbs whose object is what the subject holds; bare forms ("support", "attack") are
# more often nouns, so only inflected ones count.
STANCE_VERBS = """called calls described describes criticized criticizes criticised endorsed endorses defended
defends praised praises blasted blasts attacked slammed slams rejected rejects dismissed dismisses questioned
mocked mocks condemned condemns supported supports opposed opposes backed welcomed denounced denounces touted
touts accused accuses blamed blames urged urges""".split()
STANCE_CUES = frozenset(STANCE_VERBS)
# Demands and proposals: like a stance, the subject with its object is the claim ("The union
# demanded a pay rise of 5 percent").
DEMANDS = frozenset("demanded demands demand proposed proposes".split())
_PREPOSITIONS = (" for", " on", " about", " against", " of", " to")


def holds_object(cue: str) -> bool:
    """A stance, a demand or a cue ending in a preposition (``blamed``, ``demanded``, ``called
    for``): its object is what the subject holds, and the subject's whole clause is the claim."""
    return cue in STANCE_CUES or cue in DEMANDS or cue.endswith(_PREPOSITIONS)


# Cue words that, in final position, are more often nouns ("the Baltic states").
NOUN_LIKE_WORDS = "states reports claims notes estimates charges posts tweets thinks".split()

# Common irregular past forms: a verb of a clause of its own ("After the ministry cut the budget, …",
# "Okafor spoke for twenty minutes, adding …").
IRREGULAR_PAST = alternation(
    """cut put set hit made took gave won lost met left held ran grew fell rose sold bought paid spent built sent
    kept brought began became went came saw got led drew fought struck shut quit spoke stood sat thought knew
    found told wrote""".split()
)

# Words between a subject and its cue: "X has also said", "Y reportedly told".
ADVERBS = r"(?:also|later|then|previously|once|has|had|have|would|will|reportedly|further|again|recently|repeatedly|publicly|privately|earlier|separately)"
DAYS = r"(?:Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday)"

# Cue words that are nouns too ("the reality show", "his claims"), and what shows it.
_NOUN_ABLE = frozenset(
    """show shows claim claims note notes estimate estimates post posts tweet tweets plan plans hope hopes fear
    fears worry worries answer answers reply replies read reads want wants report reports""".split()
)
_DETERMINER_END = re.compile(r"\b(?:the|a|an|this|that|these|those|his|her|its|their|our|my|your)\s+(?:[a-z-]+\s+)?$")


def is_noun(text: str, cue: re.Match) -> bool:
    """``the reality show``, ``a claim``, ``his plans``: a cue word that can be a noun, after a
    determiner."""
    return cue.group().strip() in _NOUN_ABLE and at_end(_DETERMINER_END, text, cue.start()) is not None
