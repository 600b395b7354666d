"""Word lists the matcher uses to see through rewording.

Small and hand-made on purpose: every entry is a rewrite seen in news copy (a
reporting verb swapped, "firm" for "company", "rose" for "increased"). Groups map
every variant to the first word, so both sides of a pair end up with the same token.
"""

from __future__ import annotations

import re

# Function words, reporting verbs and hedges: rewrites add, drop and swap them freely,
# so they carry no evidence that two sentences state the same thing.
STOPWORDS = frozenset(
    """
    a about above according across added adding after again against ago all almost also although am among an and
    another any approximately are around as at be because been before being below between both but by can could
    did do does doing down during each either else even ever every few for from further had has have having he
    her here hers herself him himself his how however i if in including into is it its itself just last least less
    let like may me might more most much must my myself near nearly neither no nor not now of off on once one only
    or other our ours ourselves out over own per perhaps quite rather really roughly said same say saying says she
    should since so some such than that the their theirs them themselves then there these they this those though
    through thus to told too toward towards under until up upon us very via was we were what when where whether
    which while who whom whose why will with within without would yet you your yours yourself yourselves
    stated claimed explained insisted noted argued adds tell tells telling reportedly reported
    officials official spokesman spokeswoman spokesperson
    """.split()
)

SYNONYM_GROUPS = [
    "company firm business corporation enterprise",
    "increase rise rose risen rising grow grew grown growth climb climbed jump jumped surge surged soar soared gain "
    "gained increased",
    "decrease fall fell fallen falling drop dropped decline declined plunge plunged slump slumped dip dipped shrink "
    "shrank shrunk decreased",
    "kill killed die died dead death deaths slain",
    "injure injured wound wounded hurt",
    "government administration authorities",
    "buy bought purchase purchased acquire acquired",
    "sell sold",
    "begin began begun start started launch launched commence commenced",
    "end ended finish finished conclude concluded halt halted stop stopped",
    "big large huge major massive",
    "small little minor tiny",
    "show showed shown reveal revealed indicate indicated",
    "people persons individuals",
    "child children kid kids",
    "country nation",
    "election vote ballot",
    "protest protests demonstration demonstrations rally rallies",
    "police officer officers cop cops",
    "home house",
    "car vehicle",
    "cost price",
    "money funds cash",
    "law legislation",
    "attack strike assault",
    "arrest arrested detain detained apprehend apprehended",
    "announce announced declare declared unveil unveiled",
    "ban banned prohibit prohibited forbid forbidden",
    "plan scheme proposal",
    "build built construct constructed",
    "reject rejected refuse refused dismiss dismissed",
    "need require required",
    "try tried attempt attempted",
    "make made",
    "pay paid",
    "win won",
    "lose lost",
    "leave left",
    "hold held",
    "meet met meeting",
    "think thought believe believed",
    "fight fought battle",
    "rule ruled",
    "bn billion",
    "mn million",
    "percent pc per-cent",
    "job jobs employment",
    "worker workers employee employees staff",
    "doctor doctors physician physicians",
    "vaccine vaccines jab jabs",
]

# Sentences that are furniture of a news page, not statements anyone checks.
BOILERPLATE = re.compile(
    r"all rights reserved|copyright|\bclick here\b|\bsubscribe\b|\bnewsletter\b|\bsign up\b|"
    r"\bfollow us\b|\bread more\b|contributed (?:to this )?report|\bcookies?\b|\bterms of (?:use|service)\b|"
    r"\bprivacy policy\b|\bdid not (?:immediately )?respond to (?:a )?requests? for comment\b|"
    r"\bcould not be reached for comment\b|\bdeclined to comment\b",
    re.IGNORECASE,
)
# A sentence can only match BOILERPLATE if it has one of these words: a set lookup is
# far cheaper than running the pattern on every item.
BOILERPLATE_WORDS = frozenset(
    "rights copyright click subscribe newsletter sign follow read contributed report cookie cookies terms "
    "privacy respond reached declined".split()
)
