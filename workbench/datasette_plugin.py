"""The workbench SQL functions in Datasette (``pip install 'workbench[datasette]'``).

Registered under ``[project.entry-points.datasette]``. Datasette is optional: without
it this module still imports (the hook marker is then a no-op) and nothing uses it.
"""

from __future__ import annotations

import sqlite3

from .sqlite_plugin import register_functions

try:
    from datasette import hookimpl
except ImportError:  # Datasette not installed: keep the function, skip the marker.

    def hookimpl(function):
        return function


@hookimpl
def prepare_connection(conn: sqlite3.Connection) -> None:
    """Datasette hook: called for every connection Datasette opens."""
    register_functions(conn)
