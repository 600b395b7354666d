"""Cross-linking: the same claim or quote across sources.

``link_items`` finds pairs of items from different sources that state the same thing
(writing ``links``, ``items.cluster_id``), ``set_link_state`` records a reviewer's
decision on one, ``word_diff`` shows how two versions of a quote differ,
``cluster_members`` lists an item's cluster and ``cluster_page`` / ``cluster_size`` read a
cluster of any size a page at a time. See ``db/LINKING.md`` for the tables.
"""

from .clusters import cluster_members, cluster_page, cluster_size
from .decisions import STATES, LinkError, set_link_state
from .drift import word_diff
from .linker import LinkSummary, link_items
from .meaning import MeaningError
from .scoring import DEFAULT_THRESHOLD

__all__ = [
    "DEFAULT_THRESHOLD",
    "STATES",
    "LinkError",
    "LinkSummary",
    "MeaningError",
    "cluster_members",
    "cluster_page",
    "cluster_size",
    "link_items",
    "set_link_state",
    "word_diff",
]
