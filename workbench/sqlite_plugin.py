"""SQL functions for scripting the database, as a sqlite-utils plugin.

Registered under ``[project.entry-points.sqlite_utils]``, so every ``sqlite-utils``
command and every ``sqlite_utils.Database`` (the workbench's own connections
included) can call::

    fuzz_ratio(a, b)             fuzz_partial_ratio(a, b)
    fuzz_token_set_ratio(a, b)   fuzz_token_sort_ratio(a, b)
    workbench_normalise(text)

The ``fuzz_*`` functions are RapidFuzz's scores (0-100, a float) of the two strings
after RapidFuzz's ``default_process`` (lower-cased, punctuation and surrounding space
removed), so "Unemployment fell." matches "unemployment fell"; they return NULL when
either argument is NULL. ``workbench_normalise`` is the normalisation item ids are
derived from, so ``workbench_normalise(a) = workbench_normalise(b)`` is the
workbench's own notion of "the same sentence".
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable

from sqlite_utils import hookimpl


def _scorer(name: str) -> Callable[[object, object], float | None]:
    def score(a: object, b: object) -> float | None:
        if a is None or b is None:
            return None
        # Imported on first use: loading plugins must stay cheap for every sqlite-utils call.
        from rapidfuzz import fuzz, utils

        return getattr(fuzz, name)(str(a), str(b), processor=utils.default_process)

    return score


def canonical_text(text: object) -> str | None:
    """:func:`workbench.store.identity.canonical_text` made NULL-safe (imported on first use)."""
    if text is None:
        return None
    from .store.identity import canonical_text as identity_text

    return identity_text(str(text))


FUNCTIONS: dict[str, tuple[int, Callable]] = {
    "fuzz_ratio": (2, _scorer("ratio")),
    "fuzz_partial_ratio": (2, _scorer("partial_ratio")),
    "fuzz_token_set_ratio": (2, _scorer("token_set_ratio")),
    "fuzz_token_sort_ratio": (2, _scorer("token_sort_ratio")),
    "workbench_normalise": (1, canonical_text),
}


def register_functions(conn: sqlite3.Connection) -> None:
    """Register the workbench SQL functions on ``conn`` (deterministic, so usable in indexes and views)."""
    for name, (arity, function) in FUNCTIONS.items():
        conn.create_function(name, arity, function, deterministic=True)


@hookimpl
def prepare_connection(conn: sqlite3.Connection) -> None:
    """sqlite-utils hook: called for every new ``Database``."""
    register_functions(conn)
