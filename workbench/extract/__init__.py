"""Extraction engine: claims, quotes, speakers, numbers and check-worthiness.

``extract(text, published)`` turns an article's cleaned text (paragraphs separated by a
blank line) into :class:`~workbench.model.ExtractedItem` records in text order. Every
item's ``text`` equals ``text[start:end]``. Quotes are emitted one item per quoted
segment (a quote split by its attribution, or running over paragraphs, gives several
items with the same speaker).

Modules, each importing only those below it:

* ``article``: the orchestrator, ``extract()``: the stages in order.
* ``quote_items`` (one item per quote, with its attribution and form) and ``claims``
  (which sentences and clauses become claims).
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
