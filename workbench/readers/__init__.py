"""Corpus readers: files and folders in, cleaned :class:`~workbench.model.Article` records out.

Built in: ``.txt`` and ``.md`` (optional ``key: value`` header block), ``.html``/``.htm``
(trafilatura), ``.pdf`` (pypdf) and ``.jsonl``/``.json`` (one article per record); each
format is a module that registers a :class:`Reader` (see :mod:`.registry`).
Every problem with a file or record becomes a :class:`ReadFailure` naming it and the
reason, never an exception, so one bad file never stops a batch. Only regular files are
read, never past a size limit; every string that comes out can be stored and printed
(:func:`storable_text`: a file name that is not UTF-8 shows its bytes as ``\\xNN``).
"""

from __future__ import annotations

from .decode import storable_text
from .discovery import discover
from .dispatch import read_article, read_path
from .failures import ReadError, ReadFailure
from .registry import Reader, plugin_problems, register, unregister

__all__ = [
    "ReadError",
    "ReadFailure",
    "Reader",
    "discover",
    "plugin_problems",
    "read_article",
    "read_path",
    "register",
    "storable_text",
    "unregister",
]
