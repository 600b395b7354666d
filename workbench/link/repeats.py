"""Repeats: items that say exactly the same thing, grouped by a hash in O(n).

A claim syndicated to 5,000 sources is 5,000 items with one :func:`.corpus.exact_key`.
Comparing them pairwise would cost 12.5 million pairs and store as many links; instead
each group has a *representative* (its first item), every other member is linked to it
alone (a star: K - 1 links for K copies), and only the representative takes part in
blocking, the meaning search and scoring. Whatever the representative links to, its
cluster takes the whole group along.

Links join items of different sources only: a member from the representative's own
source is linked to the group's *alternate* instead, the first member from another
source; a group whose members all come from one source links nothing.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np


@dataclass
class Repeats:
    """``representatives``: each group's first item (a position); ``group_of``:
    each item's group (an index into ``representatives``); ``alternates``: each group's
    first member from another source than its representative's, or -1; ``star``: the
    pairs ``(member, partner)`` that hold the groups together."""

    representatives: np.ndarray
    group_of: np.ndarray
    alternates: np.ndarray
    star: tuple[np.ndarray, np.ndarray]


def repeat_groups(exact: np.ndarray, sources: np.ndarray) -> Repeats:
    """Group items (positions ``0 .. len(exact) - 1``) by their exact key."""
    count = len(exact)
    order = np.lexsort((np.arange(count), exact))  # by key, then position: the first is the smallest
    if not count:
        empty = np.zeros(0, dtype=np.int64)
        return Repeats(empty, empty, empty, (empty, empty))
    starts = np.flatnonzero(np.r_[True, exact[order][1:] != exact[order][:-1]])
    sizes = np.diff(np.r_[starts, count])
    group_sorted = np.repeat(np.arange(len(starts)), sizes)
    representatives = order[starts]
    group_of = np.empty(count, dtype=np.int64)
    group_of[order] = group_sorted
    # The alternate: the first member (in sorted order) whose source differs.
    differs = sources[order] != sources[representatives][group_sorted]
    first_other = np.minimum.reduceat(np.where(differs, np.arange(count), count), starts)
    alternates = np.where(first_other < count, order[np.minimum(first_other, count - 1)], -1)
    members = order[np.flatnonzero(np.diff(np.r_[-1, group_sorted]) == 0)]  # all but each group's first
    partners = np.where(
        sources[members] != sources[representatives[group_of[members]]],
        representatives[group_of[members]],
        alternates[group_of[members]],
    )
    keep = partners >= 0
    return Repeats(representatives, group_of, alternates, (members[keep], partners[keep]))


def across_sources(
    repeats: Repeats, sources: np.ndarray, a: np.ndarray, b: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """Candidate pairs of representatives as pairs of items from different sources: where
    both representatives share a source, one side is replaced by its group's alternate
    (any member says the same); pairs with no such member are dropped."""
    a, b = a.copy(), b.copy()
    same = sources[a] == sources[b]
    alternate_a = repeats.alternates[repeats.group_of[a]]
    alternate_b = repeats.alternates[repeats.group_of[b]]
    use_a = same & (alternate_a >= 0)
    a[use_a] = alternate_a[use_a]
    use_b = same & ~use_a & (alternate_b >= 0)
    b[use_b] = alternate_b[use_b]
    keep = sources[a] != sources[b]
    return a[keep], b[keep]
