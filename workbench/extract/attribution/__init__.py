"""Who said it: attribution of quotes and reported speech to speakers.

Modules, each importing only those below it:

* ``speakers``: canonical speaker names in text order (pronouns, inherited speakers; one
  person one string, never a fragment of a sentence).
* ``around_quotes`` (the attribution around a quote's marks), ``reported`` (reported speech
  inside a sentence) and ``pending`` (an item waiting for its speaker).
* ``sources`` (source phrases: a name or noun phrase and its role; the subject of a cue; what
  is a fragment, not someone) and ``contents`` (where reported content ends).
* ``cues`` (the attribution lexicon) and ``names`` (capitalised names of the article).
"""
