"""Extraction engine: claims, quotes, speakers, numbers and check-worthiness.

``extract(text, published, title)`` turns an article's cleaned text (paragraphs separated by
a line break) into :class:`~workbench.model.ExtractedItem` records, the headline (``title``,
a claim marked ``headline``) first, then in text order. One item per quotation: a quotation
interrupted by its attribution or running over paragraphs is one quote in several
``segments``; quoted words inside someone's reported speech or the writer's sentence are
marked in their claim (``quoted``), not an item of their own. An item's ``text`` is
``text[start:end]``, or its segments joined by a space (:func:`~workbench.model.segments_text`).

Modules, each importing only those below it:

* ``article``: the orchestrator, ``extract()``: the stages in order.
* ``quote_items`` (one item per quotation, with its attribution and form) and ``claims``
  (which sentences and clauses become claims, the headline among them).
* ``quote_forms``: direct or partial quotation, or none (titles, subheadings, scare quotes).
* ``attribution``: who said it (cue words, names, source phrases, attribution around quotes,
  reported speech, speaker resolution).
* ``quote_marks`` (quote spans from quotation marks), ``body_text`` (which paragraphs are
  text), ``sentences`` (segmentation), ``spans`` (offset helpers), ``numbers``,
  ``checkworthy``, ``version`` (the extractor's fingerprint).
* ``patterns``: regex helpers.
"""

from workbench.extract.article import extract
from workbench.extract.version import extractor_version

__all__ = ["extract", "extractor_version"]
