"""What the review screen does with the highlighted item's context: the article around it,
its source, its links made or undone by hand. Mixed into :class:`~.review_screen.ReviewScreen`."""

from __future__ import annotations


class ContextActions:
    """The review screen's actions on an item's context (its keys: the context block of :data:`.keys.KEYS`)."""
